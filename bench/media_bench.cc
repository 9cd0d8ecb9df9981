// The media engine alone, on loopback: N legs hearing looped hold music, each 50 packets a second,
// for a few seconds of wall time; what it costs in CPU per packet, and how many ticks were late,
// with io_uring and with sendmmsg. No SIP, no load generator: the receivers are sockets nobody
// reads (the kernel still delivers to them and then drops), as the SIPp callers of the hold-music
// load run are. Results: bench/RESULTS.md.
//
//   build/release/bench/media_bench --benchmark_filter=HoldMusic

#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "media/engine.h"

namespace sb::media {
namespace {

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Sink {  // a bound UDP socket nobody reads
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  std::uint16_t port = 0;
  Sink() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    port = ntohs(a.sin_port);
  }
  ~Sink() { close(fd); }
};

// Args: legs, media threads, 1 = io_uring (auto) / 0 = sendmmsg.
void BM_HoldMusic(benchmark::State& state) {
  const auto legs = static_cast<std::size_t>(state.range(0));
  Options o;
  o.address = "127.0.0.1";
  o.port_min = 30000;
  o.port_max = 59999;
  o.max_legs = legs + 10;
  o.threads = static_cast<std::size_t>(state.range(1));
  o.send = state.range(2) ? SendMode::kAuto : SendMode::kSendmmsg;
  o.no_rtp_timeout = std::chrono::hours(1);
  rlimit files{};  // a socket per leg
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  Engine engine(o, [](const Event&) {});
  if (!engine.Start().ok()) {
    state.SkipWithError("the media engine did not start");
    return;
  }
  if (state.range(2) != 0 && engine.stats().io_uring_threads == 0) {
    state.SkipWithError("io_uring is not available on this machine");
    return;
  }
  std::vector<std::int16_t> tone(8000);
  for (std::size_t i = 0; i < tone.size(); ++i) tone[i] = static_cast<std::int16_t>((i % 40) * 400);
  const auto clip = Clip::FromLinear(std::move(tone));
  Sink sink;
  for (std::size_t i = 0; i < legs; ++i) {
    auto leg = engine.Open();
    if (!leg.ok()) {
      state.SkipWithError("could not open a leg (file descriptors? ulimit -n)");
      return;
    }
    (void)engine.SetRemote(leg->leg, {"127.0.0.1", sink.port, Codec::kPcmu, 101, {}});
    (void)engine.Play(leg->leg, {clip}, true);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // every leg playing
  for (auto _ : state) {
    const auto before = engine.stats();
    const double cpu0 = ProcessCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = ProcessCpuSeconds() - cpu0;
    const auto after = engine.stats();
    const double sent = static_cast<double>(after.packets_sent - before.packets_sent);
    state.counters["packets_per_s"] = sent / wall;
    state.counters["expected_per_s"] = 50.0 * static_cast<double>(legs);
    state.counters["cpu_pct"] = 100.0 * cpu / wall;
    state.counters["cpu_us_per_packet"] = sent > 0 ? 1e6 * cpu / sent : 0;
    state.counters["late_ticks_per_s"] =
        static_cast<double>(after.late_ticks - before.late_ticks) / wall;
  }
}
BENCHMARK(BM_HoldMusic)
    ->ArgNames({"legs", "threads", "io_uring"})
    ->Args({1000, 1, 0})
    ->Args({1000, 1, 1})
    ->Args({5000, 1, 0})
    ->Args({5000, 1, 1})
    ->Args({10000, 2, 0})
    ->Args({10000, 2, 1})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace sb::media
BENCHMARK_MAIN();
