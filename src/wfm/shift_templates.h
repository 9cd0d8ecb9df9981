#pragma once
// Weekly shift patterns for SolveSchedule: an agent works the same start time on a number of
// consecutive days (5 x 8 h, 4 x 10 h, ...) and has the rest of the week off, with an unpaid
// break inside each shift. One template per (kind, days off, start time, break placement),
// over a cyclic week of 7 x periods_per_day periods starting Monday 00:00, so a count is a
// number of agents and its cost their paid hours. Pure and re-entrant.

#include <string>
#include <vector>

#include "base/result.h"
#include "wfm/schedule.h"

namespace sb::wfm {

struct ShiftKind {
  std::string name;          // "5x8"
  int days_per_week = 5;     // consecutive working days, 1..7
  double paid_hours = 8;     // per day, excluding the break
  double break_hours = 0.5;  // unpaid, inside the shift; 0: none
  // Where the break may start, in hours after the shift starts (each a separate template);
  // empty: the middle of the shift, rounded down to a period.
  std::vector<double> break_after_hours;
};

ShiftKind FiveByEight();  // 5 days x 8 h, 30 min unpaid break in the middle
ShiftKind FourByTen();    // 4 days x 10 h, 30 min unpaid break in the middle

struct WeeklyTemplateOptions {
  int periods_per_day = 48;  // 30-minute periods
  double earliest_start_hour = 0;
  double latest_start_hour = 23.5;
  double start_step_hours = 0.5;
  std::vector<ShiftKind> kinds = {FiveByEight(), FourByTen()};
};

// InvalidArgument when a duration is not a whole number of periods, a shift with its break is
// 24 h or longer, or the start window is empty. Template names read "5x8 Mon-Fri 08:00".
Result<std::vector<ShiftTemplate>> WeeklyTemplates(const WeeklyTemplateOptions& options);

// Paid hours of a template built by WeeklyTemplates (its cost).
double PaidHours(const ShiftKind& kind);

}  // namespace sb::wfm
