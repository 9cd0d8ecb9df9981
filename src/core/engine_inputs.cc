// Engine::Handle: each input is checked against the current state first, and only a valid
// input emits events, so a refused input changes nothing.

#include <algorithm>
#include <string>

#include "core/engine.h"
#include "core/internal/state.h"

namespace sb::core {
namespace {

using internal::ContactPhase;
using internal::ContactRt;
using internal::State;

std::string Name(const State& s, AgentId a) {
  return "agent '" + s.settings.agents[a.value].name + "'";
}
std::string Name(ContactId c) { return "contact " + std::to_string(c.value); }

Status StateError(const State& s, AgentId a, std::string_view what) {
  return FailedPrecondition(Name(s, a) + " is " +
                            std::string(AgentStateName(s.agents[a.value].state)) + ": " +
                            std::string(what));
}

// Ringing, talking or in wrap-up: a not-ready or logout asked now waits for the contact and its
// after-call work to finish (the wrap-up's end, or the agent ending it with SetReady).
// Consulted too: the agent is on a colleague's call.
bool Busy(AgentState st) {
  return st == AgentState::kReserved || st == AgentState::kOnContact || st == AgentState::kWrapUp ||
         st == AgentState::kConsulted;
}

struct InputHandler {
  State& s;

  Status CheckAgent(AgentId a) const {
    if (!a.valid() || a.value >= s.agents.size()) {
      return NotFound("no agent with id " + std::to_string(a.value));
    }
    if (s.settings.agents[a.value].retired) {
      return NotFound("agent '" + s.settings.agents[a.value].name +
                      "' was removed from the configuration");
    }
    return Status::Ok();
  }
  Result<ContactRt*> FindContact(ContactId id) const {
    auto it = s.contacts.find(id);
    if (it == s.contacts.end()) return NotFound("no " + Name(id) + " in the engine");
    return &it->second;
  }
  AgentState StateOf(AgentId a) const { return s.agents[a.value].state; }

  Status operator()(const Tick&) { return Status::Ok(); }

  Status operator()(const Login& in) {
    SB_RETURN_IF_ERROR(CheckAgent(in.agent));
    if (StateOf(in.agent) != AgentState::kLoggedOut)
      return StateError(s, in.agent, "already logged in");
    Emit(s, AgentLoggedIn{s.now, in.agent});
    return Status::Ok();
  }
  Status operator()(const Logout& in) {
    SB_RETURN_IF_ERROR(CheckAgent(in.agent));
    const AgentState st = StateOf(in.agent);
    if (st == AgentState::kLoggedOut) return Status::Ok();
    if (Busy(st)) {
      Emit(s, AgentNotReadyPending{s.now, in.agent, kPendingLogout});  // after this contact
      return Status::Ok();
    }
    Emit(s, AgentLoggedOut{s.now, in.agent});
    return Status::Ok();
  }
  Status operator()(const SetReady& in) {
    SB_RETURN_IF_ERROR(CheckAgent(in.agent));
    const AgentState st = StateOf(in.agent);
    if (st == AgentState::kReady) return Status::Ok();
    if (st != AgentState::kNotReady && st != AgentState::kWrapUp) {
      return StateError(s, in.agent, "cannot become ready now");
    }
    if (st == AgentState::kWrapUp) {
      // The agent ends the wrap-up: a break or logout asked meanwhile starts now.
      internal::FreeAgent(s, in.agent);
      return Status::Ok();
    }
    Emit(s, AgentReady{s.now, in.agent});
    MatchAgent(s, in.agent);
    return Status::Ok();
  }
  Status operator()(const SetNotReady& in) {
    SB_RETURN_IF_ERROR(CheckAgent(in.agent));
    if (in.reason + 1u >= s.settings.not_ready_reasons.size()) {
      return InvalidArgument("not-ready reason " + std::to_string(in.reason) +
                             " is not configured");
    }
    const AgentState st = StateOf(in.agent);
    if (st == AgentState::kLoggedOut) return StateError(s, in.agent, "log in first");
    if (Busy(st)) {
      Emit(s, AgentNotReadyPending{s.now, in.agent, in.reason});  // after this contact
      return Status::Ok();
    }
    Emit(s, AgentNotReady{s.now, in.agent, in.reason});
    return Status::Ok();
  }
  Status operator()(const ExtendWrapUp& in) {
    SB_RETURN_IF_ERROR(CheckAgent(in.agent));
    if (StateOf(in.agent) != AgentState::kWrapUp) return StateError(s, in.agent, "not in wrap-up");
    if (in.extra <= Duration{0}) return InvalidArgument("a wrap-up extension must be positive");
    const internal::AgentRt& a = s.agents[in.agent.value];
    const Time until = std::min(a.wrap_until + in.extra, a.wrap_limit);
    if (until <= a.wrap_until) return StateError(s, in.agent, "wrap-up is at its maximum");
    Emit(s, WrapUpExtended{s.now, in.agent, until});
    return Status::Ok();
  }
  Status operator()(const Enqueue& in) {
    if (s.contacts.count(in.contact) != 0)
      return InvalidArgument(Name(in.contact) + " already exists");
    if (!in.queue.valid() || in.queue.value >= s.queues.size() ||
        s.settings.queues[in.queue.value].retired) {
      return NotFound("no queue with id " + std::to_string(in.queue.value));
    }
    internal::QueueContact(s, in.contact, in.queue, in.priority, s.now, ContactKind::kCall,
                           in.queue, 0);
    return Status::Ok();
  }
  Status operator()(const RequestCallback& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(in.contact));
    if (c->phase != ContactPhase::kWaiting || c->kind != ContactKind::kCall) {
      return FailedPrecondition(Name(in.contact) + " is not a call waiting in a queue");
    }
    Emit(s, CallbackRequested{s.now, in.contact});
    return Status::Ok();
  }
  Status operator()(const Abandon& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(in.contact));
    if (c->phase == ContactPhase::kConnected) {
      return FailedPrecondition(Name(in.contact) + " is connected: end it with Hangup");
    }
    // A callback request stays: the caller left a number and hung up, which is what callback
    // callers do. Only the callback's own outcome (CallbackResult, or an agent handling it)
    // ends it, so neither the abandon rate nor the service level counts it.
    if (c->kind == ContactKind::kCallback) return Status::Ok();
    const internal::AgentList ringing = c->ringing;
    const QueueId q = c->queue;
    for (AgentId a : ringing) Emit(s, OfferCancelled{s.now, in.contact, a});
    Emit(s, ContactEnded{s.now, in.contact, q, AgentId{}, EndReason::kAbandoned, s.now});
    for (AgentId a : ringing) internal::AfterCancel(s, a);
    return Status::Ok();
  }
  Status operator()(const Interrupt& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(in.contact));
    if (c->phase == ContactPhase::kConnected) {
      EndHandled(*c, EndReason::kInterrupted, s.now + s.settings.queues[c->queue.value].wrap_up);
      return Status::Ok();
    }
    if (c->kind == ContactKind::kCallback) return Status::Ok();  // the number is still there
    const internal::AgentList ringing = c->ringing;
    const QueueId q = c->queue;
    for (AgentId a : ringing) Emit(s, OfferCancelled{s.now, in.contact, a});
    Emit(s, ContactEnded{s.now, in.contact, q, AgentId{}, EndReason::kInterrupted, s.now});
    for (AgentId a : ringing) internal::AfterCancel(s, a);
    return Status::Ok();
  }
  Status CheckOffer(ContactId id, AgentId agent, std::uint32_t offer, ContactRt** out) {
    SB_RETURN_IF_ERROR(CheckAgent(agent));
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(id));
    const bool live =
        c->phase == ContactPhase::kOffered && c->offer == offer && c->ringing.contains(agent);
    if (!live) {
      return FailedPrecondition("offer " + std::to_string(offer) + " of " + Name(id) + " to " +
                                Name(s, agent) +
                                " is no longer live (expired, cancelled or taken)");
    }
    *out = c;
    return Status::Ok();
  }
  Status operator()(const Accept& in) {
    ContactRt* c = nullptr;
    SB_RETURN_IF_ERROR(CheckOffer(in.contact, in.agent, in.offer, &c));
    internal::AgentList others = c->ringing;
    others.remove(in.agent);
    Emit(s, OfferAccepted{s.now, in.contact, in.agent});
    for (AgentId a : others) Emit(s, OfferCancelled{s.now, in.contact, a});
    for (AgentId a : others) internal::AfterCancel(s, a);
    return Status::Ok();
  }
  Status operator()(const Decline& in) {
    ContactRt* c = nullptr;
    SB_RETURN_IF_ERROR(CheckOffer(in.contact, in.agent, in.offer, &c));
    Emit(s, OfferDeclined{s.now, in.contact, in.agent});
    internal::ResumeWaiting(s, in.contact);
    return Status::Ok();
  }
  Status operator()(const Hangup& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(in.contact));
    if (c->phase != ContactPhase::kConnected) {
      return FailedPrecondition(Name(in.contact) + " is not connected: a waiting caller abandons");
    }
    EndHandled(*c, EndReason::kCompleted, s.now + s.settings.queues[c->queue.value].wrap_up);
    return Status::Ok();
  }
  Status operator()(const Transfer& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(in.contact));
    if (!in.to.valid() || in.to.value >= s.queues.size() ||
        s.settings.queues[in.to.value].retired) {
      return NotFound("no queue with id " + std::to_string(in.to.value));
    }
    if (in.to == c->queue) return InvalidArgument(Name(in.contact) + " is already in that queue");
    if (c->consult.valid()) return InConsultation(in.contact);
    if (c->phase == ContactPhase::kOffered) {
      return FailedPrecondition(Name(in.contact) + " is ringing an agent; transfer after answer");
    }
    if (c->phase == ContactPhase::kRetrying) {
      return FailedPrecondition(Name(in.contact) +
                                " is a callback waiting for its retry; transfer it once it waits "
                                "in its queue again");
    }
    // The rule of every move (MoveTarget): a closed or full queue's overflow chain is followed;
    // where it leads nowhere the transfer is refused and the contact stays.
    const QueueId to = internal::MoveTarget(s, c->queue, in.to, c->kind);
    if (!to.valid()) {
      return FailedPrecondition("queue '" + s.settings.queues[in.to.value].name +
                                "' cannot take the contact now (closed or full, and no overflow "
                                "queue that can)");
    }
    AgentId agent;
    Time wrap_until = s.now;
    if (c->phase == ContactPhase::kConnected) {
      agent = c->agent;
      wrap_until = s.now + s.settings.queues[c->queue.value].wrap_up;
    }
    internal::MoveContact(s, *c, to, MoveReason::kTransfer, agent, wrap_until);
    return Status::Ok();
  }
  Status operator()(const TransferOut& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(in.contact));
    if (c->phase != ContactPhase::kConnected) {
      return FailedPrecondition(Name(in.contact) +
                                " is not connected to an agent: only a call in progress is "
                                "transferred to a number");
    }
    if (c->consult.valid()) return InConsultation(in.contact);
    EndHandled(*c, EndReason::kTransferredOut, s.now + s.settings.queues[c->queue.value].wrap_up);
    return Status::Ok();
  }
  Status operator()(const CallbackResult& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(in.contact));
    if (c->phase != ContactPhase::kConnected || c->kind != ContactKind::kCallback) {
      return FailedPrecondition(Name(in.contact) + " is not a callback being dialled");
    }
    if (in.reached) return Status::Ok();
    const QueueSettings& q = s.settings.queues[c->queue.value];
    if (!in.permanent && c->callback_failures < q.callback_retries) {
      // Another try later: the agent is free now, the contact comes back at `due` in its place.
      const AgentId agent = c->agent;
      const auto attempt = static_cast<std::uint16_t>(c->callback_failures + 1);
      Emit(s,
           CallbackRetry{s.now, c->id, c->queue, agent, attempt, s.now + q.callback_retry_after});
      internal::FreeAgent(s, agent);
      return Status::Ok();
    }
    EndHandled(*c, EndReason::kCallbackUnreached, s.now);
    return Status::Ok();
  }

  // --- consultations (attended transfer) ---
  Status operator()(const Consult& in) {
    SB_RETURN_IF_ERROR(CheckAgent(in.agent));
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(in.contact));
    if (c->phase != ContactPhase::kConnected || c->kind != ContactKind::kCall ||
        c->agent != in.agent) {
      return FailedPrecondition(Name(in.contact) + " is not a call connected to " +
                                Name(s, in.agent));
    }
    if (c->consult.valid()) return InConsultation(in.contact);
    AgentId target = in.target;
    QueueId via;
    if (target.valid()) {
      SB_RETURN_IF_ERROR(CheckAgent(target));
      if (target == in.agent) return InvalidArgument(Name(s, in.agent) + " cannot consult itself");
      if (StateOf(target) != AgentState::kReady) {
        return StateError(s, target, "only a ready agent can be consulted");
      }
    } else {
      if (!in.queue.valid() || in.queue.value >= s.queues.size() ||
          s.settings.queues[in.queue.value].retired) {
        return NotFound("no queue with id " + std::to_string(in.queue.value));
      }
      // The queue's longest-idle ready member of its best tier.
      for (const internal::ReadyTier& tier : s.queues[in.queue.value].ready.tiers()) {
        if (tier.size() > 0) {
          target = tier.begin()->agent;
          break;
        }
      }
      if (!target.valid()) {
        return FailedPrecondition("no agent of queue '" + s.settings.queues[in.queue.value].name +
                                  "' is ready to be consulted");
      }
      via = in.queue;
    }
    Emit(s, ConsultStarted{s.now, in.contact, in.agent, target, via});
    return Status::Ok();
  }
  Result<ContactRt*> FindConsultation(ContactId id) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindContact(id));
    if (!c->consult.valid()) return FailedPrecondition(Name(id) + " has no consultation going");
    return c;
  }
  Status operator()(const ConsultAnswer& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindConsultation(in.contact));
    if (c->consult_answered) {
      return FailedPrecondition("the consultation of " + Name(in.contact) + " was answered");
    }
    Emit(s, ConsultAnswered{s.now, in.contact, c->consult});
    return Status::Ok();
  }
  Status operator()(const ConsultCancel& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindConsultation(in.contact));
    const AgentId target = c->consult;
    Emit(s, ConsultEnded{s.now, in.contact, target,
                         in.declined ? ConsultEnd::kDeclined : ConsultEnd::kCancelled});
    internal::FreeAgent(s, target);
    return Status::Ok();
  }
  Status operator()(const ConsultComplete& in) {
    SB_ASSIGN_OR_RETURN(ContactRt * c, FindConsultation(in.contact));
    if (!c->consult_answered) {
      return FailedPrecondition("agent '" + s.settings.agents[c->consult.value].name +
                                "' has not answered the consultation yet");
    }
    const AgentId agent = c->agent;
    const Time wrap_until = s.now + s.settings.queues[c->queue.value].wrap_up;
    Emit(s, ConsultCompleted{s.now, in.contact, agent, c->consult, wrap_until});
    if (wrap_until <= s.now) internal::FreeAgent(s, agent);
    return Status::Ok();
  }
  Status InConsultation(ContactId id) const {
    return FailedPrecondition(Name(id) + " is in a consultation: complete or cancel it first");
  }

  void EndHandled(ContactRt& c, EndReason reason, Time wrap_until) {
    const AgentId agent = c.agent;
    // A consultation going ends with the call; its agent is freed once the call's end is out.
    const AgentId consulted = c.consult;
    if (consulted.valid()) {
      Emit(s, ConsultEnded{s.now, c.id, consulted, ConsultEnd::kContactEnded});
    }
    Emit(s, ContactEnded{s.now, c.id, c.queue, agent, reason, wrap_until});
    if (wrap_until <= s.now) internal::FreeAgent(s, agent);
    if (consulted.valid()) internal::FreeAgent(s, consulted);
  }
};

}  // namespace

Status Engine::Handle(const Input& input, std::vector<Event>* out) {
  State& s = *state_;
  const Time at = InputTime(input);
  if (at < s.now) {
    return OutOfRange("input at " + FormatTime(at) + " is earlier than the engine's time " +
                      FormatTime(s.now) + "; inputs must arrive in time order");
  }
  s.out = out;
  internal::RunDueTimers(s, at);
  s.now = at;
  Status status = std::visit(InputHandler{s}, input);
  s.out = nullptr;
  return status;
}

}  // namespace sb::core
