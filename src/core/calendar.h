#pragma once
// Opening hours: a weekly timetable in a local time zone, with holidays. Pure: the time-zone
// rules arrive as data (UTC offset transitions, read from the tz database by `config`), so a
// calendar answers "open at t?" without I/O. Thread safety: immutable after construction.

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/time.h"

namespace sb::core {

// UTC offsets of one zone: offset_seconds applies from utc_seconds until the next transition.
struct TimeZone {
  struct Transition {
    std::int64_t utc_seconds = 0;
    std::int32_t offset_seconds = 0;
  };
  std::string name = "UTC";
  std::int32_t initial_offset_seconds = 0;  // before the first transition
  std::vector<Transition> transitions;      // sorted by utc_seconds

  // Offset from UTC at instant t.
  std::chrono::seconds OffsetAt(Time t) const;
  // Local wall-clock time at instant t, as a sys_time (its "UTC" is the local reading).
  Time ToLocal(Time t) const { return t + OffsetAt(t); }
};

// Minutes since local midnight, [open, close). close may be 1440.
struct OpenRange {
  int open_minute = 0;
  int close_minute = 1440;
};

struct Calendar {
  std::string name = "always";
  bool always_open = true;
  TimeZone zone;
  // Index 0 = Monday ... 6 = Sunday (ISO weekday - 1).
  std::array<std::vector<OpenRange>, 7> weekly;
  std::vector<std::chrono::sys_days> holidays;  // local dates, closed all day

  bool IsOpen(Time t) const;
  // Hours open in the week starting at a Monday (ignoring holidays); for reports and planning.
  double WeeklyOpenHours() const;
};

}  // namespace sb::core
