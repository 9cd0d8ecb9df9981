#pragma once
// A week's staffing plan: agents required per interval (staffing.h), then the cheapest set of
// weekly shift patterns covering them (shift_templates.h, schedule.h). What `switchboard
// staff` prints. Pure and re-entrant (see schedule.h for the GLPK caveats).

#include <vector>

#include "base/result.h"
#include "wfm/demand_csv.h"
#include "wfm/schedule.h"
#include "wfm/shift_templates.h"
#include "wfm/staffing.h"

namespace sb::wfm {

struct PlanOptions {
  StaffingTarget target;            // per interval; seconds
  WeeklyTemplateOptions templates;  // periods_per_day is taken from the demand
  ScheduleOptions solve;
};

struct Plan {
  std::vector<Staffing> per_interval;  // one per period of the week, Monday 00:00 first
  std::vector<int> required;           // scheduled_with_shrinkage per period: what shifts cover
  std::vector<ShiftTemplate> templates;
  Schedule schedule;
  int agents = 0;         // sum of schedule.counts: each weekly pattern is one agent
  double paid_hours = 0;  // per week, over all agents
  int agents_at_40h = 0;  // ceil(covered requirement hours / 40): a lower-bound cross-check
};

// Errors of RequiredAgentsPerInterval (with the interval), WeeklyTemplates or SolveSchedule.
Result<Plan> PlanWeek(const WeekDemand& demand, const PlanOptions& options);

}  // namespace sb::wfm
