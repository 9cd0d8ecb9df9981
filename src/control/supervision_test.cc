// supervise / supervise_end through the controller: checked at the front door, refused
// without a handler, handed to the handler otherwise (telephony carries them out).

#include "control/supervision.h"

#include <gtest/gtest.h>

#include "control/controller.h"
#include "control/testing/memory_recorder.h"
#include "control/validate.h"

namespace sb::control {
namespace {

core::EngineSettings Settings() {
  core::EngineSettings s;
  core::QueueSettings q;
  q.name = "sales";
  s.queues.push_back(q);
  for (const char* name : {"a1", "boss"}) {
    core::AgentSettings a;
    a.name = name;
    a.queues.push_back({QueueId{0}, 1});
    s.agents.push_back(a);
  }
  return s;
}

struct FakeHandler : SupervisionHandler {
  Status Supervise(const std::string& supervisor, const std::string& agent,
                   std::string_view mode) override {
    calls.push_back(supervisor + ">" + agent + ":" + std::string(mode));
    return Status::Ok();
  }
  Status EndSupervision(const std::string& supervisor) override {
    calls.push_back("end " + supervisor);
    return NotFound("supervisor: '" + supervisor + "' supervises nobody");
  }
  std::vector<std::string> calls;
};

class SupervisionTest : public ::testing::Test {
 protected:
  SupervisionTest() {
    auto engine = core::Engine::Create(Settings(), FromMillis(1'795'420'800'000));
    EXPECT_TRUE(engine.ok());
    ctl = std::make_unique<Controller>(std::move(engine).value(), rec, 1, ControllerOptions{});
  }
  Reply Do(const Command& c) { return ctl->Execute(c, FromMillis(1'795'420'800'000)); }
  testing::MemoryRecorder rec;
  std::unique_ptr<Controller> ctl;
};

TEST_F(SupervisionTest, RefusedWithoutTelephony) {
  const Reply r = Do(Supervise{"boss", "a1", "listen"});
  EXPECT_EQ(r.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status.message().find("[sip]"), std::string::npos);
}

TEST_F(SupervisionTest, HandedToTheHandlerWithItsResult) {
  FakeHandler h;
  ctl->SetSupervision(&h);
  EXPECT_TRUE(Do(Supervise{"boss", "a1", "whisper"}).status.ok());
  EXPECT_EQ(Do(SuperviseEnd{"boss"}).status.code(), StatusCode::kNotFound);
  EXPECT_EQ(h.calls, (std::vector<std::string>{"boss>a1:whisper", "end boss"}));
}

TEST_F(SupervisionTest, UnknownNamesAndBadModesAreRefusedBeforeTheHandler) {
  FakeHandler h;
  ctl->SetSupervision(&h);
  EXPECT_NE(Do(Supervise{"nobody", "a1", "listen"}).status.message().find("supervisor"),
            std::string::npos);
  EXPECT_FALSE(Do(Supervise{"boss", "ghost", "listen"}).status.ok());
  EXPECT_FALSE(Do(SuperviseEnd{"nobody"}).status.ok());
  const Status bad = Validate(Command{Supervise{"boss", "a1", "shout"}});
  EXPECT_NE(bad.message().find("mode"), std::string::npos);
  EXPECT_FALSE(Validate(Command{Supervise{"", "a1", "listen"}}).ok());
  EXPECT_TRUE(Validate(Command{Supervise{"boss", "a1", "barge"}}).ok());
  EXPECT_EQ(CommandName(Command{SuperviseEnd{}}), "supervise_end");
  EXPECT_TRUE(h.calls.empty());
}

}  // namespace
}  // namespace sb::control
