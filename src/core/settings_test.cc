#include "core/settings.h"

#include <gtest/gtest.h>

#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;

TEST(Settings, DefaultIsValidAndNamesResolve) {
  EngineSettings s = CoreHarness::DefaultSettings();
  EXPECT_TRUE(ValidateSettings(s).ok());
  EXPECT_EQ(FindQueue(s, "sales"), QueueId{0});
  EXPECT_FALSE(FindQueue(s, "nope").valid());
  StrategyKind k;
  EXPECT_TRUE(ParseStrategy("best_match", &k));
  EXPECT_EQ(k, StrategyKind::kBestMatch);
  EXPECT_EQ(StrategyName(k), "best_match");
  EXPECT_FALSE(ParseStrategy("fastest", &k));
}

TEST(Settings, RejectsContradictionsWithTheirPlace) {
  auto expect_bad = [](EngineSettings s, const std::string& fragment) {
    Status st = ValidateSettings(s);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find(fragment), std::string::npos) << st.message();
  };
  EngineSettings s = CoreHarness::DefaultSettings();
  s.queues.clear();
  expect_bad(s, "no queues");
  s = CoreHarness::DefaultSettings();
  s.queues.push_back(s.queues[0]);
  expect_bad(s, "used twice");
  s = CoreHarness::DefaultSettings();
  s.queues[0].offer_timeout = 0s;
  expect_bad(s, "offer_timeout");
  s = CoreHarness::DefaultSettings();
  s.queues[0].relax = {{60s, RelaxStep::Kind::kOverflow, {}, 1, {}, QueueId{0}}};
  expect_bad(s, "itself");
  s = CoreHarness::DefaultSettings();
  s.queues[0].when_closed = {Fallback::Action::kOverflowQueue, QueueId{5}};
  expect_bad(s, "when_closed");
  s = CoreHarness::DefaultSettings();
  QueueSettings b = s.queues[0];
  b.name = "b";
  b.when_full = {Fallback::Action::kOverflowQueue, QueueId{0}};
  s.queues[0].when_closed = {Fallback::Action::kOverflowQueue, QueueId{1}};
  s.queues.push_back(b);
  expect_bad(s, "cycle");
  s = CoreHarness::DefaultSettings();
  s.agents[1].name = "a1";
  expect_bad(s, "declared twice");
  s = CoreHarness::DefaultSettings();
  s.agents[0].queues.push_back({QueueId{0}, 2});  // a member of "sales" at tiers 1 and 2
  expect_bad(s, "member of queue 'sales' twice");
}

}  // namespace
}  // namespace sb::core
