// What nua reports, on the SIP thread: incoming calls, responses to our requests, in-dialog
// requests (re-INVITE, INFO, BYE, CANCEL), registrations and the end of each leg.

#include "sip/stack_impl.h"

#include <netdb.h>
#include <strings.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include "sip/info_dtmf.h"

namespace sb::sip {

using internal::Cmd;
using internal::Leg;
using internal::SdpOf;
using internal::UserOf;

// Answers a 401/407 to an outbound INVITE with the leg's credentials, once: nua resends the
// INVITE with an Authorization (or Proxy-Authorization) for the challenge's realm. False when
// the leg has none, has tried already, or the challenge is not Digest.
bool Stack::Impl::Authenticate(Leg& leg, nua_handle_t* nh, const sip_t* sip, int status) {
  if (leg.auth_user.empty() || leg.auth_tried || !sip) return false;
  const msg_auth_t* au = status == 401 ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
  for (; au; au = au->au_next) {
    if (au->au_scheme && strcasecmp(au->au_scheme, "Digest") == 0) break;
  }
  if (!au) return false;
  const char* realm = msg_params_find(au->au_params, "realm=");
  if (!realm || std::strlen(realm) > 256) return false;
  std::string quoted = realm;
  if (quoted.empty() || quoted.front() != '"') {
    if (quoted.find('"') != std::string::npos) return false;
    quoted = "\"" + quoted + "\"";
  }
  leg.auth_tried = true;
  // sofia-sip's credential format: scheme:"realm":user:password.
  std::string cred = "Digest:" + quoted + ":" + leg.auth_user + ":" + leg.auth_password;
  nua_authenticate(nh, NUTAG_AUTH(cred.c_str()), TAG_END());
  std::fill(cred.begin(), cred.end(), '\0');
  return true;
}

void Stack::Impl::Terminate(LegId id, int status) {
  auto it = legs.find(id);
  if (it == legs.end()) return;
  nua_handle_t* nh = it->second.nh;
  DropReoffer(it->second);
  if (it->second.refer_pending) nua_destroy_event(it->second.refer);
  legs.erase(it);
  n_legs.store(legs.size(), std::memory_order_relaxed);
  nua_handle_bind(nh, nullptr);
  nua_handle_destroy(nh);
  self.listener_.OnTerminated(id, status);
}

// The sender of the request being handled: numeric address and port.
std::pair<std::string, std::uint16_t> Stack::Impl::Source() {
  if (msg_t* msg = nua_current_request(nua)) {
    if (su_addrinfo_t* ai = msg_addrinfo(msg); ai && ai->ai_addr) {
      char host[NI_MAXHOST] = {0}, serv[NI_MAXSERV] = {0};
      if (getnameinfo(reinterpret_cast<const sockaddr*>(ai->ai_addr),
                      static_cast<socklen_t>(ai->ai_addrlen), host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        return {host, static_cast<std::uint16_t>(std::atoi(serv))};
      }
    }
  }
  return {"", 0};
}

void Stack::Impl::OnExpiryTimer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
  reinterpret_cast<Impl*>(arg)->registrar.Expire();
}

void Stack::Impl::OnIncomingInvite(nua_handle_t* nh, const sip_t* sip) {
  if (shutting_down || legs.size() >= self.options_.max_legs) {
    n_busy.fetch_add(1, std::memory_order_relaxed);
    nua_respond(nh, 503, sip_status_phrase(503), SIPTAG_RETRY_AFTER_STR("5"), TAG_END());
    nua_handle_destroy(nh);
    return;
  }
  std::string trunk;
  if (!AdmitTrunkInvite(nh, sip, Source().first, &trunk)) return;  // answered 401 or 403
  Incoming in;
  in.trunk = std::move(trunk);
  in.leg = self.NewLeg();
  if (sip) {
    if (sip->sip_from) in.caller = UserOf(sip->sip_from->a_url);
    if (sip->sip_request) in.dialled = UserOf(sip->sip_request->rq_url);
    if (sip->sip_call_id && sip->sip_call_id->i_id) in.call_id = sip->sip_call_id->i_id;
    if (sip->sip_from && sip->sip_from->a_tag) in.from_tag = sip->sip_from->a_tag;
    if (sip->sip_payload && sip->sip_payload->pl_data) {
      in.sdp.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
    }
    in.reliable = sip_has_feature(sip->sip_require, "100rel") ||
                  sip_has_feature(sip->sip_supported, "100rel");
  }
  if (msg_t* msg = nua_current_request(nua)) {
    if (su_addrinfo_t* ai = msg_addrinfo(msg); ai && ai->ai_addr) {
      char host[NI_MAXHOST] = {0}, serv[NI_MAXSERV] = {0};
      if (getnameinfo(reinterpret_cast<const sockaddr*>(ai->ai_addr),
                      static_cast<socklen_t>(ai->ai_addrlen), host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        in.source = host;
        in.source_port = static_cast<std::uint16_t>(std::atoi(serv));
      }
    }
  }
  Leg& leg = legs[in.leg];
  leg.id = in.leg;
  leg.nh = nh;
  leg.inbound = true;
  leg.reliable = in.reliable;
  nua_handle_bind(nh, reinterpret_cast<nua_hmagic_t*>(static_cast<std::uintptr_t>(in.leg)));
  n_legs.store(legs.size(), std::memory_order_relaxed);
  n_in.fetch_add(1, std::memory_order_relaxed);
  self.listener_.OnIncoming(in);
}

void Stack::Impl::OnNua(nua_event_t event, int status, char const* /*phrase*/, nua_t* /*nua*/,
                        nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* hmagic,
                        sip_t const* sip, tagi_t tags[]) {
  auto* impl = static_cast<Impl*>(magic);
  const LegId id = static_cast<LegId>(reinterpret_cast<std::uintptr_t>(hmagic));
  Listener& l = impl->self.listener_;
  switch (event) {
    case nua_i_invite:
      if (id == 0) {
        impl->OnIncomingInvite(nh, sip);
      } else if (Leg* leg = impl->Find(id)) {
        // A re-INVITE (a session refresh, hold, resume, a move): stack_session.cc.
        impl->OnReofferRequest(*leg, nh, sip, false);
      } else {
        nua_respond(nh, 481, sip_status_phrase(481), TAG_END());
      }
      return;
    case nua_i_update:
      if (Leg* leg = impl->Find(id); leg && status < 200) {
        impl->OnReofferRequest(*leg, nh, sip, true);
      }
      return;
    case nua_r_update:
      // Our session refresh (nua sends it): a 408 or 481 ends the session (RFC 4028 §10).
      if (Leg* leg = impl->Find(id); leg && (status == 408 || status == 481)) {
        impl->SessionExpired(*leg, status, false);
      }
      return;
    case nua_r_bye:
      // A BYE we did not ask for is nua's own: the peer let the session expire.
      if (Leg* leg = impl->Find(id); leg && !leg->ending && !leg->hung_up) {
        impl->SessionExpired(*leg, 408, true);
      }
      return;
    case nua_i_ack:
      if (id) l.OnAck(id);
      return;
    case nua_i_register:
      impl->registrar.Handle(impl->nua, nh, sip, impl->Source().first);
      return;
    case nua_i_cancel:
    case nua_i_bye:
      if (Leg* leg = impl->Find(id); leg && !leg->hung_up) {
        leg->hung_up = true;
        if (!leg->ending) l.OnHangup(id, event == nua_i_cancel);
      }
      return;
    case nua_r_invite: {
      Leg* leg = impl->Find(id);
      if (!leg) return;
      if (leg->answered && status >= 200) {
        // The answer to a re-INVITE nua sent to refresh the session (a peer without UPDATE).
        if (status == 408 || status == 481) impl->SessionExpired(*leg, status, false);
        return;
      }
      if (status < 200) {
        if (!leg->ending && status > 100) l.OnProgress(id, status, SdpOf(sip));
      } else if (status < 300) {
        leg->answered = true;
        if (leg->ending) {
          // Our CANCEL crossed the 2xx: nua has ACKed it; end the call at once.
          nua_bye(nh, TAG_END());
        } else {
          const char* call_id = sip && sip->sip_call_id ? sip->sip_call_id->i_id : nullptr;
          const char* tag = sip && sip->sip_to ? sip->sip_to->a_tag : nullptr;
          if (call_id && tag && std::strlen(call_id) <= kMaxCallIdBytes &&
              std::strlen(tag) <= kMaxTagBytes) {
            l.OnDialog(id, call_id, tag);
          }
          l.OnAnswered(id, SdpOf(sip));
        }
      } else if ((status == 401 || status == 407) && !leg->ending &&
                 impl->Authenticate(*leg, nh, sip, status)) {
        // nua sends the INVITE again, with our credentials.
      } else {
        if (!leg->ending) l.OnFailed(id, status);
        // A challenge we do not answer leaves nua waiting for credentials: end the leg here.
        if (status == 401 || status == 407) impl->Terminate(id, status);
      }
      return;
    }
    case nua_i_state: {
      int state = nua_callstate_init;
      tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
      if (state == nua_callstate_terminated && id) impl->Terminate(id, status);
      return;
    }
    case nua_i_terminated:
      if (id) impl->Terminate(id, status);
      return;
    case nua_r_shutdown:
      if (status >= 200) {
        impl->shutdown_done = true;
        su_root_break(impl->root);
      }
      return;
    case nua_r_options:
      if (id && status >= 200) impl->FinishProbe(id, status);
      return;
    case nua_i_info:
      if (id == 0) {
        if (nh) nua_handle_destroy(nh);  // out of dialog: nua answered it (481)
      } else if (Leg* leg = impl->Find(id); leg && !leg->ending && !leg->hung_up && sip) {
        std::string_view type, body;
        if (sip->sip_content_type && sip->sip_content_type->c_type) {
          type = sip->sip_content_type->c_type;
        }
        if (sip->sip_payload && sip->sip_payload->pl_data) {
          body = std::string_view(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
        }
        if (auto digit = DtmfFromInfo(type, body)) l.OnDtmf(id, *digit);
      }
      return;
    case nua_i_refer:
      impl->OnRefer(id, nh, sip, tags);
      return;
    case nua_i_options:
    case nua_r_cancel:
    case nua_i_active:
    default:
      // Out-of-dialog requests we did not ask for (MESSAGE, SUBSCRIBE...) have already been
      // answered by nua; a handle nua created for one is ours to free.
      if (id == 0 && nh && event != nua_r_shutdown && event != nua_i_error &&
          event != nua_r_set_params) {
        if (event == nua_i_options || event == nua_i_message || event == nua_i_subscribe ||
            event == nua_i_notify || event == nua_i_method || event == nua_i_publish ||
            event == nua_i_refer || event == nua_i_info) {
          nua_handle_destroy(nh);
        }
      }
      return;
  }
}
}  // namespace sb::sip
