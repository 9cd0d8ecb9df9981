#pragma once
// InvariantChecker: reads an engine's event stream, in order, with the settings it ran under,
// and reports every place where it breaks what any correct contact center must guarantee. It
// rebuilds agent and contact state from the events alone, by the rules documented in
// src/core/README.md ("Routing rules") and core/events.h; it never looks at the engine's
// internals, so a defect in the engine cannot hide in a shared helper.
//
// Checked: an agent holds one contact at a time and moves between states only as the events
// allow; only ready agents who serve the queue (as members, or through a group opened by a relax
// step the contact reached) and meet the requirement in force are offered a contact; one live
// offer per contact except ring-all (same offer number, at most ring_all_max agents); no answer
// counted twice; offers go in service order within a queue (priority, then arrival); longest
// idle, highest proficiency and fewest contacts pick the best candidate, ties on exact idle time;
// at the end of every instant no ready agent is idle while a contact it may take waits, and a
// ring-all offer made at that instant rings every eligible ready agent up to its limit; relax
// steps, maximum waits, offer expiries and wrap-ups act at their times (a step due while ringing
// as soon as the contact waits again); moves go only to a queue that can take the contact;
// every contact ends once, for a reason that fits (a callback is never "abandoned").
// (checker_test.cc also recounts the simulator's statistics from the events.)
//
// Thread safety: none; one checker per event stream. Pure: no I/O, no clock.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/events.h"
#include "core/settings.h"

namespace sb::sim {

class InvariantChecker {
 public:
  // `settings` must outlive the checker.
  explicit InvariantChecker(const core::EngineSettings& settings);

  // Checks one event (events must come in the engine's order).
  void Add(const core::Event& e);
  // Ends the stream: the end-of-instant checks for the last instant.
  void Finish();

  // The violations found, at most kKept, each "time: event: what".
  static constexpr std::size_t kKept = 20;
  const std::vector<std::string>& violations() const { return violations_; }
  std::size_t violation_count() const { return count_; }

 private:
  struct AgentView {
    core::AgentState state = core::AgentState::kLoggedOut;
    ContactId contact;
    Time ready_since{};
    Time wrap_until{};
    bool pending = false;
    std::uint32_t contacts_today = 0;
    std::int64_t day = -1;
  };
  struct ContactView {
    QueueId queue;
    core::ContactKind kind = core::ContactKind::kCall;
    std::int32_t priority = 0;
    Time arrival{};
    Time queued_at{};
    std::uint64_t seq = 0;
    std::uint16_t level = 0;
    bool connected = false;
    AgentId agent;
    std::vector<AgentId> ringing;
    std::uint32_t offer = 0;
    Time offered_at{};
    Time expires{};
    bool callback_offered = false;
    bool max_wait_spent = false;
    bool retrying = false;  // a callback out of its queue until retry_due
    Time retry_due{};
    std::uint16_t failures = 0;  // dials of this callback that reached nobody
    bool waiting() const { return !connected && ringing.empty() && !retrying; }
  };

  void Violation(const core::Event& e, const std::string& what);
  void EndOfInstant(Time t);
  void SpendMaxWaits(Time after, Time before);
  void Enter(ContactId id, ContactView& c, QueueId q, Time at, Time arrival);
  bool Meets(AgentId a, const ContactView& c) const;
  // Whether `a` may take `c` (member meeting the requirement, or opened group); tier out.
  bool MayTake(AgentId a, const ContactView& c, int* tier) const;
  bool Open(QueueId q, Time t) const;
  std::size_t Waiting(QueueId q) const;
  bool CanTake(QueueId q, core::ContactKind kind, Time t) const;
  QueueId MoveTarget(QueueId from, QueueId to, core::ContactKind kind, Time t) const;
  bool ServiceBefore(const ContactView& a, const ContactView& b) const;
  void CheckOffer(const core::ContactOffered& e, const ContactView& c);
  void CheckRanking(const core::ContactOffered& e, const ContactView& c);

  void On(const core::Event& e);

  const core::EngineSettings& s_;
  std::vector<std::vector<std::vector<core::SkillRequirement>>> requirements_at_;
  std::vector<AgentView> agents_;
  std::unordered_map<ContactId, ContactView> contacts_;
  std::uint64_t next_seq_ = 0;
  Time instant_{};
  bool started_ = false;
  std::vector<std::string> violations_;
  std::size_t count_ = 0;
};

}  // namespace sb::sim
