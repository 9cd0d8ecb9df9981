// The invariant checker (checker.h) on hand-made event streams, then on many random
// configurations and simulated days: strategies, skills and relax steps, ring-all, callbacks,
// calendars, overflow chains, offer timeouts shorter than ring times, breaks asked mid-call.
// A failing case is shrunk to a small one before it is reported.

#include "sim/checker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>

#include "core/testing/harness.h"
#include "sim/simulator.h"

namespace sb::sim {
namespace {

using core::Fallback;
using core::RelaxStep;

TEST(Checker, FindsACallbackEndedAsAbandonedAndAnAgentOfferedTwoContacts) {
  core::EngineSettings s = core::testing::CoreHarness::DefaultSettings();
  InvariantChecker c(s);
  const Time t = FromMillis(1795420800000);
  const QueueId q{0};
  const AgentId a{0};
  c.Add(core::AgentLoggedIn{t, a});
  c.Add(core::AgentReady{t, a});
  c.Add(core::ContactQueued{t, ContactId{1}, q, q, core::ContactKind::kCall, 0, t, 0, {}});
  c.Add(core::ContactOffered{t, ContactId{1}, a, q, 1, t + 20s, core::ContactKind::kCall, {}});
  c.Add(core::ContactQueued{t, ContactId{2}, q, q, core::ContactKind::kCall, 0, t, 0, {}});
  c.Add(core::ContactOffered{t, ContactId{2}, a, q, 1, t + 20s, core::ContactKind::kCall, {}});
  c.Add(core::ContactQueued{t, ContactId{3}, q, q, core::ContactKind::kCall, 0, t, 0, {}});
  c.Add(core::CallbackRequested{t + 1s, ContactId{3}});
  c.Add(core::ContactEnded{t + 2s, ContactId{3}, q, AgentId{}, core::EndReason::kAbandoned, t});
  c.Finish();
  std::string all;
  for (const std::string& v : c.violations()) all += v + "\n";
  EXPECT_NE(all.find("agent 0 is offered contact 2 while reserved"), std::string::npos) << all;
  EXPECT_NE(all.find("a callback request ended as abandoned"), std::string::npos) << all;
}

// A callback dialled three times (two retries, 1 min apart) as the engine emits it, beside a
// call that arrived after it: no violation. Then the same stream with a retry at the wrong
// time, and one ended unreached with retries left.
TEST(Checker, AcceptsCallbackRetriesAndFindsWrongOnes) {
  core::EngineSettings s = core::testing::CoreHarness::DefaultSettings();
  s.queues[0].callback_retries = 2;
  s.queues[0].callback_retry_after = 1min;
  core::testing::CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Send(core::RequestCallback{h.now(), ContactId{1}}).ok());
  ASSERT_TRUE(h.Login("a1").ok());
  for (int attempt = 0; attempt < 3; ++attempt) {
    ASSERT_TRUE(h.Accept(1, "a1").ok());
    if (attempt == 0) {
      ASSERT_TRUE(h.Enqueue(2, "sales").ok());
    }
    ASSERT_TRUE(h.Send(core::CallbackResult{h.now(), ContactId{1}, false}).ok());
    if (attempt == 0) {
      ASSERT_TRUE(h.Accept(2, "a1").ok());
      h.Advance(20s);
      ASSERT_TRUE(h.Hangup(2).ok());
    }
    h.Advance(attempt == 0 ? 40s : 1min);  // to the retry's due time: offered, not yet expired
    ASSERT_TRUE(h.Tick().ok());
  }
  ASSERT_EQ(core::testing::Only<core::CallbackRetry>(h.AllEvents()).size(), 2u);
  ASSERT_EQ(h.engine().contacts(), 0u);
  {
    InvariantChecker c(s);
    for (const core::Event& e : h.AllEvents()) c.Add(e);
    c.Finish();
    std::string all;
    for (const std::string& v : c.violations()) all += v + "\n";
    EXPECT_EQ(c.violation_count(), 0u) << all;
  }
  auto violations_with = [&](auto&& change) {
    std::vector<core::Event> events = h.AllEvents();
    change(events);
    InvariantChecker c(s);
    for (const core::Event& e : events) c.Add(e);
    c.Finish();
    std::string all;
    for (const std::string& v : c.violations()) all += v + "\n";
    return all;
  };
  // The first retry said to be due 2 min later than the queue's callback_retry_after.
  std::string all = violations_with([](std::vector<core::Event>& events) {
    for (core::Event& e : events) {
      if (auto* r = std::get_if<core::CallbackRetry>(&e)) {
        r->due += 1min;
        break;
      }
    }
  });
  EXPECT_NE(all.find("another time than callback_retry_after"), std::string::npos) << all;
  EXPECT_NE(all.find("due for a retry it was not waiting for"), std::string::npos) << all;
  // The queue allows three retries: the last failure ended it too early.
  s.queues[0].callback_retries = 3;
  all = violations_with([](std::vector<core::Event>&) {});
  EXPECT_NE(all.find("ended unreached with retries left"), std::string::npos) << all;
}

// A random small center for six hours from a Monday's midnight UTC.
SimSettings Generate(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  auto chance = [&](int percent) { return pick(1, 100) <= percent; };
  SimSettings s;
  core::EngineSettings& e = s.engine;
  e.skills = {"fr", "en"};
  e.groups = {"g1", "g2"};
  e.seed = seed;
  core::Calendar office;
  office.name = "office";
  office.always_open = false;
  for (auto& day : office.weekly) day = {{pick(20, 150), pick(180, 330)}};
  e.calendars = {core::Calendar{}, office};
  const int n_queues = pick(1, 3);
  for (int qi = 0; qi < n_queues; ++qi) {
    core::QueueSettings q;
    q.name = "q" + std::to_string(qi);
    q.strategy = static_cast<core::StrategyKind>(pick(0, 6));
    q.priority = pick(1, 3);
    if (chance(50)) q.requirements.push_back({SkillId{0}, pick(1, 4)});
    if (chance(25)) q.requirements.push_back({SkillId{1}, pick(1, 3)});
    auto fallback = [&]() {
      Fallback f;
      const int k = pick(0, qi + 1 < n_queues ? 2 : 1);
      f.action = k == 0   ? Fallback::Action::kMessage
                 : k == 1 ? Fallback::Action::kOfferCallback
                          : Fallback::Action::kOverflowQueue;
      if (k == 2) f.queue = QueueId{static_cast<std::uint32_t>(pick(qi + 1, n_queues - 1))};
      return f;
    };
    Duration after{0};
    for (int k = pick(0, 3); k > 0; --k) {
      RelaxStep step;
      after += std::chrono::seconds(pick(5, 40));
      step.after = after;
      const int kind = pick(0, qi + 1 < n_queues ? 2 : 1);
      if (kind == 0 && !q.requirements.empty()) {
        step.kind = RelaxStep::Kind::kLowerProficiency;
        step.skill = q.requirements[0].skill;
        step.min_proficiency = pick(1, q.requirements[0].min_proficiency);
      } else if (kind == 2) {
        step.kind = RelaxStep::Kind::kOverflow;
        step.queue = QueueId{static_cast<std::uint32_t>(pick(qi + 1, n_queues - 1))};
      } else {
        step.kind = RelaxStep::Kind::kAddGroup;
        step.group = GroupId{static_cast<std::uint32_t>(pick(0, 1))};
        step.waive_requirements = chance(30);
      }
      q.relax.push_back(step);
    }
    if (chance(40)) q.max_wait = std::chrono::seconds(pick(10, 120));
    if (chance(30)) q.max_length = pick(1, 4);
    if (chance(30)) q.calendar = 1;
    q.when_max_wait = fallback();
    q.when_full = fallback();
    q.when_closed = fallback();
    q.offer_timeout = std::chrono::seconds(pick(2, 25));
    q.wrap_up = std::chrono::seconds(pick(0, 20));
    q.ring_all_max = pick(1, 4);
    e.queues.push_back(q);
  }
  const int n_agents = pick(2, 8);
  for (int ai = 0; ai < n_agents; ++ai) {
    core::AgentSettings a;
    a.name = "a" + std::to_string(ai);
    for (std::uint32_t k = 0; k < 2; ++k) {
      if (chance(60)) a.skills.push_back({SkillId{k}, pick(1, 5)});
    }
    for (std::uint32_t qi = 0; qi < e.queues.size(); ++qi) {
      if (chance(60)) a.queues.push_back({QueueId{qi}, pick(1, 2)});
    }
    for (std::uint32_t g = 0; g < 2; ++g) {
      if (chance(30)) a.groups.push_back(GroupId{g});
    }
    e.agents.push_back(a);
    const AgentId id{static_cast<std::uint32_t>(ai)};
    if (chance(40)) {
      s.always_on.push_back(id);
      continue;
    }
    Shift sh;
    sh.agent = id;
    sh.start_minute = pick(0, 120);
    sh.length_minutes = pick(120, 360);
    if (chance(60)) sh.breaks.push_back({pick(20, 120), pick(5, 20)});
    s.shifts.push_back(sh);
  }
  for (std::uint32_t qi = 0; qi < e.queues.size(); ++qi) {
    if (qi > 0 && chance(30)) continue;
    Stream st;
    st.name = "s" + std::to_string(qi);
    st.queue = QueueId{qi};
    st.arrivals.calls.assign(48, pick(5, 40));
    st.handle_time = {Distribution::Kind::kExponential, std::chrono::seconds(pick(30, 240)), 1};
    if (chance(70)) {
      st.patience = {Distribution::Kind::kExponential, std::chrono::seconds(pick(20, 200)), 1};
    }
    if (chance(50)) st.callback_share = 0.4;
    s.streams.push_back(st);
  }
  s.length = 6h;
  s.ring_time = std::chrono::seconds(pick(0, 15));
  s.seed = seed;
  return s;
}

struct Outcome {
  bool valid = true;
  std::size_t violations = 0;
  std::vector<std::string> first;
};

Outcome Check(const SimSettings& s) {
  Outcome out;
  InvariantChecker checker(s.engine);
  // The statistics must equal a recount from the events, by their documented definitions.
  std::int64_t offered = 0, answered = 0, abandoned = 0, handled = 0;
  RunOptions options;
  options.events = [&](const core::Event& e) {
    checker.Add(e);
    // Every queue together: a move is not a new offer.
    offered += std::holds_alternative<core::ContactQueued>(e);
    answered += std::holds_alternative<core::OfferAccepted>(e);
    if (const auto* end = std::get_if<core::ContactEnded>(&e)) {
      const bool deflected_on_arrival = end->reason == core::EndReason::kMessageClosed ||
                                        end->reason == core::EndReason::kMessageFull;
      offered += deflected_on_arrival;
      abandoned += end->reason == core::EndReason::kAbandoned;
      handled += end->reason == core::EndReason::kCompleted ||
                 end->reason == core::EndReason::kCallbackUnreached;
    }
  };
  auto r = Run(s, options);
  if (!r.ok()) {
    out.valid = false;
    return out;
  }
  checker.Finish();
  out.violations = checker.violation_count();
  out.first = checker.violations();
  const core::IntervalStats& t = r->replications[0].total;
  if (t.offered != offered || t.answered != answered || t.abandoned != abandoned ||
      t.handled != handled) {
    ++out.violations;
    out.first.push_back("statistics differ from a recount of the events: offered " +
                        std::to_string(t.offered) + " vs " + std::to_string(offered) +
                        ", answered " + std::to_string(t.answered) + " vs " +
                        std::to_string(answered) + ", abandoned " + std::to_string(t.abandoned) +
                        " vs " + std::to_string(abandoned) + ", handled " +
                        std::to_string(t.handled) + " vs " + std::to_string(handled));
  }
  return out;
}

// Greedy shrinking: apply any simplification that keeps the case failing, until none does.
SimSettings Shrink(SimSettings s, int budget) {
  auto edits = [](const SimSettings& base) {
    std::vector<SimSettings> out;
    auto add = [&](auto&& edit) {
      SimSettings c = base;
      if (edit(c)) out.push_back(std::move(c));
    };
    add([](SimSettings& c) { return c.length > 10min ? (c.length /= 2, true) : false; });
    for (std::size_t i = 0; i < base.streams.size(); ++i) {
      add([i](SimSettings& c) {
        if (c.streams.size() < 2) return false;
        c.streams.erase(c.streams.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
      });
      add([i](SimSettings& c) {
        if (c.streams[i].arrivals.calls[0] < 2) return false;
        for (double& x : c.streams[i].arrivals.calls) x = std::floor(x / 2);
        return true;
      });
    }
    add([](SimSettings& c) {
      if (c.engine.agents.size() < 2) return false;
      const AgentId last{static_cast<std::uint32_t>(c.engine.agents.size() - 1)};
      c.engine.agents.pop_back();
      std::erase_if(c.shifts, [&](const Shift& sh) { return sh.agent == last; });
      std::erase(c.always_on, last);
      return true;
    });
    for (std::size_t q = 0; q < base.engine.queues.size(); ++q) {
      add([q](SimSettings& c) {
        auto& r = c.engine.queues[q].relax;
        return r.empty() ? false : (r.pop_back(), true);
      });
      add([q](SimSettings& c) {
        auto& x = c.engine.queues[q];
        return x.max_wait > 0s ? (x.max_wait = 0s, true) : false;
      });
      add([q](SimSettings& c) {
        auto& x = c.engine.queues[q];
        return x.max_length > 0 ? (x.max_length = 0, true) : false;
      });
      add([q](SimSettings& c) {
        auto& x = c.engine.queues[q];
        return x.calendar != 0 ? (x.calendar = 0, true) : false;
      });
    }
    for (std::size_t i = 0; i < base.shifts.size(); ++i) {
      add([i](SimSettings& c) {
        auto& b = c.shifts[i].breaks;
        return b.empty() ? false : (b.clear(), true);
      });
    }
    return out;
  };
  for (bool progress = true; progress && budget > 0;) {
    progress = false;
    for (SimSettings& c : edits(s)) {
      if (--budget <= 0) break;
      const Outcome o = Check(c);
      if (o.valid && o.violations > 0) {
        s = std::move(c);
        progress = true;
        break;
      }
    }
  }
  return s;
}

std::string Describe(const SimSettings& s) {
  std::string out = "length " + std::to_string(s.length.count() / 60000) + " min, ring_time " +
                    std::to_string(s.ring_time.count()) + " ms, " +
                    std::to_string(s.engine.agents.size()) + " agents\n";
  for (const core::QueueSettings& q : s.engine.queues) {
    out += "  queue " + q.name + ": " + std::string(core::StrategyName(q.strategy)) + ", " +
           std::to_string(q.requirements.size()) + " requirements, " +
           std::to_string(q.relax.size()) + " relax steps, max_wait " +
           std::to_string(q.max_wait.count()) + " ms, max_length " + std::to_string(q.max_length) +
           ", calendar " + std::to_string(q.calendar) + ", offer_timeout " +
           std::to_string(q.offer_timeout.count()) + " ms, ring_all_max " +
           std::to_string(q.ring_all_max) + "\n";
  }
  return out;
}

// Bounded in time: as many seeds as fit in about 20 s (at least 10), each a simulated
// six-hour day.
// Not run by default (about 25 s): counts, over 400 seeds, the days showing each kind of
// violation. On the engine before issue 9's fixes it gave: callback abandoned 107, relax step
// lost 18, max wait lost 5, moved into a closed/full queue 52, ring-all 5, tie 3, group agent
// below the requirement 37, wrap-up ended by a break 22; after them, none.
// Run: sim_test --gtest_also_run_disabled_tests --gtest_filter=Checker.DISABLED_Survey
TEST(Checker, DISABLED_Survey) {
  std::map<std::string, int> seeds_with;
  const char* cats[][2] = {{"a callback request ended as abandoned", "D1 callback abandoned"},
                           {"has not applied", "D2 relax step lost"},
                           {"and nothing happened", "D2 max wait lost"},
                           {"which is closed or full", "D3 moved into closed/full"},
                           {"passed over", "D3 overflow passed over"},
                           {"rings fewer agents", "D4 ring-all"},
                           {"ranks before", "D5 tie"},
                           {"without serving it or meeting", "S2a group requirement"},
                           {"ends a wrap-up at once", "S2b wrap-up"},
                           {"ready and idle while", "idle agent"}};
  int ran = 0, failing = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const Outcome o = Check(Generate(seed));
    ++ran;
    if (o.violations == 0) continue;
    ++failing;
    std::set<std::string> got;
    for (const std::string& v : o.first) {
      bool known = false;
      for (auto& c : cats) {
        if (v.find(c[0]) != std::string::npos) {
          got.insert(c[1]);
          known = true;
        }
      }
      if (!known) got.insert("other: " + v.substr(0, 140));
    }
    for (const auto& g : got) ++seeds_with[g];
  }
  std::printf("survey: %d seeds, %d with violations\n", ran, failing);
  for (const auto& [k, n] : seeds_with) std::printf("  %4d  %s\n", n, k.c_str());
}

TEST(Checker, RandomDaysKeepEveryInvariant) {
  const auto begin = std::chrono::steady_clock::now();
  int ran = 0, invalid = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    if (ran >= 10 && std::chrono::steady_clock::now() - begin > std::chrono::seconds(20)) break;
    const SimSettings s = Generate(seed);
    const Outcome o = Check(s);
    ++ran;
    if (!o.valid) {
      ++invalid;
      continue;
    }
    if (o.violations == 0) continue;
    const SimSettings small = Shrink(s, 150);
    const Outcome so = Check(small);
    std::string text;
    for (const std::string& v : so.first) text += "    " + v + "\n";
    ADD_FAILURE() << "seed " << seed << ": " << o.violations << " violations; shrunk to\n"
                  << Describe(small) << "  with " << so.violations << " violations, first:\n"
                  << text;
    return;
  }
  std::printf("checked %d random days (%d configurations refused by validation)\n", ran, invalid);
  EXPECT_LT(invalid, ran / 2 + 1);
}

}  // namespace
}  // namespace sb::sim
