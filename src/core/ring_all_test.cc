// Ring-all rings every eligible ready agent, up to the queue's limit, also when several agents
// become free at the same instant, whatever order the engine frees them in (issue 9, defect 4).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::Only;
using ::testing::UnorderedElementsAre;

TEST(RingAll, AgentsFreedByAnAnswerAllRingForTheNextContact) {
  CoreHarness h(CoreHarness::DefaultSettings(StrategyKind::kRingAll));
  for (const char* a : {"a1", "a2", "a3"}) ASSERT_TRUE(h.Login(a).ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  h.TakeEvents();
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  const auto offers = Only<ContactOffered>(h.Events());
  ASSERT_EQ(offers.size(), 2u);
  EXPECT_EQ(offers[0].contact, ContactId{2});
  EXPECT_EQ(offers[1].contact, ContactId{2});
  EXPECT_EQ(offers[0].offer, offers[1].offer);
  EXPECT_THAT(h.OfferedAgents(), UnorderedElementsAre("a2", "a3"));
}

TEST(RingAll, AgentsFreedByAnAbandonAllRingForTheNextContact) {
  CoreHarness h(CoreHarness::DefaultSettings(StrategyKind::kRingAll));
  for (const char* a : {"a1", "a2", "a3"}) ASSERT_TRUE(h.Login(a).ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  h.TakeEvents();
  ASSERT_TRUE(h.Abandon(1).ok());
  EXPECT_THAT(h.OfferedAgents(), UnorderedElementsAre("a1", "a2", "a3"));
}

TEST(RingAll, WrapUpsEndingAtTheSameInstantRingTogetherUpToTheLimit) {
  EngineSettings s = CoreHarness::DefaultSettings(StrategyKind::kRingAll);
  s.queues[0].ring_all_max = 2;
  CoreHarness h(s);
  for (const char* a : {"a1", "a2", "a3"}) ASSERT_TRUE(h.Login(a).ok());
  for (std::uint64_t c = 1; c <= 3; ++c) {
    ASSERT_TRUE(h.Enqueue(c, "sales").ok());
    ASSERT_TRUE(h.Accept(c, h.OfferedTo(c)).ok());
  }
  ASSERT_TRUE(h.Enqueue(4, "sales").ok());
  ASSERT_TRUE(h.Enqueue(5, "sales").ok());
  h.Advance(60s);
  for (std::uint64_t c = 1; c <= 3; ++c) ASSERT_TRUE(h.Hangup(c).ok());
  h.TakeEvents();
  h.Advance(10s);  // every wrap-up ends now
  ASSERT_TRUE(h.Tick().ok());
  const auto offers = Only<ContactOffered>(h.Events());
  ASSERT_EQ(offers.size(), 3u);
  EXPECT_EQ(offers[0].contact, ContactId{4});
  EXPECT_EQ(offers[1].contact, ContactId{4});
  EXPECT_EQ(offers[0].offer, offers[1].offer);
  EXPECT_EQ(offers[2].contact, ContactId{5});
}

}  // namespace
}  // namespace sb::core
