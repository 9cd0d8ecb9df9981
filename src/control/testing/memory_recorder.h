#pragma once
// MemoryRecorder: a Recorder that keeps every write in memory, for unit tests of the controller.
// Writes are "durable" at once unless `hold` is set; `fail_from` makes it refuse writes (the
// buffer-full case); cases get consecutive ids and run their completion at once (or when
// RunCases() is called, with `defer_cases`). Test-only.

#include <deque>
#include <vector>

#include "control/recorder.h"

namespace sb::control::testing {

class MemoryRecorder : public Recorder {
 public:
  std::uint64_t Append(const core::Event& event) override {
    if (refuse) return 0;
    events.push_back(event);
    return ++tickets;
  }
  std::uint64_t Append(store::Cdr cdr) override {
    if (refuse) return 0;
    cdrs.push_back(std::move(cdr));
    return ++tickets;
  }
  std::uint64_t Append(store::AuditEntry entry) override {
    if (refuse) return 0;
    audit.push_back(std::move(entry));
    return ++tickets;
  }
  void OpenCase(cases::OpenRequest request,
                std::function<void(Result<cases::Case>)> done) override {
    ++tickets;
    case_requests.push_back(request);
    pending.emplace_back(std::move(request), std::move(done));
    if (!defer_cases) RunCases();
  }
  void RunCases() {
    while (!pending.empty()) {
      auto [req, done] = std::move(pending.front());
      pending.pop_front();
      cases::Case c;
      c.header.id = static_cast<std::int64_t>(++case_ids);
      c.header.confirmation = "TST-" + std::to_string(c.header.id);
      c.header.call = req.call;
      c.header.opened_by = req.user;
      done(std::move(c));
    }
  }
  bool CanRecord() const override { return !refuse; }
  std::uint64_t durable() const override { return tickets; }
  bool alarm() const override { return refuse; }

  bool refuse = false;
  bool defer_cases = false;
  std::uint64_t tickets = 0;
  std::uint64_t case_ids = 0;
  std::vector<core::Event> events;
  std::vector<store::Cdr> cdrs;
  std::vector<store::AuditEntry> audit;
  std::vector<cases::OpenRequest> case_requests;
  std::deque<std::pair<cases::OpenRequest, std::function<void(Result<cases::Case>)>>> pending;
};

}  // namespace sb::control::testing
