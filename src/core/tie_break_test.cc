// Ties between candidates break on the exact idle times the engine has, not on whole seconds
// (issue 9, defect 5).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;

TEST(TieBreak, HighestProficiencyBreaksTiesOnExactIdleTime) {
  CoreHarness h(CoreHarness::DefaultSettings(StrategyKind::kHighestProficiency));
  ASSERT_TRUE(h.Login("a2").ok());
  h.Advance(262ms);
  ASSERT_TRUE(h.Login("a1").ok());
  h.Advance(500ms);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  EXPECT_EQ(h.OfferedTo(1), "a2");
}

TEST(TieBreak, FewestContactsBreaksTiesOnExactIdleTime) {
  CoreHarness h(CoreHarness::DefaultSettings(StrategyKind::kFewestContacts));
  ASSERT_TRUE(h.Login("a3").ok());
  h.Advance(1ms);
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Login("a2").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  EXPECT_EQ(h.OfferedTo(1), "a3");
}

TEST(TieBreak, RingAllRingsInExactIdleOrderUpToItsLimit) {
  EngineSettings s = CoreHarness::DefaultSettings(StrategyKind::kRingAll);
  s.queues[0].ring_all_max = 1;
  CoreHarness h(s);
  ASSERT_TRUE(h.Login("a3").ok());
  h.Advance(300ms);
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Login("a2").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  EXPECT_EQ(h.OfferedTo(1), "a3");
}

}  // namespace
}  // namespace sb::core
