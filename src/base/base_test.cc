#include <gtest/gtest.h>

#include "base/ids.h"
#include "base/result.h"
#include "base/status.h"
#include "base/time.h"

namespace sb {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return InvalidArgument("expected a positive number, got " + std::to_string(v));
  return v;
}

Status Chain(int v) {
  SB_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return x > 10 ? OutOfRange("too big") : Status::Ok();
}

TEST(Status, OkIsEmptyAndErrorsCarryCodeAndMessage) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "OK");
  Status bad = NotFound("agent a9");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), StatusCode::kNotFound);
  EXPECT_EQ(bad.ToString(), "NotFound: agent a9");
  Status copy = bad;
  EXPECT_EQ(copy.message(), "agent a9");
  EXPECT_EQ(bad.WithContext("queues.toml").message(), "queues.toml: agent a9");
}

TEST(Result, PropagatesErrorsThroughMacros) {
  EXPECT_TRUE(Chain(5).ok());
  EXPECT_EQ(Chain(-1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Chain(11).code(), StatusCode::kOutOfRange);
  Result<int> r = ParsePositive(3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 3);
}

TEST(Result, ErrorFromOkStatusBecomesInternal) {
  Result<int> r{Status::Ok()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(Ids, AreTypedAndComparable) {
  AgentId a{3}, b{4};
  EXPECT_LT(a, b);
  EXPECT_FALSE(AgentId{}.valid());
  static_assert(!std::is_convertible_v<AgentId, QueueId>);
}

TEST(Time, FormatsUtc) {
  EXPECT_EQ(FormatTime(FromMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTime(FromMillis(1795420800123)), "2026-11-23T08:00:00.123Z");
}

}  // namespace
}  // namespace sb
