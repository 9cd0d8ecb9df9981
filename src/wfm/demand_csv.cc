// ParseDemandCsv: a line-at-a-time reader with std::from_chars (no exceptions, no locale).

#include "wfm/demand_csv.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <string>

namespace sb::wfm {
namespace {

constexpr std::string_view kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool Int(std::string_view s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool Number(std::string_view s, double* out) {
  s = Trim(s);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size() && std::isfinite(*out);
}

// "HH:MM" or "HH:MM:SS" (seconds must be 0) -> minutes of the day, or -1.
int MinuteOfDay(std::string_view s) {
  int h = 0, m = 0, sec = 0;
  if (s.size() != 5 && !(s.size() == 8 && s[5] == ':' && Int(s.substr(6, 2), &sec) && sec == 0)) {
    return -1;
  }
  if (s[2] != ':' || !Int(s.substr(0, 2), &h) || !Int(s.substr(3, 2), &m)) return -1;
  return h >= 0 && h < 24 && m >= 0 && m < 60 ? h * 60 + m : -1;
}

// Minutes since Monday 00:00, or -1.
int MinuteOfWeek(std::string_view s) {
  for (int d = 0; d < 7; ++d) {
    if (s.size() > 4 && s.substr(0, 3) == kDays[d] && s[3] == ' ') {
      const int m = MinuteOfDay(Trim(s.substr(4)));
      return m < 0 ? -1 : d * 1440 + m;
    }
  }
  if (s.size() >= 16 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ')) {
    int y = 0, mo = 0, d = 0;
    if (!Int(s.substr(0, 4), &y) || !Int(s.substr(5, 2), &mo) || !Int(s.substr(8, 2), &d))
      return -1;
    const std::chrono::year_month_day ymd{std::chrono::year(y),
                                          std::chrono::month(static_cast<unsigned>(mo)),
                                          std::chrono::day(static_cast<unsigned>(d))};
    std::string_view time = s.substr(11);
    if (!time.empty() && time.back() == 'Z') time.remove_suffix(1);
    const int m = MinuteOfDay(time);
    if (!ymd.ok() || m < 0) return -1;
    const unsigned weekday = std::chrono::weekday(std::chrono::sys_days(ymd)).iso_encoding() - 1;
    return static_cast<int>(weekday) * 1440 + m;
  }
  return -1;
}

std::string At(int line) { return "line " + std::to_string(line) + ": "; }

}  // namespace

Result<WeekDemand> ParseDemandCsv(std::string_view text, int interval_minutes) {
  if (interval_minutes < 1 || 1440 % interval_minutes != 0) {
    return InvalidArgument("the interval must divide 24 h (e.g. 15, 30 or 60 minutes)");
  }
  WeekDemand w;
  w.periods_per_day = 1440 / interval_minutes;
  w.periods.resize(static_cast<std::size_t>(7 * w.periods_per_day));
  std::vector<int> seen_on(w.periods.size(), 0);
  int line = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view raw = Trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line;
    if (raw.empty() || raw.front() == '#' || raw.starts_with("interval_start")) continue;
    std::string_view cols[3];
    std::size_t n = 0;
    for (std::string_view rest = raw;; ++n) {
      const std::size_t comma = rest.find(',');
      if (n < 3) cols[n] = Trim(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (n + 1 != 3) {
      return InvalidArgument(At(line) +
                             "expected 3 columns interval_start,calls,aht_seconds; got " +
                             std::to_string(n + 1));
    }
    const int minute = MinuteOfWeek(cols[0]);
    if (minute < 0) {
      return InvalidArgument(At(line) + "interval_start \"" + std::string(cols[0]) +
                             "\" is not like \"Mon 08:00\" or \"2026-11-23T08:00\"");
    }
    if (minute % interval_minutes != 0) {
      return InvalidArgument(At(line) + std::string(cols[0]) + " is not on a " +
                             std::to_string(interval_minutes) + "-minute boundary");
    }
    IntervalDemand d;
    if (!Number(cols[1], &d.calls) || d.calls < 0) {
      return InvalidArgument(At(line) + "calls must be a number >= 0, got \"" +
                             std::string(cols[1]) + "\"");
    }
    if (!Number(cols[2], &d.aht) || d.aht < 0 || (d.calls > 0 && d.aht == 0)) {
      return InvalidArgument(At(line) + "aht_seconds must be a number > 0, got \"" +
                             std::string(cols[2]) + "\"");
    }
    const std::size_t slot = static_cast<std::size_t>(minute / interval_minutes);
    if (seen_on[slot] != 0) {
      return InvalidArgument(At(line) + "interval " + std::string(cols[0]) +
                             " was already given on line " + std::to_string(seen_on[slot]));
    }
    seen_on[slot] = line;
    w.periods[slot] = d;
    ++w.rows;
  }
  if (w.rows == 0)
    return InvalidArgument("no data rows: expected lines like \"Mon 08:00,112,300\"");
  return w;
}

}  // namespace sb::wfm
