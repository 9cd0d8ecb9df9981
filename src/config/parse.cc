#include <charconv>
#include <cmath>

#include "config/config.h"
#include "config/tzfile.h"

namespace sb::config {

Result<Duration> ParseDuration(std::string_view text) {
  if (text.empty()) return InvalidArgument("expected a duration like \"20s\", \"5m\" or \"1h30m\"");
  std::int64_t total_ms = 0;
  std::size_t i = 0;
  int last_rank = 6;  // units must come largest first, each once: "1h30m", not "30m1h" or "2d2d"
  auto rank_of = [](double ms_per) {
    return ms_per == 1 ? 1 : ms_per == 1000 ? 2 : ms_per == 60000 ? 3 : ms_per == 3600000 ? 4 : 5;
  };
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && ((text[j] >= '0' && text[j] <= '9') || text[j] == '.')) ++j;
    if (j == i)
      return InvalidArgument("expected a duration like \"20s\", \"5m\" or \"1h30m\", got \"" +
                             std::string(text) + "\"");
    double value = 0;
    auto [p, ec] = std::from_chars(text.data() + i, text.data() + j, value);
    if (ec != std::errc() || p != text.data() + j)
      return InvalidArgument("bad number in duration \"" + std::string(text) + "\"");
    std::size_t k = j;
    while (k < text.size() && text[k] >= 'a' && text[k] <= 'z') ++k;
    const std::string_view unit = text.substr(j, k - j);
    double ms_per = 0;
    if (unit == "ms")
      ms_per = 1;
    else if (unit == "s" || unit.empty())
      ms_per = 1000;
    else if (unit == "m" || unit == "min")
      ms_per = 60000;
    else if (unit == "h")
      ms_per = 3600000;
    else if (unit == "d")
      ms_per = 86400000;
    else
      return InvalidArgument("unknown unit \"" + std::string(unit) +
                             "\" in duration; use ms, s, m, h or d");
    if (rank_of(ms_per) >= last_rank) {
      return InvalidArgument("units must each appear once, largest first (like \"1h30m\"), got \"" +
                             std::string(text) + "\"");
    }
    last_rank = rank_of(ms_per);
    if (value * ms_per > 1e15) return InvalidArgument("duration too long");
    total_ms += static_cast<std::int64_t>(std::llround(value * ms_per));
    i = k;
  }
  return Duration(total_ms);
}

Result<int> ParseClock(std::string_view t) {
  int h = 0, m = 0;
  if (t.size() != 5 || t[2] != ':' ||
      std::from_chars(t.data(), t.data() + 2, h).ec != std::errc() ||
      std::from_chars(t.data() + 3, t.data() + 5, m).ec != std::errc() || h > 24 || m > 59 ||
      (h == 24 && m != 0)) {
    return InvalidArgument("expected a time of day \"HH:MM\", got \"" + std::string(t) + "\"");
  }
  return h * 60 + m;
}

Result<core::TimeZone> ParseZone(std::string_view text) {
  core::TimeZone z;
  z.name = std::string(text);
  if (text == "UTC" || text == "Z") return z;
  std::string_view t = text.substr(0, 3) == "UTC" ? text.substr(3) : text;
  if (t.size() == 6 && (t[0] == '+' || t[0] == '-')) {
    auto mins = ParseClock(t.substr(1));
    if (mins.ok()) {
      z.initial_offset_seconds = (t[0] == '-' ? -1 : 1) * *mins * 60;
      return z;
    }
  }
  if (t.size() > 0 && (t[0] == '+' || t[0] == '-')) {
    return InvalidArgument("expected a fixed offset like \"+01:00\", got \"" + std::string(text) +
                           "\"");
  }
  return LoadZone(text);
}

}  // namespace sb::config
