// Blind transfers (telephony.h): a REFER from a connected agent's phone, or a front end's
// transfer command, moves the caller into another queue (the engine's Transfer) or out to a
// number through the transfer trunk (Transfer with a number: the controller asks
// CanTransferOut, the engine ends the contact transferred_out, and the caller is bridged to the
// call we place). Telephony holds no routing state for it: the REFER waits on the agent's leg
// for the Transfer's outcome, and a transferred-out caller and its forward leg only point at
// each other (both are legs, bounded by max_calls).

#include <algorithm>

#include "media/sdp.h"
#include "telephony/telephony.h"

namespace sb::telephony {

std::string Plain(const std::string& number);                                     // callback.cc
std::string DialString(const config::TrunkConfig& t, const std::string& number);  // callback.cc

void Telephony::OnTrunkAuthFailed(const std::string& source, const std::string& user) {
  hooks_.task([this, source, user] {
    Log("warn", "telephony: call from a trunk failed digest authentication (403)",
        {{"from", source}, {"user", user}});
  });
}

void Telephony::OnRefer(sip::LegId leg, const std::string& target) {
  hooks_.task([this, leg, target] { Refer(leg, target); });
}

void Telephony::ReferRefused(sip::LegId agent_leg, int status, const std::string& why) {
  ++stats_.refers_refused;
  if (Leg* a = Find(agent_leg)) a->refer_pending = false;
  sip_->AnswerRefer(agent_leg, status);
  Log("info", "telephony: transfer refused; the call goes on",
      {{"status", std::to_string(status)}, {"why", why}});
}

void Telephony::Refer(sip::LegId id, const std::string& target) {
  if (!sip_) return;
  Leg* a = Find(id);
  if (!a || a->caller || a->outbound || a->forward || a->gone) {
    return ReferRefused(id, 481, "not an agent's call in progress");
  }
  Leg* caller = CallerOf(a->contact);
  if (DialoutOf(a->contact) || !caller || caller->gone || !caller->connected ||
      caller->agent_leg != id) {
    return ReferRefused(id, 403,
                        "not an agent's call with a caller (callbacks are not "
                        "transferred)");
  }
  const std::uint64_t contact = a->contact;
  control::Transfer t;
  t.contact = contact;
  // A number of ours with a queue: the engine moves the contact there (keeping its arrival).
  // Any other number goes to CanTransferOut: one of ours with an IVR menu is entered locally
  // as a new contact (EnterNumber), a number outside is dialled through the transfer trunk.
  auto number = number_of_.find(target);
  if (number != number_of_.end() && !number->second->queue.empty()) {
    t.queue = number->second->queue;
  } else {
    t.number = target;
  }
  a->refer_pending = true;
  Log("info", "telephony: transfer asked by the agent's phone (REFER)",
      {{"contact", std::to_string(contact)},
       {"agent", a->agent},
       {t.queue.empty() ? "number" : "queue", t.queue.empty() ? t.number : t.queue}});
  const bool to_queue = !t.queue.empty();
  const bool posted = hooks_.command(t, [this, id, to_queue](const control::Reply& r) {
    if (r.status.ok()) return;  // the ContactMoved or ContactEnded answered the REFER already
    Leg* l = Find(id);
    if (!l || !l->refer_pending) return;
    // A queue that cannot take the caller now: 480; a destination not allowed: 403.
    ReferRefused(id, to_queue && r.status.code() == StatusCode::kFailedPrecondition ? 480 : 403,
                 r.status.message());
  });
  if (!posted) ReferRefused(id, 503, "the control loop is full");
}

void Telephony::TransferMoved(const core::ContactMoved& m) {
  if (!m.agent.valid()) return;  // a waiting caller moved: nothing changes on the wire
  Leg* caller = CallerOf(m.contact.value);
  if (!caller || caller->gone || !caller->connected) return;
  const sip::LegId agent_leg = caller->agent_leg;
  caller->connected = false;
  CountHold(*caller, NowMs());  // a hold before the transfer ends with the bridge
  caller->agent_leg = 0;
  media_->Unbridge(caller->media);
  Waiting(*caller);  // the hold music again, and the announcements
  ++stats_.transfers;
  if (Leg* a = Find(agent_leg); a && !a->gone) {
    if (a->refer_pending) {
      a->refer_pending = false;
      sip_->AnswerRefer(agent_leg, 202);  // queued before the BYE: 202 and NOTIFY go first
    }
    End(*a);
  }
  Log("info", "telephony: transferred into a queue",
      {{"contact", std::to_string(m.contact.value)},
       {"queue", ctl_.engine().settings().queues[m.to.value].name}});
}

bool Telephony::TransferAllowed(const std::string& number) const {
  const std::string n = Plain(number);
  return std::any_of(
      config_.transfer_allow.begin(), config_.transfer_allow.end(), [&](const std::string& p) {
        if (p.size() > 1 && p.back() == '*') {
          return n.size() >= p.size() && n.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0;
        }
        return n == p;
      });
}

std::string Telephony::QueueOfNumber(const std::string& number) const {
  auto it = number_of_.find(number);
  return it == number_of_.end() ? std::string() : it->second->queue;
}

Status Telephony::CanTransferOut(std::uint64_t contact, const std::string& number) {
  Leg* caller = CallerOf(contact);
  if (!caller || caller->gone || !caller->connected || DialoutOf(contact)) {
    return FailedPrecondition("number: contact " + std::to_string(contact) +
                              " is no call with a caller connected to an agent");
  }
  // One of our own numbers (an IVR menu): no trunk, no allow-list; the caller stays here.
  if (number_of_.contains(number)) return Status::Ok();
  if (!transfer_trunk_) {
    return FailedPrecondition(
        "number: no trunk takes transfers (a [[trunk]] outbound, or [sip.transfer] trunk)");
  }
  if (!TransferAllowed(number)) {
    return FailedPrecondition(
        "number: not an allowed transfer destination ([sip.transfer] "
        "allow)");
  }
  if (DialString(*transfer_trunk_, number).empty()) {
    return FailedPrecondition("number: cannot be dialled through trunk '" + transfer_trunk_->name +
                              "'");
  }
  return Status::Ok();
}

void Telephony::TransferredOut(const core::ContactEnded& e, const control::ContactContext& ctx) {
  const std::uint64_t contact = e.contact.value;
  Leg* caller = CallerOf(contact);
  std::string return_queue;  // the queue the agent answered the caller from
  if (const Leg* agent = caller ? Find(caller->agent_leg) : nullptr;
      agent && config_.transfer_return) {
    const auto& queues = ctl_.engine().settings().queues;
    if (agent->queue < queues.size()) return_queue = queues[agent->queue].name;
  }
  if (auto a = agents_of_contact_.find(contact); a != agents_of_contact_.end()) {
    for (sip::LegId id : a->second) {
      Leg* leg = Find(id);
      if (!leg || leg->gone) continue;
      if (leg->refer_pending) {
        leg->refer_pending = false;
        sip_->AnswerRefer(id, 202);
      }
      End(*leg);
    }
  }
  if (!caller) return;
  caller_of_contact_.erase(contact);
  caller->reported = true;  // the engine ended the contact: the caller's leg is only a call now
  caller->queued = false;
  caller->connected = false;
  CountHold(*caller, NowMs());  // a hold before the transfer ends with the bridge
  caller->agent_leg = 0;
  caller->return_queue = std::move(return_queue);
  if (caller->gone) return;
  StopRecording(*caller);  // the contact's recording ends with it (recording.cc)
  if (auto n = number_of_.find(ctx.transfer_to); n != number_of_.end()) {
    return EnterNumber(*caller, *n->second);  // reentry.cc
  }
  if (!transfer_trunk_) return End(*caller);  // CanTransferOut saw one: never, but never crash
  media_->Unbridge(caller->media);
  Disarm(*caller);
  caller->playing = Playing::kNone;
  const config::TrunkConfig& t = *transfer_trunk_;
  const std::string dial = DialString(t, ctx.transfer_to);
  auto opened = media_->Open(caller->media);
  if (dial.empty() || !opened.ok()) {
    if (opened.ok()) media_->Close(opened->leg);  // no leg of ours holds it
    Log("warn", "telephony: transfer out not dialled", {{"contact", std::to_string(contact)}});
    return ReturnCaller(*caller);
  }
  const sip::LegId id = sip_->NewLeg();
  Leg& leg = legs_[id];
  leg.sip = id;
  leg.media = opened->leg;
  leg.contact = contact;
  leg.forward = true;
  leg.peer = caller->sip;
  caller->peer = id;
  by_media_[leg.media] = id;
  sip::Call call;
  call.target = "sip:" + dial + "@" + t.outbound_host + t.outbound_params;
  const std::string own = Plain(caller->number);
  call.from_user = config_.transfer_caller_id && !DialString(t, own).empty() ? own : t.from_number;
  call.sdp = OfferSdp(leg, opened->port, SrtpToTrunk(t));
  call.auth_user = t.username;
  call.auth_password = t.password;
  ++stats_.transfers_out;
  Log("info", "telephony: transferring out through the trunk",
      {{"contact", std::to_string(contact)}, {"trunk", t.name}});
  if (!sip_->Invite(id, std::move(call))) {
    leg.gone = true;
    Terminated(id);
    return;
  }
  media_->Play(caller->media, {ringback_}, true);
  Arm(leg, t.ring_timeout, [this](Leg& l) {
    Log("info", "telephony: transfer out not answered", {{"contact", std::to_string(l.contact)}});
    End(l);  // CANCEL
    ForwardGone(l);
  });
}

void Telephony::ForwardAnswered(Leg& leg, const std::string& sdp) {
  Disarm(leg);
  Leg* caller = Find(leg.peer);
  if (!caller || caller->gone) {
    End(leg);
    return;
  }
  auto remote = RemoteOfAnswer(leg, sdp);  // G.711, SRTP as we offered, our address family
  if (!remote.ok()) {
    Log("warn", "telephony: the transfer's answer has no usable SDP; hanging up",
        {{"contact", std::to_string(leg.contact)}, {"why", remote.status().message()}});
    End(leg);
    return ForwardGone(leg);
  }
  leg.srtp = remote->srtp.has_value();
  leg.answered = true;  // connected: from now on its end is the caller's end
  media_->SetRemote(leg.media, std::move(*remote));
  media_->Bridge(caller->media, leg.media);
  ++stats_.transfers_out_connected;
  Log("info", "telephony: transfer out connected", {{"contact", std::to_string(leg.contact)}});
}

void Telephony::ForwardFailed(Leg& leg, int status) {
  Log("info", "telephony: transfer out failed",
      {{"contact", std::to_string(leg.contact)}, {"status", std::to_string(status)}});
  leg.gone = true;
  Disarm(leg);
  ForwardGone(leg);
}

void Telephony::ForwardGone(Leg& leg) {
  leg.gone = true;
  Leg* other = Find(leg.peer);
  leg.peer = 0;
  if (!other) return;
  other->peer = 0;
  if (other->gone) return;
  // The dialled leg ended before it connected (busy, no answer, refused, no usable SDP): the
  // caller was never lost, so it goes back to the center rather than being hung up.
  if (leg.forward && !leg.answered && other->caller) return ReturnCaller(*other);
  End(*other);
}

}  // namespace sb::telephony
