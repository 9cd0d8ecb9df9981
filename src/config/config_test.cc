#include "config/config.h"

#include <gtest/gtest.h>

#include <random>

namespace sb::config {
namespace {

const std::string kDir = std::string(SB_SOURCE_DIR) + "/configs/";

TEST(Config, DemoLoadsWithItsQueuesAgentsAndTraffic) {
  auto s = LoadSimSettings(kDir + "demo.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->engine.queues.size(), 2u);
  EXPECT_EQ(s->engine.queues[0].strategy, core::StrategyKind::kBestMatch);
  EXPECT_EQ(s->engine.queues[0].relax.size(), 2u);
  EXPECT_EQ(s->engine.queues[1].when_closed.action, core::Fallback::Action::kOverflowQueue);
  EXPECT_EQ(s->engine.agents.size(), 108u);
  EXPECT_EQ(s->engine.agents[0].name, "sup-001");
  double per_day = 0;
  for (const auto& st : s->streams) {
    for (double c : st.arrivals.calls) per_day += c;
  }
  EXPECT_NEAR(per_day, 6500, 1e-6);
  EXPECT_EQ(s->shifts.size(), 108u);  // one per agent
  EXPECT_DOUBLE_EQ(s->engine.calendars[1].WeeklyOpenHours(), 50.0);
}

struct Bad {
  const char* file;
  const char* fragment;
};

TEST(Config, BrokenFilesNameFileLineAndField) {
  for (const Bad& b :
       {Bad{"unknown_key.toml", "unknown_key.toml:7: queue 'support': service_levle: unknown key"},
        Bad{"bad_service_level.toml",
            "bad_service_level.toml:6: queue 'other': service_level: expected a number in"},
        Bad{"unknown_overflow.toml",
            "unknown_overflow.toml:3: queue 'support': when_closed: queue: no queue named "
            "'nowhere'"},
        Bad{"syntax.toml", "syntax.toml:2"},
        Bad{"bad_strategy.toml", "strategy: expected longest_idle"}}) {
    auto s = LoadEngineSettings(kDir + "bad/" + b.file);
    ASSERT_FALSE(s.ok()) << b.file;
    EXPECT_NE(s.status().message().find(b.fragment), std::string::npos) << s.status().message();
  }
  EXPECT_EQ(LoadEngineSettings(kDir + "missing.toml").status().code(), StatusCode::kNotFound);
}

TEST(Config, StoreRetentionAndDispositions) {
  auto demo = LoadStoreConfig(kDir + "demo.toml");
  ASSERT_TRUE(demo.ok()) << demo.status().ToString();
  EXPECT_EQ(demo->url, "data/switchboard.db");
  EXPECT_EQ(demo->audit_days, 730);
  EXPECT_EQ(demo->purge_every, 1h);
  ASSERT_EQ(demo->dispositions.count("support"), 1u);
  EXPECT_EQ(demo->dispositions.at("support").front(), "resolved");

  auto defaults = StoreConfigFromString("[[queue]]\nname = \"q\"\n", "min.toml");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->url, "switchboard.db");
  EXPECT_EQ(defaults->events_days, 0);  // forever unless configured
  EXPECT_TRUE(defaults->dispositions.empty());
  EXPECT_EQ(defaults->spill, "");  // derived from the store's url by serve
  EXPECT_EQ(defaults->spill_max_mb, 1024);

  struct Case {
    const char* toml;
    const char* fragment;
  };
  for (const Case& c : {
           Case{"[retention]\naudit_days = -1\n", "x.toml:2: retention: audit_days"},
           Case{"[retention]\npurge_every = \"10s\"\n", "purge_every: expected at least 1m"},
           Case{"[retention]\nkeep_forever = true\n", "keep_forever: unknown key"},
           Case{"[store]\nurl = \"\"\n", "url: expected a file name"},
           Case{"[store]\nspill_max_mb = 0\n", "x.toml:2: store: spill_max_mb"},
           Case{"[store]\nspill = 3\n", "store: spill"},
           Case{"[[queue]]\nname = \"q\"\ndispositions = [\"\"]\n", "queue 'q': dispositions"},
           Case{"[[queue]]\nname = \"q\"\ndispositions = \"resolved\"\n",
                "queue 'q': dispositions"},
       }) {
    auto s = StoreConfigFromString(c.toml, "x.toml");
    ASSERT_FALSE(s.ok()) << c.toml;
    EXPECT_NE(s.status().message().find(c.fragment), std::string::npos) << s.status().message();
  }
}

TEST(Config, RoutingHints) {
  auto demo = LoadRoutingHints(kDir + "demo.toml");
  ASSERT_TRUE(demo.ok()) << demo.status().ToString();
  EXPECT_EQ(demo->segment_priority.at("gold"), 5);
  auto none = RoutingHintsFromString("", "x.toml");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->segment_priority.empty());
  auto bad =
      RoutingHintsFromString("[routing_hints]\nsegment_priority = { gold = \"high\" }\n", "x.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("x.toml:2: routing_hints.segment_priority: gold"),
            std::string::npos)
      << bad.status().message();
  auto typo = RoutingHintsFromString("[routing_hints]\nsegment_prio = {}\n", "x.toml");
  EXPECT_FALSE(typo.ok());
}

TEST(Config, CallbackRetriesPerQueueWithTheirDefaults) {
  auto s = EngineSettingsFromString(
      "[engine]\nskills = []\n[[queue]]\nname = \"a\"\ncallback_retries = 4\n"
      "callback_retry_after = \"90s\"\n[[queue]]\nname = \"b\"\n",
      "x.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->queues[0].callback_retries, 4);
  EXPECT_EQ(s->queues[0].callback_retry_after, 90s);
  EXPECT_EQ(s->queues[1].callback_retries, 2);  // the defaults
  EXPECT_EQ(s->queues[1].callback_retry_after, 5min);
}

TEST(Config, DurationsClocksAndZones) {
  EXPECT_EQ(*ParseDuration("20s"), 20s);
  EXPECT_EQ(*ParseDuration("1h30m"), 90min);
  EXPECT_EQ(*ParseDuration("250ms"), 250ms);
  EXPECT_EQ(*ParseDuration("45"), 45s);
  EXPECT_FALSE(ParseDuration("5 weeks").ok());
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_EQ(*ParseClock("08:30"), 510);
  EXPECT_FALSE(ParseClock("25:00").ok());
  EXPECT_EQ(ParseZone("+01:00")->initial_offset_seconds, 3600);
  EXPECT_EQ(ParseZone("UTC-05:30")->initial_offset_seconds, -19800);
  EXPECT_FALSE(ParseZone("Mars/Olympus").ok());
}

TEST(Config, GarbledFilesNeverCrash) {
  std::string demo;
  {
    auto s = LoadSimSettings(kDir + "demo.toml");
    ASSERT_TRUE(s.ok());
  }
  std::FILE* f = std::fopen((kDir + "demo.toml").c_str(), "rb");
  ASSERT_NE(f, nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) demo.append(buf, n);
  std::fclose(f);
  std::mt19937 rng(5);
  int ok = 0;
  for (int i = 0; i < 300; ++i) {
    std::string text = demo.substr(0, rng() % demo.size());
    for (int k = 0; k < 3; ++k)
      text[rng() % (text.size() + 1 > 1 ? text.size() : 1)] = static_cast<char>(rng() % 128);
    auto s = SimSettingsFromString(text, "garbled.toml");
    ok += s.ok() ? 1 : 0;
    if (!s.ok()) {
      EXPECT_FALSE(s.status().message().empty());
    }
  }
  EXPECT_LT(ok, 300);
}

}  // namespace
}  // namespace sb::config
