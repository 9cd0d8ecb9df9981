#pragma once
// The registrar (RFC 3261 §10) behind sip::Stack: REGISTER with digest authentication against
// the configured HA1s (digest.h), bindings with expiry, failed attempts limited per source.
// Phones that come and go are reported to the Listener. Internal to the sip module.
//
// Thread safety: the SIP thread only, except the counters (atomics, any thread).

#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "sip/digest.h"
#include "sip/stack.h"

struct nua_s;         // sofia-sip's nua_t
struct nua_handle_s;  // nua_handle_t
struct sip_s;         // sip_t

namespace sb::sip {

class Registrar {
 public:
  Registrar(const Options& options, Listener& listener);

  // Answers the REGISTER being handled (nua_i_register) and frees its handle; `source` is the
  // sender's numeric address.
  void Handle(nua_s* nua, nua_handle_s* nh, const sip_s* sip, const std::string& source);
  // Drops the bindings past their expiry (called every second).
  void Expire();

  std::uint64_t bindings() const { return n_bindings_.load(std::memory_order_relaxed); }
  std::uint64_t auth_failures() const { return n_auth_failed_.load(std::memory_order_relaxed); }
  // Shared with the trunks' authentication (trunk_auth.h): one nonce secret, one failure limit
  // per source, one failure count.
  const NonceSource& nonces() const { return nonces_; }
  FailureLimiter& limiter() { return limiter_; }
  void CountAuthFailure() { n_auth_failed_.fetch_add(1, std::memory_order_relaxed); }

 private:
  struct Binding {
    std::string contact;
    std::int64_t expires_at = 0;  // steady seconds
  };

  const Options& options_;
  Listener& listener_;
  std::unordered_map<std::string, Binding> bindings_;  // bounded by the configured users
  NonceSource nonces_;
  FailureLimiter limiter_;  // max_auth_failures per source per minute
  std::atomic<std::uint64_t> n_bindings_{0}, n_auth_failed_{0};
};

}  // namespace sb::sip
