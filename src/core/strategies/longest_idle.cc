#include "core/strategy.h"

namespace sb::core {

// The agent who has waited longest for a contact gets the next one: fair to agents.
double LongestIdleScore(const Candidate& c, const StrategyContext&) {
  return static_cast<double>(c.idle.count());
}

}  // namespace sb::core
