// Consultations (attended transfer) through the controller: the front door, the phone system's
// consent (Consultations), the CDR's handover, and checkpoints (SBCTL3, SBCTL2 still read) that
// carry a handover in an open CDR.

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
  for (const char* name : {"a1", "a2"}) {
    core::AgentSettings a;
    a.name = name;
    a.queues.push_back({QueueId{0}, 1});
    s.agents.push_back(a);
  }
  return s;
}

struct FakeConsultations : Consultations {
  Status CanConsult(std::uint64_t contact, const std::string& target) override {
    asked.emplace_back(contact, target);
    return allow ? Status::Ok() : FailedPrecondition("supervised: no consultation now");
  }
  bool allow = true;
  std::vector<std::pair<std::uint64_t, std::string>> asked;
};

class ConsultTest : public ::testing::Test {
 protected:
  ConsultTest() { ctl = Make(); }
  std::unique_ptr<Controller> Make() {
    auto engine = core::Engine::Create(Settings(), kStart);
    EXPECT_TRUE(engine.ok());
    return std::make_unique<Controller>(std::move(engine).value(), rec, 1, ControllerOptions{});
  }
  Reply Do(const Command& c, Duration after = 0s) { return ctl->Execute(c, kStart + after); }
  // A caller connected to a1, with a2 ready: its contact id.
  std::uint64_t Connected() {
    EXPECT_TRUE(Do(Login{"a1", ""}).status.ok());
    EXPECT_TRUE(Do(Ready{"a1"}).status.ok());
    Reply r = Do(Enqueue{0, "sales", "+33612345678", "", "", 0});
    EXPECT_TRUE(r.status.ok());
    EXPECT_TRUE(Do(Accept{r.contact, "a1", 1}).status.ok());
    EXPECT_TRUE(Do(Login{"a2", ""}).status.ok());
    EXPECT_TRUE(Do(Ready{"a2"}).status.ok());
    return r.contact;
  }

  MemoryRecorder rec;
  FakeConsultations phone;
  std::unique_ptr<Controller> ctl;
};

TEST_F(ConsultTest, TheFrontDoorWantsExactlyOneOfTargetAndQueue) {
  const std::uint64_t c = Connected();
  EXPECT_EQ(Do(Consult{c, "a1", "a2", "sales"}).status.message().rfind("target, queue:", 0), 0u);
  EXPECT_EQ(Do(Consult{c, "a1", "", ""}).status.message().rfind("target, queue:", 0), 0u);
  EXPECT_EQ(Do(Consult{0, "a1", "a2", ""}).status.message().rfind("contact:", 0), 0u);
  EXPECT_EQ(Do(Consult{c, "", "a2", ""}).status.message().rfind("agent:", 0), 0u);
  EXPECT_EQ(Do(Consult{c, "a1", std::string("a\x01", 2), ""}).status.message().rfind("target:", 0),
            0u);
  EXPECT_EQ(Do(Consult{c, "a1", "nobody", ""}).status.message().rfind("target: no agent", 0), 0u);
  EXPECT_EQ(Do(Consult{c, "a1", "", "nowhere"}).status.code(), StatusCode::kNotFound);
  EXPECT_EQ(Do(ConsultAnswer{0}).status.message().rfind("contact:", 0), 0u);
  EXPECT_EQ(Do(ConsultComplete{0}).status.message().rfind("contact:", 0), 0u);
  EXPECT_EQ(Do(ConsultCancel{0, true}).status.message().rfind("contact:", 0), 0u);
  EXPECT_EQ(CommandName(Command{ConsultComplete{}}), "consult_complete");
}

TEST_F(ConsultTest, ThePhoneSystemIsAskedOnlyAboutConnectedCallsAndCanRefuse) {
  const std::uint64_t c = Connected();
  ctl->SetConsultations(&phone);
  Reply waiting = Do(Enqueue{0, "sales", "", "", "", 0});  // a2 takes the offer: ringing
  EXPECT_EQ(Do(Consult{waiting.contact, "a2", "a1", ""}).status.code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(phone.asked.empty());
  ASSERT_TRUE(Do(Abandon{waiting.contact}).status.ok());
  phone.allow = false;
  Reply r = Do(Consult{c, "a1", "a2", ""});
  EXPECT_EQ(r.status.message(), "supervised: no consultation now");
  EXPECT_TRUE(r.events.empty());
  ASSERT_EQ(phone.asked.size(), 1u);
  EXPECT_EQ(phone.asked[0], std::make_pair(c, std::string("a2")));
  phone.allow = true;
  r = Do(Consult{c, "a1", "a2", ""});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<core::ConsultStarted>(r.events[0]));
  EXPECT_EQ(ctl->Info().agents["consulted"], 1);
}

TEST_F(ConsultTest, ACompletedConsultationHandsTheCallOverInItsCdr) {
  const std::uint64_t c = Connected();
  ASSERT_TRUE(Do(Consult{c, "a1", "a2", ""}, 5s).status.ok());
  ASSERT_TRUE(Do(ConsultAnswer{c}, 7s).status.ok());
  Reply done = Do(ConsultComplete{c}, 20s);
  ASSERT_TRUE(done.status.ok()) << done.status.ToString();
  EXPECT_EQ(ctl->engine().agent_state(AgentId{0}), core::AgentState::kWrapUp);
  EXPECT_EQ(ctl->engine().agent_state(AgentId{1}), core::AgentState::kOnContact);
  ASSERT_TRUE(Do(Hangup{c}, 50s).status.ok());
  ASSERT_FALSE(rec.cdrs.empty());
  const store::Cdr& cdr = rec.cdrs.back();
  EXPECT_EQ(cdr.contact, c);
  EXPECT_EQ(cdr.handover_ms, ToMillis(kStart + 20s));
  EXPECT_EQ(cdr.handover_from, 0);
  EXPECT_EQ(cdr.agent, 1);
  EXPECT_EQ(cdr.outcome, "completed");
  EXPECT_EQ(ctl->contact(c), nullptr);
}

TEST_F(ConsultTest, ACancelledConsultationLeavesTheCdrWithoutAHandover) {
  const std::uint64_t c = Connected();
  ASSERT_TRUE(Do(Consult{c, "a1", "a2", ""}).status.ok());
  ASSERT_TRUE(Do(ConsultCancel{c, true}, 3s).status.ok());
  EXPECT_EQ(ctl->engine().agent_state(AgentId{1}), core::AgentState::kReady);
  ASSERT_TRUE(Do(Hangup{c}, 9s).status.ok());
  const store::Cdr& cdr = rec.cdrs.back();
  EXPECT_EQ(cdr.handover_ms, 0);
  EXPECT_EQ(cdr.handover_from, -1);
  EXPECT_EQ(cdr.agent, 0);
}

TEST_F(ConsultTest, ACheckpointCarriesTheHandoverOfAnOpenCdr) {
  const std::uint64_t c = Connected();
  ASSERT_TRUE(Do(Consult{c, "a1", "a2", ""}).status.ok());
  ASSERT_TRUE(Do(ConsultAnswer{c}).status.ok());
  ASSERT_TRUE(Do(ConsultComplete{c}, 4s).status.ok());
  const std::string bytes = ctl->Checkpoint();
  EXPECT_EQ(bytes.substr(0, 6), "SBCTL3");
  auto engine_bytes = Controller::EngineOf(bytes);
  ASSERT_TRUE(engine_bytes.ok());
  auto engine = core::Engine::Restore(Settings(), *engine_bytes, {});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  MemoryRecorder rec2;
  Controller back(std::move(engine).value(), rec2, 1, ControllerOptions{});
  ASSERT_TRUE(back.RestoreRegistries(bytes).ok());
  ASSERT_TRUE(back.Execute(Hangup{c}, kStart + 30s).status.ok());
  ASSERT_EQ(rec2.cdrs.size(), 1u);
  EXPECT_EQ(rec2.cdrs[0].handover_ms, ToMillis(kStart + 4s));
  EXPECT_EQ(rec2.cdrs[0].handover_from, 0);
  EXPECT_EQ(rec2.cdrs[0].agent, 1);
  EXPECT_EQ(rec2.cdrs[0].caller, "+33612345678");
}

TEST_F(ConsultTest, AnSbctl2CheckpointIsStillRead) {
  // No open CDR and no contact: SBCTL2 differs from SBCTL3 in its magic only.
  ASSERT_TRUE(Do(Login{"a1", "sip:a1@192.0.2.1"}).status.ok());
  std::string bytes = ctl->Checkpoint();
  bytes.replace(0, 6, "SBCTL2");
  auto engine_bytes = Controller::EngineOf(bytes);
  ASSERT_TRUE(engine_bytes.ok());
  auto engine = core::Engine::Restore(Settings(), *engine_bytes, {});
  ASSERT_TRUE(engine.ok());
  MemoryRecorder rec2;
  Controller back(std::move(engine).value(), rec2, 1, ControllerOptions{});
  ASSERT_TRUE(back.RestoreRegistries(bytes).ok());
  EXPECT_EQ(back.agent(AgentId{0}).device, "sip:a1@192.0.2.1");
  bytes.replace(0, 6, "SBCTL9");
  EXPECT_FALSE(Controller::EngineOf(bytes).ok());
}

TEST_F(ConsultTest, AnSbctl2CheckpointWithAnOpenCdrIsStillRead) {
  // An open CDR written the SBCTL2 way (no handover fields) reads as not handed over: built by
  // cutting the handover's 16 bytes off the only open CDR at the end of an SBCTL3 checkpoint.
  const std::uint64_t c = Connected();
  std::string bytes = ctl->Checkpoint();
  ASSERT_EQ(ctl->LiveContacts().size(), 1u);
  bytes.resize(bytes.size() - 16);
  bytes.replace(0, 6, "SBCTL2");
  auto engine = core::Engine::Restore(Settings(), *Controller::EngineOf(bytes), {});
  ASSERT_TRUE(engine.ok());
  MemoryRecorder rec2;
  Controller back(std::move(engine).value(), rec2, 1, ControllerOptions{});
  ASSERT_TRUE(back.RestoreRegistries(bytes).ok());
  ASSERT_TRUE(back.Execute(Hangup{c}, kStart + 30s).status.ok());
  ASSERT_EQ(rec2.cdrs.size(), 1u);
  EXPECT_EQ(rec2.cdrs[0].handover_ms, 0);
  EXPECT_EQ(rec2.cdrs[0].handover_from, -1);
  EXPECT_EQ(rec2.cdrs[0].caller, "+33612345678");
}

}  // namespace
}  // namespace sb::control
