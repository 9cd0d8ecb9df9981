#pragma once
// A day's forecast from history: for each interval of the target day, the same weekday and
// time of day in past weeks, with a least-squares linear trend across those weeks (clamped at
// zero). Weeks are exactly 7 x 24 h apart in the Time axis (UTC), so a day_start given as local
// midnight in UTC keeps its weekday; a DST change shifts the history by an hour.
// Pure and re-entrant.

#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace sb::wfm {

struct HistoryPoint {
  Time start;              // a point counts in the interval that contains its start
  double offered = 0;      // calls offered, >= 0
  double aht_seconds = 0;  // 0: unknown
};
using History = std::vector<HistoryPoint>;

struct ForecastOptions {
  Duration interval = std::chrono::minutes(30);  // must divide 24 h
  int max_weeks = 0;                             // use at most this many past weeks; 0: all
};

struct ForecastInterval {
  Time start;
  double calls = 0;
  // Call-weighted mean AHT of that interval in the weeks used (no trend); 0 when unknown.
  double aht_seconds = 0;
};

struct Forecast {
  std::vector<ForecastInterval> intervals;  // 24 h / interval of them, from day_start
  int weeks_used = 0;
};

// A past week counts when it has at least one point on the target weekday; within a counted
// week an interval without a point had zero calls. Points at or after day_start, or on other
// weekdays, are ignored. InvalidArgument for a bad interval or a negative/non-finite count
// (naming the point's index); NotFound when no past week has the target weekday.
Result<Forecast> ForecastDay(const History& history, Time day_start,
                             const ForecastOptions& options = {});

}  // namespace sb::wfm
