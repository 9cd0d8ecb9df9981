#pragma once
// Progress bars on standard error for long work (a simulation, a records import), drawn only
// when standard error is a terminal: logs and pipes get the summary lines, not the redraws.

#include <functional>
#include <string>
#include <string_view>

#include "directory/import.h"

namespace sb::server {

// True when standard error is a terminal.
bool ProgressWanted();
// Redraws "LABEL [#####     ]  50%SUFFIX" in place; ends the line at fraction 1.
void ProgressBar(std::string_view label, double fraction, std::string_view suffix = {});
// A bar for work of unknown speed (a simulation): after a few seconds it adds the time left,
// extrapolated from the time so far ("  about 3m10s left"). Reads the monotonic clock.
std::function<void(double)> TimedProgressBar(std::string label);
// An import's bar: "FILE reading" over the bytes, then "FILE indexing" over the index steps
// (nothing when standard error is not a terminal).
directory::ProgressFn ImportProgress(const std::string& file);

}  // namespace sb::server
