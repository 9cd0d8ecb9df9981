#include "core/strategy.h"

namespace sb::core {

// Balances skill against fairness: w_p * proficiency/5 + w_i * idle/(idle + scale). The idle
// term saturates, so a long-idle novice does not beat an expert forever, and an expert who
// just hung up does not take every contact.
double BestMatchScore(const Candidate& c, const StrategyContext& ctx) {
  const double idle = static_cast<double>(c.idle.count());
  const double scale = static_cast<double>(ctx.weights.idle_scale.count());
  const double idle_term = idle / (idle + scale);
  return ctx.weights.proficiency * (c.proficiency / 5.0) + ctx.weights.idle * idle_term;
}

}  // namespace sb::core
