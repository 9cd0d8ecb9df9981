// Engine::Reconfigure: settings changed on the running engine keep every contact and every
// agent's state, take effect at once, refuse what would drop a call, and replay exactly.

#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::MakeAgent;
using testing::Only;

EngineSettings Base() {
  EngineSettings s = CoreHarness::DefaultSettings();  // "sales", a1..a3
  QueueSettings support;
  support.name = "support";
  s.queues.push_back(support);
  return s;
}

// The base settings with agent a4 added at the end, member of "support".
EngineSettings WithA4() {
  EngineSettings s = Base();
  s.agents.push_back(MakeAgent(s, "a4", {"support"}));
  return s;
}

TEST(Reconfigure, AnAddedAgentLogsInAndTakesAWaitingCall) {
  CoreHarness h(Base());
  ASSERT_TRUE(h.Enqueue(1, "support").ok());  // nobody serves "support" yet
  h.Advance(5s);
  ASSERT_TRUE(h.Reconfigure(WithA4(), 2).ok());
  auto changed = Only<SettingsChanged>(h.TakeEvents());
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].version, 2u);
  EXPECT_EQ(h.agent("a4"), AgentId{3});
  ASSERT_TRUE(h.Login("a4").ok());
  EXPECT_EQ(h.OfferedTo(1), "a4");
}

TEST(Reconfigure, ANewMembershipOffersAWaitingCallToAReadyAgentAtOnce) {
  CoreHarness h(Base());
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "support").ok());
  EXPECT_EQ(h.OfferedTo(1), "");
  EngineSettings next = Base();
  next.agents[0].queues.push_back({QueueId{1}, 1});  // a1 now serves "support" too
  h.TakeEvents();
  ASSERT_TRUE(h.Reconfigure(next, 2).ok());
  EXPECT_EQ(h.OfferedTo(1), "a1");
  // The change came first, then the offer.
  ASSERT_GE(h.Events().size(), 2u);
  EXPECT_TRUE(std::holds_alternative<SettingsChanged>(h.Events()[0]));
}

TEST(Reconfigure, ARemovedIdleAgentIsLoggedOutAndCannotLogInAgain) {
  CoreHarness h(Base());
  ASSERT_TRUE(h.Login("a3").ok());
  EngineSettings next = Base();
  next.agents[2] = AgentSettings{};
  next.agents[2].name = "a3";
  next.agents[2].retired = true;
  h.TakeEvents();
  ASSERT_TRUE(h.Reconfigure(next, 2).ok());
  auto out = Only<AgentLoggedOut>(h.Events());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].agent, AgentId{2});
  EXPECT_EQ(h.engine().agent_state(AgentId{2}), AgentState::kLoggedOut);
  EXPECT_FALSE(h.agent("a3").valid());  // retired names are not found
  std::vector<Event> ev;
  const Status st = h.engine().Handle(Login{h.now(), AgentId{2}}, &ev);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_NE(st.message().find("removed"), std::string::npos) << st.message();
}

TEST(Reconfigure, RemovingAnAgentOnACallOrAQueueWithCallsIsRefusedAndChangesNothing) {
  CoreHarness h(Base());
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  const std::string before = h.engine().StateDigest();
  EngineSettings next = Base();
  next.agents[0] = AgentSettings{};
  next.agents[0].name = "a1";
  next.agents[0].retired = true;
  Status st = h.Reconfigure(next, 2);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("'a1'"), std::string::npos) << st.message();
  EXPECT_EQ(h.engine().StateDigest(), before);

  ASSERT_TRUE(h.Enqueue(2, "support").ok());
  const std::string waiting = h.engine().StateDigest();
  EngineSettings no_support = Base();
  no_support.queues[1].retired = true;
  st = h.Reconfigure(no_support, 2);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("'support'"), std::string::npos) << st.message();
  EXPECT_EQ(h.engine().StateDigest(), waiting);
  ASSERT_TRUE(h.Abandon(2).ok());
  ASSERT_TRUE(h.Reconfigure(no_support, 2).ok());  // empty now
  std::vector<Event> ev;
  EXPECT_EQ(h.engine().Handle(Enqueue{h.now(), ContactId{3}, QueueId{1}}, &ev).code(),
            StatusCode::kNotFound);
  // A retired queue cannot be an overflow target either.
  no_support.queues[0].when_full = {Fallback::Action::kOverflowQueue, QueueId{1}};
  EXPECT_EQ(h.Reconfigure(no_support, 3).code(), StatusCode::kInvalidArgument);
}

TEST(Reconfigure, FewerAgentsThanRunningIsRefused) {
  CoreHarness h(WithA4());
  EXPECT_EQ(h.Reconfigure(Base(), 2).code(), StatusCode::kInvalidArgument);
}

TEST(Reconfigure, ARenamedAgentKeepsItsStateAndItsCall) {
  CoreHarness h(Base());
  ASSERT_TRUE(h.Login("a2").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_EQ(h.OfferedTo(1), "a2");
  EngineSettings next = Base();
  next.agents[1].name = "anna";
  ASSERT_TRUE(h.Reconfigure(next, 2).ok());
  EXPECT_EQ(h.agent("anna"), AgentId{1});
  EXPECT_EQ(h.engine().agent_state(AgentId{1}), AgentState::kReserved);
  EXPECT_TRUE(h.Accept(1, "anna").ok());
  EXPECT_EQ(h.engine().agent_state(AgentId{1}), AgentState::kOnContact);
}

TEST(Reconfigure, AShorterMaximumWaitAppliesToCallsAlreadyWaiting) {
  EngineSettings s = Base();
  s.queues[1].max_wait = 600s;
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(1, "support").ok());
  h.Advance(60s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.engine().contacts(), 1u);
  EngineSettings next = s;
  next.queues[1].max_wait = 30s;  // when_max_wait: a message, which ends the call
  h.TakeEvents();
  ASSERT_TRUE(h.Reconfigure(next, 2).ok());
  auto ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, EndReason::kMessageMaxWait);
  // And a longer one does not end a call the old limit would have ended.
  CoreHarness k(s);
  ASSERT_TRUE(k.Enqueue(1, "support").ok());
  k.Advance(60s);
  next.queues[1].max_wait = 900s;
  ASSERT_TRUE(k.Reconfigure(next, 2).ok());
  k.Advance(600s);  // past the old limit
  ASSERT_TRUE(k.Tick().ok());
  EXPECT_EQ(k.engine().contacts(), 1u);
  k.Advance(300s);
  ASSERT_TRUE(k.Tick().ok());
  EXPECT_EQ(k.engine().contacts(), 0u);
}

TEST(Reconfigure, NotReadyReasonsFollowTheirNamesAndOneInUseCannotGo) {
  EngineSettings s = Base();
  s.not_ready_reasons = {"break", "lunch", "training"};
  CoreHarness h(s);
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.NotReady("a1", 1).ok());  // lunch
  EngineSettings no_lunch = s;
  no_lunch.not_ready_reasons = {"break", "training"};
  const Status st = h.Reconfigure(no_lunch, 2);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("'lunch'"), std::string::npos) << st.message();
  EngineSettings no_break = s;
  no_break.not_ready_reasons = {"lunch", "training"};
  ASSERT_TRUE(h.Reconfigure(no_break, 2).ok());
  const std::string digest = h.engine().StateDigest();
  const std::string a1 = digest.substr(0, digest.find('\n'));
  EXPECT_EQ(a1.rfind("A0 5 ", 0), 0u) << a1;            // still not ready
  EXPECT_NE(a1.find(" r0 "), std::string::npos) << a1;  // for lunch, which is 0 now
}

// What the log holds replays to the live state, through the change, from the start or from a
// checkpoint taken before it; without the settings of the version it names, it is refused.
TEST(Reconfigure, TheLogReplaysThroughAChangeWithItsSettings) {
  EngineSettings s = Base();
  s.queues[0].relax = {{40s, RelaxStep::Kind::kOverflow, {}, 1, {}, QueueId{1}}};
  CoreHarness h(s);
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  ASSERT_TRUE(h.Enqueue(3, "support").ok());
  h.Advance(10s);
  const std::string snapshot = h.engine().Snapshot();
  const std::size_t at_snapshot = h.AllEvents().size();
  EngineSettings next = WithA4();
  next.queues[0].relax = {{20s, RelaxStep::Kind::kOverflow, {}, 1, {}, QueueId{1}}};
  next.agents[1].name = "anna";
  ASSERT_TRUE(h.Reconfigure(next, 7).ok());
  ASSERT_TRUE(h.Login("a4").ok());
  h.Advance(15s);
  ASSERT_TRUE(h.Tick().ok());  // contact 2 overflows at 20 s now, not 40 s
  EXPECT_EQ(Only<ContactMoved>(h.TakeEvents()).size(), 1u);
  ASSERT_TRUE(h.Hangup(1).ok());
  const std::string live = h.engine().StateDigest();

  int asked = 0;
  SettingsResolver resolver = [&](std::uint64_t v) -> Result<EngineSettings> {
    ++asked;
    if (v != 7) return NotFound("no version " + std::to_string(v));
    return next;
  };
  auto replayed = Engine::Replay(s, h.start(), h.AllEvents(), &resolver);
  ASSERT_TRUE(replayed.ok()) << replayed.status().message();
  EXPECT_EQ((*replayed)->StateDigest(), live);
  EXPECT_EQ((*replayed)->settings().agents[1].name, "anna");
  const std::vector<Event> after(h.AllEvents().begin() + static_cast<long>(at_snapshot),
                                 h.AllEvents().end());
  auto restored = Engine::Restore(s, snapshot, after, &resolver);
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  EXPECT_EQ((*restored)->StateDigest(), live);
  EXPECT_EQ(asked, 2);

  auto blind = Engine::Replay(s, h.start(), h.AllEvents());
  ASSERT_FALSE(blind.ok());
  EXPECT_NE(blind.status().message().find("version 7"), std::string::npos);
  SettingsResolver wrong = [&](std::uint64_t) -> Result<EngineSettings> { return s; };
  EXPECT_FALSE(Engine::Replay(s, h.start(), h.AllEvents(), &wrong).ok());  // it lacks a4
}

}  // namespace
}  // namespace sb::core
