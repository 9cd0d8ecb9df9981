// PlanWeek: staffing per interval, then one MIP over weekly patterns for the whole week (the
// cyclic week lets a Sunday night shift cover Monday morning).

#include "wfm/plan.h"

#include <cmath>

namespace sb::wfm {

Result<Plan> PlanWeek(const WeekDemand& demand, const PlanOptions& o) {
  if (demand.periods_per_day < 1 || demand.periods.size() != 7u * demand.periods_per_day) {
    return InvalidArgument("the demand must hold 7 days of periods");
  }
  // The target alone, so its error is not reported as one interval's.
  SB_RETURN_IF_ERROR(RequiredAgents(0, 0, o.target).status());
  Plan plan;
  const double period_seconds = 86400.0 / demand.periods_per_day;
  SB_ASSIGN_OR_RETURN(plan.per_interval,
                      RequiredAgentsPerInterval(demand.periods, period_seconds, o.target));
  double requirement_hours = 0;
  for (const Staffing& s : plan.per_interval) {
    plan.required.push_back(s.scheduled_with_shrinkage);
    requirement_hours += s.scheduled_with_shrinkage * period_seconds / 3600;
  }
  plan.agents_at_40h = static_cast<int>(std::ceil(requirement_hours / 40 - 1e-9));
  WeeklyTemplateOptions t = o.templates;
  t.periods_per_day = demand.periods_per_day;
  SB_ASSIGN_OR_RETURN(plan.templates, WeeklyTemplates(t));
  ScheduleProblem problem;
  problem.required = plan.required;
  problem.templates = plan.templates;
  problem.cyclic = true;
  SB_ASSIGN_OR_RETURN(plan.schedule, SolveSchedule(problem, o.solve));
  for (std::size_t i = 0; i < plan.schedule.counts.size(); ++i) {
    plan.agents += plan.schedule.counts[i];
    plan.paid_hours += plan.schedule.counts[i] * plan.templates[i].cost;
  }
  return plan;
}

}  // namespace sb::wfm
