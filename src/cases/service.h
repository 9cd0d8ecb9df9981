#pragma once
// The case lifecycle: open a case for an answered contact (with a fresh confirmation number),
// change it (status, disposition, notes, follow-ups, linked records) under optimistic
// versioning, and view or find it. Every change and every view writes an audit row in the same
// transaction as the change (store::Store::CreateCase/UpdateCase) or right after the read.
//
// Rules: a disposition must be one of the queue's configured codes (when the queue has a list);
// a case is closed only with a disposition; a closed case changes only by being reopened; a
// follow-up needs a task, a due time and an assignee.
//
// Thread safety: none; a CaseService runs on the thread that owns the store (the store
// writer's, through StoreWriter::Call, or a command's). It does not own the store.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "cases/case.h"
#include "store/store.h"

namespace sb::cases {

struct CaseRules {
  // Disposition codes per queue id; a queue without an entry accepts any non-empty code.
  std::unordered_map<std::uint32_t, std::vector<std::string>> dispositions;
};

struct OpenRequest {
  std::string user;
  std::int64_t at_ms = 0;
  std::uint64_t call = 0;  // the answered contact, 0 when opened by hand
  std::uint32_t queue = 0;
  std::vector<std::string> records;  // directory records shown in the screen pop
  std::string notes;
};

struct NewFollowUp {
  std::string task;
  std::int64_t due_ms = 0;
  std::string assignee;
};

struct ChangeRequest {
  std::int64_t case_id = 0;
  std::int64_t base_version = 0;  // Case::version as the user last saw it
  std::string user;
  std::int64_t at_ms = 0;
  std::uint64_t call = 0;  // the call during which the change is made, if any
  std::optional<CaseStatus> status;
  std::optional<std::string> disposition;
  std::optional<std::string> notes;
  std::vector<NewFollowUp> add_followups;
  std::vector<int> complete_followups;
  std::vector<std::string> link_records;
  std::vector<std::uint64_t> link_calls;
};

class CaseService {
 public:
  CaseService(store::Store& store, CaseRules rules);

  // Opens a case; retries with a new confirmation number on the (rare) clash.
  Result<Case> Open(const OpenRequest& req);
  // Applies a change; kFailedPrecondition if the case changed since base_version or a rule
  // refuses it (the message says which), kInvalidArgument for bad values, kNotFound.
  Result<Case> Change(const ChangeRequest& req);
  // Loads a case for a user, auditing the view.
  Result<Case> View(std::int64_t case_id, const std::string& user, std::int64_t at_ms,
                    std::uint64_t call);
  // Finds a case by what a caller or agent typed ("k7q 4821 x"), auditing the look-up.
  Result<Case> FindByConfirmation(std::string_view typed, const std::string& user,
                                  std::int64_t at_ms, std::uint64_t call);

 private:
  Status CheckDisposition(std::uint32_t queue, const std::string& code) const;
  Status Audit(const std::string& user, std::int64_t at_ms, const std::string& action,
               std::int64_t case_id, std::uint64_t call, std::string detail);

  store::Store& store_;
  CaseRules rules_;
};

}  // namespace sb::cases
