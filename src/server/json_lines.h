#pragma once
// The JSON-lines protocol of `serve --control stdin`: one request object per line in, one reply
// object per line out, plus unsolicited lines (events caused by timers, case confirmations,
// durability watermarks). The translation only: no I/O, no state.
//
//   request  {"op":"enqueue","queue":"support","caller":"+33612345678"}
//   reply    {"ok":true,"op":"enqueue","contact":7,"ticket":41,"priority":0,
//             "events":[{"type":"ContactQueued",...},{"type":"ContactOffered","agent":3,
//             "agent_name":"sup-004","offer":1,"expires":...},...]}
//   timer    {"event":{"type":"ContactOffered",...}}
//   case     {"ok":true,"op":"case.opened","contact":7,"case":12,"confirmation":"K7Q-4821-X"}
//            (when the store has it; the reply to "case.open" itself only says it was taken)
//   durable  {"durable":41}
//
// Parsing never throws and refuses what it does not understand: unknown ops and fields, strings
// that are not UTF-8, numbers that are not integers or are out of range (1e300, 2.5, 256 for a
// reason code), each with the field's name; the error reply quotes the offending line (bytes
// that are not printable UTF-8 as \xNN).

#include <string>
#include <string_view>

#include "base/result.h"
#include "cases/case.h"
#include "control/command.h"
#include "core/settings.h"

namespace sb::server {

// Longest request line accepted, in bytes.
inline constexpr std::size_t kMaxRequestBytes = 256 * 1024;

Result<control::Command> ParseRequest(std::string_view line);

// The reply to `command`, as one line (no newline).
std::string EncodeReply(const control::Command& command, const control::Reply& reply,
                        const core::EngineSettings& settings);
// A refused line (it did not parse).
std::string EncodeParseError(const Status& error, std::string_view line);
// An event caused by a timer.
std::string EncodeTimerEvent(const core::Event& e, const core::EngineSettings& settings);
std::string EncodeCaseOpened(std::uint64_t contact, const Result<cases::Case>& result);
std::string EncodeDurable(std::uint64_t ticket);

}  // namespace sb::server
