#pragma once
// Digest authentication of calls from trunks (RFC 3261 §22, MD5, qop=auth), the server side:
// an INVITE from a source that a trunk requiring authentication covers (its allow-list, or any
// source when it has none), and that no open trunk allows by address, must carry an
// Authorization for that trunk's user, checked against its HA1 (MD5(user:realm:password), as
// the phones' are). Without one it is challenged (401 with a stateless nonce); a stale nonce is
// challenged again (stale=true); a wrong user, realm or response is refused (403) and counted
// in the per-source limit the registrar uses, so a source that keeps failing gets 403 without a
// challenge for a minute. Sources no trunk covers are not asked: telephony refuses them (403).
//
// TrunkAuthenticator decides from parsed values only (no sofia-sip type), so it is unit-tested
// directly; stack_events.cc parses the INVITE and answers. Thread safety: the SIP thread only
// (the limiter is not thread-safe).

#include <cstdint>
#include <optional>
#include <string>

#include "sip/digest.h"
#include "sip/stack.h"

namespace sb::sip {

enum class TrunkVerdict : std::uint8_t {
  kNotAsked,       // no trunk requiring authentication covers the source (or an open one does)
  kChallenge,      // no credentials: 401 with a fresh nonce
  kStale,          // credentials for an expired nonce: 401, stale=true
  kRefused,        // wrong user, realm or response: 403 (counted)
  kBlocked,        // the source failed too often: 403 without a challenge
  kAuthenticated,  // `trunk` authenticated the call
};

struct TrunkCheck {
  TrunkVerdict verdict = TrunkVerdict::kNotAsked;
  std::string trunk;  // kAuthenticated: the trunk's name
  std::string user;   // the user the credentials named (for the log), when any
};

class TrunkAuthenticator {
 public:
  // `options` (its trunk_auth, open_sources and realm), `nonces` and `limiter` outlive it.
  TrunkAuthenticator(const Options& options, const NonceSource& nonces, FailureLimiter& limiter)
      : options_(options), nonces_(nonces), limiter_(limiter) {}

  // Whether the source must authenticate at all (some trunk asks for it, no open trunk allows
  // it by address).
  bool Asks(const std::string& source) const;
  // The verdict on an INVITE from `source`: `digest` is its Authorization's Digest parameters
  // (nullopt: none), `malformed` when it had one that did not parse. Counts failures.
  TrunkCheck Check(const std::string& source, const std::optional<DigestResponse>& digest,
                   bool malformed, std::int64_t now_s);
  // The WWW-Authenticate value of a challenge.
  std::string Challenge(bool stale, std::int64_t now_s) const;

  static constexpr std::int64_t kNonceLifetimeS = 300;

 private:
  const Options& options_;
  const NonceSource& nonces_;
  FailureLimiter& limiter_;
};

}  // namespace sb::sip
