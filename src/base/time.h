#pragma once
// Time types. Pure modules (core, wfm, sim) never read a clock: time arrives in their inputs as
// a Time (milliseconds since the Unix epoch, UTC). Only the server reads the wall clock.

#include <chrono>
#include <cstdint>
#include <string>

namespace sb {

using Duration = std::chrono::milliseconds;
using Time = std::chrono::sys_time<std::chrono::milliseconds>;

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;
using std::chrono_literals::operator""min;
using std::chrono_literals::operator""h;

inline constexpr Time kTimeZero{};
inline constexpr Time kNever = Time::max();

constexpr double Seconds(Duration d) { return static_cast<double>(d.count()) / 1000.0; }
constexpr Duration FromSeconds(double s) {
  return Duration(static_cast<std::int64_t>(s * 1000.0 + (s >= 0 ? 0.5 : -0.5)));
}
constexpr std::int64_t ToMillis(Time t) { return t.time_since_epoch().count(); }
constexpr Time FromMillis(std::int64_t ms) { return Time(Duration(ms)); }

// "2026-11-23T08:15:00.000Z"
std::string FormatTime(Time t);

}  // namespace sb
