// The wait estimate's model (wait_estimate.h) against the distributions it stands for: its band
// must hold 80 % of them, not only look wider than the mean.

#include "core/wait_estimate.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/testing/harness.h"

namespace sb::core {
namespace {

// P(X <= x) for X ~ Erlang(k, rate 1).
double ErlangCdf(int k, double x) {
  double term = 1;
  double sum = 0;
  for (int i = 0; i < k; ++i) {
    sum += term;
    term *= x / (i + 1);
  }
  return 1 - std::exp(-x) * sum;
}

// The probability that an Erlang(k) wait of this mean falls inside the estimate's band.
double Coverage(const WaitEstimate& e, int k) {
  const double scale = Seconds(e.mean) / k;  // the mean of one step
  return ErlangCdf(k, Seconds(e.high) / scale) - ErlangCdf(k, Seconds(e.low) / scale);
}

TEST(WaitModel, TheBandHoldsEightyPercentOfOneExponentialStep) {
  // One agent at 100 s a contact, nobody ahead: the wait is exponential with mean 100 s. (A
  // lognormal band of the same mean and variance, used before, held 66 %.)
  const WaitEstimate e = EstimateWait({1, 100, 0, 0}, 0);
  EXPECT_EQ(e.mean, 100s);
  const double below = 1 - std::exp(-Seconds(e.low) / 100);
  const double above = std::exp(-Seconds(e.high) / 100);
  EXPECT_NEAR(below, 0.10, 0.015);
  EXPECT_NEAR(above, 0.10, 0.015);
}

TEST(WaitModel, TheBandHoldsEightyPercentOfAnErlangWaitAndALittleMoreForTheLearntRate) {
  // 10 agents, k - 1 callers ahead: k steps of 30 s, an Erlang(k) wait. The band also holds
  // the learnt handle time's uncertainty (relative variance 0.0256), so it holds more than 80 %
  // of the wait at the exact rate: a little more for a short queue, where the wait's own
  // relative variance 1 / k is much larger, and 93 % at k = 40, where the two are alike.
  for (int k : {2, 5, 10, 40}) {
    const WaitEstimate e = EstimateWait({10, 300, 0, 0}, static_cast<std::uint32_t>(k - 1));
    EXPECT_NEAR(Seconds(e.mean), 30.0 * k, 0.01);
    EXPECT_GT(Coverage(e, k), 0.80) << k;
    EXPECT_LT(Coverage(e, k), k <= 10 ? 0.86 : 0.95) << k;
  }
}

TEST(WaitModel, TheCallersOwnPatienceShortensTheWaitOfThoseAnswered) {
  // One agent at 100 s; callers leave at 1 % a second. An answered caller with nobody ahead
  // waited 1 / (0.01 + 0.01) = 50 s on average; with one ahead, 50 s + 1 / (0.01 + 0.02).
  EXPECT_EQ(EstimateWait({1, 100, 0.01, 0}, 0).mean, 50s);
  EXPECT_NEAR(Seconds(EstimateWait({1, 100, 0.01, 0}, 1).mean), 50 + 100.0 / 3, 0.01);
  // The ring time is added to the mean and to both ends of the band.
  const WaitEstimate ring = EstimateWait({1, 100, 0.01, 4}, 0);
  const WaitEstimate none = EstimateWait({1, 100, 0.01, 0}, 0);
  EXPECT_EQ(ring.mean - none.mean, 4s);
  EXPECT_EQ(ring.low - none.low, 4s);
  EXPECT_EQ(ring.high - none.high, 4s);
}

// One agent, a1, on a call (300 s expected handle time, no ring time, no abandons) and one
// caller waiting behind it.
struct OneBusyAgent {
  testing::CoreHarness h;
  OneBusyAgent() {
    EXPECT_TRUE(h.Login("a1").ok());
    EXPECT_TRUE(h.Enqueue(100, "sales").ok());
    EXPECT_TRUE(h.Accept(100, "a1").ok());
    EXPECT_TRUE(h.Enqueue(1, "sales").ok());
  }
  WaitEstimate Estimate() { return h.engine().EstimateWait(ContactId{1}).value(); }
  AgentId Agent(const char* name) { return h.agent(name); }
};

TEST(StaffingPlan, AnAgentPlannedToComeOnDutyTakesTheCallerWhenItComes) {
  OneBusyAgent x;
  EXPECT_EQ(x.Estimate().mean, 300s);  // no plan: a1 alone, the whole wait
  const Time now = x.h.now();
  const PlannedDuty plan[] = {{x.Agent("a1"), now - 1h, now + 8h},
                              {x.Agent("a2"), now + 60s, now + 8h}};
  x.h.engine().SetStaffingPlan(plan);
  // a2 comes at 60 s and takes the caller then, unless a1 is done first.
  const WaitEstimate e = x.Estimate();
  EXPECT_EQ(e.mean, 60s);
  EXPECT_EQ(e.high, 60s);
  EXPECT_GT(e.low, 0s);
  EXPECT_LT(e.low, 60s);
  // A plan the agents' states contradict counts for nothing: a2 is planned on duty from now,
  // but has not logged in, and a3's planned duty ended.
  const PlannedDuty late[] = {{x.Agent("a2"), now - 10s, now + 8h},
                              {x.Agent("a3"), now - 8h, now - 1s}};
  x.h.engine().SetStaffingPlan(late);
  EXPECT_EQ(x.Estimate().mean, 300s);
}

TEST(StaffingPlan, AnAgentPlannedToLeaveServesUntilThen) {
  testing::CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Login("a2").ok());
  for (std::uint64_t c : {100, 101}) ASSERT_TRUE(h.Enqueue(c, "sales").ok());
  ASSERT_TRUE(h.Accept(100, h.OfferedTo(100)).ok());
  ASSERT_TRUE(h.Accept(101, h.OfferedTo(101)).ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  EXPECT_EQ(h.engine().EstimateWait(ContactId{1})->mean, 150s);  // two agents
  const PlannedDuty plan[] = {{h.agent("a1"), h.now() - 1h, h.now() + 8h},
                              {h.agent("a2"), h.now() - 1h, h.now() + 30s}};
  h.engine().SetStaffingPlan(plan);
  // 300 agent-seconds of work: 60 by the time a2 leaves at 30 s, the rest by a1 alone.
  EXPECT_EQ(h.engine().EstimateWait(ContactId{1})->mean, 30s + 240s);
}

TEST(StaffingPlan, IsNotInACheckpointAndIsGivenAgainAfterRestore) {
  OneBusyAgent x;
  const Time now = x.h.now();
  const PlannedDuty plan[] = {{x.Agent("a2"), now + 60s, now + 8h}};
  x.h.engine().SetStaffingPlan(plan);
  ASSERT_EQ(x.Estimate().mean, 60s);
  auto restored = Engine::Restore(x.h.settings(), x.h.engine().Snapshot(), {});
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ((*restored)->EstimateWait(ContactId{1})->mean, 300s);
  (*restored)->SetStaffingPlan(plan);
  EXPECT_EQ((*restored)->EstimateWait(ContactId{1})->mean, 60s);
  EXPECT_EQ((*restored)->StateDigest(), x.h.engine().StateDigest());
}

}  // namespace
}  // namespace sb::core
