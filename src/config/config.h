#pragma once
// Configuration: TOML files -> validated settings for the engine and the simulator. Every error
// names the file, line and field and says what is expected, e.g.
//   demo.toml:42: queue 'support': service_level.target: expected a number in (0, 1], got 80
// Unknown keys are errors (a typo must not be silently ignored). The format is documented in
// docs/design/config.md. Thread safety: stateless functions.

#include <string>
#include <string_view>

#include "base/result.h"
#include "core/settings.h"
#include "sim/settings.h"

namespace sb::config {

Result<core::EngineSettings> LoadEngineSettings(const std::string& path);
Result<sim::SimSettings> LoadSimSettings(const std::string& path);

// The same from text; `name` stands for the file in messages.
Result<core::EngineSettings> EngineSettingsFromString(std::string_view toml, std::string_view name);
Result<sim::SimSettings> SimSettingsFromString(std::string_view toml, std::string_view name);

// "20s", "5m", "1h30m", "250ms", or a plain number of seconds.
Result<Duration> ParseDuration(std::string_view text);
// "08:00" -> 480 (minutes after midnight); "24:00" allowed as an end.
Result<int> ParseClock(std::string_view text);
// A zone: "UTC", a fixed offset "+01:00" / "UTC-05:30", or a tz database name "Europe/Paris".
Result<core::TimeZone> ParseZone(std::string_view text);

}  // namespace sb::config
