#include "core/strategy.h"

namespace sb::core {

double Score(StrategyKind kind, const Candidate& c, const StrategyContext& ctx) {
  switch (kind) {
    case StrategyKind::kLongestIdle:
    case StrategyKind::kRingAll:
      return LongestIdleScore(c, ctx);
    case StrategyKind::kRoundRobin:
      return RoundRobinScore(c, ctx);
    case StrategyKind::kFewestContacts:
      return FewestContactsScore(c, ctx);
    case StrategyKind::kRandom:
      return RandomScore(c, ctx);
    case StrategyKind::kHighestProficiency:
      return HighestProficiencyScore(c, ctx);
    case StrategyKind::kBestMatch:
      return BestMatchScore(c, ctx);
  }
  return 0;
}

}  // namespace sb::core
