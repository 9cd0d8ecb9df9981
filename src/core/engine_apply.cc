// Apply(): the engine's only state transition. Decisions elsewhere read the state and Emit()
// events; applying the same events to a fresh engine (Engine::Replay) rebuilds the same state,
// timers included, so a replayed engine carries on exactly where the original was.

#include <algorithm>
#include <utility>

#include "base/assert.h"
#include "core/internal/state.h"

namespace sb::core::internal {
namespace {

constexpr double kDecay = 0.995;  // per observation: about the last 200 contacts count
constexpr double kHandleAlpha = 0.05;

bool ServiceOrder(const ContactRt& a, const ContactRt& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.arrival != b.arrival) return a.arrival < b.arrival;
  return a.seq < b.seq;
}

void SetAgent(AgentRt& a, AgentState st, Time at) {
  a.state = st;
  a.since = at;
}

void StartQueueTimers(State& s, const ContactRt& c) {
  const QueueSettings& q = s.settings.queues[c.queue.value];
  if (!q.relax.empty()) {
    s.timers.push({c.queued_at + q.relax[0].after, TimerKind::kRelax, c.id.value, c.entry});
  }
  if (q.max_wait > Duration{0}) {
    s.timers.push({c.queued_at + q.max_wait, TimerKind::kMaxWait, c.id.value, c.entry});
  }
}

void EnterQueue(State& s, ContactRt& c, QueueId q, Time at, Time arrival) {
  c.queue = q;
  c.arrival = arrival;
  c.queued_at = at;
  c.seq = s.next_seq++;
  ++c.entry;
  c.relax_level = 0;
  c.phase = ContactPhase::kWaiting;
  c.agent = AgentId{};
  c.callback_offered = false;
  c.ringing.clear();
  InsertWaiting(s, c);
  StartQueueTimers(s, c);
}

void StartWrapUp(State& s, AgentId id, QueueId q, Time at, Time until) {
  AgentRt& a = s.agents[id.value];
  a.wrap_limit = std::max(until, at + s.settings.queues[q.value].max_wrap_up);
  SetAgent(a, AgentState::kWrapUp, at);
  a.contact = ContactId{};
  a.wrap_started = at;
  a.wrap_until = until;
  ++a.wrap_seq;
  s.timers.push({until, TimerKind::kWrapUp, id.value, a.wrap_seq});
}

// One more contact today for the agent (the fewest-calls strategies read it).
void CountContact(AgentRt& a, Time at) {
  const std::int64_t day = std::chrono::floor<std::chrono::days>(at).time_since_epoch().count();
  if (a.day != day) {
    a.day = day;
    a.contacts_today = 0;
  }
  ++a.contacts_today;
}

void LeaveQueueStats(State& s, const ContactRt& c, Time at, bool abandoned) {
  QueueRt& q = s.queues[c.queue.value];
  q.abandons = q.abandons * kDecay + (abandoned ? 1.0 : 0.0);
  q.exposure_seconds = q.exposure_seconds * kDecay + Seconds(at - c.queued_at);
}

void RemoveOffered(State& s, const ContactRt& c) {
  auto& v = s.queues[c.queue.value].offered;
  v.erase(std::remove(v.begin(), v.end(), c.id), v.end());
}

// Ringing ended for `agent`; if nobody rings any more the contact waits again, in its place.
void StopRinging(State& s, ContactRt& c, AgentId agent) {
  c.ringing.remove(agent);
  if (c.phase == ContactPhase::kOffered && c.ringing.empty()) {
    RemoveOffered(s, c);
    c.phase = ContactPhase::kWaiting;
    InsertWaiting(s, c);
  }
}

struct Applier {
  State& s;

  void operator()(const AgentLoggedIn& e) {
    AgentRt& a = s.agents[e.agent.value];
    SetAgent(a, AgentState::kNotReady, e.at);
    a.reason = static_cast<std::uint8_t>(s.settings.not_ready_reasons.size() - 1);  // "logged in"
  }
  void operator()(const AgentLoggedOut& e) {
    SetAgent(s.agents[e.agent.value], AgentState::kLoggedOut, e.at);
    s.agents[e.agent.value].pending = -1;
  }
  void operator()(const AgentNotReadyPending& e) { s.agents[e.agent.value].pending = e.reason; }
  void operator()(const AgentReady& e) {
    AgentRt& a = s.agents[e.agent.value];
    // Being rung is not work, and a ready agent stays idle since when it became ready (the key
    // of its ready-list entries).
    if (a.state != AgentState::kReserved && a.state != AgentState::kReady) a.ready_since = e.at;
    SetAgent(a, AgentState::kReady, e.at);
    a.contact = ContactId{};
    a.pending = -1;
  }
  void operator()(const AgentNotReady& e) {
    AgentRt& a = s.agents[e.agent.value];
    a.pending = -1;
    SetAgent(a, AgentState::kNotReady, e.at);
    a.reason = e.reason;
    a.contact = ContactId{};
  }
  void operator()(const WrapUpExtended& e) {
    AgentRt& a = s.agents[e.agent.value];
    a.wrap_until = e.until;
    ++a.wrap_seq;
    s.timers.push({e.until, TimerKind::kWrapUp, e.agent.value, a.wrap_seq});
  }
  void operator()(const ContactQueued& e) {
    ContactRt& c = s.contacts[e.contact];
    c.id = e.contact;
    c.kind = e.kind;
    c.priority = e.priority;
    EnterQueue(s, c, e.queue, e.at, e.arrival);
  }
  void operator()(const ContactMoved& e) {
    ContactRt& c = s.contacts[e.contact];
    if (c.phase == ContactPhase::kWaiting) RemoveWaiting(s, c);
    if (e.agent.valid()) StartWrapUp(s, e.agent, e.from, e.at, e.wrap_until);
    EnterQueue(s, c, e.to, e.at, e.arrival);
  }
  void operator()(const RequirementRelaxed& e) {
    ContactRt& c = s.contacts[e.contact];
    c.relax_level = e.level;
    const QueueSettings& q = s.settings.queues[c.queue.value];
    if (e.level < q.relax.size()) {
      s.timers.push({c.queued_at + q.relax[e.level].after, TimerKind::kRelax, c.id.value, c.entry});
    }
  }
  void operator()(const CallbackOffered& e) { s.contacts[e.contact].callback_offered = true; }
  void operator()(const CallbackRequested& e) {
    s.contacts[e.contact].kind = ContactKind::kCallback;
  }
  void operator()(const ContactOffered& e) {
    ContactRt& c = s.contacts[e.contact];
    if (c.phase == ContactPhase::kWaiting) {
      RemoveWaiting(s, c);
      c.phase = ContactPhase::kOffered;
      c.offer = e.offer;
      c.offer_expires = e.expires;
      c.offered_at = e.at;
      c.ringing.clear();
      s.queues[c.queue.value].offered.push_back(c.id);
      s.timers.push({e.expires, TimerKind::kOffer, c.id.value, e.offer});
    }
    c.ringing.push_back(e.agent);
    AgentRt& a = s.agents[e.agent.value];
    SetAgent(a, AgentState::kReserved, e.at);
    a.contact = e.contact;
    for (const Serve& sv : a.serves) {
      if (sv.queue == e.queue && sv.min_level == 0) {
        s.queues[e.queue.value].round_robin_next = sv.member_index + 1;
      }
    }
  }
  void operator()(const OfferAccepted& e) {
    ContactRt& c = s.contacts[e.contact];
    LeaveQueueStats(s, c, e.at, false);
    QueueRt& q = s.queues[c.queue.value];
    q.answer_seconds += kHandleAlpha * (Seconds(e.at - c.offered_at) - q.answer_seconds);
    RemoveOffered(s, c);
    c.phase = ContactPhase::kConnected;
    c.agent = e.agent;
    c.connected_at = e.at;
    c.ringing.remove(e.agent);
    AgentRt& a = s.agents[e.agent.value];
    SetAgent(a, AgentState::kOnContact, e.at);
    a.contact = e.contact;
    CountContact(a, e.at);
  }
  void operator()(const OfferCancelled& e) {
    AgentRt& a = s.agents[e.agent.value];
    SetAgent(a, AgentState::kReady, e.at);  // keeps ready_since: being rung is not work
    a.contact = ContactId{};
    StopRinging(s, s.contacts[e.contact], e.agent);
  }
  void operator()(const OfferTimedOut& e) {
    NotReadyAfterOffer(e.contact, e.agent, e.at, no_answer());
  }
  void operator()(const OfferDeclined& e) {
    NotReadyAfterOffer(e.contact, e.agent, e.at, declined());
  }
  void operator()(const SettingsChanged&) { SwitchSettings(s); }
  void operator()(const CallbackRetry& e) {
    ContactRt& c = s.contacts[e.contact];
    // No wrap-up for a dial that reached nobody: the decision frees the agent at once (FreeAgent).
    StartWrapUp(s, e.agent, c.queue, e.at, e.at);
    c.phase = ContactPhase::kRetrying;
    c.agent = AgentId{};
    c.callback_failures = e.attempt;
    c.retry_due = e.due;
    s.timers.push({e.due, TimerKind::kCallbackRetry, c.id.value, e.attempt});
  }
  void operator()(const CallbackRetryDue& e) {
    ContactRt& c = s.contacts[e.contact];
    // Back in its place: arrival and sequence are kept, so it is ahead of later arrivals.
    c.phase = ContactPhase::kWaiting;
    InsertWaiting(s, c);
  }
  void operator()(const ConsultStarted& e) {
    ContactRt& c = s.contacts[e.contact];
    c.consult = e.target;
    c.consult_answered = false;
    AgentRt& t = s.agents[e.target.value];
    SetAgent(t, AgentState::kConsulted, e.at);
    t.contact = e.contact;
  }
  void operator()(const ConsultAnswered& e) { s.contacts[e.contact].consult_answered = true; }
  void operator()(const ConsultEnded& e) {
    ContactRt& c = s.contacts[e.contact];
    c.consult = AgentId{};
    c.consult_answered = false;
    // The target stays consulted until the event that frees it (AgentReady, or its pending
    // not-ready or logout), which follows at once.
    s.agents[e.target.value].contact = ContactId{};
  }
  void operator()(const ConsultCompleted& e) {
    ContactRt& c = s.contacts[e.contact];
    c.consult = AgentId{};
    c.consult_answered = false;
    c.agent = e.target;
    AgentRt& t = s.agents[e.target.value];
    SetAgent(t, AgentState::kOnContact, e.at);
    t.contact = e.contact;
    CountContact(t, e.at);
    StartWrapUp(s, e.agent, c.queue, e.at, e.wrap_until);
  }
  void operator()(const ContactEnded& e) {
    auto it = s.contacts.find(e.contact);
    if (it == s.contacts.end()) return;  // deflected on arrival: it never entered a queue
    ContactRt& c = it->second;
    if (c.phase == ContactPhase::kWaiting) RemoveWaiting(s, c);
    if (c.phase == ContactPhase::kOffered) RemoveOffered(s, c);
    if (e.reason == EndReason::kAbandoned) LeaveQueueStats(s, c, e.at, true);
    if (e.agent.valid()) {
      if (e.reason == EndReason::kCompleted) {
        QueueRt& q = s.queues[c.queue.value];
        const double handle = Seconds(e.at - c.connected_at) + Seconds(e.wrap_until - e.at);
        q.handle_seconds += kHandleAlpha * (handle - q.handle_seconds);
      }
      StartWrapUp(s, e.agent, c.queue, e.at, e.wrap_until);
    }
    s.contacts.erase(it);
  }

  void NotReadyAfterOffer(ContactId cid, AgentId aid, Time at, std::uint8_t reason) {
    AgentRt& a = s.agents[aid.value];
    SetAgent(a, AgentState::kNotReady, at);
    a.reason = reason;
    a.contact = ContactId{};
    StopRinging(s, s.contacts[cid], aid);
  }
  std::uint8_t no_answer() const { return ReasonIndex("no answer"); }
  std::uint8_t declined() const { return ReasonIndex("declined"); }
  std::uint8_t ReasonIndex(std::string_view name) const {
    const auto& r = s.settings.not_ready_reasons;
    return static_cast<std::uint8_t>(std::find(r.begin(), r.end(), name) - r.begin());
  }
};

}  // namespace

void InsertWaiting(State& s, ContactRt& c) {
  auto& w = s.queues[c.queue.value].waiting;
  auto pos = std::upper_bound(w.begin(), w.end(), c.id, [&](ContactId id, ContactId other) {
    return ServiceOrder(s.contacts.at(id), s.contacts.at(other));
  });
  w.insert(pos, c.id);
  ++s.waiting_total;
}

void RemoveWaiting(State& s, const ContactRt& c) {
  auto& w = s.queues[c.queue.value].waiting;
  auto it = std::find(w.begin(), w.end(), c.id);
  SB_DCHECK(it != w.end(), "a waiting contact is in its queue's list");
  if (it != w.end()) {
    w.erase(it);
    --s.waiting_total;
  }
}

bool Staffed(const AgentRt& a) {
  return a.state != AgentState::kLoggedOut && a.state != AgentState::kNotReady && a.pending < 0;
}

void AgentStateChanged(State& s, AgentId id, AgentState before, bool staffed_before) {
  AgentRt& a = s.agents[id.value];
  const bool was_ready = before == AgentState::kReady;
  const bool is_ready = a.state == AgentState::kReady;
  if (was_ready != is_ready) {
    for (Serve& sv : a.serves) {
      if (sv.min_level != 0) continue;
      ReadyList& ready = s.queues[sv.queue.value].ready;
      if (is_ready) {
        ready.Insert(sv.ready_slot,
                     {sv.member_index, id, sv.tier, a.contacts_today, a.ready_since});
        sv.in_ready = true;
      } else if (sv.in_ready) {
        // The ready time does not change while the agent is ready (AgentReady above), so it is
        // the key the entry went in with.
        const bool found = ready.Erase(sv.ready_slot, id, a.ready_since);
        SB_DCHECK(found, "a ready agent is in its queues' ready lists");
        sv.in_ready = false;
      }
    }
  }
  if (staffed_before != Staffed(a)) {
    for (const Serve& sv : a.serves) {
      if (sv.min_level != 0) continue;
      std::uint32_t& staffed = s.queues[sv.queue.value].share_classes[sv.share_class].staffed;
      staffed = staffed_before ? staffed - 1 : staffed + 1;
    }
  }
}

void Apply(State& s, const Event& e) {
  s.now = std::max(s.now, EventTime(e));
  // The agents an event names (a consultation's names two): their ready lists and staffed
  // counts follow their state change.
  const auto [agent, target] = std::visit(
      [](const auto& v) -> std::pair<AgentId, AgentId> {
        std::pair<AgentId, AgentId> out;
        if constexpr (requires { v.agent; }) out.first = v.agent;
        if constexpr (requires { v.target; }) out.second = v.target;
        return out;
      },
      e);
  struct Before {
    AgentId id;
    AgentState state = AgentState::kLoggedOut;
    bool staffed = false;
  };
  Before before[2];
  int n = 0;
  for (AgentId a : {agent, target}) {
    if (a.valid() && a.value < s.agents.size()) {
      before[n++] = {a, s.agents[a.value].state, Staffed(s.agents[a.value])};
    }
  }
  std::visit(Applier{s}, e);
  for (int i = 0; i < n; ++i)
    AgentStateChanged(s, before[i].id, before[i].state, before[i].staffed);
}

}  // namespace sb::core::internal
