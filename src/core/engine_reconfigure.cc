// Engine::Reconfigure and SettingsChanged: new settings on the running engine. The runtime state
// (agents' states, contacts, their places and timers, what the queues have learnt) is carried
// over through the checkpoint encoding into indexes built from the new settings, so the switch
// is exactly what a restore under the new settings would give; then the waiting contacts' queue
// timers are set again under the new steps.

#include <algorithm>

#include "base/assert.h"
#include "core/engine.h"
#include "core/internal/state.h"

namespace sb::core {
namespace internal {
namespace {

bool Busy(AgentState st) {
  return st == AgentState::kReserved || st == AgentState::kOnContact || st == AgentState::kWrapUp ||
         st == AgentState::kConsulted;
}

std::size_t ReasonIndex(const std::vector<std::string>& reasons, const std::string& name) {
  return static_cast<std::size_t>(std::find(reasons.begin(), reasons.end(), name) -
                                  reasons.begin());
}

// The reason an agent holds now (not ready, or pending), if any.
void ReasonsInUse(const State& s, std::size_t i, std::vector<std::uint8_t>* out) {
  const AgentRt& a = s.agents[i];
  if (a.state == AgentState::kNotReady) out->push_back(a.reason);
  if (a.pending >= 0 && a.pending != kPendingLogout) {
    out->push_back(static_cast<std::uint8_t>(a.pending));
  }
}

}  // namespace

Status PrepareSuccessor(const State& s, EngineSettings& next, bool idle_retired) {
  SB_RETURN_IF_ERROR(ValidateSettings(next));
  EnsureReasons(next.not_ready_reasons);
  if (next.not_ready_reasons.size() > 250) return InvalidArgument("at most 250 not-ready reasons");
  const EngineSettings& now = s.settings;
  if (next.agents.size() < now.agents.size() || next.queues.size() < now.queues.size()) {
    return InvalidArgument(
        "agents and queues keep their ids: a removed one stays, retired (the new settings have " +
        std::to_string(next.agents.size()) + " agents and " + std::to_string(next.queues.size()) +
        " queues, the running ones " + std::to_string(now.agents.size()) + " and " +
        std::to_string(now.queues.size()) + ")");
  }
  for (std::size_t i = 0; i < now.agents.size(); ++i) {
    const AgentRt& a = s.agents[i];
    const std::string& name = next.agents[i].name;
    if (next.agents[i].retired && a.state != AgentState::kLoggedOut &&
        (!idle_retired || Busy(a.state))) {
      return FailedPrecondition("agent '" + now.agents[i].name + "' is removed but " +
                                std::string(AgentStateName(a.state)) +
                                ": apply the change once the agent is logged out");
    }
    std::vector<std::uint8_t> reasons;
    if (!next.agents[i].retired) ReasonsInUse(s, i, &reasons);
    for (std::uint8_t r : reasons) {
      const std::string& reason = now.not_ready_reasons[r];
      if (ReasonIndex(next.not_ready_reasons, reason) >= next.not_ready_reasons.size()) {
        return FailedPrecondition("agent '" + name + "' is not ready for '" + reason +
                                  "', which the new settings remove: apply the change once no "
                                  "agent uses it");
      }
    }
  }
  for (const auto& [id, c] : s.contacts) {
    if (next.queues[c.queue.value].retired) {
      return FailedPrecondition("queue '" + now.queues[c.queue.value].name +
                                "' is removed but still has contacts: close it (its calendar or "
                                "when_closed) and apply the change once it is empty");
    }
  }
  return Status::Ok();
}

void SwitchSettings(State& s) {
  SB_CHECK(s.incoming != nullptr, "SettingsChanged applied without its settings");
  const std::vector<std::string> old_reasons = s.settings.not_ready_reasons;
  const std::string bytes = EncodeState(s);
  State fresh;
  fresh.settings = *s.incoming;
  BuildIndexes(fresh);
  const Status decoded = DecodeState(fresh, bytes, /*check_names=*/false);
  SB_CHECK(decoded.ok(), "a state re-reads its own encoding under checked settings");
  const std::vector<std::string>& reasons = fresh.settings.not_ready_reasons;
  for (AgentRt& a : fresh.agents) {
    // Reasons follow their names (PrepareSuccessor checked that those in use remain).
    if (a.state == AgentState::kNotReady && a.reason < old_reasons.size()) {
      a.reason = static_cast<std::uint8_t>(ReasonIndex(reasons, old_reasons[a.reason]));
    }
    if (a.pending >= 0 && a.pending != kPendingLogout &&
        static_cast<std::size_t>(a.pending) < old_reasons.size()) {
      a.pending = static_cast<std::int16_t>(ReasonIndex(reasons, old_reasons[a.pending]));
    }
  }
  // Queue timers under the new steps, from the time each contact entered its queue. The entry
  // number changes so that the old maximum-wait timers die (relax timers check their time).
  std::vector<ContactId> ids;
  ids.reserve(fresh.contacts.size());
  for (const auto& [id, c] : fresh.contacts) ids.push_back(id);
  std::sort(ids.begin(), ids.end());  // the heap's order of equal timers must not depend on hashing
  for (ContactId id : ids) {
    ContactRt& c = fresh.contacts.at(id);
    const QueueSettings& q = fresh.settings.queues[c.queue.value];
    c.relax_level =
        std::min<std::uint16_t>(c.relax_level, static_cast<std::uint16_t>(q.relax.size()));
    ++c.entry;
    if (c.phase == ContactPhase::kConnected) continue;
    if (c.relax_level < q.relax.size()) {
      fresh.timers.push(
          {c.queued_at + q.relax[c.relax_level].after, TimerKind::kRelax, c.id.value, c.entry});
    }
    if (q.max_wait > Duration{0}) {
      fresh.timers.push({c.queued_at + q.max_wait, TimerKind::kMaxWait, c.id.value, c.entry});
    }
  }
  fresh.out = s.out;
  // The staffing plan is the owner's (not state): it stays, by queue id, until set again.
  fresh.planned = std::move(s.planned);
  s = std::move(fresh);
}

}  // namespace internal

Status Engine::Reconfigure(EngineSettings next, std::uint64_t version, Time at,
                           std::vector<Event>* out) {
  internal::State& s = *state_;
  if (at < s.now) {
    return OutOfRange("a reconfiguration at " + FormatTime(at) +
                      " is earlier than the engine's time " + FormatTime(s.now));
  }
  s.out = out;
  internal::RunDueTimers(s, at);
  s.now = at;
  if (Status st = internal::PrepareSuccessor(s, next, true); !st.ok()) {
    s.out = nullptr;
    return st;
  }
  for (std::uint32_t i = 0; i < s.settings.agents.size(); ++i) {
    if (next.agents[i].retired && s.agents[i].state != AgentState::kLoggedOut) {
      internal::Emit(s, AgentLoggedOut{at, AgentId{i}});
    }
  }
  s.incoming = &next;
  internal::Emit(s, SettingsChanged{at, version});
  s.incoming = nullptr;
  // Deadlines the new steps put in the past, then new members and skills at work.
  internal::RunDueTimers(s, at);
  for (std::uint32_t i = 0; i < s.agents.size(); ++i) {
    if (s.agents[i].state == AgentState::kReady) internal::MatchAgent(s, AgentId{i});
  }
  s.out = nullptr;
  return Status::Ok();
}

}  // namespace sb::core
