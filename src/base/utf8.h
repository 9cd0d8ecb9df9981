#pragma once
// UTF-8 checks and quoting of untrusted text for messages. An error message that quotes a user's
// bytes must itself be valid UTF-8 and harmless on a terminal: a multi-byte character is quoted
// whole, any other byte is escaped. Pure; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace sb {

// Length of the well-formed UTF-8 sequence that starts at s[i] (1 for ASCII), or 0 if the bytes
// there are not one: a stray continuation byte, a truncated, overlong or surrogate sequence, a
// code point past U+10FFFF. Precondition: i < s.size().
std::size_t Utf8SequenceAt(std::string_view s, std::size_t i);

// `s` for a message: well-formed characters as they are; every other byte, and the control
// characters U+0000..U+001F and U+007F, as \xHH. At most `max_bytes` of `s` are shown, then
// "..." (a character is never cut in two).
std::string Printable(std::string_view s, std::size_t max_bytes = 256);

}  // namespace sb
