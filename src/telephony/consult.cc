// Attended transfers (telephony.h): the engine's consultation carried on the wire. The caller's
// leg keeps its agent leg (agent_leg) during the consultation and points at the consulted
// agent's leg (consult_leg); the consulted leg is an agent leg marked `consult` until the
// handover, when it becomes the caller's agent leg. Telephony holds no routing state for it:
// every step is the engine's (ConsultStarted, ConsultEnded, ConsultCompleted), and both legs
// are bounded like every leg (max_calls).

#include <cstdlib>

#include "media/sdp.h"
#include "telephony/telephony.h"

namespace sb::telephony {

Status Telephony::CanConsult(std::uint64_t contact, const std::string& target) {
  if (!sip_ || !media_) return FailedPrecondition("consult: telephony is not running");
  Leg* caller = CallerOf(contact);
  if (!caller || caller->gone || !caller->connected || DialoutOf(contact)) {
    return FailedPrecondition("contact " + std::to_string(contact) +
                              " is no call with a caller connected to an agent");
  }
  if (caller->consult_leg != 0) {
    return FailedPrecondition("contact " + std::to_string(contact) + " is in a consultation");
  }
  for (const auto& [name, s] : supervisions_) {
    if (s.caller == caller->sip) {
      return FailedPrecondition("consult: '" + name +
                                "' supervises this call; no consultation while supervised "
                                "(supervise_end first)");
    }
  }
  if (!target.empty()) {
    const auto id = AgentIdOf(target);
    if (!id) return NotFound("target: no agent named '" + target + "'");
    if (PhoneOf(*id, target).rfind("sip:", 0) != 0) {
      return FailedPrecondition("target: '" + target + "' has no phone");
    }
  }
  return Status::Ok();
}

void Telephony::CancelConsult(std::uint64_t contact, const char* why) {
  Log("info", "telephony: consultation not carried on",
      {{"contact", std::to_string(contact)}, {"why", why}});
  (void)hooks_.command(control::ConsultCancel{contact, true}, [](const control::Reply&) {});
}

void Telephony::StartConsult(const core::ConsultStarted& e) {
  const std::uint64_t contact = e.contact.value;
  Leg* caller = CallerOf(contact);
  Leg* first = caller ? Find(caller->agent_leg) : nullptr;
  if (!caller || caller->gone || !caller->connected || !first || first->gone) {
    return CancelConsult(contact, "the call is not connected any more");
  }
  Leg* talker = ConsultTalker(*caller);  // the phone's own call, or the agent leg
  const std::string& target = AgentName(e.target);
  const std::string uri = PhoneOf(e.target, target);
  if (uri.rfind("sip:", 0) != 0) return CancelConsult(contact, "the consulted agent has no phone");
  // Near the first agent's leg: the two are bridged once the consulted agent answers.
  auto opened = media_->Open(talker->media);
  if (!opened.ok()) return CancelConsult(contact, "no media port free");
  const sip::LegId id = sip_->NewLeg();
  Leg& leg = legs_[id];
  leg.sip = id;
  leg.media = opened->leg;
  leg.rtp_port = opened->port;
  leg.contact = contact;
  leg.agent = target;
  leg.queue = first->queue;
  leg.consult = true;
  by_media_[leg.media] = id;
  caller->consult_leg = id;
  // The caller hears the hold music, the first agent ringback until the consulted one answers.
  media_->Unbridge(caller->media);
  PlayHold(*caller);
  if (talker->consulting) {
    sip_->Respond(talker->sip, 180);  // the phone plays its own ringback
  } else if (ringback_) {
    media_->Play(first->media, {ringback_}, true);
  }
  sip::Call call;
  call.target = uri;
  call.from_user = first->agent;  // the consultation's caller is the first agent
  call.sdp = OfferSdp(leg, opened->port, SrtpToAgent(target));
  ++stats_.consultations;
  Log("info", "telephony: consultation: calling the consulted agent",
      {{"contact", std::to_string(contact)}, {"agent", first->agent}, {"target", target}});
  if (call.sdp.empty() || !sip_->Invite(id, std::move(call))) {
    leg.gone = true;
    Terminated(id);
    return CancelConsult(contact, "the SIP queue is full, or no SRTP key");
  }
  const auto& queues = ctl_.engine().settings().queues;
  const Duration ring = leg.queue < queues.size() ? queues[leg.queue].offer_timeout
                                                  : Duration(std::chrono::seconds(20));
  Arm(leg, ring, [this](Leg& l) {
    End(l);  // CANCEL
    CancelConsult(l.contact, "the consulted agent did not answer in time");
  });
}

void Telephony::ConsultAnswered(Leg& leg, const std::string& sdp) {
  Disarm(leg);
  auto remote = RemoteOfAnswer(leg, sdp);
  if (!remote.ok()) {
    Log("warn", "telephony: the consulted agent's answer has no usable SDP",
        {{"agent", leg.agent}, {"why", remote.status().message()}});
    End(leg);
    return CancelConsult(leg.contact, "no usable SDP in the consulted agent's answer");
  }
  leg.srtp = remote->srtp.has_value();
  media_->SetRemote(leg.media, std::move(*remote));
  const sip::LegId id = leg.sip;
  (void)hooks_.command(control::ConsultAnswer{leg.contact}, [this, id](const control::Reply& r) {
    Leg* l = Find(id);
    if (!l || l->gone || !l->consult) return;
    Leg* caller = CallerOf(l->contact);
    Leg* talker = caller && caller->consult_leg == id ? ConsultTalker(*caller) : nullptr;
    if (!r.status.ok() || !talker || talker->gone) {
      End(*l);  // the consultation ended meanwhile
      return;
    }
    l->answered = true;
    if (talker->consulting && !talker->answered_200) {
      talker->answered_200 = true;
      sip_->Respond(talker->sip, 200, talker->answer);
    }
    media_->Bridge(talker->media, l->media);  // stops the ringback
  });
}

void Telephony::ConsultFailed(Leg& leg, int status) {
  leg.gone = true;
  Disarm(leg);
  Log("info", "telephony: the consulted agent's phone did not answer",
      {{"agent", leg.agent}, {"status", std::to_string(status)}});
  Leg* caller = CallerOf(leg.contact);
  if (caller && caller->consult_leg == leg.sip) CancelConsult(leg.contact, "declined");
}

void Telephony::ConsultLegGone(Leg& leg) {
  leg.gone = true;
  Disarm(leg);
  Leg* caller = CallerOf(leg.contact);
  if (caller && caller->consult_leg == leg.sip) {
    CancelConsult(leg.contact, "the consulted agent hung up");
  }
}

void Telephony::ConsultingAgentLeft(Leg& caller) {
  const std::uint64_t contact = caller.contact;
  Leg* consulted = Find(caller.consult_leg);
  if (consulted && consulted->answered && !consulted->gone) {
    // The first agent hung up on an answered consultation: the call goes to the consulted one.
    (void)hooks_.command(
        control::ConsultComplete{contact}, [this, contact](const control::Reply& r) {
          if (r.status.ok()) return;
          if (Leg* c = CallerOf(contact)) NoteEnd(*c, "agent", "bye");
          (void)hooks_.command(control::Hangup{contact}, [](const control::Reply&) {});
        });
    return;
  }
  NoteEnd(caller, "agent", "bye");
  (void)hooks_.command(control::Hangup{contact}, [](const control::Reply&) {});
}

void Telephony::EndConsult(const core::ConsultEnded& e) {
  Leg* caller = CallerOf(e.contact.value);
  if (!caller) return;
  if (Leg* consulted = Find(caller->consult_leg); consulted && !consulted->gone) End(*consulted);
  if (Leg* via = Find(caller->consult_via); via && !via->gone) End(*via);
  caller->consult_leg = 0;
  caller->consult_via = 0;
  if (e.reason == core::ConsultEnd::kContactEnded || caller->gone || !caller->connected) return;
  Leg* first = Find(caller->agent_leg);
  if (!first || first->gone) return;
  // Back to the first agent: the caller's bridge again.
  media_->Unbridge(first->media);
  caller->playing = Playing::kNone;
  media_->Bridge(caller->media, first->media);
  Log("info", "telephony: consultation ended; the caller is back with the agent",
      {{"contact", std::to_string(e.contact.value)},
       {"why", std::string(core::ConsultEndName(e.reason))}});
}

void Telephony::CompleteConsult(const core::ConsultCompleted& e) {
  const std::uint64_t contact = e.contact.value;
  Leg* caller = CallerOf(contact);
  if (!caller || caller->gone) return;  // the caller's Hangup is on its way
  Leg* consulted = Find(caller->consult_leg);
  Leg* first = Find(caller->agent_leg);
  Leg* via = Find(caller->consult_via);
  caller->consult_leg = 0;
  caller->consult_via = 0;
  if (via && !via->gone) {
    media_->Unbridge(via->media);
    End(*via);  // the first agent's own call for the consultation
  }
  if (!consulted || consulted->gone) {
    // Never when the engine took it (it needs the answer), but never leave a caller alone.
    NoteEnd(*caller, "system", "lost");
    (void)hooks_.command(control::Hangup{contact}, [](const control::Reply&) {});
    return;
  }
  media_->Unbridge(consulted->media);
  caller->playing = Playing::kNone;
  Disarm(*caller);
  media_->Bridge(caller->media, consulted->media);
  consulted->consult = false;  // an agent leg of the call like any other from now on
  consulted->answered = true;
  agents_of_contact_[contact].push_back(consulted->sip);
  caller->agent_leg = consulted->sip;
  caller->detail.handover_ms = NowMs();
  CountHold(*caller, caller->detail.handover_ms);  // the first agent's hold ends with its bridge
  caller->detail.handover_from = first ? first->agent : AgentName(e.agent);
  caller->detail.agent = consulted->agent;
  ++stats_.handovers;
  MaybeRecord(*caller, *consulted);  // a recorded call: the consulted agent's audio goes on in it
  if (first) {
    if (first->refer_pending) {
      first->refer_pending = false;
      sip_->AnswerRefer(first->sip, 202);  // queued before the BYE: 202 and NOTIFY go first
    }
    if (!first->gone) End(*first);
  }
  Log("info", "telephony: consultation completed; the caller is with the consulted agent",
      {{"contact", std::to_string(contact)}, {"agent", consulted->agent}});
}

Telephony::Leg* Telephony::ConsultTalker(Leg& caller) {
  if (Leg* via = Find(caller.consult_via); via && !via->gone) return via;
  return Find(caller.agent_leg);
}

namespace {

// "host:port" of a SIP URI (sip:user@host:port;params), the port 5060 when none is given.
std::pair<std::string, std::uint16_t> HostPortOf(const std::string& uri) {
  std::string rest = uri.substr(uri.find('@') == std::string::npos ? 4 : uri.find('@') + 1);
  rest = rest.substr(0, rest.find_first_of(";>?"));
  const std::size_t colon = rest.rfind(':');
  const std::size_t bracket = rest.find(']');  // an IPv6 literal: [::1]:5060
  if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket)) {
    return {rest, 5060};
  }
  const int port = std::atoi(rest.c_str() + colon + 1);
  return {rest.substr(0, colon), static_cast<std::uint16_t>(port > 0 && port < 65536 ? port : 0)};
}

}  // namespace

bool Telephony::IncomingConsult(const sip::Incoming& call) {
  if (number_of_.count(call.dialled) != 0) return false;
  const auto target = AgentIdOf(call.dialled);
  if (!target) return false;
  // The phone of an agent connected to a caller: the INVITE comes from its address (its static
  // contact, or where it registered, which digest authenticated).
  Leg* caller = nullptr;
  Leg* first = nullptr;
  for (auto& [id, l] : legs_) {
    if (!l.caller || !l.connected || l.gone) continue;
    Leg* a = Find(l.agent_leg);
    if (!a || a->gone) continue;
    const auto agent_id = AgentIdOf(a->agent);
    if (!agent_id) continue;
    const auto [host, port] = HostPortOf(PhoneOf(*agent_id, a->agent));
    if (host == call.source && port == call.source_port) {
      caller = &l;
      first = a;
      break;
    }
  }
  if (!caller) return false;
  const std::uint64_t contact = caller->contact;
  auto refuse = [&](int status, const std::string& why) {
    sip_->Respond(call.leg, status);
    Log("info", "telephony: consultation from the agent's phone refused",
        {{"agent", first->agent}, {"status", std::to_string(status)}, {"why", why}});
    return true;
  };
  if (caller->consult_leg != 0 || caller->consult_via != 0) {
    return refuse(486, "a consultation of this call is going");
  }
  auto offer = media::ParseSdp(call.sdp);
  if (!offer.ok()) return refuse(488, "no usable SDP offer");
  auto plan = media::PlanAnswer(*offer, media::SrtpPolicy::kOptional);
  if (!plan.ok()) return refuse(488, plan.status().message());
  if (Status s = CheckFamily(*offer); !s.ok()) return refuse(488, s.message());
  auto opened = media_->Open(first->media);
  if (!opened.ok()) return refuse(503, "no media port free");
  Leg& leg = legs_[call.leg];
  leg.sip = call.leg;
  leg.media = opened->leg;
  leg.rtp_port = opened->port;
  leg.contact = contact;
  leg.agent = first->agent;
  leg.queue = first->queue;
  leg.consulting = true;
  leg.dialog_call_id = call.call_id;
  leg.dialog_tag = call.from_tag;
  leg.srtp = plan->keys.has_value();
  by_media_[leg.media] = leg.sip;
  media_->SetRemote(leg.media, media::Remote{offer->address, offer->port, plan->codec,
                                             offer->telephone_event_pt, std::move(plan->keys)});
  media::SdpLocal local;
  local.address = config_.rtp_address;
  local.port = opened->port;
  local.session_id = call.leg;
  local.version = 1;
  local.crypto = std::move(plan->local);
  leg.answer = media::WriteAnswer(local, plan->codec, *offer);
  caller->consult_via = call.leg;
  control::Consult c{contact, first->agent, call.dialled, ""};
  const sip::LegId id = call.leg;
  Log("info", "telephony: consultation asked by the agent's phone (INVITE)",
      {{"contact", std::to_string(contact)}, {"agent", first->agent}, {"target", call.dialled}});
  const bool posted = hooks_.command(c, [this, id](const control::Reply& r) {
    if (r.status.ok()) return;
    Leg* l = Find(id);
    if (!l || l->gone) return;
    if (Leg* cl = CallerOf(l->contact); cl && cl->consult_via == id) cl->consult_via = 0;
    Log("info", "telephony: consultation refused", {{"why", r.status.message()}});
    l->gone = true;
    sip_->Respond(id, r.status.code() == StatusCode::kFailedPrecondition ? 480 : 404);
  });
  if (!posted) {
    caller->consult_via = 0;
    leg.gone = true;
    sip_->Respond(id, 503);
  }
  return true;
}

void Telephony::ConsultingLegGone(Leg& leg) {
  leg.gone = true;
  Leg* caller = CallerOf(leg.contact);
  if (caller && caller->consult_via == leg.sip) {
    // The first agent hung up its consultation call: back to the caller.
    (void)hooks_.command(control::ConsultCancel{leg.contact, false}, [](const control::Reply&) {});
  }
}

void Telephony::OnReferReplaces(sip::LegId leg, const std::string& target,
                                const sip::Replaces& replaces) {
  hooks_.task([this, leg, target, replaces] {
    (void)target;  // the consulted agent is the one the Replaces' dialog talks to
    ReferReplaces(leg, replaces);
  });
}

void Telephony::ReferReplaces(sip::LegId id, const sip::Replaces& replaces) {
  if (!sip_) return;
  Leg* a = Find(id);
  if (!a || a->caller || a->outbound || a->forward || a->gone || a->consult || a->consulting) {
    return ReferRefused(id, 481, "not an agent's call in progress");
  }
  Leg* caller = CallerOf(a->contact);
  if (!caller || caller->gone || !caller->connected || caller->agent_leg != id) {
    return ReferRefused(id, 403, "not an agent's call with a caller");
  }
  // The dialog named must be one of this call's consultation: the first agent's own call to
  // the consulted agent when its phone started it; else (started by command) the call the
  // phone talks to the consulted agent on, its own (the REFER's dialog), or the consulted
  // agent's call as that phone knows it. Matched by Call-ID and the peer's tag as either tag.
  auto names = [&replaces](const Leg* l) {
    return l && !l->gone && !l->dialog_call_id.empty() && replaces.call_id == l->dialog_call_id &&
           (replaces.from_tag == l->dialog_tag || replaces.to_tag == l->dialog_tag);
  };
  Leg* via = Find(caller->consult_via);
  const bool by_command = caller->consult_leg != 0 && via == nullptr;
  const bool names_it =
      names(via) || (by_command && (names(a) || names(Find(caller->consult_leg))));
  if (!names_it) return ReferRefused(id, 481, "the Replaces names no consultation of this call");
  a->refer_pending = true;
  const std::uint64_t contact = a->contact;
  Log("info", "telephony: consultation completed by the agent's phone (REFER with Replaces)",
      {{"contact", std::to_string(contact)}, {"agent", a->agent}});
  const bool posted =
      hooks_.command(control::ConsultComplete{contact}, [this, id](const control::Reply& r) {
        if (r.status.ok()) return;  // the ConsultCompleted answered the REFER already
        Leg* l = Find(id);
        if (!l || !l->refer_pending) return;
        ReferRefused(id, 403, r.status.message());
      });
  if (!posted) ReferRefused(id, 503, "the control loop is full");
}

}  // namespace sb::telephony
