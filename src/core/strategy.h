#pragma once
// Routing strategies as pure scoring functions: (candidate, context) -> score, higher wins.
// The ranking key is explicit: lower tier first, then higher score, then longer idle, then
// lower agent id, so every decision is deterministic and explainable. One file per strategy
// under strategies/. No state: round-robin memory and the random seed arrive in the context.

#include <cstdint>

#include "base/ids.h"
#include "base/time.h"
#include "core/settings.h"

namespace sb::core {

struct Candidate {
  AgentId agent;
  std::int8_t tier = 1;         // the agent's tier for this queue (1 first)
  std::int8_t proficiency = 0;  // weakest proficiency over the queue's required skills
  Duration idle{0};             // time since the agent last became ready
  std::uint32_t contacts_today = 0;
  std::uint32_t member_index = 0;  // position in the queue's member list (round-robin)
};

struct StrategyContext {
  ContactId contact;
  std::uint64_t seed = 0;
  std::uint32_t members = 1;           // size of the queue's member list
  std::uint32_t round_robin_next = 0;  // member index after the last agent chosen
  BestMatchWeights weights;
};

double LongestIdleScore(const Candidate& c, const StrategyContext& ctx);
double RoundRobinScore(const Candidate& c, const StrategyContext& ctx);
double FewestContactsScore(const Candidate& c, const StrategyContext& ctx);
double RandomScore(const Candidate& c, const StrategyContext& ctx);
double HighestProficiencyScore(const Candidate& c, const StrategyContext& ctx);
double BestMatchScore(const Candidate& c, const StrategyContext& ctx);

// The score of `c` under `kind` (ring-all orders its rings by longest idle).
double Score(StrategyKind kind, const Candidate& c, const StrategyContext& ctx);

// True if `a` ranks before `b` (tier, score, idle, id).
inline bool RanksBefore(const Candidate& a, double score_a, const Candidate& b, double score_b) {
  if (a.tier != b.tier) return a.tier < b.tier;
  if (score_a != score_b) return score_a > score_b;
  if (a.idle != b.idle) return a.idle > b.idle;
  return a.agent < b.agent;
}

}  // namespace sb::core
