// Deadlines: offers that expire, requirements that relax, maximum waits, wrap-ups that end.
// Timers are never cancelled; a timer whose contact or agent moved on is recognised as stale
// by its sequence number and skipped, which keeps every state change a plain Apply().

#include "core/internal/state.h"

namespace sb::core::internal {
namespace {

const ContactRt* FindContact(const State& s, std::uint64_t id) {
  auto it = s.contacts.find(ContactId{id});
  return it == s.contacts.end() ? nullptr : &it->second;
}

void FireOffer(State& s, ContactRt& c) {
  // Copy: every OfferTimedOut shrinks the ringing list.
  const AgentList ringing = c.ringing;
  const ContactId id = c.id;
  for (AgentId a : ringing) Emit(s, OfferTimedOut{s.now, id, a});
  MatchContact(s, id);
}

void FireRelax(State& s, ContactRt& c) {
  const QueueSettings& q = s.settings.queues[c.queue.value];
  const RelaxStep& step = q.relax[c.relax_level];
  if (step.kind == RelaxStep::Kind::kOverflow) {
    MoveContact(s, c, step.queue, MoveReason::kRelaxOverflow, AgentId{}, s.now);
    return;
  }
  const ContactId id = c.id;
  Emit(s, RequirementRelaxed{s.now, id, c.queue, static_cast<std::uint16_t>(c.relax_level + 1)});
  MatchContact(s, id);
}

}  // namespace

bool TimerLive(const State& s, const Timer& t) {
  if (t.kind == TimerKind::kWrapUp) {
    const AgentRt& a = s.agents[t.id];
    return a.state == AgentState::kWrapUp && a.wrap_seq == t.seq && a.wrap_until == t.at;
  }
  const ContactRt* c = FindContact(s, t.id);
  if (c == nullptr) return false;
  switch (t.kind) {
    case TimerKind::kOffer:
      return c->phase == ContactPhase::kOffered && c->offer == t.seq;
    case TimerKind::kRelax: {
      const auto& relax = s.settings.queues[c->queue.value].relax;
      return c->phase == ContactPhase::kWaiting && c->entry == t.seq &&
             c->relax_level < relax.size() && c->queued_at + relax[c->relax_level].after == t.at;
    }
    case TimerKind::kMaxWait:
      return c->phase == ContactPhase::kWaiting && c->entry == t.seq &&
             c->kind == ContactKind::kCall && !c->callback_offered;
    case TimerKind::kWrapUp:
      break;
  }
  return false;
}

void RunDueTimers(State& s, Time until) {
  while (!s.timers.empty() && s.timers.top().at <= until) {
    const Timer t = s.timers.top();
    s.timers.pop();
    if (!TimerLive(s, t)) continue;
    if (t.at > s.now) s.now = t.at;
    if (t.kind == TimerKind::kWrapUp) {
      FreeAgent(s, AgentId{static_cast<std::uint32_t>(t.id)});
      continue;
    }
    ContactRt& c = s.contacts.at(ContactId{t.id});
    switch (t.kind) {
      case TimerKind::kOffer: FireOffer(s, c); break;
      case TimerKind::kRelax: FireRelax(s, c); break;
      case TimerKind::kMaxWait:
        ApplyFallback(s, c, s.settings.queues[c.queue.value].when_max_wait,
                      DeflectCause::kMaxWait);
        break;
      case TimerKind::kWrapUp: break;
    }
  }
}

}  // namespace sb::core::internal
