// The simulator against queueing theory: M/M/N (Erlang C) and M/M/N+M (Erlang A, from wfm) for
// loads from light to heavy, N from 1 to 500; the formula must fall inside the simulation's 95 %
// confidence interval (widened by half and a small floor, see below).

#include <gtest/gtest.h>

#include <cmath>

#include "core/testing/harness.h"
#include "sim/simulator.h"
#include "wfm/erlang.h"

namespace sb::sim {
namespace {

// Erlang C probability of waiting, by the stable Erlang B recurrence (independent of wfm, so the
// two implementations check each other).
double ErlangC(int n, double a) {
  double b = 1.0;
  for (int k = 1; k <= n; ++k) b = a * b / (k + a * b);
  return n * b / (n - a * (1 - b));
}

struct Case {
  int agents;
  double load;          // Erlangs
  double patience = 0;  // mean seconds; 0: callers never abandon (M/M/N)
};

SimSettings Build(const Case& c, double aht, int calls_per_rep, int reps) {
  SimSettings s;
  s.engine.queues.push_back({});
  s.engine.queues[0].name = "q";
  s.engine.queues[0].wrap_up = 0s;
  s.engine.queues[0].service_level_threshold = 20s;
  for (int i = 0; i < c.agents; ++i) {
    s.engine.agents.push_back({"a" + std::to_string(i), {}, {{QueueId{0}, 1}}, {}, false, ""});
    s.always_on.push_back(AgentId{static_cast<std::uint32_t>(i)});
  }
  Stream st;
  st.name = "q";
  st.queue = QueueId{0};
  st.arrivals.interval = 1h;
  const double calls_per_hour = c.load / aht * 3600;
  st.arrivals.calls = {calls_per_hour};
  st.handle_time = {Distribution::Kind::kExponential, FromSeconds(aht), 1};
  if (c.patience > 0) st.patience = {Distribution::Kind::kExponential, FromSeconds(c.patience), 1};
  s.streams = {st};
  // A warm-up hour that is left out, then about calls_per_rep calls.
  const int hours = 1 + static_cast<int>(std::ceil(calls_per_rep / calls_per_hour));
  s.length = std::chrono::hours(hours);
  s.report_interval = 1h;
  s.replications = reps;
  s.seed = 1000 + c.agents;
  return s;
}

core::IntervalStats Steady(const ReplicationResult& rep) {
  core::IntervalStats steady;
  for (std::size_t i = 1; i < rep.intervals.size(); ++i) steady.Merge(rep.intervals[i].stats);
  return steady;
}

class MMN : public ::testing::TestWithParam<Case> {};

TEST_P(MMN, ServiceLevelAndAsaMatchErlangC) {
  const Case c = GetParam();
  const double aht = 60;  // seconds
  const double threshold = 20;
  auto r = sim::Run(Build(c, aht, 25000, 8));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<double> sl, asa;
  for (const auto& rep : r->replications) {
    const core::IntervalStats steady = Steady(rep);
    sl.push_back(steady.ServiceLevel());
    asa.push_back(steady.Asa());
    EXPECT_EQ(rep.rejected_inputs, 0u);
  }
  const Estimate sim_sl = Summarize(sl);
  const Estimate sim_asa = Summarize(asa);
  const double pw = ErlangC(c.agents, c.load);
  const double exact_sl = 1 - pw * std::exp(-(c.agents - c.load) * threshold / aht);
  const double exact_asa = pw * aht / (c.agents - c.load);
  // The interval, widened by a small absolute floor for the lightest loads where it collapses.
  EXPECT_NEAR(sim_sl.mean, exact_sl, sim_sl.half_width * 1.5 + 0.002)
      << "N=" << c.agents << " A=" << c.load;
  EXPECT_NEAR(sim_asa.mean, exact_asa, sim_asa.half_width * 1.5 + 0.05)
      << "N=" << c.agents << " A=" << c.load;
}

INSTANTIATE_TEST_SUITE_P(Loads, MMN,
                         ::testing::Values(Case{1, 0.5}, Case{1, 0.8}, Case{5, 4.0}, Case{20, 17.0},
                                           Case{100, 92.0}, Case{500, 480.0}),
                         [](const auto& info) {
                           return "N" + std::to_string(info.param.agents) + "_A" +
                                  std::to_string(static_cast<int>(info.param.load * 10));
                         });

}  // namespace
}  // namespace sb::sim

namespace sb::sim {
namespace {

class MMNM : public ::testing::TestWithParam<Case> {};

TEST_P(MMNM, AbandonmentAndAsaMatchErlangA) {
  const Case c = GetParam();
  const double aht = 60;
  auto r = sim::Run(Build(c, aht, 25000, 8));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<double> abandon, asa;
  for (const auto& rep : r->replications) {
    const core::IntervalStats st = Steady(rep);
    abandon.push_back(static_cast<double>(st.abandoned) /
                      static_cast<double>(st.answered + st.abandoned));
    asa.push_back(st.Asa());
  }
  const Estimate sim_ab = Summarize(abandon);
  const Estimate sim_asa = Summarize(asa);
  auto exact = wfm::ErlangA({c.load / aht, aht, c.patience, c.agents, 20});
  ASSERT_TRUE(exact.ok());
  EXPECT_NEAR(sim_ab.mean, exact->p_abandon, sim_ab.half_width * 1.5 + 0.002)
      << "N=" << c.agents << " A=" << c.load;
  EXPECT_NEAR(sim_asa.mean, exact->asa_answered, sim_asa.half_width * 1.5 + 0.05)
      << "N=" << c.agents << " A=" << c.load;
}

INSTANTIATE_TEST_SUITE_P(Loads, MMNM,
                         ::testing::Values(Case{1, 0.8, 120}, Case{10, 9.5, 90}, Case{50, 52.0, 60},
                                           Case{200, 210.0, 120}),
                         [](const auto& info) {
                           return "N" + std::to_string(info.param.agents) + "_A" +
                                  std::to_string(static_cast<int>(info.param.load * 10));
                         });

}  // namespace
}  // namespace sb::sim
