// Agents reached through an add_group relax step must meet the requirement in force at the
// contact's level (lowered by lower_skill steps), unless the step waives it (issue 9, §2).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::MakeAgent;

// "fr" needs French at 3; after 10 s the "backoffice" group joins, after 20 s French at 1 is
// enough. b1 (French 1) has been ready longer than b2 (French 3).
EngineSettings Settings(bool waive) {
  EngineSettings s;
  s.skills = {"fr"};
  s.groups = {"backoffice"};
  QueueSettings q;
  q.name = "fr";
  q.requirements = {{SkillId{0}, 3}};
  RelaxStep group;
  group.after = 10s;
  group.kind = RelaxStep::Kind::kAddGroup;
  group.group = GroupId{0};
  group.waive_requirements = waive;
  RelaxStep lower;
  lower.after = 20s;
  lower.skill = SkillId{0};
  lower.min_proficiency = 1;
  q.relax = {group, lower};
  s.queues.push_back(q);
  for (auto [name, fr] : {std::pair{"b1", 1}, std::pair{"b2", 3}}) {
    s.agents.push_back(MakeAgent(s, name, {}, {{"fr", fr}}));
    s.agents.back().groups = {GroupId{0}};
  }
  return s;
}

TEST(AddGroup, GroupAgentsMustMeetTheRequirementInForce) {
  CoreHarness h(Settings(false));
  ASSERT_TRUE(h.Login("b1").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Login("b2").ok());
  ASSERT_TRUE(h.Enqueue(1, "fr").ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(1), "b2");
}

TEST(AddGroup, AGroupAgentBecomingReadyIsCheckedToo) {
  CoreHarness h(Settings(false));
  ASSERT_TRUE(h.Enqueue(1, "fr").ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());
  ASSERT_TRUE(h.Login("b1").ok());
  EXPECT_EQ(h.OfferedTo(1), "");
  h.Advance(10s);  // French at 1 is enough from now on
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(1), "b1");
}

TEST(AddGroup, AStepThatWaivesTheRequirementOffersToAnyGroupAgent) {
  CoreHarness h(Settings(true));
  ASSERT_TRUE(h.Login("b1").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Login("b2").ok());
  ASSERT_TRUE(h.Enqueue(1, "fr").ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(1), "b1");  // longest idle, French or not
}

}  // namespace
}  // namespace sb::core
