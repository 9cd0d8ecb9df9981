// The store's administration queries, shared by both back ends: counts for `store info`, and
// the retention purge (run inside the caller's transaction).

#include "store/sql_admin.h"

#include "store/sql_recordings.h"

#include <string>

namespace sb::store {
namespace {
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
}  // namespace

Result<StoreInfo> ReadStoreInfo(Connection& db) {
  StoreInfo info;
  info.where = db.Describe();
  SB_ASSIGN_OR_RETURN(auto v, db.Query("SELECT MAX(version) FROM schema_migrations", {}));
  info.schema_version = static_cast<int>(AsInt(v.at(0).at(0)));
  struct {
    const char* table;
    std::int64_t* out;
  } counts[] = {{"events", &info.events},
                {"cdrs", &info.cdrs},
                {"cases", &info.cases},
                {"audit", &info.audit},
                {"users", &info.users},
                {"config_versions", &info.config_versions},
                {"dead_letters", &info.dead_letters},
                {"checkpoints", &info.checkpoints},
                {"call_details", &info.call_details},
                {"recordings", &info.recordings}};
  for (auto& c : counts) {
    SB_ASSIGN_OR_RETURN(auto rows, db.Query(std::string("SELECT COUNT(*) FROM ") + c.table, {}));
    *c.out = AsInt(rows.at(0).at(0));
  }
  SB_ASSIGN_OR_RETURN(auto cp, db.Query("SELECT COALESCE(MAX(seq), 0) FROM checkpoints", {}));
  info.last_checkpoint_seq = AsInt(cp.at(0).at(0));
  return info;
}

Status PurgeRows(Connection& db, const RetentionPolicy& policy, PurgeReport& report) {
  auto horizon = [&](int days) { return report.at_ms - days * kDayMs; };
  auto remove = [&](int days, const char* sql, std::int64_t& count) -> Status {
    if (days <= 0) return Status::Ok();
    const SqlValue p[] = {horizon(days)};
    SB_ASSIGN_OR_RETURN(auto ignored, db.Query(sql, p));
    (void)ignored;
    count = db.Changes();
    return Status::Ok();
  };
  // Events only where a checkpoint covers them: a restart needs the checkpoint and what follows.
  SB_RETURN_IF_ERROR(remove(policy.events_days,
                            "DELETE FROM events WHERE at_ms < ? AND (NOT EXISTS (SELECT 1 "
                            "FROM checkpoints) OR seq <= (SELECT MAX(seq) FROM checkpoints))",
                            report.events));
  SB_RETURN_IF_ERROR(
      remove(policy.cdrs_days, "DELETE FROM cdrs WHERE arrival_ms < ?", report.cdrs));
  SB_RETURN_IF_ERROR(
      remove(policy.cdrs_days, "DELETE FROM call_details WHERE invite_ms < ?", report.calls));
  SB_RETURN_IF_ERROR(
      remove(policy.cases_days, "DELETE FROM cases WHERE last_edit_ms < ?", report.cases));
  if (policy.audit_days > 0) {
    // The horizon may only move forward (a trigger enforces it).
    const SqlValue p[] = {horizon(policy.audit_days), horizon(policy.audit_days)};
    SB_ASSIGN_OR_RETURN(auto ignored, db.Query("UPDATE retention_state SET audit_horizon_ms = ? "
                                               "WHERE id = 1 AND audit_horizon_ms < ?",
                                               p));
    (void)ignored;
    SB_RETURN_IF_ERROR(
        remove(policy.audit_days, "DELETE FROM audit WHERE at_ms < ?", report.audit));
  }
  if (policy.recordings_days > 0) {
    SB_RETURN_IF_ERROR(PurgeRecordingRows(db, horizon(policy.recordings_days), report));
  }
  const std::string detail =
      "events=" + std::to_string(report.events) + " cdrs=" + std::to_string(report.cdrs) +
      " calls=" + std::to_string(report.calls) + " cases=" + std::to_string(report.cases) +
      " audit=" + std::to_string(report.audit) + " recordings=" + std::to_string(report.recordings);
  const SqlValue p[] = {report.at_ms,
                        std::string("system"),
                        std::string("retention.purge"),
                        std::string("store"),
                        std::int64_t{0},
                        std::int64_t{0},
                        detail};
  return db
      .Query(
          "INSERT INTO audit (at_ms, user_login, action, target, call_id, case_id, detail) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          p)
      .status();
}

}  // namespace sb::store
