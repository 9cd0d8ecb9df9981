#include "core/internal/ready_list.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>

namespace sb::core::internal {
namespace {

std::vector<std::uint32_t> Agents(const ReadyTier& t) {
  std::vector<std::uint32_t> out;
  for (const ReadyEntry& e : t) out.push_back(e.agent.value);
  return out;
}

ReadyEntry At(std::uint32_t agent, int seconds) {
  return {0, AgentId{agent}, 1, 0, kTimeZero + std::chrono::seconds(seconds)};
}

TEST(ReadyTier, KeepsIdleOrderThroughJoinsAndLeavesAtEitherEndAndInTheMiddle) {
  ReadyTier t(1);
  for (std::uint32_t a = 0; a < 6; ++a) t.Insert(At(a, 10 * static_cast<int>(a)));
  EXPECT_TRUE(t.Erase(AgentId{0}, kTimeZero));  // the front leaves: no shift
  EXPECT_TRUE(t.Erase(AgentId{4}, kTimeZero + std::chrono::seconds(40)));   // back half
  EXPECT_TRUE(t.Erase(AgentId{1}, kTimeZero + std::chrono::seconds(10)));   // front half
  EXPECT_FALSE(t.Erase(AgentId{1}, kTimeZero + std::chrono::seconds(10)));  // already gone
  EXPECT_FALSE(t.Erase(AgentId{2}, kTimeZero + std::chrono::seconds(99)));  // wrong key
  EXPECT_EQ(Agents(t), (std::vector<std::uint32_t>{2, 3, 5}));
  t.Insert(At(7, 25));  // between 2 and 3: uses the room freed at the front
  t.Insert(At(6, 20));  // a tie on time: agent id decides
  t.Insert(At(9, 0));   // idle longest: at the front
  EXPECT_EQ(Agents(t), (std::vector<std::uint32_t>{9, 2, 6, 7, 3, 5}));
  EXPECT_EQ(t.size(), 6u);
}

// Random joins and leaves against a std::set that orders the same way.
TEST(ReadyTier, MatchesAnOrderedSetUnderRandomChurn) {
  std::mt19937 rng(7);
  ReadyTier t(2);
  t.Reserve(64);
  const std::size_t reserved = t.capacity();
  std::set<std::pair<int, std::uint32_t>> model;
  std::vector<int> joined(64, -1);
  for (int step = 0; step < 20000; ++step) {
    const std::uint32_t a = rng() % 64;
    if (joined[a] < 0) {
      // Mostly "now" (the back), sometimes an older time (a cancelled offer).
      const int at = rng() % 4 == 0 ? static_cast<int>(rng() % (step + 1)) : step;
      t.Insert(At(a, at));
      model.insert({at, a});
      joined[a] = at;
    } else {
      ASSERT_TRUE(t.Erase(AgentId{a}, kTimeZero + std::chrono::seconds(joined[a])));
      model.erase({joined[a], a});
      joined[a] = -1;
    }
    ASSERT_EQ(t.size(), model.size());
    if (step % 97 == 0) {
      std::vector<std::uint32_t> want;
      for (const auto& [at, agent] : model) want.push_back(agent);
      ASSERT_EQ(Agents(t), want) << "step " << step;
    }
  }
  EXPECT_EQ(t.capacity(), reserved) << "joins of the reserved members never reallocate";
}

TEST(ReadyList, TiersInOrderAndCountsEveryEntry) {
  ReadyList l;
  for (std::int8_t tier : {3, 1, 3, 2}) l.AddTier(tier);
  ASSERT_EQ(l.tiers().size(), 3u);
  EXPECT_EQ(l.tiers()[0].tier(), 1);
  EXPECT_EQ(l.SlotOf(3), 2u);
  l.Insert(l.SlotOf(2), At(1, 5));
  l.Insert(l.SlotOf(1), At(2, 9));
  EXPECT_EQ(l.size(), 2u);
  EXPECT_FALSE(l.Erase(l.SlotOf(1), AgentId{1}, kTimeZero + std::chrono::seconds(5)));
  EXPECT_TRUE(l.Erase(l.SlotOf(2), AgentId{1}, kTimeZero + std::chrono::seconds(5)));
  EXPECT_EQ(l.size(), 1u);
}

}  // namespace
}  // namespace sb::core::internal
