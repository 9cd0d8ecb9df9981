// Routing decision latency at scale: 10,000 agents, 500 queues, 50 skills. Each agent is a
// member of 5 queues and has 4 skills; each queue requires one skill at proficiency >= 2.
// Reports p50/p99/max of single decisions as counters (Google Benchmark's own time is the mean).
//   ./build/release/bench/routing_bench

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "bench/tail.h"
#include "core/engine.h"

namespace {

using namespace sb;
using namespace sb::core;

constexpr int kAgents = 10000, kQueues = 500, kSkills = 50;

EngineSettings BigCenter(StrategyKind strategy) {
  std::mt19937 rng(1);
  EngineSettings s;
  for (int i = 0; i < kSkills; ++i) s.skills.push_back("s" + std::to_string(i));
  for (int q = 0; q < kQueues; ++q) {
    QueueSettings qs;
    qs.name = "q" + std::to_string(q);
    qs.strategy = strategy;
    qs.requirements = {{SkillId{static_cast<std::uint32_t>(q % kSkills)}, 2}};
    qs.offer_timeout = std::chrono::hours(1000);
    s.queues.push_back(qs);
  }
  for (int a = 0; a < kAgents; ++a) {
    AgentSettings as;
    as.name = "a" + std::to_string(a);
    // Queues sharing a skill, so that requirements are met for most memberships.
    const int base = static_cast<int>(rng() % kQueues);
    for (int k = 0; k < 5; ++k) {
      const int q = (base + k * kSkills) % kQueues;
      as.queues.push_back({QueueId{static_cast<std::uint32_t>(q)}, 1 + k % 2});
    }
    as.skills.push_back(
        {SkillId{static_cast<std::uint32_t>(base % kSkills)}, 1 + static_cast<int>(rng() % 5)});
    for (int k = 0; k < 3; ++k) {
      const std::uint32_t sk = rng() % kSkills;
      if (sk != static_cast<std::uint32_t>(base % kSkills))
        as.skills.push_back({SkillId{sk}, 1 + static_cast<int>(rng() % 5)});
    }
    s.agents.push_back(as);
  }
  return s;
}

// A contact arrives while every agent is ready: the strategy ranks the queue's members.
void BM_AgentForContact(benchmark::State& state) {
  auto engine = std::move(
      Engine::Create(BigCenter(static_cast<StrategyKind>(state.range(0))), kTimeZero).value());
  std::vector<Event> out;
  Time t = kTimeZero + 1s;
  for (int a = 0; a < kAgents; ++a) {
    (void)engine->Handle(Login{t, AgentId{static_cast<std::uint32_t>(a)}}, &out);
    (void)engine->Handle(SetReady{t, AgentId{static_cast<std::uint32_t>(a)}}, &out);
  }
  sb::bench::TailRecorder tail;
  std::uint64_t id = 1;
  for (auto _ : state) {
    t += 1ms;
    out.clear();
    const QueueId q{static_cast<std::uint32_t>(id % kQueues)};
    tail.Time([&] {
      Status st = engine->Handle(Enqueue{t, ContactId{id}, q, 0}, &out);
      benchmark::DoNotOptimize(st);
    });
    (void)engine->Handle(Abandon{t, ContactId{id}}, &out);  // frees the agent again, untimed
    ++id;
  }
  tail.Report(state);
  state.SetLabel(std::string(StrategyName(static_cast<StrategyKind>(state.range(0)))));
}
BENCHMARK(BM_AgentForContact)->DenseRange(0, 6)->Unit(benchmark::kMicrosecond);

// An agent becomes ready while 10,000 contacts wait (20 per queue): it scans its queues.
void BM_ContactForAgent(benchmark::State& state) {
  auto engine = std::move(Engine::Create(BigCenter(StrategyKind::kLongestIdle), kTimeZero).value());
  std::vector<Event> out;
  Time t = kTimeZero + 1s;
  std::uint64_t id = 1;
  for (int i = 0; i < 20 * kQueues; ++i, ++id) {
    (void)engine->Handle(
        Enqueue{t, ContactId{id}, QueueId{static_cast<std::uint32_t>(i % kQueues)}, 0}, &out);
  }
  sb::bench::TailRecorder tail;
  std::uint32_t a = 0;
  for (auto _ : state) {
    t += 1ms;
    const AgentId agent{a++ % kAgents};
    out.clear();
    if (engine->agent_state(agent) == AgentState::kLoggedOut)
      (void)engine->Handle(Login{t, agent}, &out);
    out.clear();
    tail.Time([&] {
      Status st = engine->Handle(SetReady{t, agent}, &out);
      benchmark::DoNotOptimize(st);
    });
    for (const Event& e : out) {
      if (const auto* o = std::get_if<ContactOffered>(&e)) {
        (void)engine->Handle(Decline{t, o->contact, o->agent, o->offer}, &out);  // untimed
        break;
      }
    }
  }
  tail.Report(state);
}
BENCHMARK(BM_ContactForAgent)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
