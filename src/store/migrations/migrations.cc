#include "store/migrations/migrations.h"

#include <chrono>
#include <string>
#include <string_view>

namespace sb::store {
namespace {

struct Migration {
  int version;
  std::string_view what;
  // `{serial}` becomes the dialect's auto-numbered primary key.
  std::string_view common;
  std::string_view sqlite;
  std::string_view postgres;
};

// Never edit a migration that has shipped: add a new one.
constexpr Migration kMigrations[] = {
    {1, "event log, CDRs, cases, audit, users, configuration versions, retention",
     R"sql(
CREATE TABLE events (
  seq BIGINT PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX events_at ON events (at_ms);
CREATE TABLE cdrs (
  contact BIGINT PRIMARY KEY,
  arrival_ms BIGINT NOT NULL,
  ivr_ms BIGINT NOT NULL,
  queued_ms BIGINT NOT NULL,
  offered_ms BIGINT NOT NULL,
  answered_ms BIGINT NOT NULL,
  ended_ms BIGINT NOT NULL,
  queue_id BIGINT NOT NULL,
  agent BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  disposition TEXT NOT NULL,
  caller TEXT NOT NULL,
  partner TEXT NOT NULL
);
CREATE INDEX cdrs_arrival ON cdrs (arrival_ms);
CREATE TABLE cases (
  id {serial},
  confirmation TEXT NOT NULL UNIQUE,
  opened_ms BIGINT NOT NULL,
  opened_by TEXT NOT NULL,
  call_id BIGINT NOT NULL,
  queue_id BIGINT NOT NULL,
  last_edit_ms BIGINT NOT NULL
);
CREATE TABLE case_edits (
  case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  at_ms BIGINT NOT NULL,
  user_login TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  PRIMARY KEY (case_id, version)
);
CREATE TABLE case_links (
  case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  PRIMARY KEY (case_id, kind, ref)
);
CREATE TABLE audit (
  id {serial},
  at_ms BIGINT NOT NULL,
  user_login TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  call_id BIGINT NOT NULL,
  case_id BIGINT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at_ms);
CREATE INDEX audit_target ON audit (target, at_ms);
CREATE TABLE users (
  login TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE TABLE config_versions (
  version BIGINT PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  author TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE retention_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  audit_horizon_ms BIGINT NOT NULL
);
INSERT INTO retention_state (id, audit_horizon_ms) VALUES (1, 0);
)sql",
     // SQLite: audit rows can be deleted only once older than the purge horizon, which only moves
     // forward and never past now; nothing in the audit, the event log or case history is updated.
     R"sql(
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are immutable'); END;
CREATE TRIGGER audit_delete_expired_only BEFORE DELETE ON audit
WHEN OLD.at_ms >= (SELECT audit_horizon_ms FROM retention_state)
BEGIN SELECT RAISE(ABORT, 'audit rows are kept until their retention period expires'); END;
CREATE TRIGGER retention_horizon_forward BEFORE UPDATE ON retention_state
WHEN NEW.audit_horizon_ms < OLD.audit_horizon_ms
  OR NEW.audit_horizon_ms > CAST(strftime('%s', 'now') AS INTEGER) * 1000
BEGIN SELECT RAISE(ABORT, 'the audit purge horizon only moves forward, up to now'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER case_edits_no_update BEFORE UPDATE ON case_edits
BEGIN SELECT RAISE(ABORT, 'case edits are never overwritten'); END;
)sql",
     R"sql(
CREATE FUNCTION sb_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never updated', TG_TABLE_NAME;
END $$;
CREATE FUNCTION sb_audit_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.at_ms >= (SELECT audit_horizon_ms FROM retention_state) THEN
    RAISE EXCEPTION 'audit rows are kept until their retention period expires';
  END IF;
  RETURN OLD;
END $$;
CREATE FUNCTION sb_horizon_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.audit_horizon_ms < OLD.audit_horizon_ms
     OR NEW.audit_horizon_ms > (extract(epoch FROM now()) * 1000)::bigint THEN
    RAISE EXCEPTION 'the audit purge horizon only moves forward, up to now';
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION sb_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% cannot be truncated', TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  FOR EACH ROW EXECUTE FUNCTION sb_refuse_update();
CREATE TRIGGER audit_delete_expired_only BEFORE DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION sb_audit_delete_guard();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION sb_refuse_truncate();
CREATE TRIGGER retention_horizon_forward BEFORE UPDATE ON retention_state
  FOR EACH ROW EXECUTE FUNCTION sb_horizon_guard();
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION sb_refuse_update();
CREATE TRIGGER case_edits_no_update BEFORE UPDATE ON case_edits
  FOR EACH ROW EXECUTE FUNCTION sb_refuse_update();
)sql"},
    {2, "dead letters: writes the store refused, set aside so that they block nothing",
     R"sql(
CREATE TABLE dead_letters (
  id {serial},
  at_ms BIGINT NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  body TEXT NOT NULL
);
)sql",
     "SELECT 1", "SELECT 1"},
    {3, "checkpoints: the server's state, so that start-up replays only what followed",
     R"sql(
CREATE TABLE checkpoints (
  id {serial},
  seq BIGINT NOT NULL,
  at_ms BIGINT NOT NULL,
  body TEXT NOT NULL
);
)sql",
     "SELECT 1", "SELECT 1"},
    {4, "configuration layouts: the ids of agents and queues, kept across renames and removals",
     R"sql(
ALTER TABLE config_versions ADD COLUMN layout TEXT NOT NULL DEFAULT '';
)sql",
     "SELECT 1", "SELECT 1"},
    {5, "call details: the phone system's times of each call, and who ended it",
     R"sql(
CREATE TABLE call_details (
  contact BIGINT PRIMARY KEY,
  call_id TEXT NOT NULL,
  trunk TEXT NOT NULL,
  source TEXT NOT NULL,
  caller TEXT NOT NULL,
  dialled TEXT NOT NULL,
  invite_ms BIGINT NOT NULL,
  answered_ms BIGINT NOT NULL,
  ivr_exit_ms BIGINT NOT NULL,
  queued_ms BIGINT NOT NULL,
  offered_ms BIGINT NOT NULL,
  agent_answered_ms BIGINT NOT NULL,
  ended_ms BIGINT NOT NULL,
  agent TEXT NOT NULL,
  ended_by TEXT NOT NULL,
  cause TEXT NOT NULL,
  status BIGINT NOT NULL
);
CREATE INDEX call_details_invite ON call_details (invite_ms);
)sql",
     "SELECT 1", "SELECT 1"},
    {6, "recordings: the WAV files of recorded calls, purged with their retention",
     R"sql(
CREATE TABLE recordings (
  id {serial},
  contact BIGINT NOT NULL,
  path TEXT NOT NULL,
  started_ms BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  queue_name TEXT NOT NULL,
  agent TEXT NOT NULL,
  cut_short BIGINT NOT NULL
);
CREATE INDEX recordings_started ON recordings (started_ms);
CREATE INDEX recordings_contact ON recordings (contact);
)sql",
     "SELECT 1", "SELECT 1"},
    {7, "attended transfers: when a call was handed over to a consulted agent, and by whom",
     R"sql(
ALTER TABLE cdrs ADD COLUMN handover_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cdrs ADD COLUMN handover_from BIGINT NOT NULL DEFAULT -1;
ALTER TABLE call_details ADD COLUMN handover_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE call_details ADD COLUMN handover_from TEXT NOT NULL DEFAULT '';
)sql",
     "SELECT 1", "SELECT 1"},
    {8, "callbacks' attempts and last cause; hold count and time of each call",
     R"sql(
ALTER TABLE cdrs ADD COLUMN callback_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE call_details ADD COLUMN callback_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE call_details ADD COLUMN callback_status BIGINT NOT NULL DEFAULT 0;
ALTER TABLE call_details ADD COLUMN callback_cause TEXT NOT NULL DEFAULT '';
ALTER TABLE call_details ADD COLUMN hold_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE call_details ADD COLUMN hold_ms BIGINT NOT NULL DEFAULT 0;
)sql",
     "SELECT 1", "SELECT 1"},
    {9, "cases found by their call: each CDR looks up its call's case disposition",
     R"sql(
CREATE INDEX cases_call ON cases (call_id);
)sql",
     "SELECT 1", "SELECT 1"},
};

std::string Expand(std::string_view sql, Dialect d) {
  std::string out(sql);
  const std::string serial =
      d == Dialect::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
  for (std::size_t at; (at = out.find("{serial}")) != std::string::npos;) {
    out.replace(at, 8, serial);
  }
  return out;
}

Result<int> CurrentVersion(Connection& db) {
  SB_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
              "applied_ms BIGINT NOT NULL, description TEXT NOT NULL)"));
  SB_ASSIGN_OR_RETURN(auto rows,
                      db.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}));
  return static_cast<int>(AsInt(rows.at(0).at(0)));
}

}  // namespace

static std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> Migrate(Connection& db) {
  // SQLite: BEGIN IMMEDIATE takes the write lock at once, so two processes cannot both migrate.
  const bool pg = db.dialect() == Dialect::kPostgres;
  SB_RETURN_IF_ERROR(db.Exec(pg ? "BEGIN" : "BEGIN IMMEDIATE"));
  auto body = [&]() -> Result<int> {
    if (pg) SB_RETURN_IF_ERROR(db.Exec("SELECT pg_advisory_xact_lock(7305118)"));
    SB_ASSIGN_OR_RETURN(const int found, CurrentVersion(db));
    if (found > LatestSchemaVersion()) {
      return FailedPrecondition("the store " + db.Describe() + " has schema version " +
                                std::to_string(found) + ", newer than this switchboard knows (" +
                                std::to_string(LatestSchemaVersion()) +
                                "): upgrade switchboard, or point it at another store");
    }
    for (const Migration& m : kMigrations) {
      if (m.version <= found) continue;
      SB_RETURN_IF_ERROR(db.Exec(Expand(m.common, db.dialect()))
                             .WithContext("migration " + std::to_string(m.version)));
      SB_RETURN_IF_ERROR(db.Exec(pg ? m.postgres : m.sqlite)
                             .WithContext("migration " + std::to_string(m.version)));
      const SqlValue params[] = {std::int64_t{m.version}, NowMs(), std::string(m.what)};
      SB_ASSIGN_OR_RETURN(auto ignored, db.Query("INSERT INTO schema_migrations (version, "
                                                 "applied_ms, description) VALUES (?, ?, ?)",
                                                 params));
      (void)ignored;
    }
    return found;
  };
  Result<int> r = body();
  if (!r.ok()) {
    (void)db.Exec("ROLLBACK");
    return r;
  }
  SB_RETURN_IF_ERROR(db.Exec("COMMIT"));
  return r;
}

}  // namespace sb::store
