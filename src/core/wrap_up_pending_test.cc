// A break or logout asked during wrap-up waits for the wrap-up to end, by its timer or by the
// agent becoming ready (issue 9, §2).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::Only;

void IntoWrapUp(CoreHarness& h) {
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  h.Advance(30s);
  ASSERT_TRUE(h.Hangup(1).ok());
  h.Advance(2s);
  h.TakeEvents();
}

TEST(WrapUpPending, ABreakAskedDuringWrapUpStartsWhenTheWrapUpEnds) {
  CoreHarness h;
  IntoWrapUp(h);
  ASSERT_TRUE(h.NotReady("a1", 0).ok());
  EXPECT_EQ(Only<AgentNotReadyPending>(h.Events()).size(), 1u);
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kWrapUp);
  h.Advance(8s);
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kNotReady);
  const auto nr = Only<AgentNotReady>(h.Events());
  ASSERT_EQ(nr.size(), 1u);
  EXPECT_EQ(nr[0].at, h.now());
  EXPECT_EQ(nr[0].reason, 0);
  EXPECT_EQ(h.OfferedTo(2), "");
}

TEST(WrapUpPending, ALogoutAskedDuringWrapUpWaitsForIt) {
  CoreHarness h;
  IntoWrapUp(h);
  ASSERT_TRUE(h.Send(Logout{h.now(), h.agent("a1")}).ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kWrapUp);
  h.Advance(8s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kLoggedOut);
}

TEST(WrapUpPending, TheAgentEndingTheWrapUpStartsThePendingBreak) {
  CoreHarness h;
  IntoWrapUp(h);
  ASSERT_TRUE(h.NotReady("a1", 0).ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  h.Advance(1s);
  ASSERT_TRUE(h.Ready("a1").ok());
  EXPECT_EQ(h.engine().agent_state(h.agent("a1")), AgentState::kNotReady);
  EXPECT_EQ(h.OfferedTo(2), "");
}

}  // namespace
}  // namespace sb::core
