// [recording] and [[queue]] record: what loads, and each refusal with file:line:field.

#include <gtest/gtest.h>

#include "config/config.h"

namespace sb::config {
namespace {

Result<TelephonyConfig> Load(const std::string& toml) {
  auto engine = EngineSettingsFromString(toml, "r.toml");
  if (!engine.ok()) return engine.status();
  return TelephonyConfigFromString(toml, "r.toml", *engine);
}

const std::string kQueues =
    "[[queue]]\nname = \"sales\"\nrecord = true\n[[queue]]\nname = \"support\"\n"
    "[[agent]]\nname = \"alice\"\nqueues = { sales = 1, support = 1 }\n";

TEST(RecordingConfig, RecordedQueuesAndTheDirectory) {
  auto t = Load(kQueues + "[recording]\ndir = \"/var/lib/sb/rec/\"\nmin_free_mb = 100\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->recording.dir, "/var/lib/sb/rec");
  EXPECT_EQ(t->recording.min_free_mb, 100);
  EXPECT_EQ(t->recording.queue_frames, 8192);
  EXPECT_EQ(t->recording.queues, (std::set<std::string>{"sales"}));
}

TEST(RecordingConfig, NothingRecordedByDefault) {
  auto t = Load("[[queue]]\nname = \"q\"\n[[agent]]\nname = \"a\"\nqueues = { q = 1 }\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->recording.queues.empty());
  EXPECT_TRUE(t->recording.dir.empty());
}

TEST(RecordingConfig, RefusalsNameFileLineAndField) {
  struct Case {
    std::string toml, fragment;
  };
  for (const Case& c : std::vector<Case>{
           {kQueues, "r.toml:3: queue 'sales': record: needs [recording] dir"},
           {kQueues + "[recording]\ndir = \"rec\"\n",
            "r.toml:10: recording: dir: expected an "
            "absolute directory"},
           {kQueues + "[recording]\ndir = \"/r\"\nmin_free_mb = -1\n", "recording: min_free_mb"},
           {kQueues + "[recording]\ndir = \"/r\"\nqueue_frames = 1\n", "recording: queue_frames"},
           {kQueues + "[recording]\ndir = \"/r\"\nformat = \"mp3\"\n", "format"},
           {"recording = 3\n" + kQueues, "[recording] must be a table"},
           {"[[queue]]\nname = \"q\"\nrecord = \"yes\"\n[[agent]]\nname = \"a\"\n"
            "queues = { q = 1 }\n[recording]\ndir = \"/r\"\n",
            "r.toml:3: queue 'q': record"},
       }) {
    auto t = Load(c.toml);
    ASSERT_FALSE(t.ok()) << c.toml;
    EXPECT_NE(t.status().message().find(c.fragment), std::string::npos)
        << t.status().message() << "\nexpected: " << c.fragment;
  }
}

}  // namespace
}  // namespace sb::config
