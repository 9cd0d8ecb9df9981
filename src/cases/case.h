#pragma once
// A case as agents see it: the state folded from its versioned edits (store::StoredCase). Every
// answered contact opens one; it carries a disposition (from the queue's list), notes, follow-up
// tasks, a status, the call(s) and directory records it concerns, and the confirmation number
// read back to the caller. Nothing is overwritten: `history` lists every change with who made
// it, when, and the old and new value. Thread safety: plain values.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/store.h"

namespace sb::cases {

enum class CaseStatus { kOpen, kPending, kClosed };
std::string_view CaseStatusName(CaseStatus s);
Result<CaseStatus> ParseCaseStatus(std::string_view name);

struct FollowUp {
  int number = 0;  // 1, 2, ... within the case
  std::string task;
  std::int64_t due_ms = 0;
  std::string assignee;  // a user's login
  bool done = false;
};

struct Case {
  store::CaseHeader header;
  CaseStatus status = CaseStatus::kOpen;
  std::string disposition;
  std::string notes;
  std::vector<FollowUp> followups;
  std::vector<store::CaseLink> links;
  std::int64_t version = 0;  // the latest edit's version: the base of the next change
  std::vector<store::CaseEdit> history;
};

// Folds the edits in version order. Unknown fields are kept in history only (a newer version
// of switchboard may have written them).
Case Fold(const store::StoredCase& stored);

}  // namespace sb::cases
