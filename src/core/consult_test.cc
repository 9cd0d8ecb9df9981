// Consultations (attended transfer, issue 10 §4): the agent on a call consults a colleague, who
// is consulted (not routable) meanwhile; a completion hands the caller over, a cancel or decline
// changes nothing for the caller; replay and checkpoints carry a consultation going.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::Only;

// a1 talks to contact 1; a2 is ready (a3 logged out).
void OnACall(CoreHarness& h) {
  ASSERT_TRUE(h.Login("a1").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Login("a2").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_EQ(h.OfferedTo(1), "a1");
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  h.Advance(20s);
  h.TakeEvents();
}

Status Consult(CoreHarness& h, std::uint64_t contact, const std::string& from,
               const std::string& to) {
  return h.Send(core::Consult{h.now(), ContactId{contact}, h.agent(from), h.agent(to), QueueId{}});
}

TEST(Consult, CompleteHandsTheCallerToTheConsultedAgent) {
  CoreHarness h;
  OnACall(h);
  ASSERT_TRUE(Consult(h, 1, "a1", "a2").ok());
  const auto started = Only<ConsultStarted>(h.Events());
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].agent, h.agent("a1"));
  EXPECT_EQ(started[0].target, h.agent("a2"));
  EXPECT_FALSE(started[0].via.valid());
  EXPECT_EQ(h.engine().agent_state(h.agent("a2")), AgentState::kConsulted);
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kOnContact);
  // Consulted is not routable: a new caller waits.
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  EXPECT_EQ(h.OfferedTo(2), "");
  // Not before the consulted agent answered.
  EXPECT_EQ(h.Send(ConsultComplete{h.now(), ContactId{1}}).code(), StatusCode::kFailedPrecondition);
  h.Advance(3s);
  ASSERT_TRUE(h.Send(ConsultAnswer{h.now(), ContactId{1}}).ok());
  EXPECT_EQ(Only<ConsultAnswered>(h.Events()).size(), 1u);
  h.Advance(10s);
  h.TakeEvents();
  ASSERT_TRUE(h.Send(ConsultComplete{h.now(), ContactId{1}}).ok());
  const auto done = Only<ConsultCompleted>(h.Events());
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].agent, h.agent("a1"));
  EXPECT_EQ(done[0].target, h.agent("a2"));
  EXPECT_EQ(done[0].wrap_until, h.now() + h.settings().queues[0].wrap_up);
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kWrapUp);
  EXPECT_EQ(h.engine().agent_state(h.agent("a2")), AgentState::kOnContact);
  EXPECT_TRUE(h.engine().connected(ContactId{1}));
  // The call ends with the agent who took it; the first one's wrap-up ends by its timer and it
  // takes the waiting caller.
  h.Advance(1s);
  ASSERT_TRUE(h.Hangup(1).ok());
  const auto ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].agent, h.agent("a2"));
  EXPECT_EQ(h.OfferedTo(2), "");
  h.Advance(h.settings().queues[0].wrap_up);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(2), "a1");
}

TEST(Consult, CancelLeavesTheCallerWithTheFirstAgentAndFreesTheTarget) {
  CoreHarness h;
  OnACall(h);
  ASSERT_TRUE(Consult(h, 1, "a1", "a2").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  ASSERT_TRUE(h.Send(ConsultAnswer{h.now(), ContactId{1}}).ok());
  h.Advance(5s);
  h.TakeEvents();
  ASSERT_TRUE(h.Send(ConsultCancel{h.now(), ContactId{1}, false}).ok());
  const auto ended = Only<ConsultEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, ConsultEnd::kCancelled);
  EXPECT_EQ(ended[0].target, h.agent("a2"));
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kOnContact);
  EXPECT_TRUE(h.engine().connected(ContactId{1}));
  // Ready again, the target takes the caller waiting meanwhile.
  EXPECT_EQ(h.OfferedTo(2), "a2");
  // Nothing left to complete or cancel.
  EXPECT_EQ(h.Send(ConsultComplete{h.now(), ContactId{1}}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Send(ConsultCancel{h.now(), ContactId{1}, false}).code(),
            StatusCode::kFailedPrecondition);
  // A second consultation of the same call may follow.
  ASSERT_TRUE(h.Login("a3").ok());
  EXPECT_TRUE(Consult(h, 1, "a1", "a3").ok());
}

TEST(Consult, ADeclineEndsItAsDeclinedAndTheTargetStaysReady) {
  CoreHarness h;
  OnACall(h);
  ASSERT_TRUE(Consult(h, 1, "a1", "a2").ok());
  h.Advance(4s);
  ASSERT_TRUE(h.Send(ConsultCancel{h.now(), ContactId{1}, true}).ok());
  const auto ended = Only<ConsultEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, ConsultEnd::kDeclined);
  EXPECT_EQ(h.engine().agent_state(h.agent("a2")), AgentState::kReady);
  EXPECT_EQ(Only<AgentReady>(h.Events()).size(), 1u);
}

TEST(Consult, TheCallerHangingUpEndsTheConsultationFirst) {
  CoreHarness h;
  OnACall(h);
  ASSERT_TRUE(Consult(h, 1, "a1", "a2").ok());
  ASSERT_TRUE(h.Send(ConsultAnswer{h.now(), ContactId{1}}).ok());
  h.TakeEvents();
  ASSERT_TRUE(h.Hangup(1).ok());
  const auto& ev = h.Events();
  ASSERT_GE(ev.size(), 3u);
  ASSERT_TRUE(std::holds_alternative<ConsultEnded>(ev[0]));
  EXPECT_EQ(std::get<ConsultEnded>(ev[0]).reason, ConsultEnd::kContactEnded);
  ASSERT_TRUE(std::holds_alternative<ContactEnded>(ev[1]));
  EXPECT_EQ(std::get<ContactEnded>(ev[1]).agent, h.agent("a1"));
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kWrapUp);
  EXPECT_EQ(h.engine().agent_state(h.agent("a2")), AgentState::kReady);
  EXPECT_EQ(h.engine().contacts(), 0u);
}

TEST(Consult, RefusedUnlessAConnectedCallOfThatAgentAndAReadyTarget) {
  CoreHarness h;
  OnACall(h);
  // a3 is logged out; a1 cannot consult itself; a2 is not on contact 1; contact 7 is unknown.
  EXPECT_EQ(Consult(h, 1, "a1", "a3").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Consult(h, 1, "a1", "a1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Consult(h, 1, "a2", "a3").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Consult(h, 7, "a1", "a2").code(), StatusCode::kNotFound);
  EXPECT_EQ(h.Send(ConsultAnswer{h.now(), ContactId{1}}).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Only<ConsultStarted>(h.Events()).empty());
  ASSERT_TRUE(Consult(h, 1, "a1", "a2").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());  // waiting: nobody is free
  EXPECT_EQ(h.OfferedTo(2), "");
  EXPECT_EQ(Consult(h, 2, "a1", "a3").code(), StatusCode::kFailedPrecondition);
  // One at a time; no transfer and no second answer meanwhile.
  ASSERT_TRUE(h.Login("a3").ok());
  EXPECT_EQ(h.OfferedTo(2), "a3");
  EXPECT_EQ(Consult(h, 1, "a1", "a3").code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(h.Send(ConsultAnswer{h.now(), ContactId{1}}).ok());
  EXPECT_EQ(h.Send(ConsultAnswer{h.now(), ContactId{1}}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.Send(TransferOut{h.now(), ContactId{1}}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.engine().agent_state(h.agent("a2")), AgentState::kConsulted);
}

TEST(Consult, AQueuePicksItsLongestIdleReadyMember) {
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Login("a3").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Login("a2").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  h.TakeEvents();
  ASSERT_TRUE(
      h.Send(core::Consult{h.now(), ContactId{1}, h.agent("a1"), AgentId{}, h.queue("sales")})
          .ok());
  const auto started = Only<ConsultStarted>(h.Events());
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].target, h.agent("a3"));
  EXPECT_EQ(started[0].via, h.queue("sales"));
  // With nobody ready in the queue it is refused.
  ASSERT_TRUE(h.Send(ConsultCancel{h.now(), ContactId{1}, false}).ok());
  ASSERT_TRUE(h.NotReady("a2").ok());
  ASSERT_TRUE(h.NotReady("a3").ok());
  EXPECT_EQ(h.Send(core::Consult{h.now(), ContactId{1}, h.agent("a1"), AgentId{}, h.queue("sales")})
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST(Consult, ABreakAskedWhileConsultedWaitsForTheConsultation) {
  CoreHarness h;
  OnACall(h);
  ASSERT_TRUE(Consult(h, 1, "a1", "a2").ok());
  ASSERT_TRUE(h.NotReady("a2", 0).ok());
  EXPECT_EQ(Only<AgentNotReadyPending>(h.Events()).size(), 1u);
  EXPECT_EQ(h.engine().agent_state(h.agent("a2")), AgentState::kConsulted);
  ASSERT_TRUE(h.Send(ConsultCancel{h.now(), ContactId{1}, true}).ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a2")), AgentState::kNotReady);
}

TEST(Consult, ReplayAndCheckpointsCarryAConsultationGoing) {
  CoreHarness h;
  OnACall(h);
  ASSERT_TRUE(Consult(h, 1, "a1", "a2").ok());
  ASSERT_TRUE(h.Send(ConsultAnswer{h.now(), ContactId{1}}).ok());
  const std::string digest = h.engine().StateDigest();
  auto replayed = Engine::Replay(h.settings(), h.start(), h.AllEvents());
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_EQ((*replayed)->StateDigest(), digest);
  const std::string bytes = h.engine().Snapshot();
  EXPECT_EQ(bytes.substr(0, 9), "SBENGINE4");
  auto restored = Engine::Restore(h.settings(), bytes, {});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ((*restored)->StateDigest(), digest);
  // Both go on alike: the completion.
  std::vector<Event> a, b;
  ASSERT_TRUE(h.engine().Handle(ConsultComplete{h.now(), ContactId{1}}, &a).ok());
  ASSERT_TRUE((*restored)->Handle(ConsultComplete{h.now(), ContactId{1}}, &b).ok());
  EXPECT_EQ(h.engine().StateDigest(), (*restored)->StateDigest());
  EXPECT_EQ(a.size(), b.size());
}

TEST(Consult, AnSbengine2CheckpointIsStillRead) {
  // Without contacts the two versions' bytes differ only in the magic.
  CoreHarness h;
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Login("a2").ok());
  std::string bytes = h.engine().Snapshot();
  bytes.replace(0, 9, "SBENGINE2");
  auto restored = Engine::Restore(h.settings(), bytes, {});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ((*restored)->StateDigest(), h.engine().StateDigest());
  bytes.replace(0, 9, "SBENGINE9");
  EXPECT_FALSE(Engine::Restore(h.settings(), bytes, {}).ok());
}

TEST(Consult, DamagedConsultationsInACheckpointAreRefused) {
  CoreHarness h;
  OnACall(h);
  ASSERT_TRUE(Consult(h, 1, "a1", "a2").ok());
  const std::string bytes = h.engine().Snapshot();
  // Every truncation is refused, none crashes.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(Engine::Restore(h.settings(), bytes.substr(0, n), {}).ok()) << n;
  }
}

// Random scripts with consultations: a replay of the events and a checkpoint taken midway both
// reach the live engine's state.
TEST(Consult, RandomScriptsReplayExactly) {
  std::size_t completed = 0, started = 0, answered = 0, accepted = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    std::mt19937_64 rng(seed);
    CoreHarness h;
    std::string mid;
    std::size_t mid_events = 0;
    std::uint64_t next = 1;
    for (int step = 0; step < 600; ++step) {
      h.Advance(Duration(rng() % 8000));
      const std::string agent = "a" + std::to_string(1 + rng() % 3);
      const std::string other = "a" + std::to_string(1 + rng() % 3);
      ContactId c{1 + rng() % next};
      // Most steps act on a contact they can act on: one ringing (accept), one connected.
      ContactId ringing = c, talking = c;
      for (std::uint64_t k = 0; k < next; ++k) {
        const ContactId x{1 + (c.value + k) % next};
        // Ringing: in the engine, neither waiting (no position) nor connected.
        const auto place = h.engine().Position(x);
        const bool rings = !place.ok() &&
                           place.status().code() == StatusCode::kFailedPrecondition &&
                           !h.engine().connected(x);
        if (ringing == c && rings) ringing = x;
        if (talking == c && h.engine().connected(x)) talking = x;
      }
      if (rng() % 5 != 0) c = talking;
      switch (rng() % 14) {
        case 0:
          (void)h.Login(agent);
          break;
        case 1:
          // Few callers at once, so that agents are also ready, to be consulted.
          if (h.engine().contacts() < 2) (void)h.Enqueue(next++, "sales");
          break;
        case 2:
          (void)h.Accept(ringing.value,
                         h.OfferedTo(ringing.value).empty() ? agent : h.OfferedTo(ringing.value));
          break;
        case 3:
          (void)h.Hangup(c.value);
          break;
        case 4:
        case 5:
          // From the agent connected to it, to a ready one where there is (else refused).
          for (const char* from : {"a1", "a2", "a3"}) {
            std::string to = other;
            for (const char* t : {"a1", "a2", "a3"}) {
              if (h.engine().agent_state(h.agent(t)) == AgentState::kReady) to = t;
            }
            if (Consult(h, c.value, from, to).ok()) break;
          }
          break;
        case 6:
        case 12:
          (void)h.Send(ConsultAnswer{h.now(), c});
          break;
        case 7:
          (void)h.Send(ConsultCancel{h.now(), c, rng() % 2 == 0});
          break;
        case 8:
        case 9:
          (void)h.Send(ConsultComplete{h.now(), c});
          break;
        case 10:
          (void)h.NotReady(agent);
          break;
        case 11:
          (void)h.Ready(agent);
          break;
        default:
          (void)h.Tick();
          break;
      }
      if (step == 300) {
        mid = h.engine().Snapshot();
        mid_events = h.AllEvents().size();
      }
    }
    const std::string digest = h.engine().StateDigest();
    auto replayed = Engine::Replay(h.settings(), h.start(), h.AllEvents());
    ASSERT_TRUE(replayed.ok()) << seed << ": " << replayed.status().ToString();
    EXPECT_EQ((*replayed)->StateDigest(), digest) << seed;
    const std::span<const Event> after(h.AllEvents().data() + mid_events,
                                       h.AllEvents().size() - mid_events);
    auto restored = Engine::Restore(h.settings(), mid, after);
    ASSERT_TRUE(restored.ok()) << seed << ": " << restored.status().ToString();
    EXPECT_EQ((*restored)->StateDigest(), digest) << seed;
    completed += Only<ConsultCompleted>(h.AllEvents()).size();
    started += Only<ConsultStarted>(h.AllEvents()).size();
    answered += Only<ConsultAnswered>(h.AllEvents()).size();
    accepted += Only<OfferAccepted>(h.AllEvents()).size();
  }
  // The scripts do reach handovers.
  EXPECT_GT(completed, 5u) << started << " started, " << answered << " answered, " << accepted
                           << " calls accepted";
}

}  // namespace
}  // namespace sb::core
