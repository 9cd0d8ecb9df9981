#pragma once
// Agents required for a service-level target, with a maximum occupancy and shrinkage, for one
// load or a day/week of intervals. Erlang C by default; Erlang A when a mean patience is given.
// Pure and re-entrant. Units: any time unit used consistently (seconds in the CLI).

#include <vector>

#include "base/result.h"

namespace sb::wfm {

struct StaffingTarget {
  double target_service_level = 0.8;  // share answered within target_answer_time, in (0, 1)
  double target_answer_time = 20;     // >= 0
  double max_occupancy = 1.0;         // cap on occupancy (C: A/N; A: carried/N), in (0, 1]
  double shrinkage = 0.0;             // share of paid time not on the phones, in [0, 1)
  // > 0: size with Erlang A, whose service level is sl_answered_within_t_over_offered
  // (abandons count as failures). 0: Erlang C, service level P(W <= t) over all calls.
  double mean_patience = 0;
};

struct Staffing {
  int required_agents = 0;           // on the phones
  int scheduled_with_shrinkage = 0;  // to schedule: ceil(required / (1 - shrinkage))
  double service_level = 0;          // achieved with required_agents (definition above)
  double asa = 0;                    // Erlang C: asa; Erlang A: asa_answered
  double occupancy = 0;
  double p_abandon = 0;  // Erlang A only
};

// Fewest agents meeting the target. A zero arrival rate needs no agents. InvalidArgument for
// impossible targets (service level not in (0, 1) -- 100 % needs infinitely many agents --,
// negative answer time, shrinkage not in [0, 1), occupancy not in (0, 1]) and for negative or
// non-finite rates; OutOfRange beyond 100,000 agents.
Result<Staffing> RequiredAgents(double arrival_rate, double aht, const StaffingTarget& target);

struct IntervalDemand {
  double calls = 0;  // offered in the interval
  double aht = 0;    // mean handle time; may be 0 only when calls == 0
};

// RequiredAgents for each interval, arrival rate = calls / interval_length. The first failing
// interval's error is returned with its index as context.
Result<std::vector<Staffing>> RequiredAgentsPerInterval(const std::vector<IntervalDemand>& demand,
                                                        double interval_length,
                                                        const StaffingTarget& target);

}  // namespace sb::wfm
