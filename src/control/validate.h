#pragma once
// The front door: every field of a Command is checked here before the engine acts on it, so the
// engine never applies what the store would refuse (a 70,000-character caller number used to be
// routed, then poison the store writer). Errors are kInvalidArgument or kOutOfRange and name the
// field, e.g. "caller: 70000 bytes long; at most 64". Stateless; any thread.

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "control/command.h"

namespace sb::control {

// Bounds of the text fields, in bytes.
inline constexpr std::size_t kMaxNameBytes = 128;    // agent, queue, user, trunk
inline constexpr std::size_t kMaxCallerBytes = 64;   // a phone number, however formatted
inline constexpr std::size_t kMaxIdBytes = 128;      // ivr_id, pin
inline constexpr std::size_t kMaxHandleBytes = 256;  // a front end's reference, a device
inline constexpr std::size_t kMaxNotesBytes = 16 * 1024;
inline constexpr std::int64_t kMaxPriority = 1'000'000;
inline constexpr std::int64_t kMaxReason = 254;  // 255 is the engine's "pending logout"
inline constexpr std::int64_t kMaxWrapUpExtensionSeconds = 86'400;
inline constexpr std::int64_t kMaxOffer = 0xffffffffLL;

// Valid UTF-8, no NUL or other C0 control byte (tab excepted where `multiline`), at most
// `max_bytes`; `required` refuses the empty string.
Status CheckField(std::string_view field, std::string_view value, std::size_t max_bytes,
                  bool required, bool multiline = false);
// A phone number as a caller id may carry it: digits, '+', spaces and "-.()/", or empty
// (withheld).
Status CheckCaller(std::string_view field, std::string_view value);
// A number to dial: what CheckCaller accepts, not empty and with at least one digit.
Status CheckNumber(std::string_view field, std::string_view value);
Status CheckRange(std::string_view field, std::int64_t value, std::int64_t lo, std::int64_t hi);

// Checks every field of the command.
Status Validate(const Command& c);

}  // namespace sb::control
