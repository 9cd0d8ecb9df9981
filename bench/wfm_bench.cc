// wfm benchmarks: Erlang C and A at 2,000 agents, sizing at 500 E, a week's shift schedule.
// Run: scripts/build.sh release --target wfm_bench && ./build/release/bench/wfm_bench

#include <benchmark/benchmark.h>

#include <cmath>

#include "wfm/erlang.h"
#include "wfm/schedule.h"
#include "wfm/shift_templates.h"
#include "wfm/staffing.h"

namespace {

using namespace sb::wfm;

void BM_ErlangC_N2000(benchmark::State& state) {
  for (auto _ : state) {
    auto r = ErlangC({1950.0 / 300, 300, 2000, 20});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ErlangC_N2000);

void BM_ErlangA_N2000(benchmark::State& state) {
  const double load = static_cast<double>(state.range(0));
  for (auto _ : state) {
    auto r = ErlangA({load / 300, 300, 180, 2000, 20});
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel("A=" + std::to_string(state.range(0)) + " E, patience 180 s, t 20 s");
}
BENCHMARK(BM_ErlangA_N2000)->Arg(1950)->Arg(2000)->Arg(2500)->Unit(benchmark::kMicrosecond);

void BM_Sizing_500E(benchmark::State& state) {
  const double patience = static_cast<double>(state.range(0));
  for (auto _ : state) {
    auto r = RequiredAgents(500.0 / 300, 300, {0.8, 20, 1.0, 0.3, patience});
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(patience > 0 ? "Erlang A" : "Erlang C");
}
BENCHMARK(BM_Sizing_500E)->Arg(0)->Arg(180)->Unit(benchmark::kMicrosecond);

// A week of 30-minute periods with a business-day curve, 5x8 and 4x10 patterns starting every
// 30 minutes (672 templates x 336 periods).
void BM_WeekSchedule(benchmark::State& state) {
  std::vector<int> required(7 * 48);
  for (std::size_t p = 0; p < required.size(); ++p) {
    const double hour = static_cast<double>(p % 48) / 2;
    const double day_scale = p / 48 < 5 ? 1.0 : 0.4;
    required[p] = static_cast<int>(
        std::ceil(day_scale * (8 + 60 * std::exp(-std::pow((hour - 11) / 3.5, 2)))));
  }
  auto templates = WeeklyTemplates({});
  double gap = 0, cost = 0;
  for (auto _ : state) {
    auto s =
        SolveSchedule({required, *templates, true, -1}, {static_cast<double>(state.range(0)), 0});
    if (!s.ok()) {
      state.SkipWithError(s.status().ToString().c_str());
      break;
    }
    gap = s->gap;
    cost = s->cost;
  }
  state.counters["gap_pct"] = gap * 100;
  state.counters["cost_h"] = cost;
}
BENCHMARK(BM_WeekSchedule)->Arg(5)->Arg(20)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
