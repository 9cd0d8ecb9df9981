#include "core/strategy.h"

namespace sb::core {

// Evens out the day's work: the agent with the fewest contacts today wins; idle time breaks ties.
double FewestContactsScore(const Candidate& c, const StrategyContext&) {
  return -static_cast<double>(c.contacts_today);
}

}  // namespace sb::core
