// Moves into a queue that cannot take the contact (closed, or full for a call): the target's
// own closed/full overflow chain is followed, and where it leads nowhere the contact stays
// where it is, keeping its place and its later steps (issue 9, defect 3). The same rule holds
// for relax overflows, maximum-wait overflows and transfers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::core {
namespace {

using testing::CoreHarness;
using testing::MakeAgent;
using testing::Only;

// "sales" overflows to "night" after 10 s (relax) and at 30 s (max wait). "night" keeps a
// calendar that is never open; "backup" is open and takes at most one call.
EngineSettings Settings() {
  EngineSettings s;
  s.skills = {"fr"};
  Calendar always;
  Calendar never;
  never.name = "never";
  never.always_open = false;
  s.calendars = {always, never};
  for (const char* name : {"sales", "night", "backup"}) {
    QueueSettings q;
    q.name = name;
    s.queues.push_back(q);
  }
  s.queues[1].calendar = 1;
  s.queues[2].max_length = 1;
  RelaxStep step;
  step.after = 10s;
  step.kind = RelaxStep::Kind::kOverflow;
  step.queue = QueueId{1};
  s.queues[0].relax = {step};
  s.agents.push_back(MakeAgent(s, "a1", {"sales"}));
  s.agents.push_back(MakeAgent(s, "n1", {"night", "backup"}));
  return s;
}

TEST(MoveTarget, ARelaxOverflowIntoAClosedQueueLeavesTheContactWhereItIs) {
  CoreHarness h(Settings());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_TRUE(Only<ContactMoved>(h.Events()).empty());
  EXPECT_TRUE(Only<ContactEnded>(h.Events()).empty());
  EXPECT_EQ(h.engine().waiting(h.queue("sales")), 1u);
  EXPECT_EQ(h.engine().waiting(h.queue("night")), 0u);
  ASSERT_TRUE(h.Login("a1").ok());
  EXPECT_EQ(h.OfferedTo(1), "a1");
}

TEST(MoveTarget, AClosedTargetsOverflowChainIsFollowed) {
  EngineSettings s = Settings();
  s.queues[1].when_closed = {Fallback::Action::kOverflowQueue, QueueId{2}};
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());
  const auto moved = Only<ContactMoved>(h.Events());
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].to, h.queue("backup"));
  EXPECT_EQ(moved[0].reason, MoveReason::kRelaxOverflow);
}

TEST(MoveTarget, AMaximumWaitOverflowIntoAFullQueueLeavesTheContactWhereItIs) {
  EngineSettings s = Settings();
  s.queues[0].relax.clear();
  s.queues[0].max_wait = 30s;
  s.queues[0].when_max_wait = {Fallback::Action::kOverflowQueue, QueueId{2}};
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(9, "backup").ok());  // backup is now full
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  h.Advance(30s);
  ASSERT_TRUE(h.Tick().ok());
  EXPECT_TRUE(Only<ContactMoved>(h.Events()).empty());
  EXPECT_EQ(h.engine().waiting(h.queue("backup")), 1u);
  EXPECT_EQ(h.engine().waiting(h.queue("sales")), 1u);
  EXPECT_EQ(h.engine().NextDeadline(), kNever);
}

TEST(MoveTarget, ATransferIntoAFullQueueIsRefused) {
  CoreHarness h(Settings());
  ASSERT_TRUE(h.Enqueue(9, "backup").ok());
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a1").ok());
  const std::string before = h.engine().StateDigest();
  EXPECT_EQ(h.Transfer(1, "backup").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(h.engine().StateDigest(), before);
}

TEST(MoveTarget, ACallbackIsNotHeldBackByAFullQueue) {
  EngineSettings s = Settings();
  s.queues[0].relax[0].queue = QueueId{2};
  CoreHarness h(s);
  ASSERT_TRUE(h.Enqueue(9, "backup").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Send(RequestCallback{h.now(), ContactId{1}}).ok());
  h.Advance(10s);
  ASSERT_TRUE(h.Tick().ok());
  ASSERT_EQ(Only<ContactMoved>(h.Events()).size(), 1u);
  EXPECT_EQ(h.engine().waiting(h.queue("backup")), 2u);
}

}  // namespace
}  // namespace sb::core
