#pragma once
// Agents required for a service-level target, with a maximum occupancy and shrinkage.
// Pure and re-entrant.

#include <vector>

#include "base/result.h"

namespace sb::wfm {

struct StaffingTarget {
  double target_service_level = 0.8;  // share answered within target_answer_time
  double target_answer_time = 20;
  double max_occupancy = 1.0;         // cap on load / agents
  double shrinkage = 0.0;             // share of paid time not on the phones
};

struct Staffing {
  int required_agents = 0;           // on the phones
  int scheduled_with_shrinkage = 0;  // to schedule: ceil(required / (1 - shrinkage))
  double service_level = 0;          // achieved with required_agents
  double asa = 0;
  double occupancy = 0;
};

// Fewest agents meeting the target under Erlang C. InvalidArgument for impossible targets
// (service level not in (0,1), shrinkage not in [0,1), occupancy not in (0,1]).
Result<Staffing> RequiredAgents(double arrival_rate, double aht, const StaffingTarget& target);

}  // namespace sb::wfm
