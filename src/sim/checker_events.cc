// InvariantChecker::On: each event checked against the state rebuilt so far, then applied.

#include <algorithm>
#include <tuple>

#include "sim/checker.h"

namespace sb::sim {
namespace {

using core::AgentState;
using core::ContactKind;
using core::EndReason;

std::string Agent(AgentId a) { return "agent " + std::to_string(a.value); }
std::string Contact(ContactId c) { return "contact " + std::to_string(c.value); }
std::string StateName(AgentState s) { return std::string(core::AgentStateName(s)); }

void Remove(std::vector<AgentId>& v, AgentId a) {
  v.erase(std::remove(v.begin(), v.end(), a), v.end());
}

}  // namespace

void InvariantChecker::CheckOffer(const core::ContactOffered& e, const ContactView& c) {
  const core::QueueSettings& q = s_.queues[c.queue.value];
  const AgentView& a = agents_[e.agent.value];
  if (a.state != AgentState::kReady) {
    Violation(
        e, Agent(e.agent) + " is offered " + Contact(e.contact) + " while " + StateName(a.state));
  }
  int tier = 0;
  if (!MayTake(e.agent, c, &tier)) {
    Violation(e, Agent(e.agent) + " is offered " + Contact(e.contact) + " of queue " + q.name +
                     " without serving it or meeting the requirement in force (level " +
                     std::to_string(c.level) + ")");
  }
  if (e.queue != c.queue) Violation(e, "offer names queue " + std::to_string(e.queue.value));
  if (!c.ringing.empty()) {  // a second agent on a live offer: ring-all only
    if (q.strategy != core::StrategyKind::kRingAll || e.offer != c.offer) {
      Violation(e, Contact(e.contact) + " has two live offers");
    } else if (c.ringing.size() >= static_cast<std::size_t>(q.ring_all_max)) {
      Violation(e, Contact(e.contact) + " rings more than ring_all_max agents");
    }
    return;
  }
  if (e.offer != c.offer + 1) {
    Violation(e, "offer number " + std::to_string(e.offer) + " after " + std::to_string(c.offer));
  }
  // Service order within the queue: no contact ahead of it that this agent could take waits.
  for (const auto& [id, o] : contacts_) {
    int t = 0;
    if (id != e.contact && o.queue == c.queue && o.waiting() && ServiceBefore(o, c) &&
        MayTake(e.agent, o, &t)) {
      Violation(e, Contact(e.contact) + " is offered before " + Contact(id) +
                       ", which is ahead of it in queue " + q.name);
      break;
    }
  }
  CheckRanking(e, c);
}

// Strategies whose choice follows from the events: longest idle, highest proficiency, fewest
// contacts. Key: tier, then score, then exact idle time, then agent id.
void InvariantChecker::CheckRanking(const core::ContactOffered& e, const ContactView& c) {
  const core::StrategyKind k = s_.queues[c.queue.value].strategy;
  if (e.why.rule != core::Rule::kAgentForContact ||
      (k != core::StrategyKind::kLongestIdle && k != core::StrategyKind::kHighestProficiency &&
       k != core::StrategyKind::kFewestContacts)) {
    return;
  }
  const auto day = std::chrono::floor<std::chrono::days>(e.at).time_since_epoch().count();
  auto key = [&](AgentId a, int tier) {
    double score = 0;
    const AgentView& v = agents_[a.value];
    if (k == core::StrategyKind::kLongestIdle) {
      score = static_cast<double>((e.at - v.ready_since).count());
    }
    if (k == core::StrategyKind::kFewestContacts) {
      score = -static_cast<double>(v.day == day ? v.contacts_today : 0);
    }
    if (k == core::StrategyKind::kHighestProficiency) {
      int weakest = 5;
      for (const auto& r : requirements_at_[c.queue.value][c.level]) {
        int p = 0;
        for (const auto& sk : s_.agents[a.value].skills) {
          p = sk.skill == r.skill ? sk.proficiency : p;
        }
        weakest = std::min(weakest, p);
      }
      score = requirements_at_[c.queue.value][c.level].empty() ? 0 : weakest;
    }
    return std::tuple(-tier, score, v.ready_since < e.at ? (e.at - v.ready_since).count() : 0,
                      -static_cast<std::int64_t>(a.value));
  };
  int chosen_tier = 0;
  MayTake(e.agent, c, &chosen_tier);
  const auto chosen = key(e.agent, chosen_tier);
  for (std::uint32_t a = 0; a < agents_.size(); ++a) {
    int tier = 0;
    if (a == e.agent.value || agents_[a].state != AgentState::kReady ||
        !MayTake(AgentId{a}, c, &tier)) {
      continue;
    }
    if (key(AgentId{a}, tier) > chosen) {
      Violation(e, Agent(AgentId{a}) + " ranks before " + Agent(e.agent) + " for " +
                       Contact(e.contact) + " (" + std::string(core::StrategyName(k)) +
                       ", exact idle times)");
      return;
    }
  }
}

void InvariantChecker::On(const core::Event& e) {
  auto agent_in = [&](AgentId a, std::initializer_list<AgentState> ok) -> AgentView* {
    if (!a.valid() || a.value >= agents_.size()) {
      Violation(e, "unknown " + Agent(a));
      return nullptr;
    }
    AgentView& v = agents_[a.value];
    if (std::find(ok.begin(), ok.end(), v.state) == ok.end()) {
      Violation(e, Agent(a) + " is " + StateName(v.state));
    }
    return &v;
  };
  auto live = [&](ContactId id) -> ContactView* {
    auto it = contacts_.find(id);
    if (it == contacts_.end()) {
      Violation(e, Contact(id) + " is not in progress");
      return nullptr;
    }
    return &it->second;
  };
  auto ring_ended = [&](ContactId id, ContactView& c, AgentId a, AgentState next) {
    if (AgentView* v = agent_in(a, {AgentState::kReserved})) {
      if (v->contact != id || std::count(c.ringing.begin(), c.ringing.end(), a) == 0) {
        Violation(e, Agent(a) + " was not ringing for " + Contact(id));
      }
      v->state = next;
      v->contact = ContactId{};
    }
    Remove(c.ringing, a);
  };
  using namespace core;
  if (auto* x = std::get_if<AgentLoggedIn>(&e)) {
    if (AgentView* v = agent_in(x->agent, {AgentState::kLoggedOut})) {
      v->state = AgentState::kNotReady;
    }
  } else if (auto* x = std::get_if<AgentLoggedOut>(&e)) {
    AgentView* v =
        agent_in(x->agent, {AgentState::kReady, AgentState::kNotReady, AgentState::kWrapUp});
    if (v != nullptr && v->state == AgentState::kWrapUp && !v->pending) {
      Violation(e, "ends a wrap-up at once");
    }
    if (v != nullptr) {
      *v = AgentView{AgentState::kLoggedOut, {}, {}, {}, false, v->contacts_today, v->day};
    }
  } else if (auto* x = std::get_if<AgentReady>(&e)) {
    if (AgentView* v =
            agent_in(x->agent, {AgentState::kNotReady, AgentState::kWrapUp, AgentState::kReady})) {
      if (v->state != AgentState::kReady) v->ready_since = x->at;
      v->state = AgentState::kReady;
      v->pending = false;
    }
  } else if (auto* x = std::get_if<AgentNotReady>(&e)) {
    AgentView* v =
        agent_in(x->agent, {AgentState::kReady, AgentState::kNotReady, AgentState::kWrapUp});
    if (v != nullptr && v->state == AgentState::kWrapUp && !v->pending) {
      Violation(e, Agent(x->agent) + ": a not-ready ends a wrap-up at once");
    }
    if (v != nullptr) {
      v->state = AgentState::kNotReady;
      v->pending = false;
    }
  } else if (auto* x = std::get_if<AgentNotReadyPending>(&e)) {
    if (AgentView* v = agent_in(
            x->agent, {AgentState::kReserved, AgentState::kOnContact, AgentState::kWrapUp})) {
      v->pending = true;
    }
  } else if (auto* x = std::get_if<WrapUpExtended>(&e)) {
    if (AgentView* v = agent_in(x->agent, {AgentState::kWrapUp})) v->wrap_until = x->until;
  } else if (auto* x = std::get_if<ContactQueued>(&e)) {
    if (contacts_.count(x->contact) != 0) Violation(e, Contact(x->contact) + " is queued twice");
    if (x->kind == ContactKind::kCall && !CanTake(x->queue, x->kind, x->at)) {
      Violation(e,
                "a call queued in " + s_.queues[x->queue.value].name + ", which is closed or full");
    }
    ContactView& c = contacts_[x->contact];
    c.kind = x->kind;
    c.priority = x->priority;
    Enter(x->contact, c, x->queue, x->at, x->arrival);
  } else if (auto* x = std::get_if<ContactMoved>(&e)) {
    ContactView* c = live(x->contact);
    if (c == nullptr) return;
    if (x->agent.valid()) {
      if (AgentView* v = agent_in(x->agent, {AgentState::kOnContact})) {
        v->state = AgentState::kWrapUp;
        v->wrap_until = x->wrap_until;
        v->contact = ContactId{};
      }
    } else if (!c->waiting()) {
      Violation(e, Contact(x->contact) + " moved while ringing or connected");
    }
    if (!CanTake(x->to, c->kind, x->at)) {
      Violation(e, Contact(x->contact) + " moved into queue " + s_.queues[x->to.value].name +
                       ", which is closed or full");
    }
    Enter(x->contact, *c, x->to, x->at, x->arrival);
  } else if (auto* x = std::get_if<RequirementRelaxed>(&e)) {
    ContactView* c = live(x->contact);
    if (c == nullptr) return;
    const auto& relax = s_.queues[c->queue.value].relax;
    if (x->level != c->level + 1 || c->level >= relax.size()) {
      Violation(e, "level " + std::to_string(x->level) + " after " + std::to_string(c->level));
    } else {
      if (x->at < c->queued_at + relax[c->level].after) Violation(e, "relax step applied early");
      if (!c->waiting()) Violation(e, "relaxed while ringing or connected");
      const core::RelaxStep& step = relax[c->level];
      if (step.kind == RelaxStep::Kind::kOverflow &&
          MoveTarget(c->queue, step.queue, c->kind, x->at).valid()) {
        Violation(e, "an overflow step passed over though its queue could take the contact");
      }
    }
    c->level = x->level;
  } else if (auto* x = std::get_if<CallbackOffered>(&e)) {
    if (ContactView* c = live(x->contact)) c->callback_offered = true;
  } else if (auto* x = std::get_if<CallbackRequested>(&e)) {
    if (ContactView* c = live(x->contact)) c->kind = ContactKind::kCallback;
  } else if (auto* x = std::get_if<ContactOffered>(&e)) {
    ContactView* c = live(x->contact);
    if (c == nullptr) return;
    if (c->connected) Violation(e, Contact(x->contact) + " is connected already");
    CheckOffer(*x, *c);
    if (c->ringing.empty()) {
      c->offer = x->offer;
      c->offered_at = x->at;
      c->expires = x->expires;
    }
    c->ringing.push_back(x->agent);
    AgentView& v = agents_[x->agent.value];
    v.state = AgentState::kReserved;
    v.contact = x->contact;
  } else if (auto* x = std::get_if<OfferAccepted>(&e)) {
    ContactView* c = live(x->contact);
    if (c == nullptr) return;
    if (c->connected) Violation(e, Contact(x->contact) + " is answered twice");
    if (std::find(c->ringing.begin(), c->ringing.end(), x->agent) == c->ringing.end()) {
      Violation(e, Agent(x->agent) + " answers an offer it does not hold");
    }
    if (x->at > c->expires) Violation(e, "answered after the offer expired");
    Remove(c->ringing, x->agent);
    c->connected = true;
    c->agent = x->agent;
    if (AgentView* v = agent_in(x->agent, {AgentState::kReserved})) {
      v->state = AgentState::kOnContact;
      const auto day = std::chrono::floor<std::chrono::days>(x->at).time_since_epoch().count();
      if (v->day != day) v->contacts_today = 0;
      v->day = day;
      ++v->contacts_today;
    }
  } else if (auto* x = std::get_if<OfferCancelled>(&e)) {
    if (ContactView* c = live(x->contact)) ring_ended(x->contact, *c, x->agent, AgentState::kReady);
  } else if (auto* x = std::get_if<OfferTimedOut>(&e)) {
    ContactView* c = live(x->contact);
    if (c == nullptr) return;
    if (x->at != c->expires) Violation(e, "the offer expired at another time than it said");
    ring_ended(x->contact, *c, x->agent, AgentState::kNotReady);
  } else if (auto* x = std::get_if<OfferDeclined>(&e)) {
    if (ContactView* c = live(x->contact)) {
      ring_ended(x->contact, *c, x->agent, AgentState::kNotReady);
    }
  } else if (auto* x = std::get_if<CallbackRetry>(&e)) {
    ContactView* c = live(x->contact);
    if (c == nullptr) return;
    const QueueSettings& q = s_.queues[c->queue.value];
    if (c->kind != ContactKind::kCallback || !c->connected || c->agent != x->agent) {
      Violation(e, "a retry of what is not a callback being dialled by that agent");
    }
    if (x->attempt != c->failures + 1 || x->attempt > q.callback_retries) {
      Violation(e, "retry after failed dial " + std::to_string(x->attempt) + " (" +
                       std::to_string(c->failures) + " failed before, " +
                       std::to_string(q.callback_retries) + " retries allowed)");
    }
    if (x->queue != c->queue || x->due != x->at + q.callback_retry_after) {
      Violation(e, "a retry in another queue or at another time than callback_retry_after");
    }
    if (AgentView* v = agent_in(x->agent, {AgentState::kOnContact})) {
      v->state = AgentState::kWrapUp;  // none: the agent is freed at once
      v->wrap_until = x->at;
      v->contact = ContactId{};
    }
    c->connected = false;
    c->agent = AgentId{};
    c->retrying = true;
    c->retry_due = x->due;
    c->failures = x->attempt;
  } else if (auto* x = std::get_if<CallbackRetryDue>(&e)) {
    ContactView* c = live(x->contact);
    if (c == nullptr) return;
    if (!c->retrying || x->at != c->retry_due || x->queue != c->queue) {
      Violation(e, Contact(x->contact) + " is due for a retry it was not waiting for");
    }
    c->retrying = false;  // back in its place: queue, arrival and sequence unchanged
  } else if (auto* x = std::get_if<ContactEnded>(&e)) {
    auto it = contacts_.find(x->contact);
    if (it == contacts_.end()) {  // deflected on arrival: a message, nothing else
      const bool message =
          x->reason == EndReason::kMessageClosed || x->reason == EndReason::kMessageFull;
      if (!message || x->agent.valid()) Violation(e, Contact(x->contact) + " is not in progress");
      return;
    }
    ContactView& c = it->second;
    switch (x->reason) {
      case EndReason::kAbandoned:
        if (c.kind != ContactKind::kCall) Violation(e, "a callback request ended as abandoned");
        if (c.connected || !c.ringing.empty()) Violation(e, "abandoned while connected or ringing");
        break;
      case EndReason::kCompleted:
      case EndReason::kCallbackUnreached:
      case EndReason::kTransferredOut:
        if (!c.connected || c.agent != x->agent) {
          Violation(e, "ended as handled but not connected to that agent");
        }
        if (x->reason == EndReason::kCallbackUnreached && c.kind != ContactKind::kCallback) {
          Violation(e, "a call ended as an unreached callback");
        }
        if (x->reason == EndReason::kCallbackUnreached &&
            c.failures < s_.queues[c.queue.value].callback_retries) {
          Violation(e, "a callback ended unreached with retries left");
        }
        break;
      case EndReason::kInterrupted:
        if (x->agent.valid() && (!c.connected || c.agent != x->agent)) {
          Violation(e, "interrupted with an agent it was not connected to");
        }
        if (!x->agent.valid() && c.kind == ContactKind::kCallback) {
          Violation(e, "a waiting callback request ended as interrupted");
        }
        break;
      case EndReason::kMessageMaxWait:
        if (!c.waiting() || c.kind != ContactKind::kCall ||
            x->at < c.queued_at + s_.queues[c.queue.value].max_wait) {
          Violation(e, "ended for its maximum wait before reaching it");
        }
        break;
      case EndReason::kMessageClosed:
      case EndReason::kMessageFull:
        Violation(e, "a contact in progress ended as deflected on arrival");
        break;
    }
    if (x->agent.valid()) {
      if (AgentView* v = agent_in(x->agent, {AgentState::kOnContact})) {
        v->state = AgentState::kWrapUp;
        v->wrap_until = x->wrap_until;
        v->contact = ContactId{};
      }
    }
    contacts_.erase(it);
  }
}

}  // namespace sb::sim
