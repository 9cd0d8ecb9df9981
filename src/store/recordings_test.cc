// Recordings in the store, on SQLite and on a real PostgreSQL: rows in and out, and retention
// that deletes the files with their rows (and audits it).

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "store/store.h"
#include "store/testing/backend_test.h"
#include "store/testing/postgres_server.h"

namespace sb::store {
namespace {

constexpr std::int64_t kDay0 = 1748822400000;  // 2025-06-02T00:00Z
constexpr std::int64_t kDayMs = 86400000;

class RecordingsTest : public testing::BackendTest {
 protected:
  RecordingsTest() : BackendTest("rec") {}
  Recording File(std::uint64_t contact, std::int64_t started_ms) {
    Recording r;
    r.contact = contact;
    r.path = (dir_ / ("call-" + std::to_string(contact) + ".wav")).string();
    std::ofstream(r.path) << "RIFF....WAVE";
    r.started_ms = started_ms;
    r.duration_ms = 61'500;
    r.bytes = 12;
    r.queue = "support";
    r.agent = "sup-001";
    return r;
  }
};

TEST_P(RecordingsTest, RowsGoInAndComeBackByStart) {
  Recording a = File(1, kDay0), b = File(2, kDay0 + kDayMs);
  b.cut_short = true;
  auto ida = store_->AddRecording(a);
  auto idb = store_->AddRecording(b);
  ASSERT_TRUE(ida.ok()) << ida.status().ToString();
  ASSERT_TRUE(idb.ok());
  EXPECT_NE(*ida, *idb);
  a.id = *ida;
  b.id = *idb;
  auto all = store_->ReadRecordings(FromMillis(0), FromMillis(kDay0 + 2 * kDayMs));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], a);
  EXPECT_EQ((*all)[1], b);
  EXPECT_EQ(store_->ReadRecordings(FromMillis(kDay0 + 1), FromMillis(kDay0 + 2 * kDayMs))->size(),
            1u);
  EXPECT_EQ(store_->Info()->recordings, 2);
}

TEST_P(RecordingsTest, RefusesBadRows) {
  Recording r = File(1, kDay0);
  r.path = "relative.wav";
  EXPECT_EQ(store_->AddRecording(r).status().code(), StatusCode::kInvalidArgument);
  r = File(1, kDay0);
  r.agent = std::string("a\0b", 3);
  EXPECT_EQ(store_->AddRecording(r).status().code(), StatusCode::kInvalidArgument);
  r = File(1, kDay0);
  r.duration_ms = -1;
  EXPECT_EQ(store_->AddRecording(r).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Info()->recordings, 0);
}

TEST_P(RecordingsTest, RetentionDeletesTheFilesWithTheRowsAndAuditsIt) {
  const Recording old_one = File(1, kDay0), new_one = File(2, kDay0 + 40 * kDayMs);
  Recording vanished = File(3, kDay0 + kDayMs);
  ASSERT_TRUE(store_->AddRecording(old_one).ok());
  ASSERT_TRUE(store_->AddRecording(new_one).ok());
  ASSERT_TRUE(store_->AddRecording(vanished).ok());
  std::filesystem::remove(vanished.path);  // deleted by hand: the row still goes

  RetentionPolicy keep_forever;
  auto none = store_->Purge(keep_forever, FromMillis(kDay0 + 45 * kDayMs));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->recordings, 0);
  EXPECT_TRUE(std::filesystem::exists(old_one.path));

  RetentionPolicy p;
  p.recordings_days = 30;
  auto r = store_->Purge(p, FromMillis(kDay0 + 45 * kDayMs));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->recordings, 2);
  EXPECT_EQ(r->recording_files_failed, 1);  // the one deleted by hand
  EXPECT_FALSE(std::filesystem::exists(old_one.path));
  EXPECT_TRUE(std::filesystem::exists(new_one.path));
  auto left = store_->ReadRecordings(FromMillis(0), FromMillis(kDay0 + 100 * kDayMs));
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].path, new_one.path);
  AuditQuery q;
  q.user = "system";
  auto audit = store_->ReadAudit(q);
  ASSERT_FALSE(audit->empty());
  EXPECT_NE(audit->back().detail.find("recordings=2"), std::string::npos) << audit->back().detail;
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordingsTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Postgres" : "Sqlite"; });

}  // namespace
}  // namespace sb::store
