#include "eventlog/eventlog.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::eventlog {
namespace {

TEST(EventLog, EveryEventOfARunRoundTripsAndReplays) {
  core::testing::CoreHarness h(core::testing::CoreHarness::DefaultSettings(core::StrategyKind::kRingAll));
  ASSERT_TRUE(h.Login("a1").ok());
  ASSERT_TRUE(h.Login("a2").ok());
  ASSERT_TRUE(h.Enqueue(1, "sales").ok());
  ASSERT_TRUE(h.Accept(1, "a2").ok());
  ASSERT_TRUE(h.Enqueue(2, "sales").ok());
  h.Advance(20s);
  ASSERT_TRUE(h.Tick().ok());
  ASSERT_TRUE(h.Hangup(1).ok());
  ASSERT_TRUE(h.Abandon(2).ok());
  std::stringstream log;
  for (const core::Event& e : h.AllEvents()) log << Encode(e) << "\n";
  auto back = ReadAll(log, "test.jsonl");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), h.AllEvents().size());
  for (std::size_t i = 0; i < back->size(); ++i) {
    EXPECT_EQ(Encode((*back)[i]), Encode(h.AllEvents()[i])) << i;
  }
  auto replayed = core::Engine::Replay(h.settings(), h.start(), *back);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ((*replayed)->StateDigest(), h.engine().StateDigest());
}

TEST(EventLog, BadLinesAreRejectedWithTheirLineNumber) {
  EXPECT_FALSE(Decode("not json").ok());
  EXPECT_FALSE(Decode("[1,2]").ok());
  EXPECT_NE(Decode(R"({"type":"Teleported"})").status().message().find("Teleported"), std::string::npos);
  EXPECT_FALSE(Decode(R"({"type":"AgentReady","at":"noon"})").ok());
  EXPECT_FALSE(Decode(R"({"type":"AgentReady"})").ok());
  std::stringstream log(R"({"type":"AgentReady","at":5,"agent":0})" "\n\n{oops\n");
  auto r = ReadAll(log, "day.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("day.jsonl:3"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace sb::eventlog
