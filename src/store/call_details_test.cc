// Call details written in two steps, on SQLite and on a real PostgreSQL: a callback's outcome
// (a CallDetail without invite_ms, written when the callback ends) sets only its three columns
// of the call's row, and the caller's row written after it keeps them (migration 8).

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "store/store.h"
#include "store/testing/backend_test.h"
#include "store/testing/postgres_server.h"

namespace sb::store {
namespace {

constexpr std::int64_t kDay0 = 1748822400000;  // 2025-06-02T00:00Z
constexpr std::int64_t kDayMs = 86400000;

class CallDetailsTest : public testing::BackendTest {
 protected:
  CallDetailsTest() : BackendTest("cd") {}
  void Put(const CallDetail& c) {
    WriteBatch b;
    b.calls = {c};
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  std::vector<CallDetail> Read() {
    auto got = store_->ReadCallDetails(FromMillis(kDay0), FromMillis(kDay0 + kDayMs));
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::vector<CallDetail>{};
  }
};

CallDetail ACall() {
  CallDetail c;
  c.contact = 9;
  c.call_id = "3848276298220188511@192.0.2.7";
  c.trunk = "carrier";
  c.caller = "+33612345678";
  c.dialled = "ivr";
  c.invite_ms = kDay0 + 1000;
  c.answered_ms = kDay0 + 1020;
  c.ended_ms = kDay0 + 9000;
  c.ended_by = "system";
  c.cause = "bye";
  c.status = 200;
  c.hold_count = 1;
  c.hold_ms = 2500;
  return c;
}

TEST_P(CallDetailsTest, ACallbacksOutcomeSetsOnlyItsColumnsAndTheCallersRowKeepsThem) {
  CallDetail c = ACall();
  Put(c);
  CallDetail outcome;
  outcome.contact = 9;
  outcome.callback_attempts = 3;
  outcome.callback_status = 404;
  outcome.callback_cause = "unreachable";
  Put(outcome);
  c.callback_attempts = 3;
  c.callback_status = 404;
  c.callback_cause = "unreachable";
  auto got = Read();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], c);
  // The caller's row again (as if it came second): the outcome stays.
  Put(ACall());
  got = Read();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], c);
}

TEST_P(CallDetailsTest, AnOutcomeWithoutTheCallersRowIsKeptUntilTheRowComes) {
  CallDetail outcome;
  outcome.contact = 9;
  outcome.callback_attempts = 1;
  outcome.callback_status = 486;
  outcome.callback_cause = "busy";
  Put(outcome);
  EXPECT_TRUE(Read().empty());  // no invite time yet: outside every range read
  Put(ACall());
  auto got = Read();
  ASSERT_EQ(got.size(), 1u);
  CallDetail want = ACall();
  want.callback_attempts = 1;
  want.callback_status = 486;
  want.callback_cause = "busy";
  EXPECT_EQ(got[0], want);
}

INSTANTIATE_TEST_SUITE_P(Backends, CallDetailsTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Postgres" : "Sqlite"; });

}  // namespace
}  // namespace sb::store
