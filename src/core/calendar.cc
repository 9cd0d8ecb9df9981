#include "core/calendar.h"

#include <algorithm>

namespace sb::core {

std::chrono::seconds TimeZone::OffsetAt(Time t) const {
  const std::int64_t s = ToMillis(t) / 1000;
  // The last transition at or before s.
  auto it =
      std::upper_bound(transitions.begin(), transitions.end(), s,
                       [](std::int64_t v, const Transition& tr) { return v < tr.utc_seconds; });
  if (it == transitions.begin()) return std::chrono::seconds(initial_offset_seconds);
  return std::chrono::seconds(std::prev(it)->offset_seconds);
}

bool Calendar::IsOpen(Time t) const {
  if (always_open) return true;
  const Time local = zone.ToLocal(t);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  if (std::binary_search(holidays.begin(), holidays.end(), day)) return false;
  const unsigned iso = std::chrono::weekday(day).iso_encoding();  // 1 = Monday
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
  for (const OpenRange& r : weekly[iso - 1]) {
    if (minute >= r.open_minute && minute < r.close_minute) return true;
  }
  return false;
}

double Calendar::WeeklyOpenHours() const {
  if (always_open) return 168.0;
  double minutes = 0;
  for (const auto& day : weekly) {
    for (const OpenRange& r : day) minutes += r.close_minute - r.open_minute;
  }
  return minutes / 60.0;
}

}  // namespace sb::core
