// Traffic written to break the simulator (issue 8): rates so small that the next arrival lies
// past the range of a time, draws from heavy tails, volumes that would run for days.

#include <gtest/gtest.h>

#include "sim/random.h"
#include "sim/simulator.h"

namespace sb::sim {
namespace {

SimSettings OneQueue(std::vector<double> calls_per_hour) {
  SimSettings s;
  s.engine.queues.push_back({});
  s.engine.queues[0].name = "q";
  s.engine.queues[0].wrap_up = 0s;
  for (int i = 0; i < 3; ++i) {
    s.engine.agents.push_back({"a" + std::to_string(i), {}, {{QueueId{0}, 1}}, {}, false, ""});
    s.always_on.push_back(AgentId{static_cast<std::uint32_t>(i)});
  }
  Stream st;
  st.name = "q";
  st.queue = QueueId{0};
  st.arrivals.interval = 1h;
  st.arrivals.calls = std::move(calls_per_hour);
  st.handle_time = {Distribution::Kind::kExponential, 60s, 1};
  s.streams = {st};
  s.length = 24h;
  s.report_interval = 1h;
  return s;
}

TEST(SimHostile, AnIntervalWithATinyRateNeitherOverflowsTimeNorHangs) {
  // 1e-300 calls an hour: the exponential draw is ~1e303 s, far past what a Time holds. It used
  // to wrap to a time in the past and schedule arrivals without end.
  std::vector<double> calls(24, 1e-300);
  calls[12] = 30;
  auto r = sim::Run(OneQueue(calls));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->replications[0].total.offered, 10);
  EXPECT_LT(r->replications[0].total.offered, 60);
  EXPECT_EQ(r->replications[0].rejected_inputs, 0u);
}

TEST(SimHostile, DrawsFromHugeMeansAreCappedNotWrapped) {
  // A mean near the end of a Duration's range: a tenth of the draws lie past it, and converting
  // them wrapped to negative durations (undefined behaviour).
  Sampler sampler(7);
  for (const Distribution& d :
       {Distribution{Distribution::Kind::kExponential, Duration::max() / 2, 1},
        Distribution{Distribution::Kind::kLognormal, Duration::max() / 2, 10}}) {
    for (int i = 0; i < 1000; ++i) {
      const Duration x = sampler.Draw(d);
      ASSERT_GE(x, Duration{0});
      ASSERT_LE(x, kMaxDraw);
    }
  }
}

TEST(SimHostile, ARunOfAbsurdVolumeIsRefusedSayingWhy) {
  SimSettings s = OneQueue(std::vector<double>(24, 2e6));  // 48 M calls a day
  s.length = std::chrono::hours(24 * 700);
  auto r = sim::Run(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected calls"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("days"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace sb::sim
