// The agents' side of the call flow (telephony.h): an offer rings the agent's phone with the
// caller's number, its answer becomes an Accept (bridged only when the engine takes it), its
// failure a Decline; the engine's cancels and time-outs end the legs they name.

#include "media/sdp.h"
#include "telephony/telephony.h"

namespace sb::telephony {

Telephony::Leg& Telephony::AddAgentLeg(std::uint64_t contact, const std::string& agent,
                                       std::uint32_t offer, media::LegId media) {
  const sip::LegId id = sip_->NewLeg();
  Leg& leg = legs_[id];
  leg.sip = id;
  leg.media = media;
  leg.contact = contact;
  leg.agent = agent;
  leg.offer = offer;
  by_media_[media] = id;
  agents_of_contact_[contact].push_back(id);
  return leg;
}

void Telephony::Offer(const core::ContactOffered& o, const control::ContactContext* ctx) {
  const std::string& agent = AgentName(o.agent);
  const std::uint64_t contact = o.contact.value;
  auto decline = [&](const char* why) {
    Log("warn", "telephony: offer declined", {{"agent", agent}, {"why", why}});
    (void)hooks_.command(control::Decline{contact, agent, static_cast<std::int64_t>(o.offer)},
                         [](const control::Reply&) {});
  };
  Leg* caller = CallerOf(contact);
  if (!caller && ctx) {
    // The offer came in the Enqueue's own reply, before its callback ran.
    const sip::LegId id = LegOfHandle(ctx->handle);
    caller = Find(id);
    if (caller && !(caller->caller && caller->enqueuing)) caller = nullptr;
    if (caller) {
      caller->contact = contact;
      caller_of_contact_[contact] = id;
    }
  }
  // A callback whose caller is still on the line (a queue made the call one while nothing could
  // dial it back) is connected like a call; otherwise the customer is dialled.
  if (o.kind == core::ContactKind::kCallback && (!caller || caller->gone)) {
    return OfferCallback(o, ctx);
  }
  if (!caller) {
    // No leg of ours: a contact left from before a restart, whose call is gone.
    Log("warn", "telephony: offered a contact with no call; abandoning it",
        {{"contact", std::to_string(contact)}});
    (void)hooks_.command(control::Abandon{contact}, [](const control::Reply&) {});
    return;
  }
  if (caller->gone) return;  // the caller's Abandon is on its way
  const std::string uri = PhoneOf(o.agent, agent);
  if (uri.rfind("sip:", 0) != 0) return decline("the agent has no phone");
  auto opened = media_->Open(caller->media);  // on the caller's media thread: a cheap bridge
  if (!opened.ok()) return decline("no media port free");
  Leg& leg = AddAgentLeg(contact, agent, o.offer, opened->leg);
  leg.rtp_port = opened->port;
  leg.queue = o.queue.value;
  leg.callback_on_line = o.kind == core::ContactKind::kCallback;
  const sip::LegId id = leg.sip;
  ++stats_.offers;
  if (caller->detail.offered_ms == 0) caller->detail.offered_ms = NowMs();
  // Offered in the Enqueue's own reply: queued at the same instant, before the reply's callback.
  if (caller->detail.queued_ms == 0) caller->detail.queued_ms = caller->detail.offered_ms;
  sip::Call call;
  call.target = uri;
  call.from_user = caller->number;
  call.sdp = OfferSdp(leg, opened->port, SrtpToAgent(agent));
  if (call.sdp.empty() || !sip_->Invite(id, std::move(call))) {
    Terminated(id);
    decline("the SIP queue is full, or no SRTP key");
  }
}

std::string Telephony::PhoneOf(AgentId id, const std::string& agent) const {
  if (auto r = registered_.find(agent); r != registered_.end()) return r->second;
  if (auto it = contact_of_agent_.find(agent); it != contact_of_agent_.end()) return it->second;
  return ctl_.agent(id).device;
}

void Telephony::Answered(sip::LegId id, const std::string& sdp) {
  Leg* leg = Find(id);
  if (leg && leg->supervising && !leg->gone) return SupervisorAnswered(*leg, sdp);
  if (leg && leg->outbound && !leg->gone) return CustomerAnswered(*leg, sdp);
  if (leg && leg->forward && !leg->gone) return ForwardAnswered(*leg, sdp);
  if (leg && leg->consult && !leg->gone) return ConsultAnswered(*leg, sdp);
  if (!leg || leg->caller || leg->gone) return;
  leg->answered = true;
  auto remote = RemoteOfAnswer(*leg, sdp);  // G.711, SRTP as we offered, our address family
  if (!remote.ok()) {
    Log("warn", "telephony: agent's answer has no usable SDP",
        {{"agent", leg->agent}, {"why", remote.status().message()}});
    End(*leg);
    (void)hooks_.command(
        control::Decline{leg->contact, leg->agent, static_cast<std::int64_t>(leg->offer)},
        [](const control::Reply&) {});
    return;
  }
  leg->srtp = remote->srtp.has_value();
  media_->SetRemote(leg->media, std::move(*remote));
  control::Accept a{leg->contact, leg->agent, static_cast<std::int64_t>(leg->offer)};
  (void)hooks_.command(a, [this, id, at = NowMs()](const control::Reply& r) {
    Leg* l = Find(id);
    if (!l) return;
    if (Dialout* d = DialoutOf(l->contact); d && d->agent_leg == id) {
      if (!r.status.ok()) {
        End(*l);  // the offer was no longer live
      } else if (l->gone) {
        CallbackUnreached(*d, "the agent hung up before the customer was dialled", "agent_left");
      } else {
        DialCustomer(*d);
      }
      return;
    }
    Leg* caller = CallerOf(l->contact);
    if (!r.status.ok() || !caller || caller->gone) {
      End(*l);  // another agent won, or the caller left: ACKed already, now BYE
      return;
    }
    caller->connected = true;
    caller->agent_leg = id;
    caller->detail.agent_answered_ms = at;
    caller->detail.agent = l->agent;
    caller->playing = Playing::kNone;
    Disarm(*caller);
    media_->Bridge(caller->media, l->media);
    ++stats_.connected;
    MaybeRecord(*caller, *l);
    if (l->callback_on_line) {
      // A callback whose caller was still on the line is reached now (its case opens).
      (void)hooks_.command(control::CallbackResult{l->contact, true}, [](const control::Reply&) {});
    }
  });
}

void Telephony::Failed(sip::LegId id, int status) {
  Leg* leg = Find(id);
  if (leg && leg->supervising && !leg->gone) return SupervisorFailed(*leg, status);
  if (leg && leg->outbound && !leg->gone) return CustomerFailed(*leg, status);
  if (leg && leg->forward && !leg->gone) return ForwardFailed(*leg, status);
  if (leg && leg->consult && !leg->gone) return ConsultFailed(*leg, status);
  if (!leg || leg->caller || leg->gone) return;
  leg->gone = true;
  Log("info", "telephony: agent's phone did not answer",
      {{"agent", leg->agent}, {"status", std::to_string(status)}});
  (void)hooks_.command(
      control::Decline{leg->contact, leg->agent, static_cast<std::int64_t>(leg->offer)},
      [](const control::Reply&) {});
}

void Telephony::EndAgentLeg(std::uint64_t contact, AgentId agent) {
  auto a = agents_of_contact_.find(contact);
  if (a == agents_of_contact_.end()) return;
  const std::string& name = AgentName(agent);
  for (sip::LegId id : a->second) {
    Leg* leg = Find(id);
    if (leg && leg->agent == name && !leg->gone) End(*leg);
  }
}

}  // namespace sb::telephony
