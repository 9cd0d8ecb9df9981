#include "core/strategy.h"

namespace sb::core {

// The best skilled agent for the contact's needs first; idle time breaks ties.
double HighestProficiencyScore(const Candidate& c, const StrategyContext&) {
  return static_cast<double>(c.proficiency);
}

}  // namespace sb::core
