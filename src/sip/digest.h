#pragma once
// SIP digest authentication (RFC 2617 / RFC 3261 §22, MD5, qop=auth) for the registrar: HA1 as
// stored in the configuration (never the password), stateless nonces that expire, and a bound on
// failed attempts per source address so a scanner gets nothing but 403 and costs nothing.
// Thread safety: NonceSource is immutable after construction; FailureLimiter is not
// thread-safe (the SIP thread owns it).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sb::sip {

std::string Md5Hex(std::string_view data);
// MD5(user ":" realm ":" password), lower-case hex: what [[phone]] ha1 holds.
std::string DigestHa1(std::string_view user, std::string_view realm, std::string_view password);

struct DigestResponse {
  std::string username, realm, nonce, uri, response, qop, nc, cnonce, algorithm;
};
// True when `r.response` is the digest of `method` and `r.uri` under `ha1` (algorithm MD5 or
// absent; qop auth or absent).
bool VerifyDigest(const DigestResponse& r, std::string_view ha1, std::string_view method);

// Nonces "<seconds hex>.<MD5(secret:seconds)>": checked without keeping any state.
class NonceSource {
 public:
  explicit NonceSource(std::string secret) : secret_(std::move(secret)) {}
  std::string Make(std::int64_t now_s) const;
  bool Fresh(std::string_view nonce, std::int64_t now_s, std::int64_t max_age_s) const;

 private:
  std::string secret_;
};

// Failed authentications per source address: after `max_failures` within `window_s`, the
// source is refused (403, no challenge) until the window passes. At most `max_sources` are
// tracked; past that the table is cleared (a flood from many addresses is the firewall's job).
class FailureLimiter {
 public:
  FailureLimiter(int max_failures = 10, std::int64_t window_s = 60,
                 std::size_t max_sources = 10'000)
      : max_failures_(max_failures), window_s_(window_s), max_sources_(max_sources) {}
  bool Blocked(const std::string& source, std::int64_t now_s);
  void Failed(const std::string& source, std::int64_t now_s);
  std::size_t tracked() const { return sources_.size(); }

 private:
  struct Entry {
    std::int64_t since = 0;
    int failures = 0;
  };
  int max_failures_;
  std::int64_t window_s_;
  std::size_t max_sources_;
  std::unordered_map<std::string, Entry> sources_;
};

}  // namespace sb::sip
