// The same suite against both back ends: SQLite in a temporary file, and a real PostgreSQL server
// started for this test binary (store/testing/postgres_server.h).

#include "store/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "eventlog/eventlog.h"
#include "store/connection.h"
#include "store/migrations/migrations.h"
#include "store/testing/postgres_server.h"

namespace sb::store {
namespace {

enum class Backend { kSqlite, kPostgres };

// 2025-06-02T00:00Z: in the past, as retention horizons must be.
constexpr std::int64_t kDay0 = 1748822400000;
constexpr std::int64_t kDayMs = 86400000;

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    if (GetParam() == Backend::kSqlite) {
      dir_ = std::filesystem::temp_directory_path() / ("sb-store-" + name);
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "store.db").string();
    } else {
      std::string why;
      testing::PostgresServer* pg = testing::SharedPostgres(&why);
      ASSERT_NE(pg, nullptr) << why;
      auto url = pg->CreateDatabase(name);
      ASSERT_TRUE(url.ok()) << url.status().ToString();
      url_ = *url;
    }
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto s = OpenStore(url_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  std::unique_ptr<Connection> Raw() {
    auto c = GetParam() == Backend::kSqlite ? OpenSqlite(url_.substr(7)) : OpenPostgres(url_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

core::Event Queued(std::uint64_t contact, std::int64_t at_ms) {
  core::ContactQueued q{};
  q.at = FromMillis(at_ms);
  q.contact = ContactId{contact};
  q.queue = QueueId{1};
  q.requested = QueueId{1};
  q.arrival = FromMillis(at_ms);
  q.position = 2;
  q.estimate.mean = Duration(42000);
  return q;
}

core::Event Ended(std::uint64_t contact, std::int64_t at_ms) {
  return core::ContactEnded{
      FromMillis(at_ms), ContactId{contact},          QueueId{1},
      AgentId{3},        core::EndReason::kCompleted, FromMillis(at_ms + 5000)};
}

AuditEntry Audit(std::int64_t at_ms, std::string user, std::string target) {
  return AuditEntry{0,  at_ms, std::move(user), "record.view", std::move(target),
                    77, 0,     "screen pop"};
}

TEST_P(StoreTest, AMigratedStoreReportsTheLatestSchemaAndReopens) {
  auto info = store_->Info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->schema_version, LatestSchemaVersion());
  EXPECT_EQ(info->events, 0);
  Reopen();  // migrating an up-to-date store is a no-op
  EXPECT_EQ(store_->Info()->schema_version, LatestSchemaVersion());
}

TEST_P(StoreTest, RefusesASchemaNewerThanTheBinary) {
  auto raw = Raw();
  ASSERT_NE(raw, nullptr);
  ASSERT_TRUE(raw->Exec("INSERT INTO schema_migrations (version, applied_ms, description) "
                        "VALUES (999, 0, 'from the future')")
                  .ok());
  store_.reset();
  auto again = OpenStore(url_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("newer than this switchboard knows"), std::string::npos)
      << again.status().ToString();
}

TEST_P(StoreTest, EventsComeBackInOrderAndNumberingSurvivesARestart) {
  WriteBatch b;
  for (int i = 0; i < 100; ++i) b.events.push_back(Queued(i + 1, kDay0 + i * 1000));
  ASSERT_TRUE(store_->Commit(b).ok());
  Reopen();
  WriteBatch more;
  more.events.push_back(Ended(1, kDay0 + 500000));
  ASSERT_TRUE(store_->Commit(more).ok());
  auto all = store_->ReadEvents(FromMillis(0), FromMillis(kDay0 + kDayMs));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 101u);
  for (std::size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].seq, static_cast<int>(i) + 1);
  EXPECT_EQ(eventlog::Encode((*all)[5].event), eventlog::Encode(b.events[5]));
  EXPECT_EQ(eventlog::Encode((*all)[100].event), eventlog::Encode(more.events[0]));
  EXPECT_EQ(*store_->LastEventSeq(), 101);
  auto window = store_->ReadEvents(FromMillis(kDay0 + 10000), FromMillis(kDay0 + 20000));
  ASSERT_TRUE(window.ok());
  EXPECT_EQ(window->size(), 10u);
}

TEST_P(StoreTest, CdrsAreUpsertedByContactAndReadByArrival) {
  Cdr c;
  c.contact = 9;
  c.arrival_ms = kDay0 + 1000;
  c.queued_ms = kDay0 + 2000;
  c.ended_ms = kDay0 + 9000;
  c.outcome = "abandoned";
  c.caller = "+33612345678";
  c.handover_ms = kDay0 + 5000;  // an attended transfer (migration 7)
  c.handover_from = 4;
  c.callback_attempts = 3;  // a callback dialled three times (migration 8)
  WriteBatch b;
  b.cdrs.push_back(c);
  ASSERT_TRUE(store_->Commit(b).ok());
  c.disposition = "billing";  // the agent's case sets it later
  b.cdrs = {c};
  ASSERT_TRUE(store_->Commit(b).ok());
  auto got = store_->ReadCdrs(FromMillis(kDay0), FromMillis(kDay0 + kDayMs));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0], c);
  EXPECT_TRUE(store_->ReadCdrs(FromMillis(kDay0 + 5000), FromMillis(kDay0 + kDayMs))->empty());
}

TEST_P(StoreTest, CallDetailsAreUpsertedReadByInviteAndPurgedWithCdrs) {
  CallDetail c;
  c.contact = 9;
  c.call_id = "3848276298220188511@192.0.2.7";
  c.trunk = "carrier";
  c.source = "192.0.2.7";
  c.caller = "+33612345678";
  c.dialled = "support";
  c.invite_ms = kDay0 + 1000;
  c.answered_ms = kDay0 + 1020;
  c.ivr_exit_ms = kDay0 + 8000;
  c.queued_ms = kDay0 + 8001;
  c.offered_ms = kDay0 + 30000;
  c.agent_answered_ms = kDay0 + 33000;
  c.ended_ms = kDay0 + 200000;
  c.agent = "alice";
  c.ended_by = "agent";
  c.cause = "bye";
  c.status = 200;
  c.handover_ms = kDay0 + 90000;  // an attended transfer (migration 7)
  c.handover_from = "bob";
  c.hold_count = 2;  // held twice, 7.5 s in all (migration 8)
  c.hold_ms = 7500;
  CallDetail old = c;
  old.contact = 2;
  old.invite_ms = kDay0 - 40 * kDayMs;
  WriteBatch b;
  b.calls = {c, old};
  ASSERT_TRUE(store_->Commit(b).ok());
  c.cause = "no_rtp";  // written again for the same contact: replaced
  b.calls = {c};
  ASSERT_TRUE(store_->Commit(b).ok());
  auto got = store_->ReadCallDetails(FromMillis(kDay0), FromMillis(kDay0 + kDayMs));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0], c);
  EXPECT_EQ(store_->Info()->call_details, 2);
  RetentionPolicy p;
  p.cdrs_days = 30;
  auto r = store_->Purge(p, FromMillis(kDay0));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->calls, 1);
  EXPECT_EQ(store_->Info()->call_details, 1);
  // Text the store refuses is refused here too, naming the field.
  c.cause = std::string("\xff");
  b.calls = {c};
  Status bad = store_->Commit(b);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("call cause"), std::string::npos) << bad.message();
}

TEST_P(StoreTest, CaseEditsAreVersionedAndAStaleEditIsRefused) {
  CaseHeader h{0, "K7Q-4821-X", kDay0, "alice", 77, 1};
  CaseWrite first;
  first.edits = {{0, kDay0 + 1, "alice", "status", "", "open"},
                 {0, kDay0 + 1, "alice", "notes", "", "Caller asks about invoice"}};
  first.links = {{"call", "77", kDay0}};
  first.audit = AuditEntry{0, kDay0, "alice", "case.create", "", 77, 0, ""};
  auto id = store_->CreateCase(h, first);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  CaseWrite second;
  second.edits = {{0, kDay0 + 2, "bob", "notes", "Caller asks about invoice", "Invoice resent"}};
  second.links = {{"record", "P-1001", kDay0 + 3}, {"call", "77", kDay0}};  // the call: kept once
  second.audit = AuditEntry{0, kDay0 + 2, "bob", "case.edit", "", 0, 0, "notes"};
  ASSERT_TRUE(store_->UpdateCase(*id, 2, second).ok());
  // Someone still holding version 2 cannot overwrite bob's change, and writes nothing.
  Status stale = store_->UpdateCase(*id, 2, second);
  EXPECT_EQ(stale.code(), StatusCode::kFailedPrecondition) << stale.ToString();

  auto c = store_->LoadCaseByConfirmation("K7Q-4821-X");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->header.id, *id);
  EXPECT_EQ(c->header.opened_by, "alice");
  ASSERT_EQ(c->edits.size(), 3u);
  EXPECT_EQ(c->edits[2].version, 3);
  EXPECT_EQ(c->edits[2].old_value, "Caller asks about invoice");
  EXPECT_EQ(c->edits[2].new_value, "Invoice resent");
  ASSERT_EQ(c->links.size(), 2u);
  AuditQuery q;
  q.target = "case:" + std::to_string(*id);
  auto audit = store_->ReadAudit(q);
  ASSERT_EQ(audit->size(), 2u);  // the create and one edit; the refused edit left none
  EXPECT_EQ((*audit)[1].case_id, *id);
  EXPECT_EQ((*audit)[1].action, "case.edit");

  // Case history cannot be rewritten behind the store's back.
  auto raw = Raw();
  Status rewrite = raw->Exec("UPDATE case_edits SET new_value = 'forged'");
  EXPECT_FALSE(rewrite.ok());
  EXPECT_EQ(store_->LoadCase(*id)->edits[2].new_value, "Invoice resent");
}

TEST_P(StoreTest, TheCaseDispositionReachesTheCallsCdrWhicheverComesFirst) {
  // Call 5: the case's disposition is saved while the call is still up, before its CDR exists.
  CaseWrite w;
  w.edits = {{0, kDay0 + 10, "alice", "disposition", "", "billing"}};
  auto early = store_->CreateCase(CaseHeader{0, "EAR-0001-A", kDay0, "alice", 5, 1}, w);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  Cdr c5;
  c5.contact = 5;
  c5.arrival_ms = kDay0;
  WriteBatch b;
  b.cdrs = {c5};
  ASSERT_TRUE(store_->Commit(b).ok());
  // Call 6: the CDR first, the disposition afterwards (in wrap-up).
  Cdr c6 = c5;
  c6.contact = 6;
  b.cdrs = {c6};
  ASSERT_TRUE(store_->Commit(b).ok());
  auto late = store_->CreateCase(CaseHeader{0, "LAT-0001-A", kDay0, "bob", 6, 1}, {});
  ASSERT_TRUE(late.ok());
  CaseWrite later;
  later.edits = {{0, kDay0 + 20, "bob", "disposition", "", "resolved"}};
  ASSERT_TRUE(store_->UpdateCase(*late, 0, later).ok());
  // A CDR rewritten later (e.g. rebuilt from events) keeps the disposition.
  b.cdrs = {c6};
  ASSERT_TRUE(store_->Commit(b).ok());
  auto cdrs = store_->ReadCdrs(FromMillis(0), FromMillis(kDay0 + kDayMs));
  ASSERT_TRUE(cdrs.ok()) << cdrs.status().ToString();
  ASSERT_EQ(cdrs->size(), 2u);
  EXPECT_EQ((*cdrs)[0].disposition, "billing");
  EXPECT_EQ((*cdrs)[1].disposition, "resolved");
}

TEST_P(StoreTest, ConfirmationNumbersAreUniqueAndUnknownCasesAreNotFound) {
  ASSERT_TRUE(store_->CreateCase(CaseHeader{0, "AAA-1111-A", kDay0, "alice", 0, 0}, {}).ok());
  auto dup = store_->CreateCase(CaseHeader{0, "AAA-1111-A", kDay0, "bob", 0, 0}, {});
  EXPECT_EQ(dup.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->LoadCase(4242).status().code(), StatusCode::kNotFound);
  CaseWrite w;
  w.edits = {{0, kDay0, "x", "status", "", "open"}};
  EXPECT_EQ(store_->UpdateCase(4242, 0, w).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->LoadCaseByConfirmation("ZZZ-0000-Z").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, AuditRowsCanBeReadButNeverChangedOrDeleted) {
  WriteBatch b;
  b.audit = {Audit(kDay0 + 1, "alice", "record:1"), Audit(kDay0 + 2, "bob", "record:2"),
             Audit(kDay0 + 3, "alice", "record:2")};
  ASSERT_TRUE(store_->Commit(b).ok());
  AuditQuery q;
  q.user = "alice";
  auto got = store_->ReadAudit(q);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[1].target, "record:2");
  EXPECT_EQ((*got)[1].call, 77u);
  q = AuditQuery{};
  q.target = "record:2";
  EXPECT_EQ(store_->ReadAudit(q)->size(), 2u);

  auto raw = Raw();
  EXPECT_FALSE(raw->Exec("UPDATE audit SET user_login = 'mallory'").ok());
  EXPECT_FALSE(raw->Exec("DELETE FROM audit").ok());
  EXPECT_FALSE(raw->Exec("UPDATE retention_state SET audit_horizon_ms = 9000000000000").ok());
  if (GetParam() == Backend::kPostgres) {
    EXPECT_FALSE(raw->Exec("TRUNCATE audit").ok());
  }
  EXPECT_EQ(store_->ReadAudit(AuditQuery{})->size(), 3u);
}

TEST_P(StoreTest, PurgeRemovesOnlyExpiredDataAndReportsIt) {
  WriteBatch b;
  b.events = {Queued(1, kDay0), Queued(2, kDay0 + 40 * kDayMs)};
  Cdr old_cdr, new_cdr;
  old_cdr.contact = 1;
  old_cdr.arrival_ms = kDay0;
  new_cdr.contact = 2;
  new_cdr.arrival_ms = kDay0 + 40 * kDayMs;
  b.cdrs = {old_cdr, new_cdr};
  b.audit = {Audit(kDay0, "alice", "record:1"), Audit(kDay0 + 40 * kDayMs, "bob", "record:2")};
  ASSERT_TRUE(store_->Commit(b).ok());
  ASSERT_TRUE(store_->CreateCase(CaseHeader{0, "OLD-0001-A", kDay0, "alice", 1, 1}, {}).ok());
  ASSERT_TRUE(
      store_->CreateCase(CaseHeader{0, "NEW-0001-A", kDay0 + 40 * kDayMs, "bob", 2, 1}, {}).ok());

  RetentionPolicy p;
  p.events_days = p.cdrs_days = p.cases_days = p.audit_days = 30;
  auto r = store_->Purge(p, FromMillis(kDay0 + 45 * kDayMs));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->events, 1);
  EXPECT_EQ(r->cdrs, 1);
  EXPECT_EQ(r->cases, 1);
  EXPECT_EQ(r->audit, 1);
  EXPECT_EQ(r->recordings, 0);
  auto info = store_->Info();
  EXPECT_EQ(info->events, 1);
  EXPECT_EQ(info->cdrs, 1);
  EXPECT_EQ(info->cases, 1);
  EXPECT_EQ(info->audit, 2);  // bob's view, and the purge's own record
  EXPECT_TRUE(store_->LoadCaseByConfirmation("NEW-0001-A").ok());
  AuditQuery q;
  q.user = "system";
  auto purge_rows = store_->ReadAudit(q);
  ASSERT_EQ(purge_rows->size(), 1u);
  EXPECT_EQ((*purge_rows)[0].action, "retention.purge");
  EXPECT_NE((*purge_rows)[0].detail.find("events=1"), std::string::npos);
  // Unexpired audit rows are still protected after a purge moved the horizon.
  EXPECT_FALSE(Raw()->Exec("DELETE FROM audit").ok());
  // A second purge at the same time finds nothing more.
  auto again = store_->Purge(p, FromMillis(kDay0 + 45 * kDayMs));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events + again->cdrs + again->cases + again->audit, 0);
}

TEST_P(StoreTest, UsersAndConfigurationVersions) {
  ASSERT_TRUE(store_->PutUser(User{"alice", "Alice Martin", "agent", kDay0}).ok());
  ASSERT_TRUE(store_->PutUser(User{"alice", "Alice Martin", "supervisor", kDay0}).ok());
  ASSERT_TRUE(store_->PutUser(User{"bob", "Bob", "agent", kDay0}).ok());
  EXPECT_EQ(store_->PutUser(User{"", "", "agent", kDay0}).code(), StatusCode::kInvalidArgument);
  auto users = store_->ListUsers();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].role, "supervisor");
  auto v1 = store_->SaveConfigVersion(kDay0, "alice", "[engine]\nseed = 1\n");
  auto v2 = store_->SaveConfigVersion(kDay0 + 1, "bob", "[engine]\nseed = 2\n");
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_EQ(*v1, 1);
  EXPECT_EQ(*v2, 2);
  EXPECT_EQ(*store_->LoadConfigVersion(1), "[engine]\nseed = 1\n");
  EXPECT_EQ(store_->LoadConfigVersion(3).status().code(), StatusCode::kNotFound);
  // Layouts go with their versions; versions stored without one have "".
  auto v3 = store_->SaveConfigVersion(kDay0 + 2, "carol", "[engine]\nseed = 3\n", "a x\nq y\n");
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(*store_->LoadConfigLayout(3), "a x\nq y\n");
  EXPECT_EQ(*store_->LoadConfigLayout(1), "");
  EXPECT_EQ(store_->LoadConfigLayout(4).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->SaveConfigVersion(kDay0, "d", "x", std::string("\xff", 1)).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(StoreTest, ABatchWithABadRowWritesNothing) {
  WriteBatch b;
  b.events = {Queued(1, kDay0), Queued(2, kDay0 + 1)};
  b.audit = {Audit(kDay0, "alice", "record:1"), Audit(kDay0, "bob", std::string("bad\xff\xfe", 5))};
  Status s = store_->Commit(b);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  auto info = store_->Info();
  EXPECT_EQ(info->events, 0);
  EXPECT_EQ(info->audit, 0);
  // The store goes on working, and numbering has no gap.
  b.audit.pop_back();
  ASSERT_TRUE(store_->Commit(b).ok());
  EXPECT_EQ(*store_->LastEventSeq(), 2);
}

TEST_P(StoreTest, OversizedTextIsRefused) {
  WriteBatch b;
  AuditEntry a = Audit(kDay0, "alice", "record:1");
  a.detail.assign(kMaxTextBytes + 1, 'x');
  b.audit = {a};
  EXPECT_EQ(store_->Commit(b).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Info()->audit, 0);
}

TEST_P(StoreTest, ACheckpointCoversTheEventsCommittedBeforeItAndTheNewestThreeAreKept) {
  auto none = store_->LoadLatestCheckpoint();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  WriteBatch b;
  b.events = {Queued(1, kDay0), Queued(2, kDay0 + 1)};
  ASSERT_TRUE(store_->Commit(b).ok());
  const std::string bytes(
      "state\0with\xff"
      "bytes\n",
      17);  // any bytes, NULs included
  for (int i = 0; i < 5; ++i) {
    auto seq = store_->SaveCheckpoint(kDay0 + 2 + i, bytes + std::to_string(i));
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    EXPECT_EQ(*seq, 2);
  }
  b.events = {Queued(3, kDay0 + 10)};
  ASSERT_TRUE(store_->Commit(b).ok());
  auto latest = store_->LoadLatestCheckpoint();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->seq, 2);
  EXPECT_EQ((*latest)->at_ms, kDay0 + 6);
  EXPECT_EQ((*latest)->body, bytes + "4");
  auto after = store_->ReadEventsAfter((*latest)->seq);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].seq, 3);
  auto info = store_->Info();
  EXPECT_EQ(info->checkpoints, 3);
  EXPECT_EQ(info->last_checkpoint_seq, 2);
  // Retention never removes what a restart needs: events after the checkpoint stay, however old.
  RetentionPolicy p;
  p.events_days = 1;
  auto r = store_->Purge(p, FromMillis(kDay0 + 10 * kDayMs));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->events, 2);
  EXPECT_EQ(store_->Info()->events, 1);
  EXPECT_EQ(store_->ReadEventsAfter(2)->size(), 1u);
}

TEST(Base64, RoundTripsAnyBytesAndRefusesJunk) {
  for (const std::string& s :
       {std::string(), std::string("f"), std::string("fo"), std::string("foo"), std::string("foob"),
        std::string("\0\xff\x10", 3)}) {
    auto back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_FALSE(Base64Decode("Zm9").ok());
  EXPECT_FALSE(Base64Decode("Zm9v!mFy").ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

TEST(OpenStore, NamesTheProblemWithABadUrlOrFile) {
  auto none = OpenStore("sqlite:");
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  const std::string junk = std::filesystem::temp_directory_path() / "sb-not-a-db.txt";
  {
    FILE* f = std::fopen(junk.c_str(), "w");
    std::fputs("this is not a database, just some text that is long enough to matter\n", f);
    std::fclose(f);
  }
  auto bad = OpenStore(junk);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(junk), std::string::npos) << bad.status().ToString();
  std::filesystem::remove(junk);
  auto unreachable = OpenStore("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  EXPECT_EQ(unreachable.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(unreachable.status().message().find("is the server running"), std::string::npos);
}

}  // namespace
}  // namespace sb::store
