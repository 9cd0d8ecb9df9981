#pragma once
// The Replaces header (RFC 3891) as a phone sends it inside a REFER's Refer-To URI
// (<sip:target@host?Replaces=call-id%3Bto-tag%3Dx%3Bfrom-tag%3Dy>) to complete an attended
// transfer: the dialog it names is the one the transfer's target talks in. Pure: no I/O, no
// sofia type; safe on any thread. Everything here comes from a peer: errors, never a crash.

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sb::sip {

inline constexpr std::size_t kMaxReplaces = 512;  // the whole value, bytes
inline constexpr std::size_t kMaxCallIdBytes = 256;
inline constexpr std::size_t kMaxTagBytes = 128;

struct Replaces {
  std::string call_id;
  std::string to_tag;
  std::string from_tag;
  bool early_only = false;
};

// Parses a Replaces value: `callid *(";" param)` with exactly one to-tag and one from-tag
// (RFC 3891 §6.1), an optional early-only and other generic parameters ignored. Whitespace
// around ";" and "=" is allowed. InvalidArgument naming the problem for anything else (a
// call-id or tag with characters outside RFC 3261's word/token, missing or repeated tags, past
// kMaxReplaces).
Result<Replaces> ParseReplaces(std::string_view value);

// The Replaces value among the headers of a SIP URI (the part after '?': `hname=hvalue`
// joined by '&', %-escaped), unescaped; nullopt when none is named "Replaces" (any case).
// InvalidArgument for a bad %-escape or a value past kMaxReplaces.
Result<std::optional<std::string>> ReplacesOfUriHeaders(std::string_view headers);

}  // namespace sb::sip
