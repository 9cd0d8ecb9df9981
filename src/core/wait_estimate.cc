#include "core/wait_estimate.h"

#include <algorithm>
#include <cmath>

#include "core/internal/state.h"

namespace sb::core {

WaitEstimate EstimateWait(const WaitModel& m, std::uint32_t ahead) {
  const double service_rate = m.agents / std::max(m.handle_seconds, 1.0);
  if (service_rate <= 0) {
    // Nobody staffed: the wait depends on when agents come back. Say so with a wide band.
    const double mean = (ahead + 1) * std::max(m.handle_seconds, 1.0);
    return {FromSeconds(mean), FromSeconds(0), FromSeconds(mean * 3)};
  }
  double mean = 0;
  double var = 0;
  for (std::uint32_t j = 0; j <= ahead; ++j) {
    const double rate = service_rate + j * m.abandon_rate;
    mean += 1.0 / rate;
    var += 1.0 / (rate * rate);
  }
  // Lognormal with the same mean and variance; z(0.9) = 1.2816.
  const double sigma2 = std::log1p(var / (mean * mean));
  const double mu = std::log(mean) - sigma2 / 2;
  const double sigma = std::sqrt(sigma2);
  return {FromSeconds(mean), FromSeconds(std::exp(mu - 1.2816 * sigma)),
          FromSeconds(std::exp(mu + 1.2816 * sigma))};
}

namespace internal {

WaitEstimate EstimateAt(const State& s, QueueId qid, std::uint32_t position) {
  const QueueRt& q = s.queues[qid.value];
  WaitModel m;
  m.handle_seconds = q.handle_seconds;
  m.abandon_rate = q.exposure_seconds > 0 ? q.abandons / q.exposure_seconds : 0;
  std::uint32_t ready = 0;
  for (AgentId a : q.members) {
    const AgentRt& ag = s.agents[a.value];
    if (ag.state == AgentState::kLoggedOut || ag.state == AgentState::kNotReady) continue;
    if (ag.state == AgentState::kReady) ++ready;
    // Share of this agent: 1 / (queues it is a member of that have someone waiting, this one
    // included), so an agent shared with a busy queue counts for half.
    int busy_queues = 1;
    for (const Serve& sv : ag.serves) {
      if (sv.queue != qid && sv.min_level == 0 && !s.queues[sv.queue.value].waiting.empty()) {
        ++busy_queues;
      }
    }
    m.agents += 1.0 / busy_queues;
  }
  // Enough free agents for everyone up to this place: answered at once.
  if (ready > position) return WaitEstimate{};
  return EstimateWait(m, position);
}

}  // namespace internal
}  // namespace sb::core
