// Staffing: the smallest N meeting the target, with occupancy and shrinkage, Erlang C and A.

#include "wfm/staffing.h"

#include <gtest/gtest.h>

#include "wfm/erlang.h"

namespace sb::wfm {
namespace {

TEST(Staffing, RequiredIsTheFirstNMeetingTheTarget) {
  // C-01/C-02: 13 agents give 79.6 %, 14 give 88.8 % at 80/20.
  auto s = RequiredAgents(100.0 / 1800, 180, {0.8, 20, 1.0, 0.3});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->required_agents, 14);
  EXPECT_EQ(s->scheduled_with_shrinkage, 20);  // ceil(14 / 0.7)
  EXPECT_NEAR(s->service_level, 0.8883500191794669, 1e-12);
  auto higher = RequiredAgents(100.0 / 1800, 180, {0.9, 20, 1.0, 0});
  ASSERT_TRUE(higher.ok());
  EXPECT_EQ(higher->required_agents, 15);
}

TEST(Staffing, MaxOccupancyCapsTheLoadPerAgent) {
  auto free = RequiredAgents(100.0 / 300, 300, {0.5, 60, 1.0, 0});
  auto capped = RequiredAgents(100.0 / 300, 300, {0.5, 60, 0.8, 0});
  ASSERT_TRUE(free.ok() && capped.ok());
  EXPECT_LT(free->required_agents, 125);
  EXPECT_EQ(capped->required_agents, 125);  // 100 E / 0.8
  EXPECT_LE(capped->occupancy, 0.8);
}

TEST(Staffing, ZeroCallsNeedNobody) {
  auto s = RequiredAgents(0, 0, {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->required_agents, 0);
  EXPECT_EQ(s->scheduled_with_shrinkage, 0);
}

TEST(Staffing, ErlangANeedsNoMoreThanErlangCAndMeetsItsTarget) {
  StaffingTarget t{0.8, 20, 1.0, 0, 120};
  auto a = RequiredAgents(48.0 / 60, 60, t);
  t.mean_patience = 0;
  auto c = RequiredAgents(48.0 / 60, 60, t);
  ASSERT_TRUE(a.ok() && c.ok());
  EXPECT_LE(a->required_agents, c->required_agents);
  EXPECT_GE(a->service_level, 0.8);
  auto below = ErlangA({48.0 / 60, 60, 120, a->required_agents - 1, 20});
  ASSERT_TRUE(below.ok());
  EXPECT_LT(below->sl_answered_within_t_over_offered, 0.8);
  EXPECT_GT(a->p_abandon, 0);
}

TEST(Staffing, SizingAtTwoThousandErlangsTerminates) {
  auto c = RequiredAgents(2000.0 / 300, 300, {0.8, 20, 1.0, 0.3});
  ASSERT_TRUE(c.ok());
  EXPECT_GT(c->required_agents, 2000);
  EXPECT_LT(c->required_agents, 2100);
  auto a = RequiredAgents(2000.0 / 300, 300, {0.8, 20, 1.0, 0.3, 180});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  // Callers abandon, so Erlang A may staff below the load (efficiency-driven regime).
  EXPECT_GT(a->required_agents, 1700);
  EXPECT_LE(a->required_agents, c->required_agents);
  auto below = ErlangA({2000.0 / 300, 300, 180, a->required_agents - 1, 20});
  ASSERT_TRUE(below.ok());
  EXPECT_LT(below->sl_answered_within_t_over_offered, 0.8);
}

TEST(Staffing, ImpossibleTargetsAreInvalidArguments) {
  const auto code = [](double sl, double t, double occ, double shrink) {
    return RequiredAgents(1, 300, {sl, t, occ, shrink}).status().code();
  };
  EXPECT_EQ(code(1.0, 0, 1, 0), StatusCode::kInvalidArgument);  // 100 % within 0 s
  EXPECT_EQ(code(1.0, 20, 1, 0), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(0.0, 20, 1, 0), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(0.8, -1, 1, 0), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(0.8, 20, 0, 0), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(0.8, 20, 1, 1.0), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(0.8, 20, 1, -0.1), StatusCode::kInvalidArgument);
  EXPECT_EQ(RequiredAgents(-1, 300, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RequiredAgents(1, 0, {}).status().code(), StatusCode::kInvalidArgument);
  auto msg = RequiredAgents(1, 300, {1.0, 0, 1, 0}).status().message();
  EXPECT_NE(msg.find("target_service_level"), std::string::npos) << msg;
}

TEST(Staffing, PerIntervalNamesTheFailingInterval) {
  auto ok = RequiredAgentsPerInterval({{100, 180}, {0, 0}, {200, 180}}, 1800, {});
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok->size(), 3u);
  EXPECT_EQ((*ok)[0].required_agents, 14);
  EXPECT_EQ((*ok)[1].required_agents, 0);
  EXPECT_GT((*ok)[2].required_agents, 14);
  auto bad = RequiredAgentsPerInterval({{100, 180}, {10, 0}}, 1800, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("interval 1"), std::string::npos);
}

}  // namespace
}  // namespace sb::wfm
