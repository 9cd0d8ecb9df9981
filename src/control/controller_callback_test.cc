// Callbacks through the controller: the CDR counts the customer's dials (callback_attempts, also
// handed to the subscribers with ContactEnded), a retried callback opens one case, when its
// customer answers, a permanent failure is not retried, and a restart between two attempts keeps
// the count (the checkpoint's open CDRs lack it; the engine's count is taken).

#include <gtest/gtest.h>

#include "control/controller.h"
#include "control/testing/memory_recorder.h"

namespace sb::control {
namespace {

using testing::MemoryRecorder;

const Time kStart = FromMillis(1'795'420'800'000);  // 2026-11-23T08:00Z

core::EngineSettings Settings() {
  core::EngineSettings s;
  core::QueueSettings q;
  q.name = "sales";
  q.wrap_up = 0s;
  q.callback_retries = 2;
  q.callback_retry_after = 1s;
  s.queues.push_back(q);
  core::AgentSettings a;
  a.name = "a1";
  a.queues.push_back({QueueId{0}, 1});
  s.agents.push_back(a);
  return s;
}

struct Tap : Subscriber {
  void OnEvent(const core::Event& e, Cause, const ContactContext* c) override {
    if (const auto* o = std::get_if<core::ContactOffered>(&e)) offer = o->offer;
    if (std::holds_alternative<core::ContactEnded>(e) && c) ended_attempts = c->callback_attempts;
  }
  std::uint32_t offer = 0;           // the last offer's number
  std::uint32_t ended_attempts = 0;  // ContactContext::callback_attempts of the last end
};

class CallbackTest : public ::testing::Test {
 protected:
  CallbackTest() {
    auto engine = core::Engine::Create(Settings(), kStart);
    EXPECT_TRUE(engine.ok());
    ctl = std::make_unique<Controller>(std::move(engine).value(), rec, 1, ControllerOptions{});
    ctl->Subscribe(&tap);
  }
  Reply Do(const Command& c) { return ctl->Execute(c, now); }
  // A caller asks for a callback, then a1 is ready: the callback is offered to a1.
  std::uint64_t Requested() {
    Reply r = Do(Enqueue{0, "sales", "+33612345678", "", "", 0});
    EXPECT_TRUE(r.status.ok());
    EXPECT_TRUE(Do(RequestCallback{r.contact}).status.ok());
    EXPECT_TRUE(Do(Login{"a1", "sip:a1@127.0.0.1"}).status.ok());
    EXPECT_TRUE(Do(Ready{"a1"}).status.ok());
    return r.contact;
  }
  // a1 takes the offer (the customer is dialled) and it fails; the retry comes after 1 s.
  void DialFails(std::uint64_t c, Controller& on) {
    ASSERT_TRUE(on.Execute(Accept{c, "a1", tap.offer}, now).status.ok());
    ASSERT_TRUE(on.Execute(CallbackResult{c, false}, now).status.ok());
    now += 1s;
    on.Tick(now);
  }

  Time now = kStart;
  MemoryRecorder rec;
  Tap tap;
  std::unique_ptr<Controller> ctl;
};

TEST_F(CallbackTest, ARetriedCallbackCountsItsDialsAndOpensOneCaseWhenTheCustomerAnswers) {
  const std::uint64_t c = Requested();
  DialFails(c, *ctl);
  DialFails(c, *ctl);
  EXPECT_TRUE(rec.case_requests.empty());  // accepted twice, nobody reached: no case
  ASSERT_TRUE(Do(Accept{c, "a1", tap.offer}).status.ok());
  EXPECT_TRUE(rec.case_requests.empty());  // the third dial: still nobody
  now += 4s;
  ASSERT_TRUE(Do(CallbackResult{c, true}).status.ok());
  ASSERT_EQ(rec.case_requests.size(), 1u);
  EXPECT_EQ(rec.case_requests[0].call, c);
  EXPECT_EQ(rec.case_requests[0].user, "a1");
  EXPECT_EQ(rec.case_requests[0].at_ms, ToMillis(now));
  now += 30s;
  ASSERT_TRUE(Do(Hangup{c}).status.ok());
  EXPECT_EQ(rec.case_requests.size(), 1u);
  ASSERT_FALSE(rec.cdrs.empty());
  EXPECT_EQ(rec.cdrs.back().outcome, "completed");
  EXPECT_EQ(rec.cdrs.back().callback_attempts, 3);
  EXPECT_EQ(tap.ended_attempts, 3u);
}

TEST_F(CallbackTest, AFirstTryThatReachesIsOneAttemptAndACallIsNone) {
  const std::uint64_t c = Requested();
  ASSERT_TRUE(Do(Accept{c, "a1", tap.offer}).status.ok());
  ASSERT_TRUE(Do(CallbackResult{c, true}).status.ok());
  ASSERT_TRUE(Do(Hangup{c}).status.ok());
  EXPECT_EQ(rec.cdrs.back().callback_attempts, 1);
  EXPECT_EQ(rec.case_requests.size(), 1u);
  // A call answered: its case opens on the agent's answer, as before, and it has no attempts.
  now += 1s;
  Reply r = Do(Enqueue{0, "sales", "+33612345679", "", "", 0});
  ASSERT_TRUE(r.status.ok());
  ASSERT_TRUE(Do(Accept{r.contact, "a1", tap.offer}).status.ok());
  EXPECT_EQ(rec.case_requests.size(), 2u);
  ASSERT_TRUE(Do(Hangup{r.contact}).status.ok());
  EXPECT_EQ(rec.cdrs.back().callback_attempts, 0);
  EXPECT_EQ(tap.ended_attempts, 0u);
}

TEST_F(CallbackTest, APermanentFailureEndsItUnreachedAfterOneAttempt) {
  const std::uint64_t c = Requested();
  ASSERT_TRUE(Do(Accept{c, "a1", tap.offer}).status.ok());
  ASSERT_TRUE(Do(CallbackResult{c, false, true}).status.ok());
  ASSERT_FALSE(rec.cdrs.empty());
  EXPECT_EQ(rec.cdrs.back().outcome, "callback_unreached");
  EXPECT_EQ(rec.cdrs.back().callback_attempts, 1);
  EXPECT_EQ(tap.ended_attempts, 1u);
  EXPECT_TRUE(rec.case_requests.empty());
  EXPECT_EQ(ctl->contact(c), nullptr);
}

TEST_F(CallbackTest, ARestartBetweenTwoAttemptsKeepsTheCount) {
  const std::uint64_t c = Requested();
  DialFails(c, *ctl);
  const std::string bytes = ctl->Checkpoint();
  auto engine_bytes = Controller::EngineOf(bytes);
  ASSERT_TRUE(engine_bytes.ok());
  auto engine = core::Engine::Restore(Settings(), *engine_bytes, {});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  MemoryRecorder rec2;
  Controller back(std::move(engine).value(), rec2, 1, ControllerOptions{});
  back.Subscribe(&tap);
  ASSERT_TRUE(back.RestoreRegistries(bytes).ok());
  back.Seed({});
  back.Tick(now);
  DialFails(c, back);
  ASSERT_TRUE(back.Execute(Accept{c, "a1", tap.offer}, now).status.ok());
  ASSERT_TRUE(back.Execute(CallbackResult{c, false}, now).status.ok());
  ASSERT_EQ(rec2.cdrs.size(), 1u);
  EXPECT_EQ(rec2.cdrs[0].outcome, "callback_unreached");
  EXPECT_EQ(rec2.cdrs[0].callback_attempts, 3);
}

}  // namespace
}  // namespace sb::control
