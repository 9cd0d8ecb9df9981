#include "core/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using ::testing::ElementsAre;
using testing::MakeAgent;
using testing::Only;

TEST(Engine, ContactWaitsWhenNobodyIsReadyAndGoesToTheFirstAgentWhoIs) {
  CoreHarness h;
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  EXPECT_TRUE(h.OfferedAgents().empty());
  EXPECT_EQ(h.engine().waiting(h.queue("sales")), 2u);
  h.TakeEvents();
  h.Advance(30s);
  ASSERT_TRUE(h.Login("a3").ok());
  const auto offers = Only<ContactOffered>(h.Events());
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].contact, ContactId{1});
  EXPECT_EQ(offers[0].why.rule, Rule::kContactForAgent);
}

TEST(Engine, AcceptHangupWrapUpThenNextContact) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kOnContact);
  h.Advance(60s);
  ASSERT_TRUE(h.Hangup(1).ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kWrapUp);
  EXPECT_EQ(h.engine().NextDeadline(), h.now() + 10s);
  h.TakeEvents();
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(2), "a1");
  EXPECT_EQ(Only<AgentReady>(h.Events()).size(), 1u);
}

TEST(Engine, OfferTimeoutMakesAgentNotReadyAndContactKeepsItsPlace) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  const std::uint32_t offer = h.OfferOf(1);
  h.Advance(20s);  // the queue's offer timeout
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(Only<OfferTimedOut>(h.Events()).size(), 1u);
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kNotReady);
  EXPECT_EQ(*h.engine().Position(ContactId{1}), 0u);  // still ahead of contact 2
  // A late accept is refused cleanly and changes nothing.
  const std::string before = h.engine().StateDigest();
  Status late = h.Send(Accept{h.now(), ContactId{1}, h.agent("a1"), offer});
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.engine().StateDigest(), before);
  h.TakeEvents();
  ASSERT_TRUE(h.Login("a2").ok());
  EXPECT_EQ(h.OfferedTo(1), "a2");
}

TEST(Engine, DeclineSendsContactToTheNextAgent) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Login("a2").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_EQ(h.OfferedTo(1), "a1");
  ASSERT_TRUE(h.Decline(1, "a1").ok());
  EXPECT_EQ(h.OfferedTo(1), "a2");
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kNotReady);
}

TEST(RingAll, FirstAcceptWinsOthersAreCancelledAndALateAcceptIsRefused) {
  CoreHarness h(CoreHarness::DefaultSettings(StrategyKind::kRingAll));
  for (const char* a : {"a1", "a2", "a3"}) ASSERT_TRUE(h.Login(a).ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  EXPECT_EQ(h.OfferedAgents().size(), 3u);
  const std::uint32_t offer = h.OfferOf(1);
  h.TakeEvents();
  ASSERT_TRUE(h.Send(Accept{h.now(), ContactId{1}, h.agent("a2"), offer}).ok());
  EXPECT_EQ(Only<OfferCancelled>(h.Events()).size(), 2u);
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kReady);
  EXPECT_EQ(h.engine().agent_state(h.agent("a3")), AgentState::kReady);
  Status second = h.Send(Accept{h.now(), ContactId{1}, h.agent("a3"), offer});
  EXPECT_EQ(second.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.engine().agent_state(h.agent("a2")), AgentState::kOnContact);
}

TEST(Engine, AbandonWhileRingingFreesTheAgent) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Abandon(1).ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kReady);
  EXPECT_EQ(h.engine().contacts(), 0u);
  const auto ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, EndReason::kAbandoned);
}

TEST(Engine, CompetingQueuesLongestWaitRelativeToPriorityWins) {
  EngineSettings s = CoreHarness::DefaultSettings();
  QueueSettings vip;
  vip.name = "vip";
  vip.priority = 3;
  s.queues.push_back(vip);
  s.agents = {MakeAgent(s, "a1", {"sales", "vip"})};
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(40s);
  ASSERT_TRUE(h.Enqueue(2, "vip").ok());
  h.Advance(20s);  // sales waited 60 s x1, vip 20 s x3 = 60: tie goes by contact order
  ASSERT_TRUE(h.Enqueue(3, "vip").ok());
  h.Advance(1s);  // sales 61, vip 21 x 3 = 63: vip wins
  ASSERT_TRUE(h.Login("a1").ok());
  EXPECT_EQ(h.OfferedTo(2), "a1");
  EXPECT_EQ(h.OfferedTo(1), "");
}

TEST(Engine, AgentTierComesBeforeWaitTime) {
  EngineSettings s = CoreHarness::DefaultSettings();
  QueueSettings other;
  other.name = "other";
  s.queues.push_back(other);
  AgentSettings a = MakeAgent(s, "a1", {"sales", "other"});
  a.queues[0].tier = 2;  // sales is this agent's second choice
  s.agents = {a};
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(100s);
  ASSERT_TRUE(h.Enqueue(2, "other").ok());
  ASSERT_TRUE(h.Login("a1").ok());
  EXPECT_EQ(h.OfferedTo(2), "a1");
}

EngineSettings SkilledSettings() {
  EngineSettings s;
  s.skills = {"fr", "en"};
  s.groups = {"backoffice"};
  QueueSettings q;
  q.name = "fr";
  q.requirements = {{SkillId{0}, 4}};
  q.relax = {
      {30s, RelaxStep::Kind::kLowerProficiency, SkillId{0}, 2, {}, {}},
      {60s, RelaxStep::Kind::kAddGroup, {}, 1, GroupId{0}, {}},
      {120s, RelaxStep::Kind::kOverflow, {}, 1, {}, QueueId{1}},
  };
  QueueSettings en;
  en.name = "general";
  s.queues = {q, en};
  s.agents = {MakeAgent(s, "novice", {"fr"}, {{"fr", 2}}),
              MakeAgent(s, "expert", {"fr"}, {{"fr", 5}}), MakeAgent(s, "back", {}, {{"fr", 2}}),
              MakeAgent(s, "gen", {"general"}, {})};
  s.agents[2].groups = {GroupId{0}};
  return s;
}

TEST(Relaxation, LowerProficiencyThenGroupThenOverflow) {
  CoreHarness h(SkilledSettings());
  ASSERT_TRUE(h.Login("novice").ok());
  ASSERT_TRUE(h.Enqueue(1, "fr").ok());
  EXPECT_EQ(h.OfferedTo(1), "");
  h.Advance(30s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(1), "novice");
  EXPECT_EQ(Only<RequirementRelaxed>(h.Events()).size(), 1u);
  ASSERT_TRUE(h.Accept(1, "novice").ok());

  ASSERT_TRUE(h.Enqueue(2, "fr").ok());
  ASSERT_TRUE(h.Login("back").ok());
  h.Advance(59s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(2), "");  // the backoffice group opens to contact 2 only after 60 s
  h.Advance(1s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(2), "back");
  EXPECT_EQ(Only<ContactOffered>(h.Events()).back().why.top[0].tier, 9);
  ASSERT_TRUE(h.Accept(2, "back").ok());

  ASSERT_TRUE(h.Enqueue(3, "fr").ok());
  h.Advance(120s);
  h.TakeEvents();
  ASSERT_TRUE(h.Tick().ok());
  const auto moved = Only<ContactMoved>(h.Events());
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].to, h.queue("general"));
  EXPECT_EQ(moved[0].reason, MoveReason::kRelaxOverflow);
  ASSERT_TRUE(h.Login("gen").ok());
  EXPECT_EQ(h.OfferedTo(3), "gen");
}

TEST(Relaxation, ExpertIsTakenAtOnce) {
  CoreHarness h(SkilledSettings());
  ASSERT_TRUE(h.Login("expert").ok());
  ASSERT_TRUE(h.Login("novice").ok());
  ASSERT_TRUE(h.Enqueue(1, "fr").ok());
  EXPECT_EQ(h.OfferedTo(1), "expert");
  EXPECT_EQ(Only<ContactOffered>(h.Events())[0].why.excluded, 1u);
}

TEST(Engine, ClosedQueuePlaysMessageOrOverflows) {
  EngineSettings s = CoreHarness::DefaultSettings();
  Calendar always;
  Calendar office;
  office.name = "office";
  office.always_open = false;
  for (int d = 0; d < 5; ++d) office.weekly[d] = {{9 * 60, 17 * 60}};
  s.calendars = {always, office};
  QueueSettings desk;
  desk.name = "desk";
  desk.calendar = 1;
  s.queues.push_back(desk);
  QueueSettings desk2 = desk;
  desk2.name = "desk2";
  desk2.when_closed = {Fallback::Action::kOverflowQueue, QueueId{0}};
  s.queues.push_back(desk2);
  CoreHarness h(s);  // 08:00 UTC Monday: the office opens at 09:00
  ASSERT_TRUE(h.Enqueue(1, "desk").ok());
  auto ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, EndReason::kMessageClosed);
  ASSERT_TRUE(h.Enqueue(2, "desk2").ok());
  auto queued = Only<ContactQueued>(h.Events());
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].queue, h.queue("sales"));
  EXPECT_EQ(queued[0].requested, h.queue("desk2"));
  h.Advance(1h);
  ASSERT_TRUE(h.Enqueue(3, "desk").ok());
  EXPECT_EQ(h.engine().waiting(h.queue("desk")), 1u);
}

TEST(Engine, FullQueueAndMaxWaitFallbacks) {
  EngineSettings s = CoreHarness::DefaultSettings();
  s.queues[0].max_length = 1;
  s.queues[0].max_wait = 90s;
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  auto ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, EndReason::kMessageFull);
  h.Advance(90s);
  ASSERT_TRUE(h.Tick().ok());
  ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_EQ(ended[1].reason, EndReason::kMessageMaxWait);
  EXPECT_EQ(h.engine().contacts(), 0u);
}

TEST(Callback, KeepsItsPlaceAndReservesAnAgentForTheOutboundCall) {
  CoreHarness h;
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  ASSERT_TRUE(h.Send(RequestCallback{h.now(), ContactId{1}}).ok());
  EXPECT_EQ(*h.engine().Position(ContactId{1}), 0u);
  ASSERT_TRUE(h.Login("a1").ok());
  const auto offers = Only<ContactOffered>(h.Events());
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].contact, ContactId{1});
  EXPECT_EQ(offers[0].kind, ContactKind::kCallback);
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  ASSERT_TRUE(h.Send(CallbackResult{h.now(), ContactId{1}, false}).ok());
  // Nobody answered: the agent is free at once and takes the next caller.
  EXPECT_EQ(h.OfferedTo(2), "a1");
}

TEST(Transfer, KeepsOriginalArrivalAndPutsAgentInWrapUp) {
  EngineSettings s = CoreHarness::DefaultSettings();
  QueueSettings tech;
  tech.name = "tech";
  s.queues.push_back(tech);
  s.agents.push_back(MakeAgent(s, "t1", {"tech"}));
  CoreHarness h(s);
  ASSERT_TRUE(h.Login("a1").ok());
  const Time arrival = h.now();
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  h.Advance(45s);
  h.TakeEvents();
  ASSERT_TRUE(h.Transfer(1, "tech").ok());
  const auto moved = Only<ContactMoved>(h.Events());
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].arrival, arrival);
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kWrapUp);
  ASSERT_TRUE(h.Login("t1").ok());
  EXPECT_EQ(h.OfferedTo(1), "t1");
}

TEST(TransferOut, EndsAConnectedContactTransferredOutAndPutsTheAgentInWrapUp) {
  EngineSettings s = CoreHarness::DefaultSettings();
  s.queues[0].wrap_up = 10s;
  CoreHarness h(s);
  const Time start = h.now();
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  // Waiting or ringing: not a call in progress, refused and nothing changes.
  const std::string before = h.engine().StateDigest();
  EXPECT_EQ(h.Send(TransferOut{h.now(), ContactId{2}}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Send(TransferOut{h.now(), ContactId{1}}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.engine().StateDigest(), before);
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  h.Advance(30s);
  h.TakeEvents();
  ASSERT_TRUE(h.Send(TransferOut{h.now(), ContactId{1}}).ok());
  const auto ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, EndReason::kTransferredOut);
  EXPECT_EQ(ended[0].agent, h.agent("a1"));
  EXPECT_EQ(ended[0].wrap_until, h.now() + 10s);
  EXPECT_EQ(EndReasonName(ended[0].reason), "transferred_out");
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kWrapUp);
  EXPECT_EQ(h.Send(TransferOut{h.now(), ContactId{1}}).code(), StatusCode::kNotFound);
  // After the wrap-up the agent takes the next caller; a replay of the log is the same engine.
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(2), "a1");
  auto replayed = Engine::Replay(h.settings(), start, h.AllEvents());
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ((*replayed)->StateDigest(), h.engine().StateDigest());
}

TEST(Engine, WrapUpCanBeExtendedUpToItsMaximum) {
  EngineSettings s = CoreHarness::DefaultSettings();
  s.queues[0].max_wrap_up = 20s;
  CoreHarness h(s);
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  ASSERT_TRUE(h.Hangup(1).ok());
  ASSERT_TRUE(h.Send(ExtendWrapUp{h.now(), h.agent("a1"), 30s}).ok());
  EXPECT_EQ(h.engine().NextDeadline(), h.now() + 20s);
  EXPECT_EQ(h.Send(ExtendWrapUp{h.now(), h.agent("a1"), 5s}).code(),
            StatusCode::kFailedPrecondition);
}

TEST(Engine, NotReadyAndLogoutAskedDuringAContactApplyWhenItEnds) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  ASSERT_TRUE(h.NotReady("a1", 0).ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kOnContact);
  ASSERT_TRUE(h.Hangup(1).ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());  // wrap-up over: not ready, contact 2 is not offered
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kNotReady);
  EXPECT_EQ(h.OfferedTo(2), "");
  ASSERT_TRUE(h.Ready("a1").ok());
  ASSERT_TRUE(h.Accept(2, "a1").ok());
  ASSERT_TRUE(h.Send(Logout{h.now(), h.agent("a1")}).ok());
  ASSERT_TRUE(h.Hangup(2).ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kLoggedOut);
}

TEST(BadInput, IsRefusedWithAClearErrorAndChangesNothing) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  const std::string before = h.engine().StateDigest();
  EXPECT_EQ(h.Send(Login{h.now(), AgentId{99}}).code(), StatusCode::kNotFound);
  EXPECT_EQ(h.Send(Enqueue{h.now(), ContactId{1}, QueueId{0}, 0}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(h.Send(Enqueue{h.now(), ContactId{2}, QueueId{7}, 0}).code(), StatusCode::kNotFound);
  EXPECT_EQ(h.Send(Hangup{h.now(), ContactId{1}}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Send(Abandon{h.now(), ContactId{42}}).code(), StatusCode::kNotFound);
  EXPECT_EQ(h.Send(Accept{h.now(), ContactId{1}, h.agent("a2"), 1}).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Send(SetNotReady{h.now(), h.agent("a2"), 200}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.Send(Logout{h.now(), AgentId{77}}).code(), StatusCode::kNotFound);
  const Status past = h.Send(Tick{h.now() - 1s});
  EXPECT_EQ(past.code(), StatusCode::kOutOfRange);
  EXPECT_NE(past.message().find("time order"), std::string::npos);
  EXPECT_EQ(h.engine().StateDigest(), before);
}

TEST(BadInput, InvalidSettingsAreRejected) {
  EngineSettings s = CoreHarness::DefaultSettings();
  s.queues[0].service_level_target = 1.5;
  auto e = Engine::Create(s, kTimeZero);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("service_level_target"), std::string::npos);
  s = CoreHarness::DefaultSettings();
  s.agents[0].skills.push_back({SkillId{0}, 9});
  EXPECT_FALSE(Engine::Create(s, kTimeZero).ok());
}

TEST(WaitEstimate, GrowsWithPositionAndShrinksWithAgents) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(100, "sales").ok());
  ASSERT_TRUE(h.Accept(100, "a1").ok());
  for (std::uint64_t c = 1; c <= 5; ++c) ASSERT_TRUE(h.Enqueue(c, "sales").ok());
  const auto queued = Only<ContactQueued>(h.Events());
  // One agent, 300 s expected handle time, no abandonment: position k waits (k+1) * 300 s.
  EXPECT_EQ(queued.back().position, 4u);
  EXPECT_EQ(queued.back().estimate.mean, 1500s);
  EXPECT_LT(queued.back().estimate.low, queued.back().estimate.mean);
  EXPECT_GT(queued.back().estimate.high, queued.back().estimate.mean);
  auto first = h.engine().EstimateWait(ContactId{1});
  auto last = h.engine().EstimateWait(ContactId{5});
  ASSERT_TRUE(first.ok() && last.ok());
  EXPECT_LT(first->mean, last->mean);
  EXPECT_EQ(h.engine().EstimateWait(ContactId{100}).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(WaitEstimate, AnOverflowStepBoundsTheWaitAndRingTimeIsLearnt) {
  EngineSettings s = CoreHarness::DefaultSettings();
  QueueSettings spill;
  spill.name = "spill";
  s.queues.push_back(spill);
  s.queues[0].relax = {{60s, RelaxStep::Kind::kOverflow, {}, 1, {}, QueueId{1}}};
  s.agents.push_back(MakeAgent(s, "s1", {"spill"}));
  CoreHarness h(s);
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Login("s1").ok());
  ASSERT_TRUE(h.Enqueue(100, "sales").ok());
  h.Advance(4s);  // the agent answers after 4 s of ringing
  ASSERT_TRUE(h.Accept(100, "a1").ok());
  for (std::uint64_t c = 1; c <= 5; ++c) ASSERT_TRUE(h.Enqueue(c, "sales").ok());
  const auto queued = Only<ContactQueued>(h.Events());
  // Without the overflow: 5 x 300 s. With it: 60 s, then answered at once by the free agent of
  // "spill" (plus that queue's ring time, not learnt yet: 0).
  EXPECT_EQ(queued.back().estimate.mean, 60s);
}

TEST(WaitEstimate, IncludesTheLearntRingTimeWhenAnAgentIsFree) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Login("a2").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(4s);
  ASSERT_TRUE(h.Accept(1, h.OfferedTo(1)).ok());
  h.TakeEvents();
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  const auto queued = Only<ContactQueued>(h.Events());
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].estimate.mean, 200ms);  // EWMA weight 0.05 x 4 s seen once
}

}  // namespace
}  // namespace sb::core
