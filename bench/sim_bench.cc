// Simulator throughput: a center taking 1,000,000 calls a day (flat profile, AHT 300 s,
// patience 180 s, 3,600 agents in 10 queues), simulated for state.range(0) hours on one core.
// Reports simulated calls and engine events per second of wall time, and the projected wall
// time for one simulated year.
//   ./build/release/bench/sim_bench

#include <benchmark/benchmark.h>

#include <cstdlib>

#include "sim/simulator.h"

namespace {

using namespace sb;

sim::SimSettings MillionADay(int hours) {
  sim::SimSettings s;
  const int queues = 10, agents = 3600;
  for (int q = 0; q < queues; ++q) {
    core::QueueSettings qs;
    qs.name = "q" + std::to_string(q);
    qs.wrap_up = 0s;
    s.engine.queues.push_back(qs);
    sim::Stream st;
    st.name = qs.name;
    st.queue = QueueId{static_cast<std::uint32_t>(q)};
    st.arrivals.interval = std::chrono::hours(1);
    st.arrivals.calls = {1000000.0 / 24 / queues};
    st.handle_time = {sim::Distribution::Kind::kExponential, 300s, 1};
    st.patience = {sim::Distribution::Kind::kExponential, 180s, 1};
    s.streams.push_back(st);
  }
  for (int a = 0; a < agents; ++a) {
    core::AgentSettings as;
    as.name = "a" + std::to_string(a);
    as.queues = {{QueueId{static_cast<std::uint32_t>(a % queues)}, 1},
                 {QueueId{static_cast<std::uint32_t>((a + 1) % queues)}, 2}};
    s.engine.agents.push_back(as);
    s.always_on.push_back(AgentId{static_cast<std::uint32_t>(a)});
  }
  s.length = std::chrono::hours(hours);
  s.report_interval = 1h;
  return s;
}

void BM_SimulateMillionCallsADay(benchmark::State& state) {
  const sim::SimSettings s = MillionADay(static_cast<int>(state.range(0)));
  double calls = 0, events = 0;
  for (auto _ : state) {
    auto r = sim::Run(s);
    calls += static_cast<double>(r->replications[0].total.offered);
    events += static_cast<double>(r->replications[0].engine_events + r->replications[0].sim_events);
  }
  state.counters["calls_per_s"] = benchmark::Counter(calls, benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["sim_hours"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_SimulateMillionCallsADay)
    ->Arg(24)
    ->Arg(4)
    ->Arg(168)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace

// SB_BENCH_YEAR=1 adds the whole simulated year (8,760 hours, about 10 minutes): the goal
// measured directly instead of projected from a day or a week.
int main(int argc, char** argv) {
  if (std::getenv("SB_BENCH_YEAR") != nullptr) {
    benchmark::RegisterBenchmark("BM_SimulateMillionCallsADay/8760", BM_SimulateMillionCallsADay)
        ->Arg(8760)
        ->Unit(benchmark::kSecond)
        ->Iterations(1);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
