// Digest authentication of INVITEs from trunks, on the SIP thread (trunk_auth.h decides; this
// reads the Authorization header and answers 401 or 403 for what may not go on).

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>

#include "sip/request_digest.h"
#include "sip/stack_impl.h"

namespace sb::sip {

bool Stack::Impl::AdmitTrunkInvite(nua_handle_t* nh, const sip_t* sip, const std::string& source,
                                   std::string* trunk) {
  trunk->clear();
  if (!trunk_auth.Asks(source)) return true;
  const std::int64_t now = SteadySeconds();
  bool malformed = false;
  const auto digest = DigestOfRequest(sip, &malformed);
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
