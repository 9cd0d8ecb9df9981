#include "core/strategy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;

// Runs `contacts` contacts through a queue with the given strategy; each is answered at once
// and hung up after 60 s with no wrap-up, so every agent is ready again before the next one.
std::vector<std::string> Winners(EngineSettings s, int contacts) {
  s.queues[0].wrap_up = 0s;
  CoreHarness h(s);
  for (const auto& a : h.settings().agents) EXPECT_TRUE(h.Login(a.name).ok());
  std::vector<std::string> winners;
  for (int c = 1; c <= contacts; ++c) {
    h.Advance(1s);
    EXPECT_TRUE(h.Enqueue(c, "sales").ok());
    winners.push_back(h.OfferedTo(c));
    EXPECT_TRUE(h.Accept(c, winners.back()).ok());
    h.Advance(60s);
    EXPECT_TRUE(h.Hangup(c).ok());
  }
  return winners;
}

// Serves one contact: offered, answered at once, hung up after 60 s (no wrap-up), then 1 s.
std::string Serve(CoreHarness& h, std::uint64_t c) {
  EXPECT_TRUE(h.Enqueue(c, "sales").ok());
  const std::string winner = h.OfferedTo(c);
  EXPECT_TRUE(h.Accept(c, winner).ok());
  h.Advance(60s);
  EXPECT_TRUE(h.Hangup(c).ok());
  h.Advance(1s);
  return winner;
}

// The agents log in a3, a2, a1, a second apart, so longest idle would serve a3, a2, a1, a3, ...:
// the opposite of member order. Round-robin must follow member order, skip a member who is not
// ready and carry on after the last one chosen.
TEST(RoundRobin, CyclesThroughMembersWithMemory) {
  EngineSettings s = CoreHarness::DefaultSettings(StrategyKind::kRoundRobin);
  s.queues[0].wrap_up = 0s;
  CoreHarness h(s);
  for (const char* a : {"a3", "a2", "a1"}) {
    ASSERT_TRUE(h.Login(a).ok());
    h.Advance(1s);
  }
  std::vector<std::string> w;
  for (std::uint64_t c = 1; c <= 4; ++c) w.push_back(Serve(h, c));
  EXPECT_THAT(w, ::testing::ElementsAre("a1", "a2", "a3", "a1"));
  ASSERT_TRUE(h.NotReady("a2").ok());
  EXPECT_EQ(Serve(h, 5), "a3");  // a2 is skipped
  EXPECT_EQ(Serve(h, 6), "a1");
}

// a1 works alone first and takes two contacts; then a2 joins. Longest idle would give a1
// (ready since its hang-up, before a2 logged in), a2, a1; fewest contacts gives a2 until the
// counts are even, then breaks the tie on idle time.
TEST(FewestContacts, EvensOutTheDay) {
  EngineSettings s = CoreHarness::DefaultSettings(StrategyKind::kFewestContacts);
  s.queues[0].wrap_up = 0s;
  CoreHarness h(s);
  ASSERT_TRUE(h.Login("a1").ok());
  EXPECT_EQ(Serve(h, 1), "a1");
  EXPECT_EQ(Serve(h, 2), "a1");
  h.Advance(5s);
  ASSERT_TRUE(h.Login("a2").ok());
  h.Advance(1s);
  std::vector<std::string> w;
  for (std::uint64_t c = 3; c <= 5; ++c) w.push_back(Serve(h, c));
  EXPECT_THAT(w, ::testing::ElementsAre("a2", "a2", "a1"));
}

TEST(HighestProficiency, PicksTheBestSkilled) {
  EngineSettings s = CoreHarness::DefaultSettings(StrategyKind::kHighestProficiency);
  s.queues[0].requirements = {{SkillId{0}, 1}};
  s.agents[0].skills = {{SkillId{0}, 2}};
  s.agents[1].skills = {{SkillId{0}, 5}};
  s.agents[2].skills = {{SkillId{0}, 3}};
  auto w = Winners(s, 3);
  EXPECT_THAT(w, ::testing::Each("a2"));
}

TEST(Random, IsReproducibleForASeedAndSpreadsContacts) {
  EngineSettings s = CoreHarness::DefaultSettings(StrategyKind::kRandom);
  s.seed = 7;
  auto first = Winners(s, 30);
  EXPECT_EQ(first, Winners(s, 30));
  std::map<std::string, int> count;
  for (const auto& a : first) ++count[a];
  EXPECT_EQ(count.size(), 3u);
  s.seed = 8;
  EXPECT_NE(first, Winners(s, 30));
}

TEST(BestMatch, BalancesProficiencyAndIdleTime) {
  StrategyContext ctx;
  ctx.weights = {0.6, 0.4, 60s};
  Candidate expert{AgentId{0}, 1, 5, 5s, 0, 0};
  Candidate novice{AgentId{1}, 1, 1, 60s, 0, 1};
  // expert: 0.6 + 0.4 * 5/65 = 0.631; novice: 0.12 + 0.4 * 0.5 = 0.32.
  EXPECT_GT(BestMatchScore(expert, ctx), BestMatchScore(novice, ctx));
  Candidate long_idle_novice{AgentId{1}, 1, 1, 3600s, 0, 1};
  Candidate busy_expert{AgentId{0}, 1, 3, 0s, 0, 0};
  // 0.12 + 0.4*0.98 = 0.513 vs 0.36: idle time wins when the skill gap is small.
  EXPECT_GT(BestMatchScore(long_idle_novice, ctx), BestMatchScore(busy_expert, ctx));
}

TEST(Ranking, TierFirstThenScoreThenIdleThenId) {
  Candidate a{AgentId{0}, 1, 0, 10s, 0, 0};
  Candidate b{AgentId{1}, 2, 0, 99s, 0, 1};
  EXPECT_TRUE(RanksBefore(a, 0, b, 100));
  Candidate c{AgentId{2}, 1, 0, 10s, 0, 2};
  EXPECT_TRUE(RanksBefore(a, 1, c, 1));
  EXPECT_FALSE(RanksBefore(c, 1, a, 1));
}

}  // namespace
}  // namespace sb::core
