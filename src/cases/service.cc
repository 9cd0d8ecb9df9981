#include "cases/service.h"

#include <algorithm>

#include "cases/confirmation.h"

namespace sb::cases {
namespace {

constexpr int kConfirmationAttempts = 8;

store::CaseEdit Edit(const std::string& user, std::int64_t at_ms, std::string field,
                     std::string old_value, std::string new_value) {
  return store::CaseEdit{
      0, at_ms, user, std::move(field), std::move(old_value), std::move(new_value)};
}

bool CanMove(CaseStatus from, CaseStatus to) {
  if (from == to) return true;
  if (from == CaseStatus::kClosed) return to == CaseStatus::kOpen;  // reopen
  return true;
}

}  // namespace

CaseService::CaseService(store::Store& store, CaseRules rules)
    : store_(store), rules_(std::move(rules)) {}

Status CaseService::CheckDisposition(std::uint32_t queue, const std::string& code) const {
  if (code.empty()) return InvalidArgument("the disposition is empty");
  auto it = rules_.dispositions.find(queue);
  if (it == rules_.dispositions.end() || it->second.empty()) return Status::Ok();
  if (std::find(it->second.begin(), it->second.end(), code) != it->second.end()) {
    return Status::Ok();
  }
  std::string allowed;
  for (const std::string& c : it->second) allowed += (allowed.empty() ? "" : ", ") + c;
  return InvalidArgument("'" + code +
                         "' is not a disposition of this queue; expected one of: " + allowed);
}

Status CaseService::Audit(const std::string& user, std::int64_t at_ms, const std::string& action,
                          std::int64_t case_id, std::uint64_t call, std::string detail) {
  store::WriteBatch b;
  b.audit.push_back(store::AuditEntry{0, at_ms, user, action, "case:" + std::to_string(case_id),
                                      call, case_id, std::move(detail)});
  return store_.Commit(b);
}

Result<Case> CaseService::Open(const OpenRequest& req) {
  if (req.user.empty()) return InvalidArgument("a case is opened by a user");
  store::CaseWrite first;
  first.edits.push_back(Edit(req.user, req.at_ms, "status", "", "open"));
  if (!req.notes.empty()) first.edits.push_back(Edit(req.user, req.at_ms, "notes", "", req.notes));
  if (req.call != 0) first.links.push_back({"call", std::to_string(req.call), req.at_ms});
  for (const std::string& r : req.records) first.links.push_back({"record", r, req.at_ms});
  first.audit = store::AuditEntry{0, req.at_ms, req.user, "case.create", "", req.call, 0, ""};
  for (int attempt = 0; attempt < kConfirmationAttempts; ++attempt) {
    SB_ASSIGN_OR_RETURN(std::string number, NewConfirmationNumber());
    store::CaseHeader h{0, number, req.at_ms, req.user, req.call, req.queue};
    auto id = store_.CreateCase(h, first);
    if (id.ok()) {
      SB_ASSIGN_OR_RETURN(store::StoredCase stored, store_.LoadCase(*id));
      return Fold(stored);
    }
    // A clash on the confirmation number's unique index: draw another. Anything else is final.
    if (id.status().code() != StatusCode::kFailedPrecondition) return id.status();
  }
  return Internal("could not draw a free confirmation number in " +
                  std::to_string(kConfirmationAttempts) + " attempts");
}

Result<Case> CaseService::Change(const ChangeRequest& req) {
  if (req.user.empty()) return InvalidArgument("a case is changed by a user");
  SB_ASSIGN_OR_RETURN(store::StoredCase stored, store_.LoadCase(req.case_id));
  const Case now = Fold(stored);
  if (now.version != req.base_version) {
    return FailedPrecondition("case " + now.header.confirmation +
                              " was changed by someone else "
                              "(version " +
                              std::to_string(now.version) + ", you edited " +
                              std::to_string(req.base_version) + "): reload it and edit again");
  }
  const CaseStatus next = req.status.value_or(now.status);
  if (now.status == CaseStatus::kClosed && next == CaseStatus::kClosed) {
    return FailedPrecondition("case " + now.header.confirmation +
                              " is closed: reopen it (status open) to change it");
  }
  if (!CanMove(now.status, next)) {
    return FailedPrecondition("a closed case can only be reopened, not set to " +
                              std::string(CaseStatusName(next)));
  }
  const std::string disposition = req.disposition.value_or(now.disposition);
  if (req.disposition) SB_RETURN_IF_ERROR(CheckDisposition(now.header.queue, disposition));
  if (next == CaseStatus::kClosed && disposition.empty()) {
    return FailedPrecondition("a case is closed with a disposition: choose one first");
  }

  store::CaseWrite w;
  std::string changed;
  auto note = [&](const std::string& field) { changed += (changed.empty() ? "" : ",") + field; };
  if (next != now.status) {
    w.edits.push_back(Edit(req.user, req.at_ms, "status", std::string(CaseStatusName(now.status)),
                           std::string(CaseStatusName(next))));
    note("status");
  }
  if (req.disposition && *req.disposition != now.disposition) {
    w.edits.push_back(Edit(req.user, req.at_ms, "disposition", now.disposition, *req.disposition));
    note("disposition");
  }
  if (req.notes && *req.notes != now.notes) {
    w.edits.push_back(Edit(req.user, req.at_ms, "notes", now.notes, *req.notes));
    note("notes");
  }
  int number = static_cast<int>(now.followups.size());
  for (const NewFollowUp& f : req.add_followups) {
    if (f.task.empty() || f.assignee.empty() || f.due_ms <= 0) {
      return InvalidArgument("a follow-up needs a task, an assignee and a due time");
    }
    const std::string prefix = "followup." + std::to_string(++number) + ".";
    w.edits.push_back(Edit(req.user, req.at_ms, prefix + "task", "", f.task));
    w.edits.push_back(Edit(req.user, req.at_ms, prefix + "due", "", std::to_string(f.due_ms)));
    w.edits.push_back(Edit(req.user, req.at_ms, prefix + "assignee", "", f.assignee));
    note(prefix + "task");
  }
  for (int n : req.complete_followups) {
    if (n <= 0 || n > static_cast<int>(now.followups.size())) {
      return NotFound("case " + now.header.confirmation + " has no follow-up " + std::to_string(n));
    }
    if (now.followups[n - 1].done) continue;
    const std::string field = "followup." + std::to_string(n) + ".done";
    w.edits.push_back(Edit(req.user, req.at_ms, field, "false", "true"));
    note(field);
  }
  for (const std::string& r : req.link_records) w.links.push_back({"record", r, req.at_ms});
  for (std::uint64_t c : req.link_calls) w.links.push_back({"call", std::to_string(c), req.at_ms});
  if (w.edits.empty() && w.links.empty()) return now;  // nothing to change: no version, no audit
  if (!w.links.empty()) note("links");
  w.audit =
      store::AuditEntry{0, req.at_ms, req.user, "case.edit", "", req.call, req.case_id, changed};
  SB_RETURN_IF_ERROR(store_.UpdateCase(req.case_id, req.base_version, w));
  SB_ASSIGN_OR_RETURN(store::StoredCase after, store_.LoadCase(req.case_id));
  return Fold(after);
}

Result<Case> CaseService::View(std::int64_t case_id, const std::string& user, std::int64_t at_ms,
                               std::uint64_t call) {
  SB_ASSIGN_OR_RETURN(store::StoredCase stored, store_.LoadCase(case_id));
  SB_RETURN_IF_ERROR(Audit(user, at_ms, "case.view", case_id, call, ""));
  return Fold(stored);
}

Result<Case> CaseService::FindByConfirmation(std::string_view typed, const std::string& user,
                                             std::int64_t at_ms, std::uint64_t call) {
  SB_ASSIGN_OR_RETURN(std::string number, ParseConfirmationNumber(typed));
  SB_ASSIGN_OR_RETURN(store::StoredCase stored, store_.LoadCaseByConfirmation(number));
  SB_RETURN_IF_ERROR(
      Audit(user, at_ms, "case.view", stored.header.id, call, "by confirmation number"));
  return Fold(stored);
}

}  // namespace sb::cases
