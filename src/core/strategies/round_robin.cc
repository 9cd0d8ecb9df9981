#include "core/strategy.h"

namespace sb::core {

// Round-robin with memory: the queue remembers where it stopped; the first member at or after
// that position wins, wrapping around the member list.
double RoundRobinScore(const Candidate& c, const StrategyContext& ctx) {
  const std::uint32_t n = ctx.members == 0 ? 1 : ctx.members;
  const std::uint32_t distance = (c.member_index + n - ctx.round_robin_next % n) % n;
  return -static_cast<double>(distance);
}

}  // namespace sb::core
