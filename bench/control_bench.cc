// The server core in process: commands per second through the Controller and through the
// JSON-lines translation, and checkpoints of a large center. Results: bench/RESULTS.md.

#include <benchmark/benchmark.h>

#include "control/controller.h"
#include "server/json_lines.h"

namespace sb {
namespace {

using namespace control;

// Counts writes and forgets them: the store's cost is measured in store_bench.
class CountingRecorder : public Recorder {
 public:
  std::uint64_t Append(const core::Event&) override { return ++tickets; }
  std::uint64_t Append(store::Cdr) override { return ++tickets; }
  std::uint64_t Append(store::AuditEntry) override { return ++tickets; }
  void OpenCase(cases::OpenRequest, std::function<void(Result<cases::Case>)>) override {
    ++tickets;
  }
  bool CanRecord() const override { return true; }
  std::uint64_t durable() const override { return tickets; }
  bool alarm() const override { return false; }
  std::uint64_t tickets = 0;
};

core::EngineSettings Center(int agents, int queues) {
  core::EngineSettings s;
  for (int q = 0; q < queues; ++q) {
    core::QueueSettings qs;
    qs.name = "q" + std::to_string(q);
    qs.wrap_up = Duration(0);
    s.queues.push_back(qs);
  }
  for (int a = 0; a < agents; ++a) {
    core::AgentSettings as;
    as.name = "agent" + std::to_string(a);
    as.queues.push_back({QueueId{static_cast<std::uint32_t>(a % queues)}, 1});
    s.agents.push_back(as);
  }
  return s;
}

const Time kT0 = FromMillis(1'795'420'800'000);

// One call's life as commands: enqueue (offered at once to a free agent), accept, hang up.
// Wrap-up is zero, so the agent is free again at once. 3 commands per call.
void BM_ControllerCommands(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  CountingRecorder rec;
  Controller ctl(core::Engine::Create(Center(agents, 1), kT0).value(), rec, 1, {});
  Time now = kT0;
  for (int a = 0; a < agents; ++a) {
    (void)ctl.Execute(Login{"agent" + std::to_string(a), ""}, now);
    (void)ctl.Execute(Ready{"agent" + std::to_string(a)}, now);
  }
  std::vector<std::string> names;
  for (int a = 0; a < agents; ++a) names.push_back("agent" + std::to_string(a));
  std::int64_t commands = 0;
  for (auto _ : state) {
    now += 1ms;
    Reply r = ctl.Execute(Enqueue{0, "q0", "+33612345678", "", "", 0}, now);
    const core::ContactOffered* offer = nullptr;
    for (const auto& e : r.events) {
      if (const auto* o = std::get_if<core::ContactOffered>(&e)) offer = o;
    }
    if (offer == nullptr) {
      state.SkipWithError("no offer");
      break;
    }
    (void)ctl.Execute(Accept{r.contact, names[offer->agent.value], offer->offer}, now);
    (void)ctl.Execute(Hangup{r.contact}, now);
    ctl.Tick(now);  // wrap-up of zero ends
    commands += 3;
  }
  state.counters["commands/s"] =
      benchmark::Counter(static_cast<double>(commands), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ControllerCommands)->Arg(800)->Arg(10000)->Unit(benchmark::kMicrosecond);

// The same through the JSON-lines translation: parse the request, execute, encode the reply.
void BM_JsonLinesCommands(benchmark::State& state) {
  CountingRecorder rec;
  const core::EngineSettings settings = Center(800, 1);
  Controller ctl(core::Engine::Create(settings, kT0).value(), rec, 1, {});
  Time now = kT0;
  for (int a = 0; a < 800; ++a) {
    (void)ctl.Execute(Login{"agent" + std::to_string(a), ""}, now);
    (void)ctl.Execute(Ready{"agent" + std::to_string(a)}, now);
  }
  std::int64_t commands = 0, bytes = 0;
  auto run = [&](const std::string& line) {
    auto cmd = server::ParseRequest(line);
    const Reply r = ctl.Execute(*cmd, now);
    const std::string out = server::EncodeReply(*cmd, r, settings);
    bytes += static_cast<std::int64_t>(out.size());
    ++commands;
    return r;
  };
  for (auto _ : state) {
    now += 1ms;
    Reply r = run(R"({"op":"enqueue","queue":"q0","caller":"+33612345678"})");
    std::uint32_t agent = 0, offer = 0;
    for (const auto& e : r.events) {
      if (const auto* o = std::get_if<core::ContactOffered>(&e)) {
        agent = o->agent.value;
        offer = o->offer;
      }
    }
    const std::string c = std::to_string(r.contact);
    run(R"({"op":"accept","contact":)" + c + R"(,"agent":"agent)" + std::to_string(agent) +
        R"(","offer":)" + std::to_string(offer) + "}");
    run(R"({"op":"hangup","contact":)" + c + "}");
    ctl.Tick(now);
  }
  state.counters["commands/s"] =
      benchmark::Counter(static_cast<double>(commands), benchmark::Counter::kIsRate);
  state.counters["reply_bytes"] = static_cast<double>(bytes) / static_cast<double>(commands);
}
BENCHMARK(BM_JsonLinesCommands)->Unit(benchmark::kMicrosecond);

// A checkpoint of a large center: 10,000 agents (half of them talking), 10,000 callers waiting.
struct Large {
  CountingRecorder rec;
  std::unique_ptr<Controller> ctl;
  Large() {
    ctl = std::make_unique<Controller>(core::Engine::Create(Center(10'000, 100), kT0).value(), rec,
                                       1, ControllerOptions{});
    Time now = kT0;
    for (int a = 0; a < 10'000; ++a) {
      (void)ctl->Execute(Login{"agent" + std::to_string(a), ""}, now);
      if (a % 2 == 0) (void)ctl->Execute(Ready{"agent" + std::to_string(a)}, now);
    }
    for (int c = 0; c < 15'000; ++c) {
      now += 1ms;
      (void)ctl->Execute(Enqueue{0, "q" + std::to_string(c % 100), "+3361234" + std::to_string(c),
                                 "", "d" + std::to_string(c), 0},
                         now);
    }
  }
};

void BM_Checkpoint(benchmark::State& state) {
  static Large large;
  std::size_t size = 0;
  for (auto _ : state) {
    std::string cp = large.ctl->Checkpoint();
    size = cp.size();
    benchmark::DoNotOptimize(cp);
  }
  state.counters["bytes"] = static_cast<double>(size);
  state.counters["contacts"] = static_cast<double>(large.ctl->engine().contacts());
  state.counters["waiting"] = static_cast<double>(large.ctl->engine().waiting_total());
}
BENCHMARK(BM_Checkpoint)->Unit(benchmark::kMillisecond);

void BM_Restore(benchmark::State& state) {
  static Large large;
  const std::string cp = large.ctl->Checkpoint();
  const core::EngineSettings settings = large.ctl->engine().settings();
  for (auto _ : state) {
    auto engine = core::Engine::Restore(settings, Controller::EngineOf(cp).value(), {});
    CountingRecorder rec;
    Controller ctl(std::move(engine).value(), rec, 1, {});
    (void)ctl.RestoreRegistries(cp);
    benchmark::DoNotOptimize(ctl.next_contact());
  }
}
BENCHMARK(BM_Restore)->Unit(benchmark::kMillisecond);

// A SIGHUP on the large center: one queue's wrap-up changes (every iteration flips it), applied
// to the running engine with every contact kept (Controller::Reconfigure: the state carried over
// into indexes built from the new settings, the waiting contacts' timers set again).
void BM_Reconfigure(benchmark::State& state) {
  static Large large;
  core::EngineSettings a = large.ctl->engine().settings();
  core::EngineSettings b = a;
  b.queues[0].wrap_up = a.queues[0].wrap_up + 5s;
  std::uint64_t version = 1;
  Time now = large.ctl->engine().now();
  for (auto _ : state) {
    now += 1ms;
    ++version;
    const Status st = large.ctl->Reconfigure(version % 2 ? b : a, version, now);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.counters["contacts"] = static_cast<double>(large.ctl->engine().contacts());
}
BENCHMARK(BM_Reconfigure)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sb

BENCHMARK_MAIN();
