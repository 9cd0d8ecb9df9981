#include "core/statistics.h"

#include <gtest/gtest.h>

#include <random>

#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;

TEST(Statistics, CountsServiceLevelAsaAhtAndOccupancyFromEvents) {
  CoreHarness h;  // threshold 20 s, wrap-up 10 s
  ASSERT_TRUE(h.Login("a1").ok());
  h.Advance(5s);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(5s);
  ASSERT_TRUE(h.Accept(1, "a1").ok());  // waited 5 s
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  ASSERT_TRUE(h.Enqueue(3, "sales").ok());
  h.Advance(95s);
  ASSERT_TRUE(h.Hangup(1).ok());  // talk 95 s
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());  // wrap ends, contact 2 offered (waited 105 s)
  ASSERT_TRUE(h.Accept(2, "a1").ok());
  ASSERT_TRUE(h.Abandon(3).ok());  // waited 105 s
  h.Advance(50s);
  ASSERT_TRUE(h.Hangup(2).ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());

  Statistics stats(h.settings(), 30min);
  for (const Event& e : h.AllEvents()) stats.Add(e);
  stats.Finish(h.now());
  const IntervalStats t = stats.Total(QueueId{});
  EXPECT_EQ(t.offered, 3);
  EXPECT_EQ(t.answered, 2);
  EXPECT_EQ(t.abandoned, 1);
  EXPECT_EQ(t.handled, 2);
  EXPECT_DOUBLE_EQ(t.ServiceLevel(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(t.Asa(), (5.0 + 105.0) / 2);
  EXPECT_DOUBLE_EQ(t.Aht(), (95.0 + 10 + 50 + 10) / 2);
  EXPECT_EQ(t.longest_wait, 105s);
  // a1: ready 5 s, then busy (ringing 5, talk 95, wrap 10, talk 50, wrap 10) 170 s.
  EXPECT_NEAR(t.Occupancy(), 170.0 / 175.0, 1e-9);
  EXPECT_EQ(stats.Total(h.queue("sales")).answered, 2);
  EXPECT_EQ(stats.Agents()[0].handled, 2);
}

TEST(Replay, RebuildsTheSameStateFromTheEventLog) {
  EngineSettings s = CoreHarness::DefaultSettings(StrategyKind::kBestMatch);
  s.queues[0].max_wait = 300s;
  s.queues[0].relax = {{20s, RelaxStep::Kind::kLowerProficiency, SkillId{0}, 1, {}, {}}};
  s.queues[0].requirements = {{SkillId{0}, 3}};
  for (auto& a : s.agents) a.skills = {{SkillId{0}, 2}};
  s.agents[0].skills = {{SkillId{0}, 4}};
  CoreHarness h(s);
  std::mt19937_64 rng(3);
  std::uint64_t next = 1;
  std::vector<std::uint64_t> live;
  for (int step = 0; step < 3000; ++step) {
    h.Advance(Duration(rng() % 20000));
    const int action = static_cast<int>(rng() % 8);
    const std::string agent = "a" + std::to_string(1 + rng() % 3);
    switch (action) {
      case 0:
        (void)h.Login(agent);
        break;
      case 1:
        (void)h.NotReady(agent, 0);
        break;
      case 2:
        (void)h.Enqueue(next, "sales");
        live.push_back(next++);
        break;
      default:
        if (!live.empty()) {
          const std::uint64_t c = live[rng() % live.size()];
          if (action == 3) (void)h.Abandon(c);
          if (action == 4) (void)h.Accept(c, h.OfferedTo(c));
          if (action == 5) (void)h.Hangup(c);
          if (action == 6) (void)h.Decline(c, h.OfferedTo(c));
          if (action == 7) (void)h.Tick();
        }
    }
  }
  auto replayed = Engine::Replay(h.settings(), h.start(), h.AllEvents());
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_EQ((*replayed)->StateDigest(), h.engine().StateDigest());
  EXPECT_GT(h.AllEvents().size(), 1000u);
}

// A log written under another configuration, or damaged: each bad event is refused with its
// index and why, never applied (the sanitizer run would catch an out-of-range access).
TEST(Replay, RejectsEventsForUnknownAgentsQueuesReasonsAndContacts) {
  CoreHarness h;
  const Time t = h.start() + 1s;
  const AgentId a0{0};
  const ContactId c1{1};
  const Event queued =
      ContactQueued{t, c1, QueueId{0}, QueueId{0}, ContactKind::kCall, 0, t, 0, {}};
  const std::vector<std::pair<std::vector<Event>, std::string>> cases = {
      {{AgentLoggedIn{t, AgentId{99}}}, "unknown agent 99"},
      {{AgentLoggedIn{t, AgentId{}}}, "unknown agent"},
      {{AgentLoggedIn{t, a0}, AgentNotReady{t, a0, 200}}, "not-ready reason 200"},
      {{ContactQueued{t, c1, QueueId{7}, QueueId{0}, ContactKind::kCall, 0, t, 0, {}}},
       "unknown queue"},
      {{queued, queued}, "queued twice"},
      {{OfferAccepted{t, ContactId{5}, a0}}, "contact 5 is not in progress"},
      {{queued, RequirementRelaxed{t, c1, QueueId{0}, 3}}, "relax level 3"},
      {{queued, ContactMoved{t, c1, QueueId{0}, QueueId{9}, MoveReason::kTransfer, t, {}, t}},
       "unknown queue"},
      {{queued, ContactEnded{t, c1, QueueId{0}, AgentId{42}, EndReason::kCompleted, t}},
       "unknown agent 42"},
  };
  for (const auto& [events, why] : cases) {
    auto r = Engine::Replay(h.settings(), h.start(), events);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("event "), std::string::npos) << r.status().message();
  }
  // A contact deflected on arrival ends without having been queued: that is a valid log.
  const std::vector<Event> deflected = {
      ContactEnded{t, ContactId{3}, QueueId{0}, AgentId{}, EndReason::kMessageClosed, t}};
  EXPECT_TRUE(Engine::Replay(h.settings(), h.start(), deflected).ok());
}

TEST(Replay, RejectsEventsOutOfOrder) {
  CoreHarness h;
  std::vector<Event> events = {AgentLoggedIn{h.start() + 10s, AgentId{0}},
                               AgentReady{h.start() + 5s, AgentId{0}}};
  auto r = Engine::Replay(h.settings(), h.start(), events);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace sb::core
