#include "sip/trunk_auth.h"

#include <algorithm>

namespace sb::sip {
namespace {

bool Covers(const TrunkAuth& t, const std::string& source) {
  return t.allow.empty() || std::find(t.allow.begin(), t.allow.end(), source) != t.allow.end();
}

}  // namespace

bool TrunkAuthenticator::Asks(const std::string& source) const {
  const auto& open = options_.open_sources;
  if (std::find(open.begin(), open.end(), source) != open.end()) return false;
  return std::any_of(options_.trunk_auth.begin(), options_.trunk_auth.end(),
                     [&](const TrunkAuth& t) { return Covers(t, source); });
}

TrunkCheck TrunkAuthenticator::Check(const std::string& source,
                                     const std::optional<DigestResponse>& digest, bool malformed,
                                     std::int64_t now_s) {
  TrunkCheck out;
  if (!Asks(source)) return out;
  if (limiter_.Blocked(source, now_s)) {
    out.verdict = TrunkVerdict::kBlocked;
    return out;
  }
  auto refuse = [&] {
    limiter_.Failed(source, now_s);
    out.verdict = TrunkVerdict::kRefused;
    return out;
  };
  if (malformed) return refuse();
  if (!digest) {
    out.verdict = TrunkVerdict::kChallenge;
    return out;
  }
  out.user = digest->username.substr(0, 64);
  const TrunkAuth* trunk = nullptr;
  for (const TrunkAuth& t : options_.trunk_auth) {
    if (t.user == digest->username && Covers(t, source)) {
      trunk = &t;
      break;
    }
  }
  if (!trunk || digest->realm != options_.realm) return refuse();
  if (!nonces_.Fresh(digest->nonce, now_s, kNonceLifetimeS)) {
    out.verdict = TrunkVerdict::kStale;
    return out;
  }
  if (!VerifyDigest(*digest, trunk->ha1, "INVITE")) return refuse();
  out.verdict = TrunkVerdict::kAuthenticated;
  out.trunk = trunk->name;
  return out;
}

std::string TrunkAuthenticator::Challenge(bool stale, std::int64_t now_s) const {
  return "Digest realm=\"" + options_.realm + "\", nonce=\"" + nonces_.Make(now_s) +
         "\", algorithm=MD5, qop=\"auth\"" + (stale ? ", stale=true" : "");
}

}  // namespace sb::sip
