// Store benchmarks: event-log appends per second through the group-commit writer (the path the
// server uses), on SQLite (WAL, synchronous=FULL: every commit is fsynced) and on a real
// PostgreSQL server started with fsync on. Goal: at least 200,000 appends a second on SQLite.
//   ./build/release/bench/store_bench

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "store/store.h"
#include "store/testing/postgres_server.h"
#include "store/writer.h"

namespace {

using namespace sb;

core::Event Offered(std::uint64_t i) {
  core::ContactOffered o{};
  o.at = FromMillis(1748822400000 + static_cast<std::int64_t>(i));
  o.contact = ContactId{i};
  o.agent = AgentId{static_cast<std::uint32_t>(i % 500)};
  o.queue = QueueId{static_cast<std::uint32_t>(i % 10)};
  o.offer = 1;
  o.expires = o.at + Duration(20000);
  o.why.considered = 12;
  o.why.shown = 2;
  return o;
}

void Appends(benchmark::State& state, const std::string& url) {
  const std::uint64_t n = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t total = 0, commits = 0;
  for (auto _ : state) {
    auto s = store::OpenStore(url);
    if (!s.ok()) {
      state.SkipWithError(s.status().ToString().c_str());
      return;
    }
    store::StoreWriter w(std::move(s).value(), store::WriterOptions{});
    std::uint64_t last = 0;
    for (std::uint64_t i = 0; i < n; ++i) last = w.Post(Offered(total + i + 1));
    if (!w.WaitDurable(last, std::chrono::minutes(5))) {
      state.SkipWithError("writes did not become durable");
      return;
    }
    total += n;
    commits += w.health().commits;
  }
  state.counters["appends_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
  state.counters["events_per_commit"] = static_cast<double>(total) / static_cast<double>(commits);
}

void BM_SqliteAppends(benchmark::State& state) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("sb-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Appends(state, "sqlite:" + (dir / "bench.db").string());
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SqliteAppends)
    ->Arg(200000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

void BM_PostgresAppends(benchmark::State& state) {
  static auto server = store::testing::PostgresServer::Start(/*durable=*/true);
  if (!server.ok()) {
    state.SkipWithError(server.status().ToString().c_str());
    return;
  }
  static int db = 0;
  auto url = (*server)->CreateDatabase("bench" + std::to_string(++db));
  if (!url.ok()) {
    state.SkipWithError(url.status().ToString().c_str());
    return;
  }
  Appends(state, *url);
}
BENCHMARK(BM_PostgresAppends)
    ->Arg(200000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
