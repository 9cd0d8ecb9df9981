// Digest authentication of INVITEs from trunks, on the SIP thread (trunk_auth.h decides; this
// reads the Authorization header and answers 401 or 403 for what may not go on).

#include <strings.h>

#include <chrono>

#include <sofia-sip/auth_digest.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>

#include "sip/stack_impl.h"

namespace sb::sip {
namespace {

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The Digest parameters of the first Digest Authorization; nullopt when there is none.
std::optional<DigestResponse> DigestOf(const sip_t* sip, bool* malformed) {
  const msg_auth_t* au = sip ? sip->sip_authorization : nullptr;
  for (; au; au = au->au_next) {
    if (au->au_scheme && strcasecmp(au->au_scheme, "Digest") == 0) break;
  }
  if (!au) return std::nullopt;
  auth_response_t ar[1] = {};
  ar->ar_size = sizeof ar[0];
  su_home_t home[1] = {SU_HOME_INIT(home)};
  if (auth_digest_response_get(home, ar, au->au_params) < 0) {
    su_home_deinit(home);
    *malformed = true;
    return std::nullopt;
  }
  auto str = [](const char* p) { return p ? std::string(p) : std::string(); };
  DigestResponse r;
  r.username = str(ar->ar_username);
  r.realm = str(ar->ar_realm);
  r.nonce = str(ar->ar_nonce);
  r.uri = str(ar->ar_uri);
  r.response = str(ar->ar_response);
  r.qop = str(ar->ar_qop);
  r.nc = str(ar->ar_nc);
  r.cnonce = str(ar->ar_cnonce);
  r.algorithm = str(ar->ar_algorithm);
  su_home_deinit(home);
  return r;
}

}  // namespace

bool Stack::Impl::AdmitTrunkInvite(nua_handle_t* nh, const sip_t* sip, const std::string& source,
                                   std::string* trunk) {
  trunk->clear();
  if (!trunk_auth.Asks(source)) return true;
  const std::int64_t now = NowSeconds();
  bool malformed = false;
  const auto digest = DigestOf(sip, &malformed);
  const TrunkCheck check = trunk_auth.Check(source, digest, malformed, now);
  auto respond = [&](int status, const std::string& challenge) {
    if (challenge.empty()) {
      nua_respond(nh, status, sip_status_phrase(status), TAG_END());
    } else {
      nua_respond(nh, status, sip_status_phrase(status),
                  SIPTAG_WWW_AUTHENTICATE_STR(challenge.c_str()), TAG_END());
    }
    nua_handle_destroy(nh);
  };
  switch (check.verdict) {
    case TrunkVerdict::kNotAsked:
      return true;
    case TrunkVerdict::kAuthenticated:
      *trunk = check.trunk;
      return true;
    case TrunkVerdict::kChallenge:
    case TrunkVerdict::kStale:
      respond(401, trunk_auth.Challenge(check.verdict == TrunkVerdict::kStale, now));
      return false;
    case TrunkVerdict::kRefused:
      registrar.CountAuthFailure();
      self.listener_.OnTrunkAuthFailed(source, check.user);
      respond(403, {});
      return false;
    case TrunkVerdict::kBlocked:  // past its limit: not logged again (a flood logs nothing)
      respond(403, {});
      return false;
  }
  return false;
}

}  // namespace sb::sip
