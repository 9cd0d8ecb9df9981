// The Store over a Connection: the same SQL on SQLite and PostgreSQL. Every multi-row change is
// one transaction, rolled back whole on any error, so a failed write leaves nothing half-written.

#include <algorithm>
#include <chrono>
#include <string>

#include "eventlog/eventlog.h"
#include "store/connection.h"
#include "store/migrations/migrations.h"
#include "store/sql_admin.h"
#include "store/sql_calls.h"
#include "store/sql_recordings.h"
#include "store/store.h"

namespace sb::store {
namespace {

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::unique_ptr<Connection> db) : db_(std::move(db)) {}

  Status Init() {
    SB_ASSIGN_OR_RETURN(const int before, Migrate(*db_));
    (void)before;
    SB_ASSIGN_OR_RETURN(next_seq_, LastEventSeq());
    ++next_seq_;
    return Status::Ok();
  }

  Result<StoreInfo> Info() override { return ReadStoreInfo(*db_); }

  Status Commit(const WriteBatch& batch) override {
    if (batch.empty()) return Status::Ok();
    SB_RETURN_IF_ERROR(Validate(batch));
    return InTransaction(
        [&]() -> Status {
          if (!batch.events.empty()) {
            static constexpr std::string_view kCols[] = {"seq", "at_ms", "type", "body"};
            SB_RETURN_IF_ERROR(
                db_->BulkInsert("events", kCols, batch.events.size(), [&](std::size_t i, Row& row) {
                  const core::Event& e = batch.events[i];
                  row[0] = next_seq_ + static_cast<std::int64_t>(i);
                  row[1] = ToMillis(core::EventTime(e));
                  if (!std::holds_alternative<std::string>(row[2])) row[2] = std::string();
                  if (!std::holds_alternative<std::string>(row[3])) row[3] = std::string();
                  std::get<std::string>(row[2]).assign(core::EventName(e));
                  std::string& body = std::get<std::string>(row[3]);
                  body.clear();
                  eventlog::EncodeTo(body, e);
                }));
          }
          for (const Cdr& c : batch.cdrs) SB_RETURN_IF_ERROR(PutCdr(*db_, c));
          SB_RETURN_IF_ERROR(PutCallDetails(*db_, batch.calls));
          if (!batch.audit.empty()) {
            std::vector<Row> rows;
            rows.reserve(batch.audit.size());
            for (const AuditEntry& a : batch.audit) {
              rows.push_back(Row{a.at_ms, a.user, a.action, a.target,
                                 static_cast<std::int64_t>(a.call), a.case_id, a.detail});
            }
            static constexpr std::string_view kCols[] = {
                "at_ms", "user_login", "action", "target", "call_id", "case_id", "detail"};
            SB_RETURN_IF_ERROR(db_->BulkInsert("audit", kCols, rows));
          }
          for (const DeadLetter& d : batch.dead_letters) {
            const SqlValue p[] = {d.at_ms, d.kind, d.reason, d.body};
            SB_ASSIGN_OR_RETURN(auto ignored, db_->Query("INSERT INTO dead_letters (at_ms, kind, "
                                                         "reason, body) VALUES (?, ?, ?, ?)",
                                                         p));
            (void)ignored;
          }
          return Status::Ok();
        },
        [&] { next_seq_ += static_cast<std::int64_t>(batch.events.size()); });
  }

  Result<std::vector<StoredEvent>> ReadEvents(Time from, Time to) override {
    const SqlValue p[] = {ToMillis(from), ToMillis(to)};
    SB_ASSIGN_OR_RETURN(auto rows, db_->Query("SELECT seq, body FROM events WHERE at_ms >= ? "
                                              "AND at_ms < ? ORDER BY seq",
                                              p));
    return DecodeEventRows(rows, *db_);
  }

  Result<std::vector<StoredEvent>> ReadEventsAfter(std::int64_t seq) override {
    const SqlValue p[] = {seq};
    SB_ASSIGN_OR_RETURN(auto rows,
                        db_->Query("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq", p));
    return DecodeEventRows(rows, *db_);
  }

  Result<std::int64_t> SaveCheckpoint(std::int64_t at_ms, std::string_view body) override {
    const std::int64_t seq = next_seq_ - 1;  // every event committed so far
    Status s = InTransaction(
        [&]() -> Status {
          const SqlValue p[] = {seq, at_ms, Base64Encode(body)};
          SB_RETURN_IF_ERROR(
              db_->Query("INSERT INTO checkpoints (seq, at_ms, body) VALUES (?, ?, ?)", p)
                  .status());
          return db_
              ->Query("DELETE FROM checkpoints WHERE id <= (SELECT MAX(id) - 3 FROM checkpoints)",
                      {})
              .status();
        },
        [] {});
    if (!s.ok()) return s;
    return seq;
  }

  Result<std::optional<Checkpoint>> LoadLatestCheckpoint() override {
    SB_ASSIGN_OR_RETURN(auto rows, db_->Query("SELECT id, seq, at_ms, body FROM checkpoints "
                                              "ORDER BY id DESC LIMIT 1",
                                              {}));
    if (rows.empty()) return std::optional<Checkpoint>();
    Checkpoint c{AsInt(rows[0][0]), AsInt(rows[0][1]), AsInt(rows[0][2]), {}};
    SB_ASSIGN_OR_RETURN(c.body, Base64Decode(AsText(rows[0][3])));
    return std::optional<Checkpoint>(std::move(c));
  }

  Result<std::int64_t> LastEventSeq() override {
    SB_ASSIGN_OR_RETURN(auto rows, db_->Query("SELECT COALESCE(MAX(seq), 0) FROM events", {}));
    return AsInt(rows.at(0).at(0));
  }

  Result<std::vector<CallDetail>> ReadCallDetails(Time from, Time to) override {
    return store::ReadCallDetails(*db_, from, to);
  }

  Result<std::vector<Cdr>> ReadCdrs(Time from, Time to) override {
    return store::ReadCdrs(*db_, from, to);
  }

  Result<std::int64_t> CreateCase(const CaseHeader& h, const CaseWrite& first) override {
    if (h.confirmation.empty()) return InvalidArgument("a case needs a confirmation number");
    SB_RETURN_IF_ERROR(CheckText("confirmation", h.confirmation));
    SB_RETURN_IF_ERROR(CheckText("opened_by", h.opened_by));
    SB_RETURN_IF_ERROR(Check(first));
    std::int64_t id = 0;
    Status s = InTransaction([&]() -> Status {
      const SqlValue p[] = {h.confirmation,        h.opened_ms,
                            h.opened_by,           static_cast<std::int64_t>(h.call),
                            std::int64_t{h.queue}, h.opened_ms};
      SB_ASSIGN_OR_RETURN(auto rows,
                          db_->Query("INSERT INTO cases (confirmation, opened_ms, opened_by, "
                                     "call_id, queue_id, last_edit_ms) VALUES (?, ?, ?, ?, ?, ?) "
                                     "RETURNING id",
                                     p));
      id = AsInt(rows.at(0).at(0));
      return WriteCase(id, 0, first);
    });
    if (!s.ok()) return s;
    return id;
  }

  Status UpdateCase(std::int64_t case_id, std::int64_t base_version,
                    const CaseWrite& change) override {
    SB_RETURN_IF_ERROR(Check(change));
    return InTransaction([&]() -> Status {
      const SqlValue id[] = {case_id};
      SB_ASSIGN_OR_RETURN(auto found, db_->Query("SELECT id FROM cases WHERE id = ?", id));
      if (found.empty()) return NotFound("no case " + std::to_string(case_id));
      SB_ASSIGN_OR_RETURN(auto v, db_->Query("SELECT COALESCE(MAX(version), 0) FROM case_edits "
                                             "WHERE case_id = ?",
                                             id));
      const std::int64_t latest = AsInt(v.at(0).at(0));
      if (latest != base_version) {
        return FailedPrecondition("case " + std::to_string(case_id) + " was changed (version " +
                                  std::to_string(latest) + ", not " + std::to_string(base_version) +
                                  "): reload it and edit again");
      }
      return WriteCase(case_id, latest, change);
    });
  }

  Result<StoredCase> LoadCase(std::int64_t case_id) override {
    const SqlValue p[] = {case_id};
    return LoadWhere("id = ?", p, "no case " + std::to_string(case_id));
  }

  Result<StoredCase> LoadCaseByConfirmation(const std::string& confirmation) override {
    const SqlValue p[] = {confirmation};
    return LoadWhere("confirmation = ?", p, "no case with confirmation number " + confirmation);
  }

  Result<std::vector<AuditEntry>> ReadAudit(const AuditQuery& q) override {
    const SqlValue p[] = {q.from_ms, q.to_ms, q.user, q.user, q.target, q.target, q.limit};
    SB_ASSIGN_OR_RETURN(
        auto rows,
        db_->Query("SELECT id, at_ms, user_login, action, target, call_id, case_id, detail "
                   "FROM audit WHERE at_ms >= ? AND at_ms < ? AND (? = '' OR user_login = ?) "
                   "AND (? = '' OR target = ?) ORDER BY id LIMIT ?",
                   p));
    std::vector<AuditEntry> out;
    for (const Row& r : rows) {
      out.push_back(AuditEntry{AsInt(r[0]), AsInt(r[1]), AsText(r[2]), AsText(r[3]), AsText(r[4]),
                               static_cast<std::uint64_t>(AsInt(r[5])), AsInt(r[6]), AsText(r[7])});
    }
    return out;
  }

  Status PutUser(const User& u) override {
    if (u.login.empty()) return InvalidArgument("a user needs a login");
    SB_RETURN_IF_ERROR(CheckText("login", u.login));
    SB_RETURN_IF_ERROR(CheckText("display name", u.display_name));
    SB_RETURN_IF_ERROR(CheckText("role", u.role));
    const SqlValue p[] = {u.login, u.display_name, u.role, u.created_ms};
    return db_
        ->Query(
            "INSERT INTO users (login, display_name, role, created_ms) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (login) DO UPDATE SET display_name = excluded.display_name, "
            "role = excluded.role",
            p)
        .status();
  }

  Result<std::vector<User>> ListUsers() override {
    SB_ASSIGN_OR_RETURN(auto rows, db_->Query("SELECT login, display_name, role, created_ms "
                                              "FROM users ORDER BY login",
                                              {}));
    std::vector<User> out;
    for (const Row& r : rows) {
      out.push_back(User{AsText(r[0]), AsText(r[1]), AsText(r[2]), AsInt(r[3])});
    }
    return out;
  }

  Result<std::int64_t> SaveConfigVersion(std::int64_t at_ms, const std::string& author,
                                         const std::string& text,
                                         const std::string& layout) override {
    SB_RETURN_IF_ERROR(CheckText("author", author));
    for (const std::string* t : {&text, &layout}) {
      if (t->find('\0') != std::string::npos || !ValidUtf8(*t)) {
        return InvalidArgument("a configuration text must be UTF-8 without NUL bytes");
      }
    }
    std::int64_t version = 0;
    Status s = InTransaction([&]() -> Status {
      SB_ASSIGN_OR_RETURN(auto v, db_->Query("SELECT COALESCE(MAX(version), 0) + 1 FROM "
                                             "config_versions",
                                             {}));
      version = AsInt(v.at(0).at(0));
      const SqlValue p[] = {version, at_ms, author, text, layout};
      return db_
          ->Query(
              "INSERT INTO config_versions (version, at_ms, author, body, layout) VALUES "
              "(?, ?, ?, ?, ?)",
              p)
          .status();
    });
    if (!s.ok()) return s;
    return version;
  }

  Result<std::int64_t> LatestConfigVersion() override {
    SB_ASSIGN_OR_RETURN(auto rows,
                        db_->Query("SELECT COALESCE(MAX(version), 0) FROM config_versions", {}));
    return AsInt(rows.at(0).at(0));
  }

  Result<std::string> LoadConfigVersion(std::int64_t version) override {
    const SqlValue p[] = {version};
    SB_ASSIGN_OR_RETURN(auto rows,
                        db_->Query("SELECT body FROM config_versions WHERE version = ?", p));
    if (rows.empty()) return NotFound("no configuration version " + std::to_string(version));
    return AsText(rows[0][0]);
  }

  Result<std::string> LoadConfigLayout(std::int64_t version) override {
    const SqlValue p[] = {version};
    SB_ASSIGN_OR_RETURN(auto rows,
                        db_->Query("SELECT layout FROM config_versions WHERE version = ?", p));
    if (rows.empty()) return NotFound("no configuration version " + std::to_string(version));
    return AsText(rows[0][0]);
  }

  Result<PurgeReport> Purge(const RetentionPolicy& policy, Time now) override {
    PurgeReport report;
    report.at_ms = ToMillis(now);
    Status s = InTransaction([&]() -> Status { return PurgeRows(*db_, policy, report); });
    if (!s.ok()) return s;
    RemoveRecordingFiles(report);  // only once their rows are gone for good
    return report;
  }

  Result<std::int64_t> AddRecording(const Recording& r) override {
    SB_RETURN_IF_ERROR(Ready());
    return InsertRecording(*db_, r);
  }
  Result<std::vector<Recording>> ReadRecordings(Time from, Time to) override {
    return QueryRecordings(*db_, from, to);
  }

 private:
  static Status Check(const CaseWrite& w) {
    for (const CaseEdit& e : w.edits) {
      SB_RETURN_IF_ERROR(CheckText("user", e.user));
      SB_RETURN_IF_ERROR(CheckText("field", e.field));
      SB_RETURN_IF_ERROR(CheckText(e.field, e.old_value));
      SB_RETURN_IF_ERROR(CheckText(e.field, e.new_value));
    }
    for (const CaseLink& l : w.links) {
      SB_RETURN_IF_ERROR(CheckText("link kind", l.kind));
      SB_RETURN_IF_ERROR(CheckText("link", l.ref));
    }
    if (w.audit) {
      WriteBatch b;
      b.audit.push_back(*w.audit);
      SB_RETURN_IF_ERROR(Validate(b));
    }
    return Status::Ok();
  }

  // Inside a transaction: the edits after `latest`, the links and the audit row of one change.
  Status WriteCase(std::int64_t case_id, std::int64_t latest, const CaseWrite& w) {
    if (!w.edits.empty()) {
      std::vector<Row> rows;
      std::int64_t version = latest, last_ms = 0;
      for (const CaseEdit& e : w.edits) {
        rows.push_back(Row{case_id, ++version, e.at_ms, e.user, e.field, e.old_value, e.new_value});
        last_ms = std::max(last_ms, e.at_ms);
      }
      static constexpr std::string_view kCols[] = {"case_id", "version",   "at_ms",    "user_login",
                                                   "field",   "old_value", "new_value"};
      SB_RETURN_IF_ERROR(db_->BulkInsert("case_edits", kCols, rows));
      const SqlValue touch[] = {last_ms, case_id};
      SB_ASSIGN_OR_RETURN(auto ignored, db_->Query("UPDATE cases SET last_edit_ms = ? WHERE "
                                                   "id = ?",
                                                   touch));
      (void)ignored;
      for (const CaseEdit& e : w.edits) {
        if (e.field != "disposition") continue;
        const SqlValue d[] = {e.new_value, case_id};
        SB_ASSIGN_OR_RETURN(auto updated,
                            db_->Query("UPDATE cdrs SET disposition = ? WHERE contact = (SELECT "
                                       "call_id FROM cases WHERE id = ?)",
                                       d));
        (void)updated;
      }
    }
    for (const CaseLink& l : w.links) {
      const SqlValue p[] = {case_id, l.kind, l.ref, l.at_ms};
      SB_ASSIGN_OR_RETURN(auto ignored,
                          db_->Query("INSERT INTO case_links (case_id, kind, ref, at_ms) VALUES "
                                     "(?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                     p));
      (void)ignored;
    }
    if (w.audit) {
      AuditEntry a = *w.audit;
      a.case_id = case_id;
      if (a.target.empty()) a.target = "case:" + std::to_string(case_id);
      const SqlValue p[] = {
          a.at_ms,   a.user,  a.action, a.target, static_cast<std::int64_t>(a.call),
          a.case_id, a.detail};
      SB_ASSIGN_OR_RETURN(auto ignored,
                          db_->Query("INSERT INTO audit (at_ms, user_login, action, target, "
                                     "call_id, case_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                     p));
      (void)ignored;
    }
    return Status::Ok();
  }

  Result<StoredCase> LoadWhere(const char* where, std::span<const SqlValue> p,
                               const std::string& missing) {
    StoredCase c;
    SB_ASSIGN_OR_RETURN(auto rows, db_->Query(std::string("SELECT id, confirmation, opened_ms, "
                                                          "opened_by, call_id, queue_id FROM "
                                                          "cases WHERE ") +
                                                  where,
                                              p));
    if (rows.empty()) return NotFound(missing);
    const Row& h = rows[0];
    c.header = CaseHeader{AsInt(h[0]),
                          AsText(h[1]),
                          AsInt(h[2]),
                          AsText(h[3]),
                          static_cast<std::uint64_t>(AsInt(h[4])),
                          static_cast<std::uint32_t>(AsInt(h[5]))};
    const SqlValue id[] = {c.header.id};
    SB_ASSIGN_OR_RETURN(auto edits, db_->Query("SELECT version, at_ms, user_login, field, "
                                               "old_value, new_value FROM case_edits WHERE "
                                               "case_id = ? ORDER BY version",
                                               id));
    for (const Row& r : edits) {
      c.edits.push_back(CaseEdit{AsInt(r[0]), AsInt(r[1]), AsText(r[2]), AsText(r[3]), AsText(r[4]),
                                 AsText(r[5])});
    }
    SB_ASSIGN_OR_RETURN(auto links, db_->Query("SELECT kind, ref, at_ms FROM case_links WHERE "
                                               "case_id = ? ORDER BY at_ms, kind, ref",
                                               id));
    for (const Row& r : links) c.links.push_back(CaseLink{AsText(r[0]), AsText(r[1]), AsInt(r[2])});
    return c;
  }

  // Runs `body` in a transaction; on success commits and runs `committed`.
  template <typename Body, typename After = void (*)()>
  Status InTransaction(
      Body body, After committed = [] {}) {
    SB_RETURN_IF_ERROR(Ready());
    Status s = db_->Exec("BEGIN");
    if (s.ok()) s = body();
    if (s.ok()) s = db_->Exec("COMMIT");
    if (!s.ok()) {
      (void)db_->Exec("ROLLBACK");
      if (s.code() == StatusCode::kUnavailable) broken_ = true;
      return s;
    }
    committed();
    return Status::Ok();
  }

  // After the database failed, gets a working connection back before the next write.
  Status Ready() {
    if (!broken_) return Status::Ok();
    SB_RETURN_IF_ERROR(db_->Recover());
    broken_ = false;
    return Status::Ok();
  }

  std::unique_ptr<Connection> db_;
  std::int64_t next_seq_ = 1;
  bool broken_ = false;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  std::unique_ptr<Connection> db;
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    SB_ASSIGN_OR_RETURN(db, OpenPostgres(url));
  } else {
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    if (path.empty()) return InvalidArgument("the store URL names no file: '" + url + "'");
    SB_ASSIGN_OR_RETURN(db, OpenSqlite(path));
  }
  auto store = std::make_unique<SqlStore>(std::move(db));
  SB_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace sb::store
