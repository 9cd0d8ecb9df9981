// A callback's attempts as the engine counts them (Engine::callback_attempts, what the records
// say), and failures that are not retried: a number that cannot be reached ends the callback at
// its first failure (CallbackResult::permanent), whatever callback_retries allows.

#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::Only;

EngineSettings Retrying(int retries) {
  EngineSettings s = CoreHarness::DefaultSettings();
  s.queues[0].callback_retries = retries;
  s.queues[0].callback_retry_after = 1min;
  return s;
}

void RequestCallback1(CoreHarness& h) {
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Send(RequestCallback{h.now(), ContactId{1}}).ok());
  ASSERT_TRUE(h.Login("a1").ok());
}

TEST(CallbackAttempts, EveryAcceptedOfferIsOneAttemptAndAFailureWaitsWithItsCount) {
  CoreHarness h(Retrying(2));
  RequestCallback1(h);
  const ContactId c{1};
  EXPECT_EQ(h.engine().kind(c), ContactKind::kCallback);
  EXPECT_EQ(h.engine().callback_attempts(c), 0u);  // offered (ringing the agent): not dialled
  for (std::uint32_t attempt = 1; attempt <= 2; ++attempt) {
    ASSERT_EQ(h.OfferedTo(1), "a1");
    ASSERT_TRUE(h.Accept(1, "a1").ok());
    EXPECT_EQ(h.engine().callback_attempts(c), attempt);
    EXPECT_EQ(h.engine().agent_of(c), h.agent("a1"));
    ASSERT_TRUE(h.Send(CallbackResult{h.now(), c, false}).ok());
    EXPECT_EQ(h.engine().callback_attempts(c), attempt);  // waiting for its retry
    EXPECT_FALSE(h.engine().agent_of(c).valid());
    h.Advance(1min);
    ASSERT_TRUE(h.Tick().ok());
  }
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  EXPECT_EQ(h.engine().callback_attempts(c), 3u);
  ASSERT_TRUE(h.Send(CallbackResult{h.now(), c, true}).ok());
  ASSERT_TRUE(h.Hangup(1).ok());
  EXPECT_EQ(Only<ContactEnded>(h.Events()).at(0).reason, EndReason::kCompleted);
  EXPECT_EQ(h.engine().callback_attempts(c), 0u);  // gone
  EXPECT_EQ(h.engine().kind(ContactId{2}), ContactKind::kCall);
}

TEST(CallbackAttempts, APermanentFailureEndsTheCallbackAtOnceDespiteRetriesLeft) {
  CoreHarness h(Retrying(2));
  RequestCallback1(h);
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  h.TakeEvents();
  ASSERT_TRUE(h.Send(CallbackResult{h.now(), ContactId{1}, false, true}).ok());
  const auto ended = Only<ContactEnded>(h.Events());
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].reason, EndReason::kCallbackUnreached);
  EXPECT_EQ(ended[0].agent, h.agent("a1"));
  EXPECT_TRUE(Only<CallbackRetry>(h.AllEvents()).empty());
  EXPECT_EQ(h.engine().contacts(), 0u);
}

TEST(CallbackAttempts, APermanentFailureAfterARetryEndsItToo) {
  CoreHarness h(Retrying(2));
  RequestCallback1(h);
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  ASSERT_TRUE(h.Send(CallbackResult{h.now(), ContactId{1}, false}).ok());  // busy: retried
  h.Advance(1min);
  ASSERT_TRUE(h.Tick().ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  h.TakeEvents();
  ASSERT_TRUE(h.Send(CallbackResult{h.now(), ContactId{1}, false, true}).ok());
  EXPECT_EQ(Only<ContactEnded>(h.Events()).at(0).reason, EndReason::kCallbackUnreached);
  EXPECT_EQ(Only<CallbackRetry>(h.AllEvents()).size(), 1u);
}

}  // namespace
}  // namespace sb::core
