// Sessions after the answer (stack.h): new offers in a dialog (re-INVITE, UPDATE: RFC 3311) and
// the end of a session by its timer (RFC 4028). On the SIP thread.
//
// nua runs without its media engine, so it cannot answer an offer itself: a re-INVITE or UPDATE
// with SDP is saved (nua_save_event) and handed to the listener, whose answer comes back through
// the command queue and goes out with NUTAG_WITH_SAVED. Without SDP (a session refresh) the
// request is answered at once. nua keeps the session timer: when the peer is the refresher and
// lets the session run out, nua sends the BYE (Reason: SIP;cause=408) on its own, which we see as
// a response to a BYE we never asked for; when we are the refresher nua sends the UPDATEs, and a
// 408 or 481 to one ends the session (RFC 4028 §10).

#include <strings.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include "sip/stack_impl.h"

namespace sb::sip {

using internal::Leg;
using internal::SdpOf;

std::string internal::SdpOf(const sip_t* sip) {
  if (!sip || !sip->sip_payload || !sip->sip_payload->pl_data || sip->sip_payload->pl_len == 0) {
    return {};
  }
  const sip_content_type_t* ct = sip->sip_content_type;
  if (ct && ct->c_type && strcasecmp(ct->c_type, "application/sdp") != 0) return {};
  return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

std::string Stack::Impl::SupportedFeatures(const Options& o) {
  return o.session_expires > 0 ? "timer, 100rel" : "100rel";
}

void Stack::Impl::OnReofferRequest(Leg& leg, nua_handle_t* nh, const sip_t* sip, bool update) {
  if (leg.ending || leg.hung_up) {
    nua_respond(nh, 481, sip_status_phrase(481), NUTAG_WITH_THIS(nua), TAG_END());
    return;
  }
  std::string sdp = SdpOf(sip);
  if (sdp.empty()) {  // a refresh: the session stays as it is
    if (update) {
      nua_respond(nh, 200, sip_status_phrase(200), NUTAG_WITH_THIS(nua), TAG_END());
    } else {
      nua_respond(nh, 200, sip_status_phrase(200), NUTAG_WITH_THIS(nua),
                  SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                  SIPTAG_PAYLOAD_STR(leg.local_sdp.c_str()), TAG_END());
    }
    return;
  }
  if (leg.reoffer_pending) {  // RFC 3311 §5.2: an offer while ours is being answered
    nua_respond(nh, 500, "Overlapping Offer", NUTAG_WITH_THIS(nua), SIPTAG_RETRY_AFTER_STR("2"),
                TAG_END());
    return;
  }
  if (nua_save_event(nua, leg.reoffer) == 0) {
    nua_respond(nh, 500, sip_status_phrase(500), NUTAG_WITH_THIS(nua), TAG_END());
    return;
  }
  leg.reoffer_pending = true;
  leg.reoffer_update = update;
  self.listener_.OnReoffer(leg.id, sdp);
}

void Stack::Impl::AnswerReoffer(const Cmd& c) {
  Leg* leg = Find(c.leg);
  if (!leg || !leg->reoffer_pending) return;
  leg->reoffer_pending = false;
  const int status = c.status >= 200 && c.status <= 699 ? c.status : 500;
  if (status < 300 && !c.sdp.empty()) {
    leg->local_sdp = c.sdp;
    nua_respond(leg->nh, status, sip_status_phrase(status), NUTAG_WITH_SAVED(leg->reoffer),
                SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(c.sdp.c_str()),
                TAG_END());
  } else {
    nua_respond(leg->nh, status, sip_status_phrase(status), NUTAG_WITH_SAVED(leg->reoffer),
                TAG_END());
  }
  nua_destroy_event(leg->reoffer);
  leg->reoffer[0] = nullptr;
}

void Stack::Impl::DropReoffer(Leg& leg) {
  if (!leg.reoffer_pending) return;
  leg.reoffer_pending = false;
  nua_destroy_event(leg.reoffer);
  leg.reoffer[0] = nullptr;
}

void Stack::Impl::SessionExpired(Leg& leg, int status, bool bye_sent) {
  if (leg.ending || leg.hung_up || shutting_down) return;
  leg.ending = true;
  if (!bye_sent) nua_bye(leg.nh, TAG_END());
  self.listener_.OnSessionExpired(leg.id, status);
}

bool Stack::AnswerReoffer(LegId leg, int status, std::string sdp) {
  internal::Cmd c{internal::Op::kAnswerReoffer, leg, status, std::move(sdp), {}, {}};
  return impl_->Push(std::move(c));
}

}  // namespace sb::sip
