// Deadlines: offers that expire, requirements that relax, maximum waits, wrap-ups that end,
// callbacks whose retry is due.
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
  ResumeWaiting(s, id);
}

// Applies the contact's next relax step; false if that moved the contact to another queue
// (the move matched it there).
bool StepRelax(State& s, ContactRt& c) {
  const QueueSettings& q = s.settings.queues[c.queue.value];
  const RelaxStep& step = q.relax[c.relax_level];
  // An overflow that cannot move the contact (MoveTarget) is passed over: the contact stays,
  // at the next level, and later steps keep their times.
  if (step.kind == RelaxStep::Kind::kOverflow &&
      TryMove(s, c, step.queue, MoveReason::kRelaxOverflow)) {
    return false;
  }
  Emit(s, RequirementRelaxed{s.now, c.id, c.queue, static_cast<std::uint16_t>(c.relax_level + 1)});
  return true;
}

void FireRelax(State& s, ContactRt& c) {
  const ContactId id = c.id;
  if (StepRelax(s, c)) MatchContact(s, id);
}

// The retry time came: the callback waits in its place again; relax steps that fell due while
// it was out apply now (as after ringing), then it is matched.
void FireCallbackRetry(State& s, ContactRt& c) {
  const ContactId id = c.id;
  Emit(s, CallbackRetryDue{s.now, id, c.queue});
  ResumeWaiting(s, id);
}

}  // namespace

void ResumeWaiting(State& s, ContactId id) {
  // Bounded by the steps of the queue: each pass applies one step or leaves the loop.
  bool max_wait_done = false;
  for (;;) {
    auto it = s.contacts.find(id);
    if (it == s.contacts.end() || it->second.phase != ContactPhase::kWaiting) return;
    ContactRt& c = it->second;
    const QueueSettings& q = s.settings.queues[c.queue.value];
    const Time relax_at =
        c.relax_level < q.relax.size() ? c.queued_at + q.relax[c.relax_level].after : kNever;
    // A maximum wait reached before this offer rang was handled by its timer then (a contact
    // offered at the very instant may have skipped it, hence >=).
    Time max_at = kNever;
    if (q.max_wait > Duration{0} && c.kind == ContactKind::kCall && !c.callback_offered &&
        !max_wait_done && c.queued_at + q.max_wait >= c.offered_at) {
      max_at = c.queued_at + q.max_wait;
    }
    if (relax_at <= s.now && relax_at <= max_at) {
      if (!StepRelax(s, c)) return;
    } else if (max_at <= s.now) {
      const std::uint32_t entry = c.entry;
      ApplyFallback(s, c, q.when_max_wait, DeflectCause::kMaxWait);
      auto after = s.contacts.find(id);
      if (after == s.contacts.end() || after->second.entry != entry) return;  // moved or ended
      max_wait_done = true;  // a callback offered, or it stays: later relax steps still apply
    } else {
      break;
    }
  }
  MatchContact(s, id);
}

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
    case TimerKind::kCallbackRetry:
      return c->phase == ContactPhase::kRetrying && c->callback_failures == t.seq &&
             c->retry_due == t.at;
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
      case TimerKind::kOffer:
        FireOffer(s, c);
        break;
      case TimerKind::kRelax:
        FireRelax(s, c);
        break;
      case TimerKind::kMaxWait:
        ApplyFallback(s, c, s.settings.queues[c.queue.value].when_max_wait, DeflectCause::kMaxWait);
        break;
      case TimerKind::kCallbackRetry:
        FireCallbackRetry(s, c);
        break;
      case TimerKind::kWrapUp:
        break;
    }
  }
}

}  // namespace sb::core::internal
