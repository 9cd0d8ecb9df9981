// Controller checkpoints: a controller rebuilt from one goes on exactly like the original
// (replies, events, CDRs with their callers), and damaged bytes are refused.

#include <gtest/gtest.h>

#include "control/controller.h"
#include "control/testing/memory_recorder.h"

namespace sb::control {
namespace {

const Time kStart = FromMillis(1'795'420'800'000);

core::EngineSettings Settings() {
  core::EngineSettings s;
  core::QueueSettings q;
  q.name = "sales";
  q.wrap_up = 10s;
  q.offer_timeout = 15s;
  s.queues.push_back(q);
  for (const char* name : {"a1", "a2", "a3"}) {
    core::AgentSettings a;
    a.name = name;
    a.queues.push_back({QueueId{0}, 1});
    s.agents.push_back(a);
  }
  return s;
}

std::string Summary(const Reply& r) {
  std::string s = std::to_string(r.status.ok()) + " c" + std::to_string(r.contact) + " :";
  for (const auto& e : r.events) s += " " + std::string(core::EventName(e));
  return s;
}

TEST(ControllerCheckpoint, ARestoredControllerGoesOnLikeTheOriginal) {
  testing::MemoryRecorder rec_a, rec_b;
  Controller a(core::Engine::Create(Settings(), kStart).value(), rec_a, 1, {});
  Time now = kStart;
  ASSERT_TRUE(a.Execute(Login{"a1", "sip:a1@10.0.0.1"}, now).status.ok());
  ASSERT_TRUE(a.Execute(Ready{"a1"}, now).status.ok());
  const Reply ivr = a.Execute(Arrive{"+331", "trunk-1", "dialog-1"}, now);
  const Reply talking = a.Execute(Enqueue{0, "sales", "+332", "", "dialog-2", 0}, now);
  now += 2s;
  ASSERT_TRUE(a.Execute(Accept{talking.contact, "a1", 1}, now).status.ok());
  const Reply waiting = a.Execute(Enqueue{0, "sales", "+333", "", "dialog-3", 0}, now);

  const std::string cp = a.Checkpoint();
  auto engine_bytes = Controller::EngineOf(cp);
  ASSERT_TRUE(engine_bytes.ok()) << engine_bytes.status().ToString();
  auto engine = core::Engine::Restore(Settings(), *engine_bytes, {});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  Controller b(std::move(engine).value(), rec_b, 1, {});
  ASSERT_TRUE(b.RestoreRegistries(cp).ok());
  EXPECT_EQ(b.next_contact(), a.next_contact());
  ASSERT_NE(b.contact(ivr.contact), nullptr);
  EXPECT_EQ(b.contact(ivr.contact)->handle, "dialog-1");
  EXPECT_TRUE(b.contact(ivr.contact)->in_ivr);
  EXPECT_EQ(b.agent(AgentId{0}).device, "sip:a1@10.0.0.1");

  // The same commands to both: the same replies, and CDRs with the callers of before.
  const Command script[] = {Enqueue{ivr.contact, "sales", "", "", "", 0},
                            Hangup{talking.contact},
                            Login{"a2", ""},
                            Ready{"a2"},
                            Accept{waiting.contact, "a2", 1},
                            Hangup{waiting.contact},
                            Abandon{ivr.contact},
                            Enqueue{0, "sales", "+334", "", "", 0},
                            GetStatus{}};
  for (const Command& c : script) {
    now += 1s;
    const Reply ra = a.Execute(c, now);
    const Reply rb = b.Execute(c, now);
    EXPECT_EQ(Summary(ra), Summary(rb)) << CommandName(c);
  }
  now += 30s;
  a.Tick(now);
  b.Tick(now);
  ASSERT_EQ(rec_b.cdrs.size(), 3u);
  const std::size_t skip = rec_a.cdrs.size() - rec_b.cdrs.size();
  for (std::size_t i = 0; i < rec_b.cdrs.size(); ++i) {
    EXPECT_EQ(rec_a.cdrs[skip + i], rec_b.cdrs[i]) << i;
  }
  EXPECT_EQ(rec_b.cdrs[0].caller, "+332");  // from the checkpoint's registry
  EXPECT_EQ(a.engine().StateDigest(), b.engine().StateDigest());
}

TEST(ControllerCheckpoint, DamagedBytesAreRefusedAndChangeNothing) {
  testing::MemoryRecorder rec;
  Controller a(core::Engine::Create(Settings(), kStart).value(), rec, 1, {});
  (void)a.Execute(Arrive{"+331", "", ""}, kStart);
  const std::string cp = a.Checkpoint();
  EXPECT_FALSE(Controller::EngineOf("junk").ok());
  EXPECT_FALSE(Controller::EngineOf(cp.substr(0, 8)).ok());
  Controller b(core::Engine::Create(Settings(), kStart).value(), rec, 1, {});
  for (std::size_t n = 0; n < cp.size(); n += 3) {
    EXPECT_FALSE(b.RestoreRegistries(cp.substr(0, n)).ok()) << n;
  }
  EXPECT_EQ(b.Info().in_ivr, 0u);
  EXPECT_TRUE(b.RestoreRegistries(cp).ok());
  EXPECT_EQ(b.Info().in_ivr, 1u);
}

}  // namespace
}  // namespace sb::control
