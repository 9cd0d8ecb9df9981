// REFER in an established leg's dialog (RFC 3515), on the SIP thread: REFER is an application
// method of nua here, so nothing is answered until the call flow has decided (Stack::
// AnswerRefer); the request is kept as a saved nua event meanwhile, at most one per leg. An
// accepted REFER gets 202 and at once the NOTIFY that ends its implicit subscription with
// "SIP/2.0 200 OK" (a blind transfer is done when we take it over); a refused one gets its
// final status and the call goes on.

#include <cstring>
#include <optional>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include "sip/stack_impl.h"

namespace sb::sip {

using internal::UserOf;

namespace {
constexpr std::size_t kMaxTarget = 64;
}  // namespace

void Stack::Impl::OnRefer(LegId id, nua_handle_t* nh, const sip_t* sip, tagi_t tags[]) {
  auto respond = [&](int status) {
    nua_respond(nh, status, sip_status_phrase(status), NUTAG_WITH_THIS(nua), TAG_END());
  };
  Leg* leg = id ? Find(id) : nullptr;
  if (!leg) {
    respond(id ? 481 : 403);  // out of dialog: we take no REFER that would start a call
    if (id == 0 && nh) nua_handle_destroy(nh);
    return;
  }
  if (leg->ending || leg->hung_up) return respond(481);
  if (!leg->answered) return respond(403);  // not before the call is up
  if (leg->refer_pending) return respond(491);
  const sip_refer_to_t* to = sip ? sip->sip_refer_to : nullptr;
  if (!to || to->r_url->url_type == url_invalid) return respond(400);
  // Replaces names a dialog to take over: an attended transfer (replaces.h). A malformed one
  // is refused here, before the call flow hears of it.
  std::optional<Replaces> replaces;
  if (to->r_url->url_headers) {
    auto value = ReplacesOfUriHeaders(to->r_url->url_headers);
    if (!value.ok()) return respond(400);
    if (value->has_value()) {
      auto parsed = ParseReplaces(**value);
      if (!parsed.ok()) return respond(400);
      replaces = std::move(parsed).value();
    }
  }
  const std::string target = UserOf(to->r_url);
  if (target.empty() || target.size() > kMaxTarget) return respond(404);
  for (unsigned char ch : target) {
    if (ch < 0x21 || ch == 0x7f) return respond(404);
  }
  sip_event_t const* event = nullptr;
  tl_gets(tags, NUTAG_REFER_EVENT_REF(event), TAG_END());
  su_home_t home[1] = {SU_HOME_INIT(home)};
  char* text =
      event ? sip_header_as_string(home, reinterpret_cast<sip_header_t const*>(event)) : nullptr;
  leg->refer_event = text ? text : "refer";
  su_home_deinit(home);
  if (nua_save_event(nua, leg->refer) == 0) return respond(500);
  leg->refer_pending = true;
  if (replaces) {
    self.listener_.OnReferReplaces(id, target, *replaces);
  } else {
    self.listener_.OnRefer(id, target);
  }
}

void Stack::Impl::RunRefer(Cmd& c) {
  Leg* leg = Find(c.leg);
  if (!leg || !leg->refer_pending) return;
  leg->refer_pending = false;
  if (c.status >= 200 && c.status < 300) {
    nua_respond(leg->nh, 202, sip_status_phrase(202), NUTAG_WITH_SAVED(leg->refer), TAG_END());
    nua_notify(leg->nh, NUTAG_SUBSTATE(nua_substate_terminated),
               SIPTAG_EVENT_STR(leg->refer_event.c_str()),
               SIPTAG_CONTENT_TYPE_STR("message/sipfrag;version=2.0"),
               SIPTAG_PAYLOAD_STR("SIP/2.0 200 OK\r\n"), TAG_END());
  } else {
    const int status = c.status >= 300 && c.status < 700 ? c.status : 500;
    nua_respond(leg->nh, status, sip_status_phrase(status), NUTAG_WITH_SAVED(leg->refer),
                TAG_END());
  }
  nua_destroy_event(leg->refer);
}

}  // namespace sb::sip
