// The spill file and the writer spilling past its memory bound while PostgreSQL is down: every
// write accepted, committed in order once it is back, tasks after what preceded them, a torn
// tail cut off, a spill left by a stop committed at the next start.

#include "store/spill.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "base/bytes.h"
#include "store/testing/postgres_server.h"
#include "store/testing/temp_dir.h"
#include "store/writer.h"

namespace sb::store {
namespace {

constexpr std::int64_t kDay0 = 1748822400000;

core::Event Ready(std::uint32_t agent, std::int64_t at_ms) {
  return core::AgentReady{FromMillis(at_ms), AgentId{agent}};
}

using testing::Eventually;
using testing::TempDir;

Cdr ACdr() {
  Cdr c;
  c.contact = 7;
  c.arrival_ms = kDay0;
  c.ended_ms = kDay0 + 5000;
  c.queue = 1;
  c.agent = 3;
  c.outcome = "completed";
  c.caller = "+33612345678";
  c.handover_ms = kDay0 + 3000;
  c.handover_from = 2;
  c.callback_attempts = 3;
  return c;
}

AuditEntry AnAudit() {
  AuditEntry a;
  a.at_ms = kDay0;
  a.user = "alice";
  a.action = "record.view";
  a.target = "record:4711";
  a.call = 7;
  a.detail = "pop";
  return a;
}

CallDetail ACall() {
  CallDetail c;
  c.contact = 7;
  c.call_id = "a84b4c76e66710@pc33";
  c.trunk = "carrier";
  c.caller = "+33612345678";
  c.dialled = "support";
  c.invite_ms = kDay0;
  c.answered_ms = kDay0 + 40;
  c.ended_ms = kDay0 + 90000;
  c.ended_by = "caller";
  c.cause = "bye";
  c.status = 200;
  c.handover_ms = kDay0 + 3000;
  c.handover_from = "bob";
  c.hold_count = 2;
  c.hold_ms = 4500;
  c.callback_attempts = 3;
  c.callback_status = 486;
  c.callback_cause = "busy";
  return c;
}

// A record as the spill file frames it: length, FNV-1a checksum, payload.
std::string Framed(const std::string& payload) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : payload) h = (h ^ c) * 1099511628211ull;
  std::string out;
  ByteWriter w(out);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(payload.size()));
  w.Put<std::uint64_t>(h);
  return out + payload;
}

TEST(SpillFile, RecordsWrittenBeforeTheHandoverOrTheCallbackFieldsAreStillRead) {
  // A CDR (kind 1) and a call's details (kind 3) as a binary from before migration 7 spilt them.
  std::string cdr;
  {
    ByteWriter w(cdr);
    w.Put<std::uint8_t>(1);
    w.Put<std::uint64_t>(7);
    for (std::int64_t v : {kDay0, std::int64_t{0}, std::int64_t{0}, std::int64_t{0},
                           std::int64_t{0}, kDay0 + 5000}) {
      w.Put(v);
    }
    w.Put<std::uint32_t>(1);
    w.Put<std::int64_t>(3);
    for (const char* s : {"completed", "", "+33612345678", ""}) w.PutString(s);
  }
  std::string call;
  {
    ByteWriter w(call);
    w.Put<std::uint8_t>(3);
    w.Put<std::uint64_t>(7);
    for (std::int64_t v : {kDay0, kDay0 + 40, std::int64_t{0}, std::int64_t{0}, std::int64_t{0},
                           std::int64_t{0}, kDay0 + 90000}) {
      w.Put(v);
    }
    w.Put<std::int32_t>(200);
    for (const char* s :
         {"a84b4c76e66710@pc33", "carrier", "", "+33612345678", "support", "", "caller", "bye"}) {
      w.PutString(s);
    }
  }
  // The same with the handover, as a binary from before migration 8 spilt them (kinds 4 and 5).
  std::string cdr4 = cdr;
  cdr4[0] = 4;
  {
    ByteWriter w(cdr4);
    w.Put<std::int64_t>(kDay0 + 3000);
    w.Put<std::int64_t>(2);
  }
  std::string call5 = call;
  call5[0] = 5;
  {
    ByteWriter w(call5);
    w.Put<std::int64_t>(kDay0 + 3000);
    w.PutString("bob");
  }
  const std::string dir = TempDir("old");
  const std::string path = dir + "/spill";
  {
    std::ofstream out(path, std::ios::binary);
    out << Framed(cdr) << Framed(call) << Framed(cdr4) << Framed(call5);
  }
  auto f = SpillFile::Open(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto records = (*f)->Peek(10);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 4u);
  Cdr want = ACdr();
  want.callback_attempts = 0;
  EXPECT_EQ(std::get<Cdr>((*records)[2]), want);
  want.handover_ms = 0;
  want.handover_from = -1;
  EXPECT_EQ(std::get<Cdr>((*records)[0]), want);
  CallDetail want_call = ACall();
  want_call.hold_count = want_call.hold_ms = want_call.callback_attempts = 0;
  want_call.callback_status = 0;
  want_call.callback_cause.clear();
  EXPECT_EQ(std::get<CallDetail>((*records)[3]), want_call);
  want_call.handover_ms = 0;
  want_call.handover_from.clear();
  EXPECT_EQ(std::get<CallDetail>((*records)[1]), want_call);
  std::filesystem::remove_all(dir);
}

TEST(SpillFile, RecordsComeBackInOrderAndATornTailIsCutOff) {
  const std::string dir = TempDir("file");
  const std::string path = dir + "/spill";
  {
    auto f = SpillFile::Open(path);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_TRUE((*f)->Append(Ready(1, kDay0)).ok());
    ASSERT_TRUE((*f)->Append(ACdr()).ok());
    ASSERT_TRUE((*f)->Append(AnAudit()).ok());
    ASSERT_TRUE((*f)->Append(ACall()).ok());
    ASSERT_TRUE((*f)->Append(Ready(2, kDay0 + 1)).ok());
  }
  // A crash in the middle of the last record: its last bytes never reached the file.
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 3);
  auto f = SpillFile::Open(path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->pending(), 4u);
  auto records = (*f)->Peek(10);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 4u);
  EXPECT_EQ(std::get<core::AgentReady>(std::get<core::Event>((*records)[0])).agent, AgentId{1});
  EXPECT_EQ(std::get<Cdr>((*records)[1]), ACdr());
  EXPECT_EQ(std::get<AuditEntry>((*records)[2]), AnAudit());
  EXPECT_EQ(std::get<CallDetail>((*records)[3]), ACall());
  (*f)->Advance(3);
  EXPECT_EQ((*f)->pending(), 1u);
  auto rest = (*f)->Peek(10);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 1u);
  // New records go after the cut: the torn bytes are gone, not misread.
  ASSERT_TRUE((*f)->Append(Ready(5, kDay0 + 2)).ok());
  auto both = (*f)->Peek(10);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ(std::get<core::AgentReady>(std::get<core::Event>((*both)[1])).agent, AgentId{5});
  ASSERT_TRUE((*f)->Reset().ok());
  EXPECT_EQ((*f)->pending(), 0u);
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
  // A garbled byte in the middle is found, not decoded into a wrong event.
  ASSERT_TRUE((*f)->Append(Ready(1, kDay0)).ok());
  ASSERT_TRUE((*f)->Append(Ready(2, kDay0)).ok());
  {
    std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(20);
    io.put('X');
  }
  auto g = SpillFile::Open(path);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->pending(), 0u);  // the first record is damaged: it and all after it are cut
  std::filesystem::remove_all(dir);
}

TEST(StoreWriter, SpillsPastItsBufferWhilePostgresIsDownAndCommitsInOrderWhenBack) {
  std::string why;
  testing::PostgresServer* pg = testing::SharedPostgres(&why);
  ASSERT_NE(pg, nullptr) << why;
  auto url = pg->CreateDatabase("writer_spill");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  const std::string dir = TempDir("writer");
  std::vector<std::string> log;
  std::mutex log_mu;
  WriterOptions o;
  o.log = [&](const std::string& line) {
    std::lock_guard lock(log_mu);
    log.push_back(line);
  };
  o.max_buffered = 100;
  o.spill_path = dir + "/spill";
  auto store = OpenStore(*url);
  ASSERT_TRUE(store.ok());
  StoreWriter w(std::move(store).value(), o);
  for (int i = 0; i < 10; ++i) (void)w.Post(Ready(1, kDay0 + i));
  ASSERT_TRUE(w.WaitDurable(10, Duration(20000)));

  ASSERT_TRUE(pg->Stop().ok());
  // 2,000 writes with a task in the middle: the first 100 or so fill the memory buffer, the rest
  // spill; none is refused.
  std::uint64_t refused = 0;
  std::int64_t seen_by_task = -1;
  std::future<void> task;
  for (int i = 10; i < 2010; ++i) {
    refused += w.Post(Ready(1, kDay0 + i)) == 0 ? 1 : 0;
    if (i == 1009) {
      task = w.Call([&](Store& s) {
        auto n = s.LastEventSeq();
        seen_by_task = n.ok() ? *n : -2;
      });
    }
  }
  refused += w.Post(ACdr()) == 0 ? 1 : 0;
  EXPECT_EQ(refused, 0u);
  EXPECT_TRUE(w.CanAccept());
  ASSERT_TRUE(Eventually([&] { return w.health().alarm; }));
  EXPECT_GT(w.health().spilled, 1500u);
  EXPECT_EQ(w.durable(), 10u);

  ASSERT_TRUE(pg->Restart().ok());
  const std::uint64_t accepted = w.health().posted;
  ASSERT_TRUE(w.WaitDurable(accepted, Duration(60000))) << w.health().last_error;
  task.get();
  EXPECT_EQ(seen_by_task, 1010);  // the task ran once the 1,010 events before it were in
  EXPECT_EQ(w.health().spilled, 0u);
  EXPECT_EQ(std::filesystem::file_size(dir + "/spill"), 0u);
  auto events = w.Call([](Store& s) { return s.ReadEvents(kTimeZero, kNever); }).get();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2010u);
  for (std::size_t i = 0; i < events->size(); ++i) {
    ASSERT_EQ(ToMillis(core::EventTime((*events)[i].event)), kDay0 + static_cast<std::int64_t>(i))
        << "out of order at " << i;
  }
  auto cdrs = w.Call([](Store& s) { return s.ReadCdrs(kTimeZero, kNever); }).get();
  ASSERT_TRUE(cdrs.ok());
  EXPECT_EQ(cdrs->size(), 1u);
  std::lock_guard lock(log_mu);
  bool said = false;
  for (const auto& l : log) said = said || l.find("spill file") != std::string::npos;
  EXPECT_TRUE(said);
  std::filesystem::remove_all(dir);
}

TEST(StoreWriter, AFullSpillRefusesAndASpillLeftAtStopIsCommittedAtTheNextStart) {
  std::string why;
  testing::PostgresServer* pg = testing::SharedPostgres(&why);
  ASSERT_NE(pg, nullptr) << why;
  auto url = pg->CreateDatabase("writer_spill_stop");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  const std::string dir = TempDir("stop");
  WriterOptions o;
  o.log = [](const std::string&) {};
  o.max_buffered = 10;
  o.spill_path = dir + "/spill";
  o.spill_max_bytes = 4000;  // a few dozen events
  o.max_retry = Duration(200);
  std::uint64_t accepted = 0, refused = 0;
  ASSERT_TRUE(pg->Stop().ok());
  {
    auto store = OpenStore(*url);  // opened while down: the writer retries until it is back
    if (!store.ok()) {
      ASSERT_TRUE(pg->Restart().ok());
      store = OpenStore(*url);
      ASSERT_TRUE(store.ok());
      ASSERT_TRUE(pg->Stop().ok());
    }
    StoreWriter w(std::move(store).value(), o);
    for (int i = 0; i < 500; ++i) {
      if (w.Post(Ready(1, kDay0 + i)) == 0) {
        ++refused;
      } else {
        ++accepted;
      }
    }
    EXPECT_GT(refused, 0u);
    EXPECT_EQ(w.health().dropped, refused);
    EXPECT_FALSE(w.CanAccept());
  }  // stops with the store down: the memory buffer is lost to it, the spill stays on disk
  auto f = SpillFile::Open(dir + "/spill");
  ASSERT_TRUE(f.ok());
  const std::uint64_t left = (*f)->pending();
  EXPECT_GT(left, 20u);
  f->reset();
  ASSERT_TRUE(pg->Restart().ok());
  auto store = OpenStore(*url);
  ASSERT_TRUE(store.ok());
  auto n = RecoverSpill(dir + "/spill", **store);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, left);
  auto events = (*store)->ReadEvents(kTimeZero, kNever);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), left);
  EXPECT_EQ(std::filesystem::file_size(dir + "/spill"), 0u);
  auto again = RecoverSpill(dir + "/spill", **store);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sb::store
