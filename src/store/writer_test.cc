#include "store/writer.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/testing/postgres_server.h"
#include "store/testing/temp_dir.h"

namespace sb::store {
namespace {

constexpr std::int64_t kDay0 = 1748822400000;

core::Event Ready(std::uint32_t agent, std::int64_t at_ms) {
  return core::AgentReady{FromMillis(at_ms), AgentId{agent}};
}

using testing::Eventually;
using testing::TempDir;

std::unique_ptr<Store> Open(const std::string& url) {
  auto s = OpenStore(url);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

WriterOptions Quiet(std::vector<std::string>* log = nullptr) {
  WriterOptions o;
  static std::mutex mu;
  o.log = [log](const std::string& line) {
    std::lock_guard lock(mu);
    if (log) log->push_back(line);
  };
  return o;
}

TEST(StoreWriter, CommitsWritesFromSeveralThreadsInGroups) {
  const std::string dir = TempDir("group");
  const std::string url = "sqlite:" + dir + "/store.db";
  std::uint64_t last = 0;
  WriterHealth h;
  {
    StoreWriter w(Open(url), Quiet());
    std::vector<std::thread> producers;
    std::atomic<std::uint64_t> max_ticket{0};
    for (std::uint32_t t = 0; t < 2; ++t) {
      producers.emplace_back([&, t] {
        for (int i = 0; i < 20000; ++i) {
          const std::uint64_t ticket = w.Post(Ready(t, kDay0 + i));
          std::uint64_t seen = max_ticket.load();
          while (ticket > seen && !max_ticket.compare_exchange_weak(seen, ticket)) {
          }
        }
      });
    }
    for (auto& p : producers) p.join();
    last = max_ticket.load();
    ASSERT_TRUE(w.WaitDurable(last, Duration(30000)));
    h = w.health();
  }
  EXPECT_EQ(last, 40000u);
  EXPECT_EQ(h.durable, 40000u);
  EXPECT_FALSE(h.alarm);
  EXPECT_LT(h.commits, 40000u);  // grouped: far fewer transactions than writes
  auto store = Open(url);
  auto events = store->ReadEvents(FromMillis(0), FromMillis(kDay0 + 100000));
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 40000u);
  // Each producer's events keep their order.
  std::int64_t last_at[2] = {-1, -1};
  for (const StoredEvent& e : *events) {
    const auto& r = std::get<core::AgentReady>(e.event);
    EXPECT_GT(ToMillis(r.at), last_at[r.agent.value]);
    last_at[r.agent.value] = ToMillis(r.at);
  }
  std::filesystem::remove_all(dir);
}

TEST(StoreWriter, AWriteTheStoreRefusesIsSetAsideAndBlocksNothing) {
  const std::string dir = TempDir("dead");
  const std::string url = "sqlite:" + dir + "/store.db";
  std::vector<std::string> log;
  std::vector<std::uint64_t> durable_seen;
  {
    WriterOptions o = Quiet(&log);
    std::mutex mu;
    o.on_durable = [&](std::uint64_t t) {
      std::lock_guard lock(mu);
      durable_seen.push_back(t);
    };
    StoreWriter w(Open(url), o);
    Cdr bad;
    bad.contact = 7;
    bad.caller = std::string(70'000, '1');  // past kMaxTextBytes: Commit would refuse the batch
    ASSERT_EQ(w.Post(bad), 1u);
    ASSERT_EQ(w.Post(AuditEntry{0, kDay0, "u\xff", "record.view", "record:1", 7, 0, ""}), 2u);
    ASSERT_EQ(w.Post(Ready(1, kDay0)), 3u);
    Cdr good;
    good.contact = 8;
    good.caller = "+331";
    ASSERT_EQ(w.Post(good), 4u);
    ASSERT_TRUE(w.WaitDurable(4, Duration(10000)));  // the writes behind the bad ones go on
    EXPECT_EQ(w.health().dead_letters, 2u);
    EXPECT_FALSE(w.health().alarm);
  }
  ASSERT_FALSE(durable_seen.empty());
  EXPECT_EQ(durable_seen.back(), 4u);  // told, without polling
  auto store = Open(url);
  auto info = store->Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->events, 1);
  EXPECT_EQ(info->cdrs, 1);
  EXPECT_EQ(info->dead_letters, 2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_NE(log[0].find("CDR caller is 70000 bytes long"), std::string::npos) << log[0];
  EXPECT_NE(log[1].find("not valid UTF-8"), std::string::npos) << log[1];
  std::filesystem::remove_all(dir);
}

TEST(StoreWriter, ACallRunsAfterEverythingPostedBeforeItIsCommitted) {
  const std::string dir = TempDir("call");
  StoreWriter w(Open("sqlite:" + dir + "/store.db"), Quiet());
  for (int i = 0; i < 500; ++i) (void)w.Post(Ready(1, kDay0 + i));
  auto seq = w.Call([](Store& s) { return s.LastEventSeq(); }).get();
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 500);
  auto created = w.Call([](Store& s) {
                    return s.CreateCase(CaseHeader{0, "ABC-1234-D", kDay0, "alice", 1, 0}, {});
                  }).get();
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  std::filesystem::remove_all(dir);
}

TEST(StoreWriter, BuffersWhilePostgresIsDownAndResumesWhenItIsBack) {
  std::string why;
  testing::PostgresServer* pg = testing::SharedPostgres(&why);
  ASSERT_NE(pg, nullptr) << why;
  auto url = pg->CreateDatabase("writer_outage");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  std::vector<std::string> log;
  WriterOptions o = Quiet(&log);
  o.max_buffered = 1000;
  StoreWriter w(Open(*url), o);
  for (int i = 0; i < 100; ++i) (void)w.Post(Ready(1, kDay0 + i));
  ASSERT_TRUE(w.WaitDurable(100, Duration(20000)));

  ASSERT_TRUE(pg->Stop().ok());
  std::uint64_t last = 0;
  for (int i = 100; i < 1100; ++i) last = w.Post(Ready(1, kDay0 + i));  // routing goes on
  EXPECT_EQ(last, 1100u);
  ASSERT_TRUE(Eventually([&] { return w.health().alarm; }));
  EXPECT_EQ(w.durable(), 100u);
  // Past the bound, new writes are refused (and counted), never blocking the caller.
  std::uint64_t refused = 0;
  for (int i = 0; i < 50; ++i) refused += w.Post(Ready(1, kDay0 + 5000 + i)) == 0 ? 1 : 0;
  EXPECT_GT(refused, 0u);
  EXPECT_EQ(w.health().dropped, refused);
  EXPECT_FALSE(w.health().last_error.empty());

  ASSERT_TRUE(pg->Restart().ok());
  const std::uint64_t accepted = w.health().posted;
  ASSERT_TRUE(w.WaitDurable(accepted, Duration(30000))) << w.health().last_error;
  EXPECT_FALSE(w.health().alarm);
  auto n = w.Call([](Store& s) { return s.LastEventSeq(); }).get();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(static_cast<std::uint64_t>(*n), accepted);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.front().find("commit failed"), std::string::npos) << log.front();
}

TEST(StoreWriter, PurgesExpiredDataOnASchedule) {
  const std::string dir = TempDir("purge");
  const std::string url = "sqlite:" + dir + "/store.db";
  std::atomic<std::int64_t> now_ms{kDay0 + 5 * 86400000LL};
  std::mutex mu;
  std::vector<PurgeReport> reports;
  std::vector<std::string> log;
  WriterOptions o = Quiet(&log);
  o.retention = RetentionPolicy{};
  o.retention->events_days = 3;
  o.purge_every = Duration(20);
  o.clock = [&] { return FromMillis(now_ms.fetch_add(10)); };  // time moves on
  o.on_purge = [&](const PurgeReport& r) {
    std::lock_guard lock(mu);
    reports.push_back(r);
  };
  StoreWriter w(Open(url), o);
  // Two events four days old and one a day old: only the old ones expire.
  (void)w.Post(Ready(1, kDay0 + 86400000LL));
  (void)w.Post(Ready(2, kDay0 + 86400000LL + 1));
  const std::uint64_t last = w.Post(Ready(3, kDay0 + 4 * 86400000LL));
  ASSERT_TRUE(w.WaitDurable(last, Duration(10000)));
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(mu);
    for (const PurgeReport& r : reports) {
      if (r.events > 0) return true;
    }
    return false;
  }));
  {
    std::lock_guard lock(mu);
    std::int64_t removed = 0;
    for (const PurgeReport& r : reports) removed += r.events;
    EXPECT_EQ(removed, 2);
  }
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("retention purge removed 2 events"), std::string::npos) << log.back();
  auto left =
      w.Call([](Store& s) { return s.ReadEvents(FromMillis(0), FromMillis(INT64_MAX / 2)); }).get();
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(std::get<core::AgentReady>((*left)[0].event).agent.value, 3u);
  EXPECT_GE(w.health().purges, 1u);
}

// A full disk: the store on a 4 MiB tmpfs that a filler file has nearly filled. Needs the right to
// mount (root, as in CI); skipped with the reason otherwise.
TEST(StoreWriter, SurvivesAFullDiskAndResumesWhenSpaceIsFreed) {
  const std::string dir = TempDir("full");
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=4m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                 << "); CI runs this as root";
  }
  const std::string url = "sqlite:" + dir + "/store.db";
  {
    std::vector<std::string> log;
    StoreWriter w(Open(url), Quiet(&log));
    for (int i = 0; i < 10; ++i) (void)w.Post(Ready(1, kDay0 + i));
    ASSERT_TRUE(w.WaitDurable(10, Duration(10000)));
    {
      std::ofstream filler(dir + "/filler", std::ios::binary);
      std::string block(4096, 'x');
      while (filler.write(block.data(), block.size())) {
      }
    }
    std::uint64_t last = 0;
    for (int i = 0; i < 3000; ++i) last = w.Post(Ready(2, kDay0 + 100 + i));
    ASSERT_TRUE(Eventually([&] { return w.health().alarm; }));
    EXPECT_LT(w.durable(), last);
    std::filesystem::remove(dir + "/filler");
    ASSERT_TRUE(w.WaitDurable(last, Duration(30000))) << w.health().last_error;
    EXPECT_FALSE(w.health().alarm);
    ASSERT_FALSE(log.empty());
  }
  auto store = Open(url);
  EXPECT_EQ(*store->LastEventSeq(), 3010);
  store.reset();
  umount(dir.c_str());
  std::filesystem::remove_all(dir);
}

// Group commit with an interval: a write after a quiet spell commits at once; the writes that
// follow within the interval wait for it and share one commit; a stop does not wait.
TEST(StoreWriter, ACommitIntervalGroupsWritesButNeverDelaysTheFirst) {
  const std::string dir = TempDir("interval");
  const std::string url = "sqlite:" + dir + "/store.db";
  WriterOptions o = Quiet();
  o.commit_interval = std::chrono::seconds(30);
  {
    StoreWriter w(Open(url), o);
    const std::uint64_t first = w.Post(Ready(1, kDay0));
    ASSERT_TRUE(Eventually([&] { return w.durable() >= first; }, Duration(10000)));
    EXPECT_EQ(w.health().commits, 1u);
    std::uint64_t last = 0;
    for (int i = 1; i <= 50; ++i) last = w.Post(Ready(1, kDay0 + i));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_LT(w.durable(), last) << "committed inside the interval";
    EXPECT_EQ(w.health().commits, 1u);
  }  // the stop commits the rest at once
  auto store = Open(url);
  ASSERT_NE(store, nullptr);
  auto events = store->ReadEventsAfter(0);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(events->size(), 51u);
}

// Under a steady trickle, commits are bounded by the interval, not by the writes.
TEST(StoreWriter, ACommitIntervalBoundsTheCommitsOfATrickle) {
  const std::string dir = TempDir("trickle");
  const std::string url = "sqlite:" + dir + "/store.db";
  WriterOptions o = Quiet();
  o.commit_interval = std::chrono::milliseconds(50);
  StoreWriter w(Open(url), o);
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    last = w.Post(Ready(2, kDay0 + i));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(Eventually([&] { return w.durable() >= last; }));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const auto bound = static_cast<std::uint64_t>(elapsed / o.commit_interval) + 2;
  EXPECT_LE(w.health().commits, bound)
      << "200 writes over " << (elapsed / std::chrono::milliseconds(1)) << " ms";
  EXPECT_GE(w.health().commits, 2u);
}

}  // namespace
}  // namespace sb::store
