// The media engine on several threads: sharding, legs opened near their caller, bridges across
// threads, a storm of moves, bounds and shutdown. Same peers as engine_test.cc.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "media/engine.h"
#include "media/g711.h"
#include "media/rtp.h"
#include "media/testing/engine_peers.h"

namespace sb::media {
namespace {

using namespace test_peers;  // NOLINT: the test peers

// Sharding over several media threads.

Options Threads(std::size_t n) {
  Options o = TestOptions();
  o.threads = n;
  return o;
}

// The media thread serving `leg`: the one that reports the end of a one-frame playout to `sink`.
std::thread::id ThreadOf(Engine& engine, Events& events, LegId leg, const Phone& sink) {
  const std::size_t from = events.size();
  EXPECT_TRUE(engine.SetRemote(leg, {"127.0.0.1", sink.port(), Codec::kPcmu, 101, {}}));
  EXPECT_TRUE(engine.Play(leg, {Ramp(160)}, false));
  const auto t = events.WaitForThread(Event::Kind::kPlayoutDone, leg, from, milliseconds(1000));
  EXPECT_TRUE(t) << "leg " << leg << " did not play";
  return t.value_or(std::thread::id());
}

// A packet from `from` to leg `in` comes out of leg `out` to `to`.
void ExpectRelayed(const Phone& from, const Engine::Opened& in, const Phone& to,
                   const Engine::Opened& out, std::uint16_t seq, std::uint8_t expected = 0x12) {
  to.Drain();
  from.Send(in.port, Rtp(0, seq, 160u * seq, 0x77, std::vector<std::uint8_t>(160, 0x12)));
  const auto d = to.Receive(milliseconds(1000));
  ASSERT_TRUE(d) << "leg " << in.leg << " -> leg " << out.leg;
  EXPECT_EQ(d->from_port, out.port);
  ASSERT_EQ(d->rtp.payload_size, 160u);
  EXPECT_EQ(d->payload()[0], expected);
}

std::size_t CountEntries(const char* dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

TEST(EngineThreads, LegsOfEveryThreadPlayOut) {
  Events events;
  Engine engine(Threads(2), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_EQ(engine.stats().threads, 2u);
  std::array<Phone, 4> phones;
  std::array<Engine::Opened, 4> legs;
  const auto clip = Ramp(1600);  // ten frames, once
  for (std::size_t i = 0; i < legs.size(); ++i) {
    legs[i] = OpenLeg(engine);
    ASSERT_TRUE(
        engine.SetRemote(legs[i].leg, {"127.0.0.1", phones[i].port(), Codec::kPcmu, 101, {}}));
    ASSERT_TRUE(engine.Play(legs[i].leg, {clip}, false));
  }
  for (std::size_t i = 0; i < legs.size(); ++i) {
    std::optional<std::uint16_t> seq;
    for (std::size_t k = 0; k < 10; ++k) {
      const auto d = phones[i].Receive(milliseconds(500));
      ASSERT_TRUE(d) << "leg " << i << " packet " << k;
      EXPECT_EQ(d->from_port, legs[i].port);
      if (seq) {
        EXPECT_EQ(d->rtp.seq, static_cast<std::uint16_t>(*seq + 1));
      }
      seq = d->rtp.seq;
      EXPECT_TRUE(std::equal(d->payload().begin(), d->payload().end(),
                             clip->encoded(Codec::kPcmu).begin() + 160 * k));
    }
  }
  std::map<std::thread::id, int> legs_per_thread;
  for (const auto& l : legs) {
    const auto t = events.WaitForThread(Event::Kind::kPlayoutDone, l.leg, 0, milliseconds(500));
    ASSERT_TRUE(t);
    ++legs_per_thread[*t];
  }
  EXPECT_EQ(legs_per_thread.size(), 2u);  // the fewest legs first: two each
  for (const auto& [t, n] : legs_per_thread) EXPECT_EQ(n, 2);
  // The statistics sum over the threads.
  EXPECT_TRUE(WaitUntil([&] { return engine.stats().packets_sent == 40; }, milliseconds(500)))
      << engine.stats().packets_sent;
  EXPECT_EQ(engine.stats().legs, 4u);
  phones[0].Send(legs[0].port, Rtp(0, 1, 1, 1, {1}));
  phones[1].Send(legs[1].port, Rtp(0, 1, 1, 1, {1}));
  EXPECT_TRUE(WaitUntil([&] { return engine.stats().packets_received == 2; }, milliseconds(500)));
}

TEST(EngineThreads, OpenNearPutsTheAgentWithItsCaller) {
  Events events;
  Engine engine(Threads(2), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone sink, caller_phone, agent_phone;
  const auto other = OpenLeg(engine);
  const auto caller = OpenLeg(engine);   // the other thread had fewer legs
  auto agent = engine.Open(caller.leg);  // the fewest legs would be other's thread
  ASSERT_TRUE(agent.ok());
  const auto t = ThreadOf(engine, events, caller.leg, sink);
  EXPECT_EQ(ThreadOf(engine, events, agent->leg, sink), t);
  EXPECT_NE(ThreadOf(engine, events, other.leg, sink), t);
  // An unknown `near` is no error: the thread with the fewest legs, here other's.
  auto stray = engine.Open(999'999);
  ASSERT_TRUE(stray.ok());
  EXPECT_NE(ThreadOf(engine, events, stray->leg, sink), t);

  ASSERT_TRUE(
      engine.SetRemote(caller.leg, {"127.0.0.1", caller_phone.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(
      engine.SetRemote(agent->leg, {"127.0.0.1", agent_phone.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.Bridge(caller.leg, agent->leg));
  ExpectRelayed(caller_phone, caller, agent_phone, *agent, 1);
  ExpectRelayed(agent_phone, *agent, caller_phone, caller, 2);
  EXPECT_EQ(engine.stats().legs_moved, 0u);
}

TEST(EngineThreads, BridgesLegsOfTwoThreads) {
  Events events;
  Engine engine(Threads(2), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone sink, pa, pb, pc;
  const auto a = OpenLeg(engine), b = OpenLeg(engine), c = OpenLeg(engine);
  ASSERT_NE(ThreadOf(engine, events, a.leg, sink), ThreadOf(engine, events, b.leg, sink));
  ASSERT_TRUE(engine.SetRemote(a.leg, {"127.0.0.1", pa.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.SetRemote(b.leg, {"127.0.0.1", pb.port(), Codec::kPcma, 101, {}}));
  ASSERT_TRUE(engine.SetRemote(c.leg, {"127.0.0.1", pc.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.Play(a.leg, {Ramp(1600)}, true));  // its stream goes on across the move
  const auto before = pa.Receive(milliseconds(500));
  ASSERT_TRUE(before);
  ASSERT_TRUE(engine.Bridge(a.leg, b.leg));
  EXPECT_EQ(engine.stats().legs_moved, 1u);
  ASSERT_TRUE(Settled(engine));
  pa.Drain();
  pb.Send(b.port, Rtp(8, 1, 100, 0xB, std::vector<std::uint8_t>(160, 0xD5)));
  auto d = pa.Receive(milliseconds(1000));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->from_port, a.port);
  EXPECT_EQ(d->rtp.ssrc, before->rtp.ssrc);  // the same leg, moved with all its state
  EXPECT_EQ(d->payload()[0], kAlawToUlaw[0xD5]);
  ExpectRelayed(pa, a, pb, b, 3, kUlawToAlaw[0x12]);

  // Commands right behind a move apply in order, on the leg's new thread: c (alone on its thread
  // now) gets a, which is unbridged and plays at once.
  ASSERT_TRUE(engine.Bridge(c.leg, a.leg));
  const std::size_t from = events.size();
  ASSERT_TRUE(engine.Unbridge(a.leg));
  ASSERT_TRUE(engine.Play(a.leg, {Ramp(160)}, false));
  const auto ta = events.WaitForThread(Event::Kind::kPlayoutDone, a.leg, from, milliseconds(1000));
  ASSERT_TRUE(ta);
  EXPECT_EQ(engine.stats().legs_moved, 2u);
  ASSERT_TRUE(engine.Bridge(a.leg, c.leg));  // both on one thread again: no move
  EXPECT_EQ(engine.stats().legs_moved, 2u);
  ASSERT_TRUE(Settled(engine));
  ExpectRelayed(pc, c, pa, a, 4);
  EXPECT_EQ(ThreadOf(engine, events, b.leg, sink) == *ta, false);
}

TEST(EngineThreads, SurvivesAStormOfBridgesOverFourThreads) {
  Engine engine(Threads(4), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  constexpr std::size_t kLegs = 12;
  std::array<Phone, kLegs> phones;
  std::array<Engine::Opened, kLegs> legs;
  for (std::size_t i = 0; i < kLegs; ++i) {
    legs[i] = OpenLeg(engine);
    ASSERT_TRUE(
        engine.SetRemote(legs[i].leg, {"127.0.0.1", phones[i].port(), Codec::kPcmu, 101, {}}));
  }
  std::mt19937 rng(7);
  std::vector<Engine::Opened> extra;
  for (int round = 0; round < 2000; ++round) {
    const std::size_t i = rng() % kLegs, j = rng() % kLegs;
    switch (rng() % 8) {
      case 0:
        (void)engine.Unbridge(legs[i].leg);
        break;
      case 1:  // a leg opened near one in flight, and closed at once
        if (auto r = engine.Open(legs[i].leg); r.ok()) {
          ASSERT_TRUE(engine.Bridge(r->leg, legs[j].leg));
          ASSERT_TRUE(engine.Close(r->leg));
        }
        break;
      default:
        (void)engine.Bridge(legs[i].leg, legs[j].leg);
    }
  }
  EXPECT_GT(engine.stats().legs_moved, 100u);
  for (std::size_t i = 0; i < kLegs; i += 2) {
    ASSERT_TRUE(engine.Bridge(legs[i].leg, legs[i + 1].leg));
  }
  // Every command applied (a packet sent before would be relayed to a peer of the storm).
  ASSERT_TRUE(Settled(engine, milliseconds(5000)));
  for (std::size_t i = 0; i < kLegs; i += 2) {
    ExpectRelayed(phones[i], legs[i], phones[i + 1], legs[i + 1], static_cast<std::uint16_t>(i));
    ExpectRelayed(phones[i + 1], legs[i + 1], phones[i], legs[i],
                  static_cast<std::uint16_t>(i + 1));
  }
  for (const auto& l : legs) EXPECT_TRUE(engine.Close(l.leg));
  EXPECT_EQ(engine.stats().legs, 0u);
  EXPECT_EQ(engine.stats().commands_refused, 0u);
}

TEST(EngineThreads, DestructorJoinsEveryThreadAndClosesEverySocket) {
  const std::size_t threads = CountEntries("/proc/self/task");
  const std::size_t fds = CountEntries("/proc/self/fd");
  std::atomic<int> after_destruction{0};
  std::atomic<bool> destroyed{false};
  {
    Engine engine(Threads(3), [&](const Event&) {
      if (destroyed.load()) after_destruction.fetch_add(1);
    });
    ASSERT_TRUE(engine.Start().ok());
    EXPECT_EQ(CountEntries("/proc/self/task"), threads + 3);
    Phone sink;
    std::vector<Engine::Opened> legs;
    for (int i = 0; i < 9; ++i) {
      legs.push_back(OpenLeg(engine));
      ASSERT_TRUE(
          engine.SetRemote(legs.back().leg, {"127.0.0.1", sink.port(), Codec::kPcmu, 101, {}}));
      ASSERT_TRUE(engine.Play(legs.back().leg, {Ramp(1600)}, true));
    }
    ASSERT_TRUE(WaitUntil([&] { return engine.stats().packets_sent >= 18; }, milliseconds(500)));
    // Moves in flight as the engine goes.
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(engine.Bridge(legs[i].leg, legs[i + 1].leg));
  }
  destroyed = true;
  EXPECT_EQ(CountEntries("/proc/self/task"), threads);
  EXPECT_EQ(CountEntries("/proc/self/fd"), fds);
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(after_destruction.load(), 0);

  // Never started, with moves queued: the queued sockets are closed too.
  {
    Engine engine(Threads(2), nullptr);
    const auto a = OpenLeg(engine), b = OpenLeg(engine);
    ASSERT_TRUE(engine.Bridge(a.leg, b.leg));
    EXPECT_EQ(engine.stats().threads, 2u);
  }
  EXPECT_EQ(CountEntries("/proc/self/fd"), fds);
}

TEST(EngineThreads, CountsTheCommandsOfEveryThreadAgainstOneBound) {
  Options o = Threads(2);
  o.max_pending_commands = 4;
  Engine engine(o, nullptr);                            // not started
  const auto a = OpenLeg(engine), b = OpenLeg(engine);  // 2, one per thread
  EXPECT_FALSE(engine.Bridge(a.leg, b.leg));            // a move takes 3
  EXPECT_TRUE(engine.Play(a.leg, {}, false));           // 3
  EXPECT_TRUE(engine.Play(b.leg, {}, false));           // 4
  EXPECT_FALSE(engine.Open().ok());
  EXPECT_EQ(engine.stats().commands_refused, 2u);
}

// Not a test: the CPU the media threads spend on hold music, for a rough figure. Run with
//   SB_MEDIA_BENCH_LEGS=5000 SB_MEDIA_BENCH_THREADS=2 SB_MEDIA_BENCH_SECONDS=5
//   build/dev/src/media/media_test --gtest_also_run_disabled_tests --gtest_filter='*HoldMusic*'
// Every leg plays to a loopback socket that is never read (the kernel drops the datagrams there,
// after the whole send path has run); up to 4000 of them, so that threads do not contend for one.
TEST(EngineBench, DISABLED_HoldMusicLoad) {
  const auto env = [](const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::strtol(v, nullptr, 10) : fallback;
  };
  const auto legs = static_cast<std::size_t>(env("SB_MEDIA_BENCH_LEGS", 5000));
  const auto seconds = env("SB_MEDIA_BENCH_SECONDS", 5);
  Options o = TestOptions();
  o.threads = static_cast<std::size_t>(env("SB_MEDIA_BENCH_THREADS", 0));
  o.port_min = 20000;
  o.port_max = 60999;
  o.max_legs = legs;
  Engine engine(o, nullptr);
  ASSERT_TRUE(engine.Start().ok());
  std::vector<Phone> sinks(std::min<std::size_t>(legs, 4000));
  const int small = 4096;
  for (const auto& sink : sinks) setsockopt(sink.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  const auto music = Ramp(8000);
  for (std::size_t i = 0; i < legs; ++i) {
    const auto leg = OpenLeg(engine);
    ASSERT_NE(leg.leg, 0u);
    const auto to = sinks[i % sinks.size()].port();
    ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", to, Codec::kPcma, 101, {}}));
    ASSERT_TRUE(engine.Play(leg.leg, {music}, true));
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // every leg playing
  const auto cpu = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto us = [](const timeval& t) { return t.tv_sec * 1e6 + t.tv_usec; };
    return std::pair{us(u.ru_utime), us(u.ru_stime)};
  };
  const auto s0 = engine.stats();
  const auto c0 = cpu();
  const auto t0 = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const auto c1 = cpu();
  const auto s1 = engine.stats();
  const double wall = std::chrono::duration<double>(SteadyClock::now() - t0).count() * 1e6;
  const double sent = static_cast<double>(s1.packets_sent - s0.packets_sent);
  const double user = c1.first - c0.first, sys = c1.second - c0.second;
  std::printf(
      "legs %zu threads %llu: %.0f packets/s (%.1f per leg), cpu %.0f%% of a core (user %.0f%%, "
      "sys %.0f%%), %.2f us per packet, late ticks %llu\n",
      legs, static_cast<unsigned long long>(s1.threads), sent * 1e6 / wall,
      sent * 1e6 / wall / static_cast<double>(legs), 100 * (user + sys) / wall, 100 * user / wall,
      100 * sys / wall, (user + sys) / sent,
      static_cast<unsigned long long>(s1.late_ticks - s0.late_ticks));
}

}  // namespace
}  // namespace sb::media
