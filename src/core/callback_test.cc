// Callback requests: the caller has left a number and hung up, so the caller leaving is not
// an abandon (issue 9, defect 1).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::Only;

TEST(Callback, TheCallerHangingUpDoesNotEndACallbackRequest) {
  CoreHarness h;
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Send(RequestCallback{h.now(), ContactId{1}}).ok());
  h.Advance(5s);
  h.TakeEvents();
  EXPECT_TRUE(h.Abandon(1).ok());
  EXPECT_TRUE(h.Events().empty());
  EXPECT_EQ(h.engine().waiting(h.queue("sales")), 1u);
  ASSERT_TRUE(h.Login("a1").ok());
  const auto offers = Only<ContactOffered>(h.Events());
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].kind, ContactKind::kCallback);
}

TEST(Callback, AnAgentReservedToDialOutKeepsTheCallback) {
  CoreHarness h;
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Send(RequestCallback{h.now(), ContactId{1}}).ok());
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_EQ(h.OfferedTo(1), "a1");
  h.Advance(700ms);
  h.TakeEvents();
  EXPECT_TRUE(h.Abandon(1).ok());
  EXPECT_TRUE(h.Events().empty());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kReserved);
  EXPECT_TRUE(h.Accept(1, "a1").ok());
}

TEST(Callback, ACallTurnedIntoACallbackByAFullQueueIsNotAbandoned) {
  EngineSettings s = CoreHarness::DefaultSettings();
  s.queues[0].max_length = 1;
  s.queues[0].when_full = {Fallback::Action::kOfferCallback, QueueId{}};
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  ASSERT_EQ(Only<ContactQueued>(h.Events()).back().kind, ContactKind::kCallback);
  ASSERT_TRUE(h.Abandon(2).ok());
  EXPECT_TRUE(Only<ContactEnded>(h.Events()).empty());
  EXPECT_EQ(h.engine().waiting(h.queue("sales")), 2u);
  // A call that was only offered a callback and did not take it still abandons.
  ASSERT_TRUE(h.Abandon(1).ok());
  ASSERT_EQ(Only<ContactEnded>(h.Events()).size(), 1u);
  EXPECT_EQ(Only<ContactEnded>(h.Events())[0].reason, EndReason::kAbandoned);
}

}  // namespace
}  // namespace sb::core
