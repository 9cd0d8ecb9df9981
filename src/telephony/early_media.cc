// Early media (RFC 3960, the gateway model): a trunk that answers our INVITE with a 183 and SDP
// sends the far end's own tones before the call is answered: its ringing, or the announcement
// that the number is unreachable. The party waiting for the dialled leg (the agent of a
// callback, a caller transferred out) hears that instead of our ringback, so an agent knows why
// a callback failed. The 200's SDP, when it comes, is applied again (it may differ: RFC 3264
// lets an unreliable 18x's answer be replaced); a failure after early media ends the call as
// any failure does.

#include "telephony/telephony.h"

namespace sb::telephony {

void Telephony::EarlyMedia(sip::LegId id, int status, const std::string& sdp) {
  Leg* leg = Find(id);
  if (!leg || leg->gone || !(leg->outbound || leg->forward)) return;
  Leg* waiting = nullptr;
  if (leg->outbound) {
    Dialout* d = DialoutOf(leg->contact);
    if (!d || d->customer_leg != id || d->reported || d->connected) return;
    waiting = Find(d->agent_leg);
  } else {
    waiting = Find(leg->peer);
  }
  if (!waiting || waiting->gone) return;
  auto remote = RemoteOfAnswer(*leg, sdp);  // G.711, SRTP as we offered, our address family
  if (!remote.ok()) {
    // Our ringback goes on; the 200's SDP is checked again when it comes.
    Log("info", "telephony: early media ignored (its SDP is not usable)",
        {{"contact", std::to_string(leg->contact)}, {"why", remote.status().message()}});
    return;
  }
  leg->srtp = remote->srtp.has_value();
  media_->SetRemote(leg->media, std::move(*remote));
  media_->Bridge(waiting->media, leg->media);  // stops the ringback
  if (leg->early) return;                      // a second 18x with SDP: applied, said once
  leg->early = true;
  ++stats_.early_media;
  Log("info", "telephony: early media from the far end",
      {{"contact", std::to_string(leg->contact)},
       {"status", std::to_string(status)},
       {"to", leg->outbound ? "agent" : "caller"}});
}

}  // namespace sb::telephony
