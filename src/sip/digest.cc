#include "sip/digest.h"

#include <sofia-sip/su_md5.h>

#include <cstdio>

namespace sb::sip {

std::string Md5Hex(std::string_view data) {
  su_md5_t ctx;
  su_md5_init(&ctx);
  su_md5_update(&ctx, data.data(), data.size());
  char hex[33];
  su_md5_hexdigest(&ctx, hex);
  return std::string(hex, 32);
}

std::string DigestHa1(std::string_view user, std::string_view realm, std::string_view password) {
  std::string a1;
  a1.reserve(user.size() + realm.size() + password.size() + 2);
  a1.append(user).append(":").append(realm).append(":").append(password);
  return Md5Hex(a1);
}

namespace {
bool EqualNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
// Compares in time independent of where the first difference is.
bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'F') x = static_cast<char>(x - 'A' + 'a');
    diff |= static_cast<unsigned>(x ^ b[i]);
  }
  return diff == 0;
}
}  // namespace

bool VerifyDigest(const DigestResponse& r, std::string_view ha1, std::string_view method) {
  if (!r.algorithm.empty() && !EqualNoCase(r.algorithm, "MD5")) return false;
  if (r.response.size() != 32 || ha1.size() != 32) return false;
  const std::string ha2 = Md5Hex(std::string(method) + ":" + r.uri);
  std::string expected;
  if (r.qop.empty()) {
    expected = Md5Hex(std::string(ha1) + ":" + r.nonce + ":" + ha2);
  } else if (EqualNoCase(r.qop, "auth")) {
    if (r.nc.empty() || r.cnonce.empty()) return false;
    expected = Md5Hex(std::string(ha1) + ":" + r.nonce + ":" + r.nc + ":" + r.cnonce + ":" + r.qop +
                      ":" + ha2);
  } else {
    return false;  // auth-int is not offered
  }
  return SameSecret(r.response, expected);
}

std::string NonceSource::Make(std::int64_t now_s) const {
  char ts[24];
  std::snprintf(ts, sizeof ts, "%llx", static_cast<unsigned long long>(now_s));
  return std::string(ts) + "." + Md5Hex(secret_ + ":" + ts);
}

bool NonceSource::Fresh(std::string_view nonce, std::int64_t now_s, std::int64_t max_age_s) const {
  const auto dot = nonce.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 16) return false;
  const std::string ts(nonce.substr(0, dot));
  if (!SameSecret(nonce.substr(dot + 1), Md5Hex(secret_ + ":" + ts))) return false;
  unsigned long long t = 0;
  for (char c : ts) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return false;
    t = t * 16 + static_cast<unsigned>(v);
  }
  const auto made = static_cast<std::int64_t>(t);
  return made <= now_s && now_s - made <= max_age_s;
}

bool FailureLimiter::Blocked(const std::string& source, std::int64_t now_s) {
  auto it = sources_.find(source);
  if (it == sources_.end()) return false;
  if (now_s - it->second.since > window_s_) {
    sources_.erase(it);
    return false;
  }
  return it->second.failures >= max_failures_;
}

void FailureLimiter::Failed(const std::string& source, std::int64_t now_s) {
  if (sources_.size() >= max_sources_ && !sources_.contains(source)) sources_.clear();
  Entry& e = sources_[source];
  if (e.failures == 0 || now_s - e.since > window_s_) e = Entry{now_s, 0};
  ++e.failures;
}

}  // namespace sb::sip
