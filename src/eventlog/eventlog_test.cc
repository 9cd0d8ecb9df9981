#include "eventlog/eventlog.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/engine.h"
#include "core/testing/harness.h"

namespace sb::eventlog {
namespace {

TEST(EventLog, EveryEventOfARunRoundTripsAndReplays) {
  core::testing::CoreHarness h(
      core::testing::CoreHarness::DefaultSettings(core::StrategyKind::kRingAll));
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
  EXPECT_NE(Decode(R"({"type":"Teleported"})").status().message().find("Teleported"),
            std::string::npos);
  EXPECT_FALSE(Decode(R"({"type":"AgentReady","at":"noon"})").ok());
  EXPECT_FALSE(Decode(R"({"type":"AgentReady"})").ok());
  std::stringstream log(R"({"type":"AgentReady","at":5,"agent":0})"
                        "\n\n{oops\n");
  auto r = ReadAll(log, "day.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("day.jsonl:3"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace sb::eventlog

namespace sb::eventlog {
namespace {

// A line written by the first encoder (a json tree: sorted keys, every `top` slot) still reads,
// and re-encodes to the current shape with the same content.
TEST(EventLog, ReadsLinesOfTheEarlierSortedKeyFormat) {
  const std::string old =
      R"({"agent":0,"at":1795388403097,"contact":1,"expires":1795388423097,"kind":0,"offer":1,)"
      R"("queue":0,"type":"ContactOffered","why":{"considered":8,"excluded":0,"relax_level":0,)"
      R"("rule":0,"shown":2,"strategy":6,"top":[{"agent":0,"contact":1,"idle_seconds":3,)"
      R"("proficiency":4,"queue":0,"score":0.42454157883893057,"tier":1},{"agent":1,)"
      R"("contact":1,"idle_seconds":3,"proficiency":4,"queue":0,"score":0.25,"tier":1},)"
      R"({"agent":0,"contact":0,"idle_seconds":0,"proficiency":0,"queue":0,"score":0,"tier":0},)"
      R"({"agent":0,"contact":0,"idle_seconds":0,"proficiency":0,"queue":0,"score":0,"tier":0}]}})";
  auto e = Decode(old);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const auto& o = std::get<core::ContactOffered>(*e);
  EXPECT_EQ(ToMillis(o.expires), 1795388423097);
  EXPECT_EQ(o.why.shown, 2);
  EXPECT_DOUBLE_EQ(o.why.top[0].score, 0.42454157883893057);
  EXPECT_EQ(o.why.top[1].agent.value, 1u);
  const std::string now = Encode(*e);
  EXPECT_EQ(now.rfind(R"({"type":"ContactOffered","at":1795388403097,)", 0), 0u) << now;
  auto again = Decode(now);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Encode(*again), now);
  EXPECT_DOUBLE_EQ(std::get<core::ContactOffered>(*again).why.top[0].score, 0.42454157883893057);
}

}  // namespace
}  // namespace sb::eventlog
