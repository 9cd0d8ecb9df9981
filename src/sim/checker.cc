#include "sim/checker.h"

#include <algorithm>

namespace sb::sim {
namespace {

using core::AgentState;
using core::ContactKind;

constexpr int kGroupTier = 9;  // documented: group agents come after every member

std::string Agent(AgentId a) { return "agent " + std::to_string(a.value); }
std::string Contact(ContactId c) { return "contact " + std::to_string(c.value); }

}  // namespace

InvariantChecker::InvariantChecker(const core::EngineSettings& settings)
    : s_(settings), agents_(settings.agents.size()) {
  // The requirement in force at each relax level: lower_skill steps lower it, others keep it.
  for (const core::QueueSettings& q : s_.queues) {
    std::vector<std::vector<core::SkillRequirement>> at{q.requirements};
    for (const core::RelaxStep& step : q.relax) {
      auto next = at.back();
      if (step.kind == core::RelaxStep::Kind::kLowerProficiency) {
        for (auto& r : next) {
          if (r.skill == step.skill) {
            r.min_proficiency = std::min(r.min_proficiency, step.min_proficiency);
          }
        }
      }
      at.push_back(std::move(next));
    }
    requirements_at_.push_back(std::move(at));
  }
}

void InvariantChecker::Violation(const core::Event& e, const std::string& what) {
  ++count_;
  if (violations_.size() < kKept) {
    violations_.push_back(FormatTime(core::EventTime(e)) + ": " + std::string(core::EventName(e)) +
                          ": " + what);
  }
}

bool InvariantChecker::Meets(AgentId a, const ContactView& c) const {
  const auto& reqs = requirements_at_[c.queue.value][c.level];
  for (const core::SkillRequirement& r : reqs) {
    int p = 0;
    for (const core::AgentSkill& k : s_.agents[a.value].skills) {
      p = k.skill == r.skill ? k.proficiency : p;
    }
    if (p < r.min_proficiency) return false;
  }
  return true;
}

bool InvariantChecker::MayTake(AgentId a, const ContactView& c, int* tier) const {
  for (const core::QueueMembership& m : s_.agents[a.value].queues) {
    if (m.queue == c.queue) {
      *tier = m.tier;
      return Meets(a, c);
    }
  }
  const auto& relax = s_.queues[c.queue.value].relax;
  const auto& groups = s_.agents[a.value].groups;
  bool opened = false;
  for (std::size_t k = 0; k < c.level && k < relax.size(); ++k) {
    if (relax[k].kind != core::RelaxStep::Kind::kAddGroup ||
        std::find(groups.begin(), groups.end(), relax[k].group) == groups.end()) {
      continue;
    }
    *tier = kGroupTier;
    if (relax[k].waive_requirements) return true;
    opened = true;
  }
  return opened && Meets(a, c);
}

bool InvariantChecker::Open(QueueId q, Time t) const {
  return s_.calendars.empty() || s_.calendars[s_.queues[q.value].calendar].IsOpen(t);
}

std::size_t InvariantChecker::Waiting(QueueId q) const {
  std::size_t n = 0;
  for (const auto& [id, c] : contacts_) n += c.queue == q && c.waiting() ? 1 : 0;
  return n;
}

bool InvariantChecker::CanTake(QueueId q, ContactKind kind, Time t) const {
  const int max = s_.queues[q.value].max_length;
  return Open(q, t) &&
         (kind != ContactKind::kCall || max == 0 || Waiting(q) < static_cast<std::size_t>(max));
}

QueueId InvariantChecker::MoveTarget(QueueId from, QueueId to, ContactKind kind, Time t) const {
  for (int depth = 0; depth < 16 && to != from; ++depth) {
    if (CanTake(to, kind, t)) return to;
    const core::QueueSettings& q = s_.queues[to.value];
    const core::Fallback& f = Open(to, t) ? q.when_full : q.when_closed;
    if (f.action != core::Fallback::Action::kOverflowQueue) break;
    to = f.queue;
  }
  return QueueId{};
}

bool InvariantChecker::ServiceBefore(const ContactView& a, const ContactView& b) const {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.arrival != b.arrival) return a.arrival < b.arrival;
  return a.seq < b.seq;
}

void InvariantChecker::Enter(ContactId, ContactView& c, QueueId q, Time at, Time arrival) {
  c.queue = q;
  c.queued_at = at;
  c.arrival = arrival;
  c.seq = next_seq_++;
  c.level = 0;
  c.connected = false;
  c.agent = AgentId{};
  c.ringing.clear();
  c.callback_offered = false;
  c.max_wait_spent = false;
}

void InvariantChecker::Add(const core::Event& e) {
  const Time t = core::EventTime(e);
  if (started_ && t < instant_) Violation(e, "time goes backwards");
  if (started_ && t > instant_) {
    EndOfInstant(instant_);
    SpendMaxWaits(instant_, t);
  }
  started_ = true;
  instant_ = std::max(instant_, t);
  On(e);
}

void InvariantChecker::Finish() {
  if (started_) EndOfInstant(instant_);
}

// A maximum wait that fell due between two instants and produced no event: its overflow found
// no queue able to take the contact, judged on the state at that time (nothing changed since
// the instant before), so the contact stays and the maximum wait is spent.
void InvariantChecker::SpendMaxWaits(Time after, Time before) {
  for (auto& [id, c] : contacts_) {
    const core::QueueSettings& q = s_.queues[c.queue.value];
    const Time due = c.queued_at + q.max_wait;
    if (q.max_wait > Duration{0} && c.waiting() && c.kind == ContactKind::kCall &&
        !c.callback_offered && !c.max_wait_spent && due > after && due < before &&
        q.when_max_wait.action == core::Fallback::Action::kOverflowQueue &&
        !MoveTarget(c.queue, q.when_max_wait.queue, c.kind, due).valid()) {
      c.max_wait_spent = true;
    }
  }
}

// Work conservation, ring-all completeness and deadlines, once every event of instant t is in.
void InvariantChecker::EndOfInstant(Time t) {
  auto report = [&](const std::string& what) {
    ++count_;
    if (violations_.size() < kKept) {
      violations_.push_back(FormatTime(t) + ": end of instant: " + what);
    }
  };
  std::vector<ContactId> ids;
  for (const auto& [id, c] : contacts_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (ContactId id : ids) {
    ContactView& c = contacts_.at(id);
    const core::QueueSettings& q = s_.queues[c.queue.value];
    const bool ring_all_now = q.strategy == core::StrategyKind::kRingAll && !c.connected &&
                              !c.ringing.empty() && c.offered_at == t &&
                              c.ringing.size() < static_cast<std::size_t>(q.ring_all_max);
    if (c.waiting() || ring_all_now) {
      for (std::uint32_t a = 0; a < agents_.size(); ++a) {
        int tier = 0;
        if (agents_[a].state == AgentState::kReady && MayTake(AgentId{a}, c, &tier)) {
          report(Agent(AgentId{a}) + " is ready and idle while " + Contact(id) +
                 (c.waiting() ? " waits for it in queue "
                              : " rings fewer agents than it may in queue ") +
                 q.name);
          break;
        }
      }
    }
    if (c.retrying && c.retry_due <= t) {
      report(Contact(id) + ": its callback retry was due at " + FormatTime(c.retry_due) +
             " and it is not waiting again");
    }
    if (!c.waiting()) continue;
    if (c.level < q.relax.size() && c.queued_at + q.relax[c.level].after <= t) {
      report(Contact(id) + ": relax step " + std::to_string(c.level + 1) + " of queue " + q.name +
             " was due at " + FormatTime(c.queued_at + q.relax[c.level].after) +
             " and has not applied");
    }
    if (q.max_wait > Duration{0} && c.kind == ContactKind::kCall && !c.callback_offered &&
        !c.max_wait_spent && c.queued_at + q.max_wait <= t) {
      // An overflow that no queue can take is spent: the contact stays (core's MoveTarget).
      if (q.when_max_wait.action == core::Fallback::Action::kOverflowQueue &&
          !MoveTarget(c.queue, q.when_max_wait.queue, c.kind, t).valid()) {
        c.max_wait_spent = true;
      } else {
        report(Contact(id) + ": the maximum wait of queue " + q.name + " was reached at " +
               FormatTime(c.queued_at + q.max_wait) + " and nothing happened");
      }
    }
  }
  for (std::uint32_t a = 0; a < agents_.size(); ++a) {
    if (agents_[a].state == AgentState::kWrapUp && agents_[a].wrap_until <= t) {
      report(Agent(AgentId{a}) + ": wrap-up due to end at " + FormatTime(agents_[a].wrap_until) +
             " has not");
    }
  }
}

}  // namespace sb::sim
