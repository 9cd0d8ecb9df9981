// Longest idle, the default strategy, and the ready lists it reads its ranking from
// (core/internal/ready_list.h): the winner, the explanation's top four, ties and counts.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using ::testing::ElementsAre;
using testing::MakeAgent;
using testing::Only;

TEST(LongestIdle, OffersContactToAgentIdleLongest) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a2").ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Login("a1").ok());
  h.Advance(5s);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  EXPECT_THAT(h.OfferedAgents(), ElementsAre("a2"));
  const auto offers = Only<ContactOffered>(h.Events());
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].why.rule, Rule::kAgentForContact);
  EXPECT_EQ(offers[0].why.considered, 2u);
  EXPECT_EQ(offers[0].why.top[0].idle_seconds, 15);
  EXPECT_EQ(offers[0].why.top[1].agent, h.agent("a1"));
}

// Many candidates over two tiers: the explanation keeps the four best in order (tier first, then
// the strategy's score), and counts every candidate, including those that could not enter it.
TEST(LongestIdle, ExplanationKeepsTheFourBestAcrossTiers) {
  for (StrategyKind strategy : {StrategyKind::kLongestIdle, StrategyKind::kFewestContacts}) {
    EngineSettings s = CoreHarness::DefaultSettings(strategy);
    s.agents.clear();
    for (int i = 0; i < 8; ++i) {
      s.agents.push_back(MakeAgent(s, "b" + std::to_string(i), {"sales"}));
      s.agents.back().queues[0].tier = i % 2 == 0 ? 2 : 1;
    }
    CoreHarness h(s);
    // b7 ready first (idle longest), b0 last; odd agents are tier 1.
    for (int i = 7; i >= 0; --i) {
      ASSERT_TRUE(h.Login("b" + std::to_string(i)).ok());
      h.Advance(1s);
    }
    ASSERT_TRUE(h.Enqueue(1, "sales").ok());
    const auto offers = Only<ContactOffered>(h.Events());
    ASSERT_EQ(offers.size(), 1u);
    const Explanation& why = offers[0].why;
    EXPECT_EQ(why.considered, 8u);
    ASSERT_EQ(why.shown, 4);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(why.top[k].tier, 1) << k;
    if (strategy == StrategyKind::kLongestIdle) {
      EXPECT_EQ(why.top[0].agent, h.agent("b7"));
      EXPECT_EQ(why.top[1].agent, h.agent("b5"));
      EXPECT_EQ(why.top[2].agent, h.agent("b3"));
      EXPECT_EQ(why.top[3].agent, h.agent("b1"));
      EXPECT_EQ(offers[0].agent, h.agent("b7"));
    }
  }
}

// Ready lists are kept in (tier, ready time, agent) order and longest idle reads its top four
// off the front. Agents ready at the same instant rank by id whatever order they logged in; one
// lacking the skill is counted as excluded; those after the fourth are still counted; an agent
// whose offer is cancelled goes back to its old place, not to the end.
TEST(LongestIdle, ReadyOrderSurvivesTiesSkillsAndACancelledOffer) {
  EngineSettings s = CoreHarness::DefaultSettings();
  s.queues[0].requirements = {{SkillId{0}, 3}};
  s.agents.clear();
  for (int i = 0; i < 6; ++i) {
    s.agents.push_back(MakeAgent(s, "c" + std::to_string(i), {"sales"}, {{"fr", i == 4 ? 2 : 3}}));
  }
  CoreHarness h(s);
  ASSERT_TRUE(h.Login("c0").ok());
  h.Advance(1s);
  for (const char* a : {"c3", "c1", "c2"}) ASSERT_TRUE(h.Login(a).ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Login("c4").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Login("c5").ok());
  h.Advance(1s);
  for (std::uint64_t contact : {1, 2}) {
    h.TakeEvents();
    ASSERT_TRUE(h.Enqueue(contact, "sales").ok());
    const auto offers = Only<ContactOffered>(h.Events());
    ASSERT_EQ(offers.size(), 1u) << contact;
    const Explanation& why = offers[0].why;
    EXPECT_EQ(offers[0].agent, h.agent("c0")) << contact;
    EXPECT_EQ(why.considered, 5u) << contact;
    EXPECT_EQ(why.excluded, 1u) << contact;
    ASSERT_EQ(why.shown, 4) << contact;
    EXPECT_EQ(why.top[0].agent, h.agent("c0")) << contact;
    EXPECT_EQ(why.top[1].agent, h.agent("c1")) << contact;
    EXPECT_EQ(why.top[2].agent, h.agent("c2")) << contact;
    EXPECT_EQ(why.top[3].agent, h.agent("c3")) << contact;
    // The caller hangs up while c0 rings: c0 is ready again, idle since its first login.
    ASSERT_TRUE(h.Abandon(contact).ok());
    EXPECT_EQ(h.engine().agent_state(h.agent("c0")), AgentState::kReady);
    h.Advance(1s);
  }
}

}  // namespace
}  // namespace sb::core
