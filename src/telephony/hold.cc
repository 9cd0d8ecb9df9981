// Re-offers in an established call (telephony.h): hold and resume by re-INVITE or UPDATE, a phone
// that moved or changed codec, and calls ended by their session timer.
//
// A re-offer is answered like the first offer (media/sdp.h): our address and port, the peer's
// preferred G.711 law, and a direction mirroring the offer's (sendonly -> recvonly, inactive ->
// inactive; an RFC 2543 hold, c=0.0.0.0, gets recvonly). The o= version goes up only when the
// answer differs from the last one we sent (RFC 3264 §8), so a session refresh with the same SDP
// gets the same answer. The new remote address, port and codec are applied to the leg at once.
//
// Hold: the party whose offer holds (sendonly, inactive, 0.0.0.0) is the holder. Its leg is taken
// out of the bridge and held in the media engine (sent nothing, its no-RTP timeout paused: a held
// phone may send nothing for minutes); the other party hears the hold music, the same decoded
// clip every queued caller hears. Resume (sendrecv again) releases the leg and bridges the two
// again. Nothing of this is routing state: the engine's contact stays connected to its agent.

#include <algorithm>

#include "media/sdp.h"
#include "telephony/telephony.h"

namespace sb::telephony {

void Telephony::OnReoffer(sip::LegId leg, const std::string& sdp) {
  hooks_.task([this, leg, sdp] { Reoffer(leg, sdp); });
}

void Telephony::OnSessionExpired(sip::LegId leg, int status) {
  hooks_.task([this, leg, status] { SessionExpired(leg, status); });
}

sip::LegId Telephony::PartnerOf(const Leg& leg) {
  // During a consultation the caller is on our hold music, bridged to nobody.
  if (leg.caller) return leg.connected && leg.consult_leg == 0 ? leg.agent_leg : 0;
  if (Dialout* d = DialoutOf(leg.contact); d && d->connected) {
    if (d->agent_leg == leg.sip) return d->customer_leg;
    if (d->customer_leg == leg.sip) return d->agent_leg;
  }
  const Leg* caller = CallerOf(leg.contact);
  if (caller && caller->connected && caller->consult_leg == 0 && caller->agent_leg == leg.sip) {
    return caller->sip;
  }
  return 0;
}

void Telephony::Reoffer(sip::LegId id, const std::string& sdp) {
  if (!sip_) return;
  Leg* leg = Find(id);
  if (!leg || leg->gone) {
    sip_->AnswerReoffer(id, 481);
    return;
  }
  auto offer = media::ParseSdp(sdp);
  // The session stays as it was (RFC 3261 §14.2: a refused re-offer changes nothing).
  const auto refuse = [&](const std::string& why) {
    Log("info", "telephony: re-offer refused (488); the call goes on as it was",
        {{"leg", std::to_string(id)}, {"why", why}});
    sip_->AnswerReoffer(id, 488);
  };
  if (!offer.ok()) return refuse(offer.status().message());
  auto plan = PlanReoffer(*leg, *offer);  // G.711; SRTP as the call had it; our address family
  if (!plan.ok()) return refuse(plan.status().message());
  const media::Codec codec = plan->codec;
  if (!media_->SetRemote(
          leg->media, media::Remote{offer->address, offer->port, codec, offer->telephone_event_pt,
                                    std::move(plan->keys)})) {
    return refuse("its address is not of our RTP family, or the media queue is full");
  }
  media::SdpLocal local;
  local.address = config_.rtp_address;
  local.port = leg->rtp_port;
  local.session_id = id;
  local.version = leg->sdp_version;
  const bool unspecified = offer->address == "0.0.0.0" || offer->address == "::";
  local.direction = unspecified ? media::Direction::kRecvOnly : media::Direction::kSendRecv;
  local.crypto = std::move(plan->local);
  std::string answer = media::WriteAnswer(local, codec, *offer);
  const std::string& last = leg->reanswer.empty() && leg->caller ? leg->answer : leg->reanswer;
  if (answer != last) {
    local.version = ++leg->sdp_version;
    answer = media::WriteAnswer(local, codec, *offer);
  }
  leg->reanswer = answer;
  ++stats_.reoffers;
  sip_->AnswerReoffer(id, 200, std::move(answer));
  if (offer->hold == leg->held) return;
  leg->held = offer->hold;
  if (leg->held) ++stats_.holds;
  // The call's record counts holds by its caller or its connected agent (a consultation, a
  // supervisor's or a callback's legs are not counted).
  Leg* caller = leg->caller ? leg : CallerOf(leg->contact);
  if (caller && caller->caller && caller->connected &&
      (caller == leg || caller->agent_leg == leg->sip)) {
    if (leg->held) ++caller->detail.hold_count;
    CountHold(*caller, NowMs());
  }
  Log("info", leg->held ? "telephony: call held" : "telephony: call resumed",
      {{"contact", std::to_string(leg->contact)},
       {"by", leg->caller     ? std::string("caller")
              : leg->outbound ? "customer"
                              : leg->agent},
       {"leg", std::to_string(id)}});
  ApplyHold(*leg);
}

void Telephony::ApplyHold(Leg& leg) {
  Leg* other = Find(PartnerOf(leg));
  if (!other || other->gone) {
    media_->SetHeld(leg.media, leg.held);  // not bridged: nothing is sent to a holder
    return;
  }
  media_->SetHeld(leg.media, leg.held);
  media_->SetHeld(other->media, other->held);
  if (!leg.held && !other->held) {
    media_->Bridge(leg.media, other->media);  // stops the music on both
    if (leg.caller) leg.playing = Playing::kNone;
    if (other->caller) other->playing = Playing::kNone;
    return;
  }
  media_->Unbridge(leg.media);
  // The party that did not hold hears the music; when both hold, nobody hears anything.
  for (Leg* l : {&leg, other}) {
    if (l->held) {
      media_->Play(l->media, {}, false);
      if (l->caller) l->playing = Playing::kNone;
    } else {
      media_->Play(l->media, {hold_music_}, true);
      if (l->caller) l->playing = Playing::kHold;
    }
  }
}

void Telephony::CountHold(Leg& caller, std::int64_t now_ms) {
  const Leg* agent = caller.connected ? Find(caller.agent_leg) : nullptr;
  const bool on_hold = caller.connected && (caller.held || (agent && !agent->gone && agent->held));
  if (on_hold && caller.hold_since_ms == 0) {
    caller.hold_since_ms = now_ms;
  } else if (!on_hold && caller.hold_since_ms != 0) {
    caller.detail.hold_ms += std::max<std::int64_t>(0, now_ms - caller.hold_since_ms);
    caller.hold_since_ms = 0;
  }
}

void Telephony::SessionExpired(sip::LegId id, int status) {
  Leg* leg = Find(id);
  if (!leg || leg->gone) return;
  ++stats_.sessions_expired;
  Log("warn", "telephony: session expired; ending the call",
      {{"contact", std::to_string(leg->contact)},
       {"leg", std::to_string(id)},
       {"cause", status == 408
                     ? "the peer did not refresh the session (RFC 4028)"
                     : "our session refresh was refused (" + std::to_string(status) + ")"}});
  // As if the peer had hung up: the engine is told (Hangup, or Abandon before an agent), and the
  // other leg is ended when the engine ends the contact.
  Hangup(id);
}

}  // namespace sb::telephony
