#pragma once
// SDES (RFC 4568): the a=crypto attribute that carries an SRTP master key and salt in SDP, and
// making our own keys. Only what a phone or a trunk uses in practice: the suites
// AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32 (RFC 4568 §6.2), one inline key per
// attribute, no MKI, no session parameters. Anything else is refused with an error naming the
// reason, so the SDP parser can skip that attribute and the offer/answer can fall back to another
// one (or to 488). The key is secret: no message names it, and KeySalt wipes itself.
//
// Pure functions and values; thread-safe. NewCrypto reads the kernel's CSPRNG (getrandom).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sb::media {

enum class SrtpSuite : std::uint8_t {
  kAesCm128HmacSha1_80,  // 80-bit authentication tag
  kAesCm128HmacSha1_32,  // 32-bit authentication tag (RTP; SRTCP keeps 80)
};
const char* SuiteName(SrtpSuite suite);

// A master key (16 bytes) followed by its master salt (14 bytes): the 30 bytes an inline key
// carries for both suites. Wiped when destroyed.
inline constexpr std::size_t kSrtpKeySaltBytes = 30;
struct KeySalt {
  std::array<std::uint8_t, kSrtpKeySaltBytes> bytes{};
  KeySalt() = default;
  KeySalt(const KeySalt&) = default;
  KeySalt& operator=(const KeySalt&) = default;
  ~KeySalt();
  bool operator==(const KeySalt& o) const { return bytes == o.bytes; }
};

struct SdesCrypto {
  std::uint32_t tag = 1;  // 1 to 999999999 (RFC 4568: at most 9 digits)
  SrtpSuite suite = SrtpSuite::kAesCm128HmacSha1_80;
  KeySalt key;
};

// An a=crypto value as written after "a=crypto:", e.g.
// "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4".
// Errors (the attribute is unusable, never a crash): a malformed tag, an unknown suite, a key
// that is not 40 base64 characters decoding to 30 bytes, an MKI, a lifetime that is not 2^N or
// a number, more than one key, or any session parameter. Values over kMaxCryptoValue are refused.
inline constexpr std::size_t kMaxCryptoValue = 256;
Result<SdesCrypto> ParseCrypto(std::string_view value);

// The value of an a=crypto attribute (without "a=crypto:") for `c`: tag, suite, inline key.
std::string FormatCrypto(const SdesCrypto& c);

// A fresh key and salt from getrandom(2) under `tag` and `suite`; an error only if the kernel
// refuses (it blocks only before its pool is first initialised, at boot).
Result<SdesCrypto> NewCrypto(std::uint32_t tag, SrtpSuite suite);

}  // namespace sb::media
