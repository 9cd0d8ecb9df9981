#include "core/strategy.h"

namespace sb::core {
namespace {

// SplitMix64: a stateless, well-mixed hash, so a random choice depends only on the seed, the
// contact and the agent: the same inputs replay to the same decision.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

double RandomScore(const Candidate& c, const StrategyContext& ctx) {
  const std::uint64_t h = Mix(ctx.seed ^ Mix(ctx.contact.value ^ Mix(c.agent.value)));
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

}  // namespace sb::core
