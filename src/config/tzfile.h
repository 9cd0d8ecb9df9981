#pragma once
// Reads a time zone from the system's tz database (TZif files, version 2 or later, under
// /usr/share/zoneinfo from Debian's tzdata) into core::TimeZone: the UTC offset transitions the
// pure calendar needs. Debian ships "fat" files with explicit transitions up to 2037; after the
// last one, the POSIX rule in the file's footer (e.g. "CET-1CEST,M3.5.0,M10.5.0/3") is expanded
// into explicit transitions up to the year 2100.
// Thread safety: stateless; reads one file per call.

#include <string>
#include <string_view>

#include "base/result.h"
#include "core/calendar.h"

namespace sb::config {

inline constexpr std::string_view kZoneinfoRoot = "/usr/share/zoneinfo";

// `name` like "Europe/Paris". NotFound for an unknown zone (with a hint), InvalidArgument for
// a malformed name or file.
Result<core::TimeZone> LoadZone(std::string_view name, std::string_view root = kZoneinfoRoot);

// Parses TZif bytes (exposed for tests and fuzzing).
Result<core::TimeZone> ParseTzif(std::string_view bytes, std::string_view name);

}  // namespace sb::config
