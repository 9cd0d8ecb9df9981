#pragma once
// The forecast file of `switchboard staff`: one row per interval of a week, parsed from text
// (the caller reads the file; wfm does no I/O). Format, comma-separated:
//
//   # comment lines and blank lines are ignored
//   interval_start,calls,aht_seconds        <- optional header
//   Mon 08:00,112,300                        <- weekday (Mon..Sun) and time, or
//   2026-11-23T08:00,112,300                 <- ISO-8601 date and time (UTC), weekday from the date
//
// Intervals without a row have no calls. Pure and re-entrant.

#include <string_view>
#include <vector>

#include "base/result.h"
#include "wfm/staffing.h"

namespace sb::wfm {

struct WeekDemand {
  int periods_per_day = 48;
  std::vector<IntervalDemand> periods;  // 7 * periods_per_day, from Monday 00:00
  int rows = 0;                         // data rows read
};

// InvalidArgument naming the line and what was expected for: a wrong column count, an
// unreadable time or number, a time off the interval grid, negative calls, calls without a
// positive AHT, or an interval given twice. interval_minutes must divide 1440.
Result<WeekDemand> ParseDemandCsv(std::string_view text, int interval_minutes = 30);

}  // namespace sb::wfm
