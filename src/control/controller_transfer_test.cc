// Transfers to numbers through the controller: refused at the front door, refused unless the
// contact is connected and the phone system (NumberTransfers) agrees, and on success the
// contact ends transferred_out with its number in the bus's context and its CDR's outcome.

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
  q.wrap_up = 10s;
  s.queues.push_back(q);
  q.name = "billing";
  s.queues.push_back(q);
  core::AgentSettings a;
  a.name = "a1";
  a.queues.push_back({QueueId{0}, 1});
  s.agents.push_back(a);
  return s;
}

struct FakeTransfers : NumberTransfers {
  Status CanTransferOut(std::uint64_t contact, const std::string& number) override {
    asked.emplace_back(contact, number);
    return allow ? Status::Ok() : FailedPrecondition("number: not an allowed destination");
  }
  std::string QueueOfNumber(const std::string& number) const override {
    return number == "0800100300" ? "billing" : "";
  }
  bool allow = true;
  std::vector<std::pair<std::uint64_t, std::string>> asked;
};

struct Ends : Subscriber {
  void OnEvent(const core::Event& e, Cause, const ContactContext* c) override {
    if (const auto* x = std::get_if<core::ContactEnded>(&e)) {
      ended.emplace_back(x->reason, c ? c->transfer_to : "");
    }
    if (const auto* m = std::get_if<core::ContactMoved>(&e)) moved.push_back(*m);
  }
  std::vector<std::pair<core::EndReason, std::string>> ended;
  std::vector<core::ContactMoved> moved;
};

class TransferTest : public ::testing::Test {
 protected:
  TransferTest() {
    auto engine = core::Engine::Create(Settings(), kStart);
    EXPECT_TRUE(engine.ok());
    ctl = std::make_unique<Controller>(std::move(engine).value(), rec, 1, ControllerOptions{});
    ctl->Subscribe(&ends);
  }
  Reply Do(const Command& c) { return ctl->Execute(c, kStart); }
  // A caller connected to a1: its contact id.
  std::uint64_t Connected() {
    EXPECT_TRUE(Do(Login{"a1", ""}).status.ok());
    EXPECT_TRUE(Do(Ready{"a1"}).status.ok());
    Reply r = Do(Enqueue{0, "sales", "+33612345678", "", "", 0});
    EXPECT_TRUE(r.status.ok());
    EXPECT_TRUE(Do(Accept{r.contact, "a1", 1}).status.ok());
    return r.contact;
  }

  MemoryRecorder rec;
  Ends ends;
  FakeTransfers phone;
  std::unique_ptr<Controller> ctl;
};

TEST_F(TransferTest, TheFrontDoorWantsExactlyOneOfQueueAndNumber) {
  const std::uint64_t c = Connected();
  ctl->SetNumberTransfers(&phone);
  EXPECT_EQ(Do(Transfer{c, "sales", "0612"}).status.message().rfind("queue, number:", 0), 0u);
  EXPECT_EQ(Do(Transfer{c, "", ""}).status.message().rfind("queue, number:", 0), 0u);
  EXPECT_EQ(Do(Transfer{c, "", "sip:evil@host"}).status.message().rfind("number:", 0), 0u);
  EXPECT_EQ(Do(Transfer{c, "", "+-()"}).status.message(), "number: has no digit");
  EXPECT_EQ(Do(Transfer{c, "", std::string(65, '1')}).status.message().rfind("number:", 0), 0u);
  EXPECT_TRUE(phone.asked.empty());
}

TEST_F(TransferTest, RefusedWithoutAPhoneSystemOrItsConsentOrAConnectedCall) {
  const std::uint64_t c = Connected();
  EXPECT_EQ(Do(Transfer{c, "", "0612345678"}).status.message().rfind("number: transfers", 0), 0u);
  ctl->SetNumberTransfers(&phone);
  phone.allow = false;
  Reply r = Do(Transfer{c, "", "0612345678"});
  EXPECT_EQ(r.status.message(), "number: not an allowed destination");
  EXPECT_TRUE(r.events.empty());
  ASSERT_TRUE(ctl->engine().connected(ContactId{c}));  // the call stays as it was
  // A waiting caller is not transferred to a number, and the phone system is not asked.
  Reply waiting = Do(Enqueue{0, "sales", "", "", "", 0});
  phone.asked.clear();
  phone.allow = true;
  EXPECT_EQ(Do(Transfer{waiting.contact, "", "0612"}).status.code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(phone.asked.empty());
  EXPECT_EQ(Do(Transfer{999, "", "0612"}).status.code(), StatusCode::kNotFound);
  EXPECT_TRUE(ends.ended.empty());
}

TEST_F(TransferTest, AnAllowedNumberEndsTheContactTransferredOut) {
  const std::uint64_t c = Connected();
  ctl->SetNumberTransfers(&phone);
  Reply r = Do(Transfer{c, "", "0612345678"});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(phone.asked.size(), 1u);
  EXPECT_EQ(phone.asked[0], std::make_pair(c, std::string("0612345678")));
  ASSERT_EQ(ends.ended.size(), 1u);
  EXPECT_EQ(ends.ended[0].first, core::EndReason::kTransferredOut);
  EXPECT_EQ(ends.ended[0].second, "0612345678");
  EXPECT_EQ(ctl->contact(c), nullptr);
  EXPECT_EQ(ctl->engine().agent_state(AgentId{0}), core::AgentState::kWrapUp);
  ASSERT_FALSE(rec.cdrs.empty());
  EXPECT_EQ(rec.cdrs.back().outcome, "transferred_out");
  EXPECT_EQ(rec.cdrs.back().caller, "+33612345678");
}

TEST_F(TransferTest, AQueueNumberOfThePhoneSystemMovesTheContactIntoItsQueue) {
  const std::uint64_t c = Connected();
  ctl->SetNumberTransfers(&phone);
  Reply r = Do(Transfer{c, "", "0800100300"});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(phone.asked.empty());  // not a transfer out: the phone system is not asked
  EXPECT_TRUE(ends.ended.empty());
  ASSERT_EQ(ends.moved.size(), 1u);
  EXPECT_EQ(ends.moved[0].contact, ContactId{c});
  EXPECT_EQ(ends.moved[0].to, QueueId{1});
  EXPECT_EQ(ends.moved[0].reason, core::MoveReason::kTransfer);
  ASSERT_NE(ctl->contact(c), nullptr);  // the same contact goes on, waiting in billing
}

}  // namespace
}  // namespace sb::control
