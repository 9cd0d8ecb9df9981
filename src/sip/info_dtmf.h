#pragma once
// DTMF carried by SIP INFO (the legacy, pre-RFC 6086 "info package"-less use): the digit of an
// INFO body of type application/dtmf-relay ("Signal=5\r\nDuration=160") or application/dtmf
// ("5"). Pure: no I/O, no sofia type; safe on any thread.

#include <optional>
#include <string_view>

namespace sb::sip {

// The key (0-9, *, #) an INFO body carries, or nullopt: another content type, no Signal, a
// signal that is no key of a phone's pad (A-D, events like flash), or a body too long to be one
// (past 1 KB). Content types compare without case and without parameters.
std::optional<char> DtmfFromInfo(std::string_view content_type, std::string_view body);

}  // namespace sb::sip
