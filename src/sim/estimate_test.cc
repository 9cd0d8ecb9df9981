// The wait estimate (core/wait_estimate.h) against the waits that followed, in simulated days:
// how often the actual wait of a caller who queued falls inside the announced 80 % band, and the
// mean absolute error. `Estimate.DISABLED_Survey` prints both for every scenario below
// (sim_test --gtest_also_run_disabled_tests --gtest_filter='Estimate.DISABLED_Survey').

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/testing/harness.h"
#include "sim/simulator.h"

namespace sb::sim {
namespace {

struct Scenario {
  std::string name;
  int agents = 10;
  double load = 8;  // Erlangs
  Distribution handle{Distribution::Kind::kExponential, 60s, 1};
  double patience = 0;  // mean seconds, exponential; 0: callers never abandon
  // Agents work 8-hour shifts in three groups, each group taking a 15-minute and a 30-minute
  // break together; otherwise every agent is on duty all day.
  bool shifts = false;
  Duration length = 8h;
  int replications = 12;
  bool plan_known = true;  // SimSettings::plan_known
};

SimSettings Build(const Scenario& c) {
  SimSettings s;
  s.engine.queues.push_back({});
  s.engine.queues[0].name = "q";
  s.engine.queues[0].wrap_up = 0s;
  for (int i = 0; i < c.agents; ++i) {
    s.engine.agents.push_back({"a" + std::to_string(i), {}, {{QueueId{0}, 1}}, {}, false, ""});
    const AgentId id{static_cast<std::uint32_t>(i)};
    if (!c.shifts) {
      s.always_on.push_back(id);
      continue;
    }
    Shift sh;
    sh.agent = id;
    sh.start_minute = 0;
    sh.length_minutes = static_cast<int>(c.length / 1min);
    const int group = i % 3;
    sh.breaks = {{90 + 20 * group, 15}, {240 + 40 * group, 30}};
    s.shifts.push_back(sh);
  }
  Stream st;
  st.name = "q";
  st.queue = QueueId{0};
  st.arrivals.interval = 1h;
  st.arrivals.calls = {c.load / Seconds(c.handle.mean) * 3600};
  st.handle_time = c.handle;
  if (c.patience > 0) st.patience = {Distribution::Kind::kExponential, FromSeconds(c.patience), 1};
  s.streams = {st};
  s.length = c.length;
  s.replications = c.replications;
  s.plan_known = c.plan_known;
  s.seed = 77;
  return s;
}

// The scenario of Sim.AbandonmentAndWaitEstimateAccuracyAreMeasured (sim_test.cc).
SimSettings SmallWithPatience() {
  SimSettings s;
  s.engine = core::testing::CoreHarness::DefaultSettings();
  s.engine.queues[0].wrap_up = 0s;
  Stream st;
  st.name = "sales";
  st.queue = QueueId{0};
  st.arrivals.interval = 30min;
  st.arrivals.calls.assign(48, 20.0);
  st.handle_time = {Distribution::Kind::kExponential, 240s, 1};
  st.patience = {Distribution::Kind::kExponential, 120s, 1};
  s.streams = {st};
  s.always_on = {AgentId{0}, AgentId{1}, AgentId{2}};
  s.length = 24h;
  s.seed = 11;
  s.replications = 3;
  return s;
}

const Distribution kExp60{Distribution::Kind::kExponential, 60s, 1};
const Distribution kLognormal300{Distribution::Kind::kLognormal, 300s, 0.8};

std::vector<Scenario> Scenarios() {
  return {
      {"mmn_n5", 5, 4.0, kExp60},
      {"mmn_n20", 20, 17.0, kExp60},
      {"mmn_n100", 100, 92.0, kExp60},
      {"mmnm_n10", 10, 9.5, kExp60, 90},
      {"mmnm_n50", 50, 52.0, kExp60, 60},
      {"lognormal_cv0.5", 20, 18.0, {Distribution::Kind::kLognormal, 300s, 0.5}, 180},
      {"lognormal_cv1.5", 20, 18.0, {Distribution::Kind::kLognormal, 300s, 1.5}, 180},
      {"breaks_n30", 30, 25.0, kLognormal300, 240, true},
      {"breaks_n30_no_plan", 30, 25.0, kLognormal300, 240, true, 8h, 12, false},
  };
}

void Print(const std::string& name, const SimSummary& m) {
  std::printf(
      "%-18s queued %4.1f %%  coverage all %5.1f %%  queued %5.1f %%  MAE all %6.1f s  "
      "queued %6.1f s\n",
      name.c_str(), 100 * m.queued_share, 100 * m.wait_band_coverage.mean,
      100 * m.queued_band_coverage.mean, m.wait_mae.mean, m.queued_wait_mae.mean);
}

TEST(Estimate, DISABLED_Survey) {
  auto small = sim::Run(SmallWithPatience());
  ASSERT_TRUE(small.ok());
  Print("sim_test_small", small->summary);
  for (const Scenario& c : Scenarios()) {
    auto r = sim::Run(Build(c));
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    Print(c.name, r->summary);
  }
}

// The band holds 80 % of the waits of the callers who queue (those who hear it), within 4 points
// below and 6 above (about 3 and 4 standard errors over these runs' 3,000 to 14,000 queued
// callers; handle times less variable than exponential ones, as in breaks_n30 and the demo,
// give some 83 %), and the error is held to 1.4 times the value measured (bench/RESULTS.md,
// "Wait estimate accuracy"). Checked: the lognormal band used before fails the first two (0.73,
// 0.75), the band without the learnt rate's uncertainty fails the third (0.74), a band of half
// the width or an estimate 1.5 times too long fails the first two.
TEST(Estimate, BandCoversEightyPercentOfQueuedCallers) {
  struct Expected {
    Scenario scenario;
    double queued_mae;  // seconds, as measured
  };
  for (const Expected& e : {Expected{{"mmnm_n10", 10, 9.5, kExp60, 90}, 7.1},
                            Expected{{"breaks_n30", 30, 25.0, kLognormal300, 240, true}, 15.5},
                            Expected{{"mmn_n100", 100, 92.0, kExp60, 0, false, 2h}, 1.7}}) {
    Scenario c = e.scenario;
    c.replications = 4;
    auto r = sim::Run(Build(c));
    ASSERT_TRUE(r.ok()) << c.name;
    const SimSummary& m = r->summary;
    Print(c.name, m);
    EXPECT_GT(m.queued_band_coverage.mean, 0.76) << c.name;
    EXPECT_LT(m.queued_band_coverage.mean, 0.86) << c.name;
    EXPECT_LT(m.queued_wait_mae.mean, 1.4 * e.queued_mae) << c.name;
  }
}

// Told the shifts and breaks ahead (Engine::SetStaffingPlan), the estimate counts on the agents
// who come back during a wait: the queued callers' error drops from 17.1 s to 15.5 s here, and
// from 74.8 s to 7 s for the demo's callers during whose wait more agents came on duty.
TEST(Estimate, KnowingTheShiftsAndBreaksLowersTheError) {
  Scenario c{"breaks_n30", 30, 25.0, kLognormal300, 240, true};
  c.replications = 4;
  auto known = sim::Run(Build(c));
  c.plan_known = false;
  auto unknown = sim::Run(Build(c));
  ASSERT_TRUE(known.ok() && unknown.ok());
  EXPECT_LT(known->summary.queued_wait_mae.mean, 0.95 * unknown->summary.queued_wait_mae.mean);
  EXPECT_LT(known->summary.wait_mae.mean, 0.95 * unknown->summary.wait_mae.mean);
}

}  // namespace
}  // namespace sb::sim
