#include "store/cdr_builder.h"

#include <gtest/gtest.h>

#include "core/statistics.h"
#include "core/testing/harness.h"

namespace sb::store {
namespace {

TEST(CdrBuilder, OneRecordPerCallWithEveryTimestamp) {
  CdrBuilder b;
  const Time t0 = FromMillis(1'764'000'000'000);
  core::ContactQueued q{};
  q.at = t0 + Duration(3000);
  q.contact = ContactId{5};
  q.queue = QueueId{1};
  q.arrival = t0;
  EXPECT_FALSE(b.Add(q).has_value());
  core::ContactOffered o{};
  o.at = t0 + Duration(10000);
  o.contact = ContactId{5};
  o.agent = AgentId{2};
  EXPECT_FALSE(b.Add(o).has_value());
  o.at = t0 + Duration(30000);  // a second offer does not move the first-offer time
  EXPECT_FALSE(b.Add(o).has_value());
  EXPECT_FALSE(b.Add(core::OfferAccepted{t0 + Duration(32000), ContactId{5}, AgentId{2}}));
  EXPECT_FALSE(b.Add(core::ContactMoved{t0 + Duration(40000), ContactId{5}, QueueId{1}, QueueId{4},
                                        core::MoveReason{}, t0, AgentId{}, t0}));
  auto c = b.Add(core::ContactEnded{t0 + Duration(90000), ContactId{5}, QueueId{4}, AgentId{2},
                                    core::EndReason::kCompleted, t0 + Duration(95000)});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->contact, 5u);
  EXPECT_EQ(c->arrival_ms, ToMillis(t0));
  EXPECT_EQ(c->queued_ms, ToMillis(t0) + 3000);
  EXPECT_EQ(c->offered_ms, ToMillis(t0) + 10000);
  EXPECT_EQ(c->answered_ms, ToMillis(t0) + 32000);
  EXPECT_EQ(c->ended_ms, ToMillis(t0) + 90000);
  EXPECT_EQ(c->queue, 4u);
  EXPECT_EQ(c->agent, 2);
  EXPECT_EQ(c->outcome, "completed");
  EXPECT_EQ(b.open(), 0u);
}

TEST(CdrBuilder, AbandonedCallHasNoAgentAndAnEndWithoutAStartIsIgnored) {
  CdrBuilder b;
  core::ContactQueued q{};
  q.at = FromMillis(1000);
  q.contact = ContactId{1};
  q.arrival = FromMillis(1000);
  (void)b.Add(q);
  auto c = b.Add(core::ContactEnded{FromMillis(61000), ContactId{1}, QueueId{0}, AgentId{},
                                    core::EndReason::kAbandoned, FromMillis(0)});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->agent, -1);
  EXPECT_EQ(c->answered_ms, 0);
  EXPECT_EQ(c->outcome, "abandoned");
  EXPECT_FALSE(b.Add(core::ContactEnded{FromMillis(5), ContactId{99}, QueueId{0}, AgentId{},
                                        core::EndReason::kAbandoned, FromMillis(0)}));
}

TEST(CdrBuilder, ACallbacksAttemptsAreItsAcceptedCallbackOffers) {
  CdrBuilder b;
  const Time t0 = FromMillis(1'764'000'000'000);
  core::ContactQueued q{};
  q.at = t0;
  q.contact = ContactId{6};
  q.arrival = t0;
  (void)b.Add(q);
  core::ContactOffered call{};  // offered and declined as a call first: no attempt
  call.at = t0 + Duration(1000);
  call.contact = ContactId{6};
  (void)b.Add(call);
  (void)b.Add(core::OfferDeclined{t0 + Duration(2000), ContactId{6}, AgentId{1}});
  (void)b.Add(core::CallbackRequested{t0 + Duration(3000), ContactId{6}});
  core::ContactOffered cb = call;
  cb.kind = core::ContactKind::kCallback;
  for (int dial = 0; dial < 2; ++dial) {  // two dials that reach nobody, then one that does
    (void)b.Add(cb);
    (void)b.Add(core::OfferAccepted{t0 + Duration(4000), ContactId{6}, AgentId{1}});
    (void)b.Add(core::CallbackRetry{t0 + Duration(5000), ContactId{6}, QueueId{}, AgentId{1},
                                    static_cast<std::uint16_t>(dial + 1), t0 + Duration(6000)});
  }
  (void)b.Add(cb);
  (void)b.Add(core::OfferTimedOut{t0 + Duration(7000), ContactId{6}, AgentId{1}});  // not taken
  (void)b.Add(cb);
  (void)b.Add(core::OfferAccepted{t0 + Duration(8000), ContactId{6}, AgentId{1}});
  auto c = b.Add(core::ContactEnded{t0 + Duration(9000), ContactId{6}, QueueId{}, AgentId{1},
                                    core::EndReason::kCompleted, t0 + Duration(9000)});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->callback_attempts, 3);
}

}  // namespace
}  // namespace sb::store
