// ForecastDay: bucket the history by (weeks back, interval of day), then fit one least-squares
// line per interval across the weeks that have data. With one week the line is flat (its mean).

#include "wfm/forecast.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace sb::wfm {
namespace {

constexpr Duration kDay = std::chrono::hours(24);
constexpr Duration kWeek = 7 * kDay;

struct Bucket {
  double calls = 0;
  double aht_weighted = 0;  // sum of aht * calls over points with a known AHT
  double aht_calls = 0;     // their calls
};

// Least-squares value at x = 0 of y over x = -weeks_back.
double TrendAtZero(const std::vector<std::pair<double, double>>& xy) {
  double sx = 0, sy = 0;
  for (const auto& [x, y] : xy) {
    sx += x;
    sy += y;
  }
  const double n = static_cast<double>(xy.size());
  const double mx = sx / n, my = sy / n;
  double sxx = 0, sxy = 0;
  for (const auto& [x, y] : xy) {
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (y - my);
  }
  const double slope = sxx > 0 ? sxy / sxx : 0;
  return std::max(0.0, my - slope * mx);
}

}  // namespace

Result<Forecast> ForecastDay(const History& history, Time day_start, const ForecastOptions& o) {
  if (o.interval <= Duration::zero() || kDay % o.interval != Duration::zero()) {
    return InvalidArgument("interval must be positive and divide 24 h (e.g. 15 or 30 minutes)");
  }
  if (o.max_weeks < 0) return InvalidArgument("max_weeks must be >= 0");
  const std::size_t slots = static_cast<std::size_t>(kDay / o.interval);
  std::map<int, std::vector<Bucket>> weeks;  // weeks back -> buckets of that day
  for (std::size_t i = 0; i < history.size(); ++i) {
    const HistoryPoint& p = history[i];
    if (!std::isfinite(p.offered) || p.offered < 0 || !std::isfinite(p.aht_seconds) ||
        p.aht_seconds < 0) {
      return InvalidArgument("history point " + std::to_string(i) +
                             ": offered and aht_seconds must be finite numbers >= 0");
    }
    if (p.start >= day_start) continue;
    const Duration back = day_start - p.start;
    const int w = static_cast<int>((back + kWeek - Duration(1)) / kWeek);
    const Duration into_day = p.start - (day_start - w * kWeek);
    if (into_day >= kDay || (o.max_weeks > 0 && w > o.max_weeks)) continue;
    auto& buckets = weeks[w];
    buckets.resize(slots);
    Bucket& b = buckets[static_cast<std::size_t>(into_day / o.interval)];
    b.calls += p.offered;
    if (p.aht_seconds > 0) {
      b.aht_weighted += p.aht_seconds * p.offered;
      b.aht_calls += p.offered;
    }
  }
  if (weeks.empty()) {
    return NotFound("no history on the target weekday before " + FormatTime(day_start) +
                    ": give at least one past week");
  }
  Forecast f;
  f.weeks_used = static_cast<int>(weeks.size());
  for (std::size_t s = 0; s < slots; ++s) {
    std::vector<std::pair<double, double>> xy;
    double aht_weighted = 0, aht_calls = 0;
    for (const auto& [w, buckets] : weeks) {
      xy.emplace_back(-w, buckets[s].calls);
      aht_weighted += buckets[s].aht_weighted;
      aht_calls += buckets[s].aht_calls;
    }
    ForecastInterval fi;
    fi.start = day_start + static_cast<int>(s) * o.interval;
    fi.calls = TrendAtZero(xy);
    fi.aht_seconds = aht_calls > 0 ? aht_weighted / aht_calls : 0;
    f.intervals.push_back(fi);
  }
  return f;
}

}  // namespace sb::wfm
