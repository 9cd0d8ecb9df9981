// RFC 4568 a=crypto values. The grammar (§9.2), as far as we take it:
//   crypto-attribute = tag 1*WSP crypto-suite 1*WSP key-params *(1*WSP session-param)
//   key-params = key-method ":" key-info, key-method "inline"
//   key-info = key-salt ["|" lifetime] ["|" mki ":" mki-length]
// A peer's text, so every step is bounded and checked; the error messages never quote the key.

#include "media/sdes.h"

#include <sys/random.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

namespace sb::media {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kKeySaltBase64 = 40;  // 30 bytes, no padding needed

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool DecodeKeySalt(std::string_view text, KeySalt* out) {
  if (text.size() != kKeySaltBase64) return false;
  std::size_t o = 0;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const int d = Base64Value(text[i + j]);
      if (d < 0) return false;
      v = (v << 6) | static_cast<std::uint32_t>(d);
    }
    out->bytes[o++] = static_cast<std::uint8_t>(v >> 16);
    out->bytes[o++] = static_cast<std::uint8_t>(v >> 8);
    out->bytes[o++] = static_cast<std::uint8_t>(v);
  }
  return o == kSrtpKeySaltBytes;
}

std::string EncodeKeySalt(const KeySalt& k) {
  std::string s;
  s.reserve(kKeySaltBase64);
  for (std::size_t i = 0; i < kSrtpKeySaltBytes; i += 3) {
    const std::uint32_t v =
        (std::uint32_t{k.bytes[i]} << 16) | (std::uint32_t{k.bytes[i + 1]} << 8) | k.bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) s += kBase64[(v >> shift) & 63];
  }
  return s;
}

std::optional<std::uint64_t> Decimal(std::string_view s, std::uint64_t max) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || s.size() > 20 || ec != std::errc() || end != s.data() + s.size() || v > max) {
    return std::nullopt;
  }
  return v;
}

// "2^N" (N <= 48, SRTP's limit) or a decimal number of packets up to 2^48.
bool IsLifetime(std::string_view s) {
  if (s.rfind("2^", 0) == 0) return Decimal(s.substr(2), 48).has_value();
  return Decimal(s, std::uint64_t{1} << 48).has_value();
}

Status Refused(const std::string& why) { return InvalidArgument("a=crypto: " + why); }

}  // namespace

KeySalt::~KeySalt() { explicit_bzero(bytes.data(), bytes.size()); }

const char* SuiteName(SrtpSuite suite) {
  return suite == SrtpSuite::kAesCm128HmacSha1_80 ? "AES_CM_128_HMAC_SHA1_80"
                                                  : "AES_CM_128_HMAC_SHA1_32";
}

Result<SdesCrypto> ParseCrypto(std::string_view value) {
  if (value.size() > kMaxCryptoValue) return Refused("longer than 256 characters");
  // Fields separated by spaces or tabs (1*WSP).
  std::string_view fields[4];
  std::size_t n = 0;
  for (std::size_t i = 0; i < value.size();) {
    if (value[i] == ' ' || value[i] == '\t') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < value.size() && value[end] != ' ' && value[end] != '\t') ++end;
    if (n == 4) return Refused("session parameters are not supported");
    fields[n++] = value.substr(i, end - i);
    i = end;
  }
  if (n < 3) return Refused("expected 'tag suite inline:key'");
  if (n > 3) return Refused("session parameters are not supported");
  SdesCrypto c;
  const auto tag = Decimal(fields[0], 999'999'999);
  if (!tag || fields[0].size() > 9) return Refused("the tag is not 1 to 9 digits");
  c.tag = static_cast<std::uint32_t>(*tag);
  if (fields[1] == "AES_CM_128_HMAC_SHA1_80") {
    c.suite = SrtpSuite::kAesCm128HmacSha1_80;
  } else if (fields[1] == "AES_CM_128_HMAC_SHA1_32") {
    c.suite = SrtpSuite::kAesCm128HmacSha1_32;
  } else {
    return Refused("unsupported crypto suite");
  }
  std::string_view key = fields[2];
  if (key.rfind("inline:", 0) != 0) return Refused("the key method is not inline");
  key.remove_prefix(7);
  if (key.find(';') != std::string_view::npos) return Refused("more than one key");
  const std::size_t bar = key.find('|');
  std::string_view rest = bar == std::string_view::npos ? "" : key.substr(bar + 1);
  key = key.substr(0, bar);
  if (!DecodeKeySalt(key, &c.key)) return Refused("the key is not 30 bytes of base64");
  int lifetimes = 0;
  for (bool more = bar != std::string_view::npos; more;) {
    const std::size_t next = rest.find('|');
    const std::string_view part = rest.substr(0, next);
    more = next != std::string_view::npos;
    rest = more ? rest.substr(next + 1) : "";
    if (part.find(':') != std::string_view::npos) return Refused("MKI is not supported");
    if (!IsLifetime(part) || ++lifetimes > 1) {
      return Refused("the key lifetime is not one 2^N or number");
    }
  }
  return c;
}

std::string FormatCrypto(const SdesCrypto& c) {
  return std::to_string(c.tag) + " " + SuiteName(c.suite) + " inline:" + EncodeKeySalt(c.key);
}

Result<SdesCrypto> NewCrypto(std::uint32_t tag, SrtpSuite suite) {
  SdesCrypto c;
  c.tag = tag;
  c.suite = suite;
  std::size_t got = 0;
  while (got < c.key.bytes.size()) {
    const ssize_t r = getrandom(c.key.bytes.data() + got, c.key.bytes.size() - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return Unavailable(std::string("srtp: getrandom: ") + std::strerror(errno));
    got += static_cast<std::size_t>(r);
  }
  return c;
}

}  // namespace sb::media
