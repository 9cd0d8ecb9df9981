// Callbacks (telephony.h): the engine offers a callback to an agent; the agent's phone rings
// first, with "Callback" and the customer's number in From. When the engine takes the agent's
// answer, the customer is dialled through the callback trunk (the SIP stack answers the trunk's
// digest challenge) while the agent hears a ringback tone, and bridged on answer. Every way it
// can go ends in exactly one report to the engine: CallbackResult reached (then a Hangup when
// either side hangs up), or CallbackResult not reached (busy, failed, no answer within the
// trunk's ring_timeout, the agent gone first), which the engine retries or ends
// callback_unreached; a failure that says the number cannot be reached (callback_cause.h) is
// reported permanent and not retried. When the callback ends, the call's record gets its
// attempts and the last attempt's status and cause (RecordCallbackOutcome).

#include <cmath>

#include "media/sdp.h"
#include "telephony/callback_cause.h"
#include "telephony/telephony.h"

namespace sb::telephony {

// The number without visual separators (RFC 3966: - . ( ) / and spaces, which the controller
// accepts in a caller's number): what may stand in a SIP URI's user part.
std::string Plain(const std::string& number) {
  std::string n;
  for (char c : number) {
    if (c != '-' && c != '.' && c != '(' && c != ')' && c != ' ' && c != '/') n += c;
  }
  return n;
}

// What the trunk is sent: the plain number, `strip` off the front, `prefix` before; empty when
// it cannot be dialled (no digits left, or characters other than 0-9 + * #).
std::string DialString(const config::TrunkConfig& t, const std::string& number) {
  std::string n = Plain(number);
  if (!t.strip.empty() && n.rfind(t.strip, 0) == 0) n.erase(0, t.strip.size());
  if (n.empty()) return {};
  n = t.prefix + n;
  if (n.size() > 32) return {};
  for (char c : n) {
    if (!((c >= '0' && c <= '9') || c == '+' || c == '*' || c == '#')) return {};
  }
  return n;
}

std::shared_ptr<const media::Clip> MakeRingback() {
  // 440 + 480 Hz (the North American ringback), 2 s on and 4 s off, about -16 dBFS.
  constexpr int kRate = 8000;
  std::vector<std::int16_t> s(6 * kRate, 0);
  constexpr double kTwoPi = 6.283185307179586;
  for (int i = 0; i < 2 * kRate; ++i) {
    const double t = static_cast<double>(i) / kRate;
    s[i] = static_cast<std::int16_t>(2600.0 *
                                     (std::sin(kTwoPi * 440 * t) + std::sin(kTwoPi * 480 * t)));
  }
  return media::Clip::FromLinear(std::move(s));
}

bool Telephony::CanCallBack(const std::string& number) const {
  return callback_trunk_ && !DialString(*callback_trunk_, number).empty();
}

Telephony::Dialout* Telephony::DialoutOf(std::uint64_t contact) {
  auto it = dialouts_.find(contact);
  return it == dialouts_.end() ? nullptr : &it->second;
}

void Telephony::OfferCallback(const core::ContactOffered& o, const control::ContactContext* ctx) {
  const std::string& agent = AgentName(o.agent);
  const std::uint64_t contact = o.contact.value;
  const auto offer = static_cast<std::int64_t>(o.offer);
  if (!callback_trunk_) {
    // Nothing can dial it: the agent is not rung, the callback keeps its place.
    Log("warn",
        "telephony: callback offer declined: no trunk dials callbacks (give a [[trunk]] "
        "outbound)",
        {{"agent", agent}, {"contact", std::to_string(contact)}});
    (void)hooks_.command(control::Decline{contact, agent, offer}, [](const control::Reply&) {});
    return;
  }
  const std::string number = ctx ? ctx->caller : std::string();
  const std::string dial = DialString(*callback_trunk_, number);
  if (dial.empty()) {
    // No number to call back (anonymous): taken and reported unreached at once, never retried
    // (it would not have a number later either), so it ends instead of being offered for ever.
    // A Dialout without legs keeps the cause for the call's record (erased at the end).
    Log("warn", "telephony: callback has no number that can be dialled; ended unreached",
        {{"contact", std::to_string(contact)}});
    dialouts_[contact] = Dialout{contact, "", agent, 0, 0, false, false, false};
    auto taken = [this, contact](const control::Reply& r) {
      Dialout* d = DialoutOf(contact);
      if (!d) return;
      if (r.status.ok()) return CallbackUnreached(*d, "no number to dial", "no_number", true);
      if (d->agent_leg == 0 && d->customer_leg == 0) dialouts_.erase(contact);
    };
    (void)hooks_.command(control::Accept{contact, agent, offer}, std::move(taken));
    return;
  }
  auto decline = [&](const char* why) {
    Log("warn", "telephony: callback offer declined", {{"agent", agent}, {"why", why}});
    (void)hooks_.command(control::Decline{contact, agent, offer}, [](const control::Reply&) {});
  };
  const std::string uri = PhoneOf(o.agent, agent);
  if (uri.rfind("sip:", 0) != 0) return decline("the agent has no phone");
  auto opened = media_->Open();
  if (!opened.ok()) return decline("no media port free");
  Leg& leg = AddAgentLeg(contact, agent, o.offer, opened->leg);
  leg.rtp_port = opened->port;
  const sip::LegId id = leg.sip;
  // A leg of an earlier offer still ending keeps its own id: CallbackLegGone skips it.
  dialouts_[contact] = Dialout{contact, dial, agent, id, 0, false, false, false};
  ++stats_.offers;
  sip::Call call;
  call.target = uri;
  call.from_user = Plain(number);  // dialable (DialString above), so a valid URI user
  call.from_display = "Callback";
  call.sdp = OfferSdp(leg, opened->port, SrtpToAgent(agent));
  if (call.sdp.empty() || !sip_->Invite(id, std::move(call))) {
    Terminated(id);
    decline("the SIP queue is full");
  }
}

void Telephony::DialCustomer(Dialout& d) {
  Leg* agent = Find(d.agent_leg);
  if (!agent) return CallbackUnreached(d, "the agent's leg is gone", "agent_left");
  auto opened = media_->Open(agent->media);  // the agent's media thread: a cheap bridge
  if (!opened.ok()) return CallbackUnreached(d, "no media port free", "local");
  const config::TrunkConfig& t = *callback_trunk_;
  const sip::LegId id = sip_->NewLeg();
  Leg& leg = legs_[id];
  leg.sip = id;
  leg.media = opened->leg;
  leg.contact = d.contact;
  leg.outbound = true;
  leg.rtp_port = opened->port;
  by_media_[leg.media] = id;
  d.customer_leg = id;
  d.dialling = true;
  sip::Call call;
  call.target = "sip:" + d.dial + "@" + t.outbound_host + t.outbound_params;
  call.from_user = t.from_number;
  call.sdp = OfferSdp(leg, opened->port, SrtpToTrunk(t));
  call.auth_user = t.username;
  call.auth_password = t.password;
  ++stats_.callbacks_dialled;
  Log("info", "telephony: dialling a callback",
      {{"contact", std::to_string(d.contact)}, {"agent", d.agent}, {"trunk", t.name}});
  if (call.sdp.empty() || !sip_->Invite(id, std::move(call))) {
    leg.gone = true;
    Terminated(id);
    return CallbackUnreached(d, "the SIP queue is full", "local");
  }
  media_->Play(agent->media, {ringback_}, true);
  const std::uint64_t contact = d.contact;
  Arm(leg, t.ring_timeout, [this, contact](Leg& l) {
    Dialout* dd = DialoutOf(contact);
    if (!dd || dd->customer_leg != l.sip || dd->connected) return;
    End(l);  // CANCEL
    CallbackUnreached(*dd, "no answer", "no_answer");
  });
}

void Telephony::CustomerAnswered(Leg& leg, const std::string& sdp) {
  Disarm(leg);
  Dialout* d = DialoutOf(leg.contact);
  Leg* agent = d ? Find(d->agent_leg) : nullptr;
  if (!d || d->customer_leg != leg.sip || d->reported || !agent || agent->gone) {
    End(leg);  // too late: ACKed by the stack, now BYE
    return;
  }
  auto remote = RemoteOfAnswer(leg, sdp);  // G.711, SRTP as we offered, our address family
  if (!remote.ok()) {
    End(leg);
    // The trunk answered with media we cannot take: it would answer so again.
    return CallbackUnreached(*d, "the customer's answer has no usable SDP", "no_usable_sdp", true,
                             200);
  }
  leg.srtp = remote->srtp.has_value();
  media_->SetRemote(leg.media, std::move(*remote));
  media_->Bridge(agent->media, leg.media);
  d->connected = true;
  d->status = 200;
  d->cause = "reached";
  ++stats_.callbacks_connected;
  ++stats_.connected;
  Log("info", "telephony: callback connected",
      {{"contact", std::to_string(d->contact)}, {"agent", d->agent}});
  (void)hooks_.command(control::CallbackResult{d->contact, true}, [](const control::Reply&) {});
}

void Telephony::CustomerFailed(Leg& leg, int status) {
  leg.gone = true;
  Disarm(leg);
  Dialout* d = DialoutOf(leg.contact);
  if (!d || d->customer_leg != leg.sip) return;
  const CallbackCause c = CauseOfStatus(status);
  CallbackUnreached(*d, std::string(c.cause) + " (" + std::to_string(status) + ")", c.cause,
                    c.permanent, status);
}

void Telephony::CustomerGone(Leg& leg) {
  leg.gone = true;
  Disarm(leg);
  Dialout* d = DialoutOf(leg.contact);
  if (!d || d->customer_leg != leg.sip || d->reported) return;
  if (!d->connected) {
    return CallbackUnreached(*d, "the customer's leg ended before an answer", "lost");
  }
  d->reported = true;
  (void)hooks_.command(control::Hangup{d->contact}, [](const control::Reply&) {});
}

void Telephony::AgentLeftCallback(Dialout& d) {
  if (d.reported) return;
  if (d.connected) {
    d.reported = true;
    (void)hooks_.command(control::Hangup{d.contact}, [](const control::Reply&) {});
  } else if (d.dialling) {
    if (Leg* c = Find(d.customer_leg); c && !c->gone) End(*c);
    CallbackUnreached(d, "the agent hung up before the customer answered", "agent_left");
  }
  // Still ringing the agent, or the Accept on its way: its reply (or the offer's end) decides.
}

void Telephony::CallbackUnreached(Dialout& d, const std::string& why, std::string_view cause,
                                  bool permanent, int status) {
  if (d.reported) return;
  d.reported = true;
  d.status = status;
  d.cause = cause;
  Log("info",
      permanent ? "telephony: callback not reached; the number cannot be reached, not retried"
                : "telephony: callback not reached",
      {{"contact", std::to_string(d.contact)},
       {"agent", d.agent},
       {"why", why},
       {"cause", std::string(cause)}});
  const std::uint64_t contact = d.contact;
  (void)hooks_.command(
      control::CallbackResult{contact, false, permanent}, [this, contact](const control::Reply& r) {
        if (r.status.ok()) return;  // the engine ends the contact: ContactEnded hangs the legs up
        Log("warn", "telephony: callback result refused", {{"why", r.status.message()}});
        Dialout* dd = DialoutOf(contact);
        if (!dd) return;
        for (sip::LegId id : {dd->agent_leg, dd->customer_leg}) {
          if (Leg* l = Find(id); l && !l->gone) End(*l);
        }
      });
}

void Telephony::RecordCallbackOutcome(std::uint64_t contact, std::uint32_t attempts,
                                      core::EndReason reason) {
  store::CallDetail outcome;  // no invite_ms: the callback's columns of the call's row only
  outcome.contact = contact;
  outcome.callback_attempts = attempts;
  if (Dialout* d = DialoutOf(contact)) {
    outcome.callback_status = d->status;
    outcome.callback_cause = d->cause;
    if (d->agent_leg == 0 && d->customer_leg == 0) dialouts_.erase(contact);
  }
  if (outcome.callback_cause.empty()) {
    // No dial of ours said (a callback connected while its caller was on the line, or one the
    // engine ended itself): the engine's reason.
    outcome.callback_cause = reason == core::EndReason::kCompleted
                                 ? std::string("reached")
                                 : std::string(core::EndReasonName(reason));
  }
  if (hooks_.record) hooks_.record(std::move(outcome));
}

void Telephony::CallbackLegGone(const Leg& leg) {
  Dialout* d = DialoutOf(leg.contact);
  if (!d) return;
  if (d->agent_leg == leg.sip) d->agent_leg = 0;
  if (d->customer_leg == leg.sip) d->customer_leg = 0;
  if (d->agent_leg == 0 && d->customer_leg == 0) dialouts_.erase(leg.contact);
}

}  // namespace sb::telephony
