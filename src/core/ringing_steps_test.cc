// Relax and maximum-wait steps that fall due while a contact rings apply as soon as it waits
// again; later steps keep their times (issue 9, defect 2).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::MakeAgent;
using testing::Only;

// "sales" needs fr at 3, lowered to 1 after 10 s and to nothing more after 30 s; a1 has fr 3,
// a2 has fr 1. Offers time out after 20 s.
EngineSettings FrenchQueue() {
  EngineSettings s;
  s.skills = {"fr", "en"};
  s.groups = {"backup"};
  QueueSettings q;
  q.name = "sales";
  q.requirements = {{SkillId{0}, 3}};
  RelaxStep lower;
  lower.after = 10s;
  lower.skill = SkillId{0};
  lower.min_proficiency = 1;
  RelaxStep group;
  group.after = 30s;
  group.kind = RelaxStep::Kind::kAddGroup;
  group.group = GroupId{0};
  q.relax = {lower, group};
  s.queues.push_back(q);
  QueueSettings other;
  other.name = "overflow";
  s.queues.push_back(other);
  s.agents.push_back(MakeAgent(s, "a1", {"sales"}, {{"fr", 3}}));
  s.agents.push_back(MakeAgent(s, "a2", {"sales"}, {{"fr", 1}}));
  s.agents.push_back(MakeAgent(s, "b1", {}, {{"fr", 1}}));
  s.agents.back().groups = {GroupId{0}};
  return s;
}

TEST(RingingSteps, ARelaxStepDueWhileRingingAppliesWhenTheOfferTimesOut) {
  CoreHarness h(FrenchQueue());
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Login("a2").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_EQ(h.OfferedTo(1), "a1");
  h.Advance(20s);
  h.TakeEvents();
  ASSERT_TRUE(h.Tick().ok());
  const auto relaxed = Only<RequirementRelaxed>(h.Events());
  ASSERT_EQ(relaxed.size(), 1u);
  EXPECT_EQ(relaxed[0].level, 1);
  EXPECT_EQ(h.OfferedTo(1), "a2");
}

TEST(RingingSteps, ARelaxStepDueWhileRingingAppliesWhenTheOfferIsDeclinedAndLaterStepsKeepTime) {
  CoreHarness h(FrenchQueue());
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(15s);
  ASSERT_TRUE(h.Decline(1, "a1").ok());
  ASSERT_EQ(Only<RequirementRelaxed>(h.Events()).size(), 1u);
  EXPECT_EQ(h.engine().NextDeadline(), h.start() + 30s);  // the group step keeps its time
  h.Advance(15s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(Only<RequirementRelaxed>(h.Events()).size(), 2u);
  ASSERT_TRUE(h.Login("b1").ok());
  EXPECT_EQ(h.OfferedTo(1), "b1");
}

TEST(RingingSteps, AMaximumWaitReachedWhileRingingAppliesWhenTheOfferTimesOut) {
  EngineSettings s = FrenchQueue();
  s.queues[0].relax.clear();
  s.queues[0].max_wait = 40s;
  s.queues[0].offer_timeout = 50s;
  s.queues[0].when_max_wait = {Fallback::Action::kOverflowQueue, QueueId{1}};
  CoreHarness h(s);
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(50s);
  ASSERT_TRUE(h.Tick().ok());
  const auto moved = Only<ContactMoved>(h.Events());
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].reason, MoveReason::kMaxWait);
  EXPECT_EQ(moved[0].to, h.queue("overflow"));
}

TEST(RingingSteps, ASpentMaximumWaitDoesNotHideARelaxStepDueAfterIt) {
  EngineSettings s = FrenchQueue();
  s.queues[0].relax.resize(1);
  s.queues[0].relax[0].after = 45s;
  s.queues[0].max_wait = 40s;
  s.queues[0].max_length = 0;
  s.queues[0].offer_timeout = 50s;
  s.queues[1].max_length = 1;  // the overflow queue is full: the maximum wait is spent
  s.queues[0].when_max_wait = {Fallback::Action::kOverflowQueue, QueueId{1}};
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(9, "overflow").ok());
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(50s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_TRUE(Only<ContactMoved>(h.Events()).empty());
  EXPECT_EQ(Only<RequirementRelaxed>(h.Events()).size(), 1u);
}

}  // namespace
}  // namespace sb::core
