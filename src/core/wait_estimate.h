#pragma once
// Expected wait for a contact at a given place in its queue.
//
// Open-source ACDs announce a queue-wide average (or nothing). We use the queue-length
// predictor of Whitt (1999) with abandonment (Ibrahim & Whitt, 2009): a contact with k callers
// ahead needs k + 1 departures from the head; with N agents serving the queue at rate mu each
// and each caller ahead abandoning at rate theta, the j-th step takes an exponential time of
// rate N*mu + j*theta. The estimate is the wait of a caller who is answered (the only waits a
// center can score): with patience exponential at rate theta, the waits that a caller's patience
// outlasts are again such a sum, each rate raised by theta, as if the caller were one more
// contact ahead who may leave. The wait is a sum of independent exponentials:
//   mean = sum_{j=1..k+1} 1 / (N mu + j theta),  var = sum 1 / (N mu + j theta)^2,
// and the band is the 10th..90th percentile of a gamma distribution with that mean and variance
// (exact for theta = 0, where the sum is Erlang; a lognormal band, used before, covered only 66 %
// of a single exponential step and 72 % of the simulated demo's callers who queued). The variance
// also holds the uncertainty of the learnt mu (a recent average of handle times, off by some
// 16 % for exponential ones), which scales every step alike: var += 0.0256 * mean^2.
// The agents' recent ring-to-answer time is added: the caller waits through it too.
// N counts staffed agents (not those on their way to a break or logout), each shared agent in
// proportion to the queues it serves that have callers waiting; mu and theta are learnt from the
// queue's recent handle times and abandons.
// With a staffing plan (Engine::SetStaffingPlan: shifts less their breaks, as a schedule or the
// simulator knows them), agents planned to come on duty or to leave during the wait change N at
// those times. The mean and both ends of the band, as work (agent-seconds at today's N), are
// mapped through the planned N over time; an agent coming on duty also takes a waiting caller at
// once, so the departures still needed drop by one there (abandons are taken as at today's N).
// Without a plan, today's N holds for the whole wait.
// Simulated (bench/RESULTS.md, "Wait estimate accuracy"): the band holds 79-84 % of queued
// callers' waits across the simulator's scenarios and 84 % in the demo day.

#include <cstdint>

#include "core/events.h"

namespace sb::core {

struct WaitModel {
  double agents = 0;            // effective agents serving the queue
  double handle_seconds = 300;  // mean talk + wrap-up
  double abandon_rate = 0;      // per second, per waiting caller
  double answer_seconds = 0;    // an agent's time from ring to answer, added to every wait
};

// A stretch of time an agent is planned to be on duty: part of a shift between its breaks.
struct PlannedDuty {
  AgentId agent;
  Time start;
  Time end;
};

// The estimate for a contact with `ahead` callers in front of it.
WaitEstimate EstimateWait(const WaitModel& model, std::uint32_t ahead);

}  // namespace sb::core
