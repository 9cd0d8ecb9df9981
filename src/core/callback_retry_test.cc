// Callback retries (issue 10, section 4): a callback the customer did not answer waits out of
// its queue for callback_retry_after, comes back in its place and is dialled again, up to
// callback_retries more times; only the last failure ends it unreached.

#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/statistics.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::Only;

EngineSettings Retrying(int retries, Duration after = 5min) {
  EngineSettings s = CoreHarness::DefaultSettings();
  s.queues[0].callback_retries = retries;
  s.queues[0].callback_retry_after = after;
  return s;
}

// Contact 1 asks for a callback; a1 takes it and the customer does not answer.
void DialAndFail(CoreHarness& h, const std::string& agent) {
  ASSERT_EQ(h.OfferedTo(1), agent);
  ASSERT_TRUE(h.Accept(1, agent).ok());
  ASSERT_TRUE(h.Send(CallbackResult{h.now(), ContactId{1}, false}).ok());
}

void RequestCallback1(CoreHarness& h) {
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Send(RequestCallback{h.now(), ContactId{1}}).ok());
}

TEST(CallbackRetry, AnUnansweredCallbackWaitsItsRetryTimeThenIsOfferedAgain) {
  CoreHarness h(Retrying(2));
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  h.Advance(3s);
  h.TakeEvents();
  DialAndFail(h, "a1");
  const Time failed = h.now();
  const auto retry = Only<CallbackRetry>(h.Events());
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].contact, ContactId{1});
  EXPECT_EQ(retry[0].agent, h.agent("a1"));
  EXPECT_EQ(retry[0].queue, h.queue("sales"));
  EXPECT_EQ(retry[0].attempt, 1);
  EXPECT_EQ(retry[0].due, failed + 5min);
  EXPECT_TRUE(Only<ContactEnded>(h.Events()).empty());
  // The agent is free at once (no wrap-up for a dial that reached nobody); the callback is out
  // of the queue until due, so it is not offered to the free agent meanwhile.
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kReady);
  EXPECT_EQ(h.engine().contacts(), 1u);
  EXPECT_EQ(h.engine().waiting(h.queue("sales")), 0u);
  EXPECT_EQ(h.engine().Position(ContactId{1}).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.engine().NextDeadline(), failed + 5min);
  h.Advance(5min - 1ms);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_TRUE(Only<ContactOffered>(h.Events()).empty());
  h.Advance(1ms);
  h.TakeEvents();
  ASSERT_TRUE(h.Tick().ok());
  ASSERT_GE(h.Events().size(), 2u);
  const auto* due = std::get_if<CallbackRetryDue>(&h.Events()[0]);
  ASSERT_NE(due, nullptr);
  EXPECT_EQ(due->at, failed + 5min);
  const auto offers = Only<ContactOffered>(h.Events());
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].contact, ContactId{1});
  EXPECT_EQ(offers[0].kind, ContactKind::kCallback);
  EXPECT_EQ(offers[0].at, failed + 5min);
}

TEST(CallbackRetry, OnlyTheLastRetryEndsUnreachedAndEveryAttemptIsCounted) {
  CoreHarness h(Retrying(2, 1min));
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  for (int attempt = 1; attempt <= 2; ++attempt) {
    DialAndFail(h, "a1");
    ASSERT_TRUE(Only<ContactEnded>(h.Events()).empty()) << attempt;
    h.Advance(1min);
    ASSERT_TRUE(h.Tick().ok());
  }
  h.TakeEvents();
  DialAndFail(h, "a1");
  const auto ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, EndReason::kCallbackUnreached);
  EXPECT_EQ(ended[0].agent, h.agent("a1"));
  EXPECT_TRUE(Only<CallbackRetry>(h.Events()).empty());
  EXPECT_EQ(h.engine().contacts(), 0u);
  const auto retries = Only<CallbackRetry>(h.AllEvents());
  ASSERT_EQ(retries.size(), 2u);
  EXPECT_EQ(retries[0].attempt, 1);
  EXPECT_EQ(retries[1].attempt, 2);
  // Statistics: one contact offered, answered (by an agent) once, two retries, handled once.
  Statistics stats(h.settings(), 30min);
  for (const Event& e : h.AllEvents()) stats.Add(e);
  stats.Finish(h.now());
  const IntervalStats t = stats.Total(h.queue("sales"));
  EXPECT_EQ(t.offered, 1);
  EXPECT_EQ(t.answered, 1);
  EXPECT_EQ(t.handled, 1);
  EXPECT_EQ(t.callback_retries, 2);
  EXPECT_EQ(stats.Total(QueueId{}).callback_retries, 2);
}

TEST(CallbackRetry, NoRetriesEndsUnreachedAtOnce) {
  CoreHarness h(Retrying(0));
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  DialAndFail(h, "a1");
  const auto ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, EndReason::kCallbackUnreached);
  EXPECT_TRUE(Only<CallbackRetry>(h.Events()).empty());
}

TEST(CallbackRetry, AReachedCallbackIsNotRetried) {
  CoreHarness h(Retrying(2));
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  ASSERT_TRUE(h.Send(CallbackResult{h.now(), ContactId{1}, true}).ok());
  ASSERT_TRUE(h.Hangup(1).ok());
  EXPECT_TRUE(Only<CallbackRetry>(h.AllEvents()).empty());
  EXPECT_EQ(Only<ContactEnded>(h.Events()).at(0).reason, EndReason::kCompleted);
}

TEST(CallbackRetry, ARetryComesBackInItsPlaceAheadOfLaterArrivals) {
  CoreHarness h(Retrying(1, 1min));
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());  // arrives after the callback, waits for a1
  ASSERT_TRUE(h.Send(CallbackResult{h.now(), ContactId{1}, false}).ok());
  // a1 is free and the callback is out: contact 2 is next.
  ASSERT_EQ(h.OfferedTo(2), "a1");
  ASSERT_TRUE(h.Accept(2, "a1").ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Enqueue(3, "sales").ok());
  h.Advance(50s);
  ASSERT_TRUE(h.Tick().ok());  // the retry is due
  ASSERT_EQ(Only<CallbackRetryDue>(h.Events()).size(), 1u);
  EXPECT_EQ(*h.engine().Position(ContactId{1}), 0u);  // ahead of 3, which arrived later
  EXPECT_EQ(*h.engine().Position(ContactId{3}), 1u);
  ASSERT_TRUE(h.Hangup(2).ok());
  h.Advance(h.settings().queues[0].wrap_up);
  h.TakeEvents();
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(1), "a1");
  EXPECT_EQ(h.OfferedTo(3), "");
}

TEST(CallbackRetry, APendingBreakStartsWhenTheDialFails) {
  CoreHarness h(Retrying(1));
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  ASSERT_TRUE(h.NotReady("a1").ok());  // pending while on the callback
  ASSERT_TRUE(h.Send(CallbackResult{h.now(), ContactId{1}, false}).ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kNotReady);
  EXPECT_EQ(Only<CallbackRetry>(h.Events()).size(), 1u);
}

TEST(CallbackRetry, AWaitingRetryIsNotTransferredAndItsQueueCannotBeRemoved) {
  EngineSettings s = Retrying(1);
  QueueSettings tech;
  tech.name = "tech";
  s.queues.push_back(tech);
  CoreHarness h(s);
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  DialAndFail(h, "a1");
  EXPECT_EQ(h.Transfer(1, "tech").code(), StatusCode::kFailedPrecondition);
  // A caller abandoning or the server losing the call do not end a callback request.
  EXPECT_TRUE(h.Abandon(1).ok());
  EXPECT_TRUE(h.Send(Interrupt{h.now(), ContactId{1}}).ok());
  EXPECT_EQ(h.engine().contacts(), 1u);
  EngineSettings removed = s;
  removed.queues[0].retired = true;
  removed.agents.clear();
  for (AgentSettings a : s.agents) {
    a.queues = {{QueueId{1}, 1}};
    removed.agents.push_back(a);
  }
  const Status st = h.Reconfigure(removed, 2);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.ToString();
  EXPECT_NE(st.message().find("'sales' is removed but still has contacts"), std::string::npos)
      << st.message();
}

TEST(CallbackRetry, AReconfigurationKeepsThePendingRetryAndItsNewLimitsApplyAfter) {
  CoreHarness h(Retrying(2, 1min));
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  DialAndFail(h, "a1");
  const Time due = Only<CallbackRetry>(h.Events()).at(0).due;
  EngineSettings next = Retrying(0, 10min);  // no more retries, and a longer wait
  ASSERT_TRUE(h.Reconfigure(next, 2).ok());
  EXPECT_EQ(h.engine().NextDeadline(), due);
  h.Advance(1min);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.OfferedTo(1), "a1");
  h.TakeEvents();
  DialAndFail(h, "a1");
  ASSERT_EQ(Only<ContactEnded>(h.Events()).size(), 1u);
  EXPECT_EQ(Only<ContactEnded>(h.Events())[0].reason, EndReason::kCallbackUnreached);
}

TEST(CallbackRetry, ACheckpointWithAPendingRetryRestoresAndReplaysTheSame) {
  CoreHarness h(Retrying(1, 1min));
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  const std::vector<Event> before = h.AllEvents();
  const std::string early = h.engine().Snapshot();
  DialAndFail(h, "a1");
  std::vector<Event> after(h.AllEvents().begin() + static_cast<std::ptrdiff_t>(before.size()),
                           h.AllEvents().end());
  const std::string snap = h.engine().Snapshot();
  auto restored = Engine::Restore(h.settings(), snap, {});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  // Field for field (before StateDigest, whose NextDeadline drops stale timers from the heap).
  EXPECT_TRUE((*restored)->Snapshot() == snap);
  EXPECT_EQ((*restored)->StateDigest(), h.engine().StateDigest());
  auto replayed = Engine::Restore(h.settings(), early, after);
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_EQ((*replayed)->StateDigest(), h.engine().StateDigest());
  auto from_log = Engine::Replay(h.settings(), h.start(), h.AllEvents());
  ASSERT_TRUE(from_log.ok()) << from_log.status().ToString();
  EXPECT_EQ((*from_log)->StateDigest(), h.engine().StateDigest());
  // The restored engine dials it again when due, as the original does.
  h.Advance(1min);
  ASSERT_TRUE(h.Tick().ok());
  std::vector<Event> out;
  ASSERT_TRUE((*restored)->Handle(Tick{h.now()}, &out).ok());
  const auto offers = Only<ContactOffered>(out);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].contact, ContactId{1});
  EXPECT_EQ((*restored)->StateDigest(), h.engine().StateDigest());
}

TEST(CallbackRetry, AReplayRefusesRetryEventsOutOfOrder) {
  CoreHarness h(Retrying(1, 1min));
  RequestCallback1(h);
  ASSERT_TRUE(h.Login("a1").ok());
  const std::vector<Event> before = h.AllEvents();
  const Time t = h.now();
  // Due before any retry, and a retry of a callback nobody is dialling: refused, never applied.
  std::vector<Event> due = before;
  due.push_back(CallbackRetryDue{t, ContactId{1}, QueueId{0}});
  auto r = Engine::Replay(h.settings(), h.start(), due);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not waiting for a callback retry"), std::string::npos)
      << r.status().message();
  std::vector<Event> retry = before;
  retry.push_back(CallbackRetry{t, ContactId{1}, QueueId{0}, h.agent("a1"), 1, t + 1min});
  r = Engine::Replay(h.settings(), h.start(), retry);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a callback being dialled"), std::string::npos)
      << r.status().message();
}

TEST(CallbackRetry, Version2And3CheckpointsAreStillRead) {
  // Version 3 added two fields per contact (failed dials, retry time: 2 + 8 bytes), version 4
  // two more (the consulted agent, answered: 4 + 1), each at the contact's end, before the
  // timers. One waiting contact and no timers: the older bytes are those without them.
  EngineSettings s = CoreHarness::DefaultSettings();
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  const std::string v4 = h.engine().Snapshot();
  ASSERT_EQ(v4.substr(0, 9), "SBENGINE4");
  ASSERT_EQ(v4.substr(v4.size() - 4), std::string(4, '\0')) << "no timers expected";
  const std::string tail = v4.substr(v4.size() - 4);
  const std::string v3 = "SBENGINE3" + v4.substr(9, v4.size() - 9 - 4 - 5) + tail;
  const std::string v2 = "SBENGINE2" + v4.substr(9, v4.size() - 9 - 4 - 5 - 10) + tail;
  for (const std::string& old : {v3, v2}) {
    auto restored = Engine::Restore(s, old, {});
    ASSERT_TRUE(restored.ok()) << old.substr(0, 9) << ": " << restored.status().ToString();
    EXPECT_EQ((*restored)->StateDigest(), h.engine().StateDigest()) << old.substr(0, 9);
  }
  // Older bytes read as a newer version are refused (damaged), never misread.
  for (std::string mislabelled : {v2, v3}) {
    mislabelled[8] = mislabelled[8] == '2' ? '3' : '4';
    EXPECT_FALSE(Engine::Restore(s, mislabelled, {}).ok()) << mislabelled.substr(0, 9);
  }
}

TEST(CallbackRetry, SettingsOutOfBoundsAreRefused) {
  for (int retries : {-1, kMaxCallbackRetries + 1}) {
    EngineSettings s = Retrying(retries);
    EXPECT_FALSE(ValidateSettings(s).ok()) << retries;
  }
  for (Duration after : {Duration{0}, 999ms, 24h + 1ms}) {
    EngineSettings s = Retrying(1, after);
    EXPECT_FALSE(ValidateSettings(s).ok()) << after.count();
  }
  EXPECT_TRUE(ValidateSettings(Retrying(kMaxCallbackRetries, 24h)).ok());
  EXPECT_TRUE(ValidateSettings(Retrying(0, 1s)).ok());
}

}  // namespace
}  // namespace sb::core
