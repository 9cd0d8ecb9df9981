// The simulator against queueing theory: M/M/N (Erlang C) for loads from light to heavy, N from
// 1 to 500; the formula must fall inside the simulation's 95 % confidence interval.

#include <gtest/gtest.h>

#include <cmath>

#include "core/testing/harness.h"
#include "sim/simulator.h"

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
  double load;  // Erlangs
};

class MMN : public ::testing::TestWithParam<Case> {};

TEST_P(MMN, ServiceLevelAndAsaMatchErlangC) {
  const Case c = GetParam();
  const double aht = 60;  // seconds
  const double threshold = 20;
  SimSettings s;
  s.engine.queues.push_back({});
  s.engine.queues[0].name = "q";
  s.engine.queues[0].wrap_up = 0s;
  s.engine.queues[0].service_level_threshold = 20s;
  for (int i = 0; i < c.agents; ++i) {
    s.engine.agents.push_back({"a" + std::to_string(i), {}, {{QueueId{0}, 1}}, {}});
    s.always_on.push_back(AgentId{static_cast<std::uint32_t>(i)});
  }
  Stream st;
  st.name = "q";
  st.queue = QueueId{0};
  st.arrivals.interval = 1h;
  const double calls_per_hour = c.load / aht * 3600;
  st.arrivals.calls = {calls_per_hour};
  st.handle_time = {Distribution::Kind::kExponential, FromSeconds(aht), 1};
  s.streams = {st};
  // About 25,000 calls per replication after a warm-up hour that is left out.
  const int hours = 1 + static_cast<int>(std::ceil(25000 / calls_per_hour));
  s.length = std::chrono::hours(hours);
  s.report_interval = 1h;
  s.replications = 8;
  s.seed = 1000 + c.agents;
  auto r = sim::Run(s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();

  std::vector<double> sl, asa;
  for (const auto& rep : r->replications) {
    core::IntervalStats steady;
    for (std::size_t i = 1; i < rep.intervals.size(); ++i) steady.Merge(rep.intervals[i].stats);
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
