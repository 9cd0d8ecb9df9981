#pragma once
// The event log on disk: one JSON object per line (JSON Lines), one line per core::Event, with
// its type name and every field. Written by `switchboard sim --events`, read by `explain` and
// `replay`. The format is the wire shape of docs/design/event-log.md. Thread safety: stateless.

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "core/events.h"

namespace sb::eventlog {

// One line, without the newline.
std::string Encode(const core::Event& e);
// The same, appended to `out` (lets a caller reuse one buffer for many events).
void EncodeTo(std::string& out, const core::Event& e);
// Parses one line. InvalidArgument naming the problem (bad JSON, unknown type, missing field).
Result<core::Event> Decode(std::string_view line);

// Reads a whole log. Errors name the line number; empty lines are skipped.
Result<std::vector<core::Event>> ReadAll(std::istream& in, std::string_view name);

}  // namespace sb::eventlog
