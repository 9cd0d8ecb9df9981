#include "sim/simulator.h"

#include <gtest/gtest.h>

#include "core/testing/harness.h"
#include "sim/event_heap.h"
#include "sim/replication.h"

#include <queue>
#include <random>

namespace sb::sim {
namespace {

SimSettings Small() {
  SimSettings s;
  s.engine = core::testing::CoreHarness::DefaultSettings();
  s.engine.queues[0].wrap_up = 0s;
  Stream st;
  st.name = "sales";
  st.queue = QueueId{0};
  st.arrivals.interval = 30min;
  st.arrivals.calls.assign(48, 10.0);  // 480 calls a day
  st.handle_time = {Distribution::Kind::kExponential, 240s, 1};
  s.streams = {st};
  s.always_on = {AgentId{0}, AgentId{1}, AgentId{2}};
  s.length = 24h;
  s.seed = 11;
  return s;
}

TEST(EventHeap, PopsInTheSameOrderAsAPriorityQueue) {
  internal::EventHeap<std::pair<int, int>> heap;
  std::priority_queue<std::pair<int, int>, std::vector<std::pair<int, int>>, std::greater<>> ref;
  std::mt19937 rng(2);
  for (int step = 0; step < 20000; ++step) {
    if (rng() % 3 != 0 || ref.empty()) {
      const std::pair<int, int> x{static_cast<int>(rng() % 1000), step};
      heap.push(x);
      ref.push(x);
    } else {
      ASSERT_EQ(heap.top(), ref.top());
      heap.pop();
      ref.pop();
    }
    ASSERT_EQ(heap.size(), ref.size());
  }
}

// The calendar's three lanes together pop in exactly the order one priority queue would, with
// time ties broken by the order of scheduling; a FIFO push that would go back in time is kept in
// order too (it goes to the heap).
TEST(Calendar, ThreeLanesPopInTheOrderOfOnePriorityQueue) {
  using Cal = internal::Calendar<std::pair<int, int>>;
  Cal cal;
  std::priority_queue<std::pair<int, int>, std::vector<std::pair<int, int>>, std::greater<>> ref;
  std::mt19937 rng(3);
  int now = 0;
  int fifo_pushes = 0;
  for (int step = 0; step < 30000; ++step) {
    if (rng() % 3 != 0 || ref.empty()) {
      Cal::Lane lane = Cal::Lane::kMany;
      int at = now + static_cast<int>(rng() % 500);
      switch (rng() % 4) {
        case 0:
          lane = Cal::Lane::kFifo;
          at = now + 5 - (rng() % 50 == 0 ? 6 : 0);  // now and then a time out of order
          ++fifo_pushes;
          break;
        case 1:
          lane = Cal::Lane::kFew;
          break;
        default:
          break;
      }
      const std::pair<int, int> x{at, step};
      cal.push(lane, x);
      ref.push(x);
    } else {
      ASSERT_FALSE(cal.empty());
      ASSERT_EQ(cal.top(), ref.top()) << "step " << step;
      now = std::max(now, cal.top().first);
      cal.pop();
      ref.pop();
    }
  }
  while (!ref.empty()) {
    ASSERT_EQ(cal.top(), ref.top());
    cal.pop();
    ref.pop();
  }
  EXPECT_TRUE(cal.empty());
  EXPECT_GT(fifo_pushes, 5000);
}

TEST(ContactTable, FindsLiveContactsAcrossGrowthAndOutOfOrderEnds) {
  internal::ContactTable table;
  std::mt19937 rng(5);
  std::vector<bool> alive;
  const std::uint64_t first = 7;
  // Contact 7 stays alive throughout, so the ring must grow past its first 1,024 slots.
  for (std::uint64_t id = first; id < first + 5000; ++id) {
    internal::SimContact c;
    c.stream = static_cast<std::uint32_t>(id);
    table.Insert(id, c);
    alive.push_back(true);
    if (id > first + 10 && rng() % 2 == 0) {
      const std::uint64_t victim = first + 1 + rng() % (id - first);
      table.Erase(victim);
      alive[victim - first] = false;
    }
  }
  for (std::uint64_t id = first; id < first + 5000; ++id) {
    internal::SimContact* c = table.Find(id);
    ASSERT_EQ(c != nullptr, static_cast<bool>(alive[id - first])) << id;
    if (c != nullptr) {
      EXPECT_EQ(c->stream, id);
    }
  }
  EXPECT_EQ(table.Find(first - 1), nullptr);
  EXPECT_EQ(table.Find(first + 5000), nullptr);
}

TEST(Sim, IsReproducibleForASeed) {
  auto a = sim::Run(Small());
  auto b = sim::Run(Small());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->replications[0].total.offered, b->replications[0].total.offered);
  EXPECT_EQ(a->replications[0].total.wait_answered_seconds,
            b->replications[0].total.wait_answered_seconds);
  SimSettings other = Small();
  other.seed = 12;
  auto c = sim::Run(other);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->replications[0].total.wait_answered_seconds,
            c->replications[0].total.wait_answered_seconds);
}

TEST(Sim, PoissonArrivalsFollowTheProfile) {
  SimSettings s = Small();
  // Nothing at night, 100 calls per half hour from 12:00 to 14:00.
  s.streams[0].arrivals.calls.assign(48, 0.0);
  for (int i = 24; i < 28; ++i) s.streams[0].arrivals.calls[i] = 100;
  s.replications = 5;
  auto r = sim::Run(s);
  ASSERT_TRUE(r.ok());
  for (const auto& rep : r->replications) {
    EXPECT_EQ(rep.rejected_inputs, 0u);
    for (std::size_t i = 0; i < rep.intervals.size(); ++i) {
      if (i < 24 || i >= 28) {
        EXPECT_EQ(rep.intervals[i].stats.offered, 0) << i;
      }
    }
  }
  // 400 expected a day: the 95 % interval of the mean over 5 runs is about +-18.
  EXPECT_NEAR(r->summary.offered_per_day.mean, 400, 45);
  EXPECT_GT(r->summary.offered_per_day.half_width, 0);
}

TEST(Sim, ShiftsAndBreaksDecideWhoIsThere) {
  SimSettings s = Small();
  s.always_on.clear();
  Shift day;
  day.agent = AgentId{0};
  day.start_minute = 8 * 60;
  day.length_minutes = 8 * 60;
  day.breaks = {{4 * 60, 30}};
  s.shifts = {day};
  auto r = sim::Run(s);
  ASSERT_TRUE(r.ok());
  const auto& agents = r->replications[0].agents;
  const double logged_out = agents[0].seconds[static_cast<int>(core::AgentState::kLoggedOut)];
  const double not_ready = agents[0].seconds[static_cast<int>(core::AgentState::kNotReady)];
  EXPECT_NEAR(logged_out, 16 * 3600.0, 600);  // shift end waits for the last call to end
  EXPECT_NEAR(not_ready, 30 * 60.0, 600);
  EXPECT_EQ(agents[1].handled, 0);
  // Callers who arrive before the 08:00 shift wait for it: those of 00:00-00:30 over 7.5 hours.
  EXPECT_GT(r->replications[0].intervals[0].stats.Asa(), 7.5 * 3600);
  EXPECT_GT(r->replications[0].intervals[0].max_waiting, 0);
}

TEST(Sim, AbandonmentAndWaitEstimateAccuracyAreMeasured) {
  SimSettings s = Small();
  s.streams[0].arrivals.calls.assign(48, 20.0);
  s.streams[0].patience = {Distribution::Kind::kExponential, 120s, 1};
  s.replications = 10;
  auto r = sim::Run(s);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->replications[0].total.abandoned, 0);
  EXPECT_GT(r->replications[0].estimate.samples, 100);
  // Held to 1.4 times the error measured on this seeded scenario (mean absolute error 10.7 s
  // over all answered calls, 39.3 s over the 2,000 who queued; band coverage 0.95 and 0.81), so
  // a doubling of the error fails, and the queued callers' band to 80 % within 4 points (about
  // 3 standard errors). Checked: an estimate twice too long gives 20.5 s and 74.9 s and fails
  // both, and the lognormal band used before (0.69 here) fails the coverage.
  EXPECT_LT(r->summary.wait_mae.mean, 15);
  EXPECT_LT(r->summary.queued_wait_mae.mean, 55);
  EXPECT_GT(r->summary.wait_band_coverage.mean, 0.9);
  EXPECT_GT(r->summary.queued_band_coverage.mean, 0.76);
  EXPECT_LT(r->summary.queued_band_coverage.mean, 0.84);
}

// A caller overflowed on arrival (the first queue is full) and offered at once in the second
// queue, whose offer times out before the ring time ends, waits again: their patience must still
// run out. (The simulator leaves the patience timer out only when the offer cannot time out
// first, judged in the queue the offer was made in.)
TEST(Sim, PatienceRunsOutAfterAnOfferThatTimedOutInTheOverflowQueue) {
  SimSettings s;
  s.engine = core::testing::CoreHarness::DefaultSettings();  // "sales", agents a1..a3
  s.engine.queues[0].offer_timeout = 2s;                     // shorter than the ring time
  core::QueueSettings front;  // nobody serves it: one caller fills it, the next overflow
  front.name = "front";
  front.max_length = 1;
  front.when_full = {core::Fallback::Action::kOverflowQueue, QueueId{0}};
  front.offer_timeout = 60s;
  s.engine.queues.push_back(front);
  s.ring_time = 5s;
  Stream st;
  st.name = "front";
  st.queue = QueueId{1};
  st.arrivals.interval = 1h;
  st.arrivals.calls = {40.0, 0.0};  // arrivals in the first hour only
  st.handle_time = {Distribution::Kind::kFixed, 60s, 0};
  st.patience = {Distribution::Kind::kFixed, 120s, 0};
  s.streams = {st};
  s.always_on = {AgentId{0}, AgentId{1}, AgentId{2}};
  s.length = 2h;
  s.seed = 5;
  auto r = sim::Run(s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const core::IntervalStats& sales = r->replications[0].per_queue[0];
  const core::IntervalStats& t = r->replications[0].total;
  EXPECT_GT(sales.offered, 0) << "some callers overflowed into sales";
  EXPECT_EQ(t.answered, 0) << "every offer timed out: the agents are not ready since";
  EXPECT_GT(t.offered, 20);
  EXPECT_EQ(t.abandoned, t.offered) << "every caller gave up within the second hour";
}

TEST(Sim, BadSettingsAreRejected) {
  SimSettings s = Small();
  s.streams[0].arrivals.calls[3] = -1;
  EXPECT_EQ(sim::Run(s).status().code(), StatusCode::kInvalidArgument);
  s = Small();
  s.streams[0].handle_time.mean = 0s;
  EXPECT_FALSE(sim::Run(s).ok());
  s = Small();
  s.replications = 0;
  EXPECT_FALSE(sim::Run(s).ok());
  s = Small();
  s.streams[0].queue = QueueId{4};
  EXPECT_FALSE(sim::Run(s).ok());
}

TEST(Sim, EventsOfTheFirstReplicationReplayToTheSameCounts) {
  SimSettings s = Small();
  std::vector<core::Event> events;
  RunOptions opts;
  opts.events = [&](const core::Event& e) { events.push_back(e); };
  double last_progress = 0;
  opts.progress = [&](double f) { last_progress = f; };
  auto r = sim::Run(s, opts);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(last_progress, 1.0);
  core::Statistics stats(s.engine, 30min);
  for (const auto& e : events) stats.Add(e);
  EXPECT_EQ(stats.Total(QueueId{}).answered, r->replications[0].total.answered);
  auto replay = core::Engine::Replay(s.engine, s.start, events);
  EXPECT_TRUE(replay.ok());
}

}  // namespace
}  // namespace sb::sim
