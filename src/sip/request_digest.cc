#include "sip/request_digest.h"

#include <strings.h>

#include <chrono>
#include <string>

#include <sofia-sip/auth_digest.h>
#include <sofia-sip/sip.h>

namespace sb::sip {

std::optional<DigestResponse> DigestOfRequest(const sip_t* sip, bool* malformed) {
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

std::int64_t SteadySeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace sb::sip
