// Layouts: ids survive reordering, removal, re-adding and renaming; references follow them.

#include "config/layout.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace sb::config {
namespace {

core::EngineSettings Load(const std::string& toml) {
  auto s = EngineSettingsFromString(toml, "test.toml");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : core::EngineSettings{};
}

const std::string kV1 = R"(
[[queue]]
name = "sales"
[[queue]]
name = "support"
when_full = { action = "overflow", queue = "sales" }
[[agent]]
name = "ann"
queues = { sales = 1 }
[[agent]]
name = "bob"
queues = { support = 1 }
[[agent]]
name = "cy"
queues = { sales = 1, support = 2 }
)";

// support first, sales last; bob removed; dee added; cy renamed to cyril.
const std::string kV2 = R"(
[[queue]]
name = "support"
when_full = { action = "overflow", queue = "sales" }
[[queue]]
name = "billing"
[[queue]]
name = "sales"
[[agent]]
name = "dee"
queues = { billing = 1 }
[[agent]]
name = "cyril"
renamed_from = "cy"
queues = { sales = 1, support = 2 }
[[agent]]
name = "ann"
queues = { support = 1 }
)";

TEST(Layout, IdsSurviveReorderingRemovalAndRenamesAndReferencesFollowThem) {
  auto first = ApplyLayout(Layout{}, Load(kV1));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->layout, LayoutOf(Load(kV1)));  // an empty layout: ids are positions
  auto second = ApplyLayout(first->layout, Load(kV2));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  const core::EngineSettings& s = second->settings;
  ASSERT_EQ(s.queues.size(), 3u);
  EXPECT_EQ(s.queues[0].name, "sales");
  EXPECT_EQ(s.queues[1].name, "support");
  EXPECT_EQ(s.queues[2].name, "billing");
  EXPECT_EQ(s.queues[1].when_full.queue, QueueId{0});  // still "sales"
  ASSERT_EQ(s.agents.size(), 4u);
  EXPECT_EQ(s.agents[0].name, "ann");
  ASSERT_EQ(s.agents[0].queues.size(), 1u);
  EXPECT_EQ(s.agents[0].queues[0].queue, QueueId{1});  // support
  EXPECT_EQ(s.agents[1].name, "bob");
  EXPECT_TRUE(s.agents[1].retired);
  EXPECT_TRUE(s.agents[1].queues.empty());
  EXPECT_EQ(s.agents[2].name, "cyril");
  EXPECT_EQ(s.agents[2].queues[0].queue, QueueId{0});
  EXPECT_EQ(s.agents[2].queues[1].queue, QueueId{1});
  EXPECT_EQ(s.agents[3].name, "dee");
  EXPECT_EQ(s.agents[3].queues[0].queue, QueueId{2});
  EXPECT_TRUE(core::ValidateSettings(s).ok()) << core::ValidateSettings(s).message();
  EXPECT_EQ(core::FindAgent(s, "bob"), AgentId{});
  EXPECT_EQ(second->removed, std::vector<std::string>{"agent bob"});
  EXPECT_EQ(second->renamed, std::vector<std::string>{"agent cy -> cyril"});
  EXPECT_EQ(second->added, (std::vector<std::string>{"queue billing", "agent dee"}));

  // The layout goes through the store as text.
  auto decoded = DecodeLayout(EncodeLayout(second->layout));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, second->layout);
  // The same file again changes nothing; bob coming back has his old id.
  auto again = ApplyLayout(second->layout, Load(kV2));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->layout, second->layout);
  EXPECT_TRUE(again->added.empty() && again->removed.empty() && again->renamed.empty());
  auto back = ApplyLayout(second->layout, Load(kV1));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->settings.agents[1].name, "bob");
  EXPECT_FALSE(back->settings.agents[1].retired);
  EXPECT_TRUE(back->settings.agents[2].retired);  // cyril (kV1 has "cy", a new agent)
  EXPECT_EQ(back->settings.agents[4].name, "cy");
}

TEST(Layout, ConflictingRenamesAndBadLayoutsAreRefused) {
  auto first = ApplyLayout(Layout{}, Load(kV1));
  ASSERT_TRUE(first.ok());
  // "ann" renamed from "bob" while "ann" exists.
  auto clash = ApplyLayout(first->layout, Load(R"(
[[queue]]
name = "sales"
[[agent]]
name = "ann"
renamed_from = "bob"
)"));
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("exists already"), std::string::npos);
  // "zed" renamed from "bob" while "bob" is still there.
  auto still = ApplyLayout(first->layout, Load(R"(
[[queue]]
name = "sales"
[[agent]]
name = "bob"
[[agent]]
name = "zed"
renamed_from = "bob"
)"));
  ASSERT_FALSE(still.ok());
  EXPECT_NE(still.status().message().find("still has 'bob'"), std::string::npos);
  for (const char* bad : {"agent x", "agent\n", "lorry x\n", "agent a\x01\n"}) {
    EXPECT_FALSE(DecodeLayout(bad).ok()) << bad;
  }
  EXPECT_TRUE(DecodeLayout("").ok());
}

}  // namespace
}  // namespace sb::config
