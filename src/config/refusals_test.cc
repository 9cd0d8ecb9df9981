// Configurations that cannot be right are refused with file, line and field; and the keys that
// change routing behaviour are read (issue 9, §2 and §3).

#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace sb::config {
namespace {

constexpr const char* kHead = R"([engine]
skills = ["fr"]
groups = ["back"]
)";

TEST(ConfigRelax, AddGroupReadsWaiveRequirements) {
  const std::string text = std::string(kHead) + R"([[queue]]
name = "q"
requirements = [{ skill = "fr", min = 3 }]
relax = [{ after = "10s", add_group = "back" },
         { after = "20s", add_group = "back", waive_requirements = true }]
)";
  auto s = EngineSettingsFromString(text, "x.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->queues[0].relax[0].waive_requirements);
  EXPECT_TRUE(s->queues[0].relax[1].waive_requirements);
  auto bad = EngineSettingsFromString(std::string(kHead) + R"([[queue]]
name = "q"
requirements = [{ skill = "fr", min = 3 }]
relax = [{ after = "10s", lower_skill = "fr", min = 1, waive_requirements = true }]
)",
                                      "x.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("x.toml:7: queue 'q': relax: waive_requirements"),
            std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace sb::config
