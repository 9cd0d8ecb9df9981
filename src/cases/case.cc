#include "cases/case.h"

#include <charconv>

namespace sb::cases {
namespace {

// "followup.12.due" -> {12, "due"}; {0, ""} if the field is not a follow-up's.
std::pair<int, std::string_view> FollowUpField(std::string_view field) {
  constexpr std::string_view kPrefix = "followup.";
  if (field.substr(0, kPrefix.size()) != kPrefix) return {0, {}};
  field.remove_prefix(kPrefix.size());
  const auto dot = field.find('.');
  if (dot == std::string_view::npos) return {0, {}};
  int n = 0;
  auto [p, ec] = std::from_chars(field.data(), field.data() + dot, n);
  if (ec != std::errc() || p != field.data() + dot || n <= 0) return {0, {}};
  return {n, field.substr(dot + 1)};
}

}  // namespace

std::string_view CaseStatusName(CaseStatus s) {
  switch (s) {
    case CaseStatus::kOpen:
      return "open";
    case CaseStatus::kPending:
      return "pending";
    case CaseStatus::kClosed:
      return "closed";
  }
  return "open";
}

Result<CaseStatus> ParseCaseStatus(std::string_view name) {
  for (CaseStatus s : {CaseStatus::kOpen, CaseStatus::kPending, CaseStatus::kClosed}) {
    if (CaseStatusName(s) == name) return s;
  }
  return InvalidArgument("unknown case status '" + std::string(name) +
                         "': expected open, pending or closed");
}

Case Fold(const store::StoredCase& stored) {
  Case c;
  c.header = stored.header;
  c.links = stored.links;
  c.history = stored.edits;
  for (const store::CaseEdit& e : stored.edits) {
    c.version = e.version;
    if (e.field == "status") {
      auto s = ParseCaseStatus(e.new_value);
      if (s.ok()) c.status = *s;
    } else if (e.field == "disposition") {
      c.disposition = e.new_value;
    } else if (e.field == "notes") {
      c.notes = e.new_value;
    } else if (auto [n, part] = FollowUpField(e.field); n > 0) {
      if (c.followups.size() < static_cast<std::size_t>(n)) c.followups.resize(n);
      FollowUp& f = c.followups[n - 1];
      f.number = n;
      if (part == "task") f.task = e.new_value;
      if (part == "assignee") f.assignee = e.new_value;
      if (part == "done") f.done = e.new_value == "true";
      if (part == "due") {
        std::int64_t due = 0;
        std::from_chars(e.new_value.data(), e.new_value.data() + e.new_value.size(), due);
        f.due_ms = due;
      }
    }
  }
  return c;
}

}  // namespace sb::cases
