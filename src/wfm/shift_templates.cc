// WeeklyTemplates: enumerate days off x start x break placement per kind. The week is cyclic,
// so a Sunday evening shift runs into Monday morning of the same (repeating) week.

#include "wfm/shift_templates.h"

#include <cmath>
#include <cstdio>

namespace sb::wfm {
namespace {

constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// Hours as a whole number of periods, or -1.
int Periods(double hours, int per_day) {
  const double p = hours * per_day / 24.0;
  const double r = std::round(p);
  return std::isfinite(p) && std::fabs(p - r) < 1e-9 && r >= 0 ? static_cast<int>(r) : -1;
}

std::string Name(const ShiftKind& k, int first_day, int start, int per_day, int break_at) {
  const int minutes = start * 1440 / per_day;
  char buf[96];
  const int last_day = (first_day + k.days_per_week - 1) % 7;
  std::snprintf(buf, sizeof buf, "%s %s-%s %02d:%02d", k.name.c_str(), kDays[first_day],
                kDays[last_day], minutes / 60, minutes % 60);
  std::string name = buf;
  if (k.break_after_hours.size() > 1) {
    const int bm = break_at * 1440 / per_day;
    std::snprintf(buf, sizeof buf, " break+%d:%02d", bm / 60, bm % 60);
    name += buf;
  }
  return name;
}

Status CheckKind(const ShiftKind& k, int per_day) {
  const int paid = Periods(k.paid_hours, per_day), brk = Periods(k.break_hours, per_day);
  if (k.days_per_week < 1 || k.days_per_week > 7) {
    return InvalidArgument("shift kind " + k.name + ": days_per_week must be 1..7");
  }
  if (paid <= 0 || brk < 0 || paid + brk >= per_day) {
    return InvalidArgument("shift kind " + k.name +
                           ": paid and break hours must be whole periods, shorter than a day");
  }
  for (double h : k.break_after_hours) {
    const int at = Periods(h, per_day);
    if (at <= 0 || at >= paid) {
      return InvalidArgument("shift kind " + k.name +
                             ": break_after_hours must fall inside the "
                             "shift, on a period boundary");
    }
  }
  return Status::Ok();
}

}  // namespace

ShiftKind FiveByEight() { return {"5x8", 5, 8, 0.5, {}}; }
ShiftKind FourByTen() { return {"4x10", 4, 10, 0.5, {}}; }

double PaidHours(const ShiftKind& k) { return k.days_per_week * k.paid_hours; }

Result<std::vector<ShiftTemplate>> WeeklyTemplates(const WeeklyTemplateOptions& o) {
  const int per_day = o.periods_per_day;
  if (per_day < 1 || 1440 % per_day != 0) {
    return InvalidArgument("periods_per_day must divide 1440 minutes (48: 30-minute periods)");
  }
  const int first = Periods(o.earliest_start_hour, per_day);
  const int last = Periods(o.latest_start_hour, per_day);
  const int step = Periods(o.start_step_hours, per_day);
  if (first < 0 || last < first || last >= per_day || step <= 0) {
    return InvalidArgument(
        "start window must be whole periods with earliest <= latest < 24 h "
        "and a positive step");
  }
  if (o.kinds.empty()) return InvalidArgument("no shift kinds");
  const int week = 7 * per_day;
  std::vector<ShiftTemplate> out;
  for (const ShiftKind& k : o.kinds) {
    SB_RETURN_IF_ERROR(CheckKind(k, per_day));
    const int paid = Periods(k.paid_hours, per_day), brk = Periods(k.break_hours, per_day);
    std::vector<int> breaks;
    for (double h : k.break_after_hours) breaks.push_back(Periods(h, per_day));
    if (breaks.empty()) breaks.push_back(paid / 2);
    for (int first_day = 0; first_day < 7; ++first_day) {
      for (int start = first; start <= last; start += step) {
        for (int at : breaks) {
          ShiftTemplate t;
          t.name = Name(k, first_day, start, per_day, at);
          t.pattern.assign(static_cast<std::size_t>(week), false);
          for (int d = 0; d < k.days_per_week; ++d) {
            const int begin = ((first_day + d) % 7) * per_day + start;
            for (int i = 0; i < paid + brk; ++i) {
              const bool on_break = brk > 0 && i >= at && i < at + brk;
              if (!on_break) t.pattern[static_cast<std::size_t>((begin + i) % week)] = true;
            }
          }
          t.cost = PaidHours(k);
          out.push_back(std::move(t));
        }
      }
    }
  }
  return out;
}

}  // namespace sb::wfm
