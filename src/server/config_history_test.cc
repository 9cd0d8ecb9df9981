// Stored configuration versions as serve reads them: a version stored before layouts (by main
// before stable ids) has its own text's layout, by position, so the logs it wrote still replay;
// a version with a layout gives back exactly its ids, removed entries retired.

#include "server/config_history.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "config/config.h"

namespace sb::server {
namespace {

const char* kText = R"(
[[queue]]
name = "sales"
[[queue]]
name = "support"
[[agent]]
name = "ann"
queues = { sales = 1 }
[[agent]]
name = "bob"
queues = { support = 1 }
)";

TEST(ConfigHistory, AVersionStoredBeforeLayoutsKeepsItsPositionsAndOneWithALayoutItsIds) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("sb-config-history-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = store::OpenStore("sqlite:" + (dir / "s.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto none = LatestConfig(**store);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->version, 0u);

  ASSERT_TRUE((*store)->SaveConfigVersion(1, "old main", kText).ok());  // no layout
  auto legacy = LatestConfig(**store);
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(legacy->version, 1u);
  ASSERT_EQ(legacy->layout.agents.size(), 2u);
  EXPECT_EQ(legacy->layout.agents[1].name, "bob");
  EXPECT_EQ(legacy->layout.queues[0].name, "sales");

  // Version 2: bob removed, carl added, the queues swapped in the file.
  const std::string v2 = R"(
[[queue]]
name = "support"
[[queue]]
name = "sales"
[[agent]]
name = "carl"
queues = { support = 1 }
[[agent]]
name = "ann"
queues = { sales = 1 }
)";
  auto loaded = config::EngineSettingsFromString(v2, "v2.toml");
  ASSERT_TRUE(loaded.ok());
  auto placed = config::ApplyLayout(legacy->layout, *loaded);
  ASSERT_TRUE(placed.ok());
  ASSERT_TRUE(
      (*store)->SaveConfigVersion(2, "serve", v2, config::EncodeLayout(placed->layout)).ok());
  auto s2 = SettingsOfVersion(**store, 2);
  ASSERT_TRUE(s2.ok()) << s2.status().ToString();
  ASSERT_EQ(s2->agents.size(), 3u);
  EXPECT_EQ(s2->agents[0].name, "ann");
  EXPECT_TRUE(s2->agents[1].retired);
  EXPECT_EQ(s2->agents[2].name, "carl");
  EXPECT_EQ(s2->agents[2].queues[0].queue, QueueId{1});  // support keeps id 1
  auto s1 = SettingsOfVersion(**store, 1);
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->agents[1].name, "bob");
  EXPECT_FALSE(s1->agents[1].retired);
  EXPECT_FALSE(SettingsOfVersion(**store, 3).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sb::server
