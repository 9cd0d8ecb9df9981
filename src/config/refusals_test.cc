// Configurations that cannot be right are refused with file, line and field; and the keys that
// change routing behaviour are read (issue 9, §2 and §3).

#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace sb::config {
namespace {

constexpr const char* kHead = R"([engine]
skills = ["fr", "en"]
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

// kHead + text, and a queue after it when the text has none (a configuration needs one).
std::string WithQueue(const std::string& text) {
  std::string out = kHead + text;
  if (text.find("[[queue]]") == std::string::npos) out += "[[queue]]\nname = \"z\"\n";
  return out;
}

struct Case {
  const char* name;
  const char* toml;      // after kHead (3 lines), so its first line is line 4
  const char* fragment;  // "x.toml:LINE: where: field: ..."
};

// Each configuration below cannot be right; check-config (LoadEngineSettings) must refuse it
// naming the file, the line and the field.
TEST(ConfigRefusals, EachCaseNamesFileLineAndField) {
  const Case cases[] = {
      {"max wait overflow to itself",
       "[[queue]]\nname = \"q\"\nwhen_max_wait = { action = \"overflow\", queue = \"q\" }\n",
       "x.toml:6: queue 'q': when_max_wait: queue: overflows to its own queue"},
      {"relax steps overflowing to each other",
       "[[queue]]\nname = \"a\"\nrelax = [{ after = \"30s\", overflow = \"b\" }]\n"
       "[[queue]]\nname = \"b\"\nrelax = [{ after = \"30s\", overflow = \"a\" }]\n",
       "x.toml:9: queue 'b': relax: overflow: overflows back to queue 'b' (b -> a -> b)"},
      {"closed/full cycle",
       "[[queue]]\nname = \"a\"\nwhen_closed = { action = \"overflow\", queue = \"b\" }\n"
       "[[queue]]\nname = \"b\"\nwhen_full = { action = \"overflow\", queue = \"a\" }\n",
       "x.toml:9: queue 'b': when_full: queue: overflows back to queue 'b' (b -> a -> b)"},
      {"lower_skill raising the minimum",
       "[[queue]]\nname = \"q\"\nrequirements = [{ skill = \"fr\", min = 3 }]\n"
       "relax = [{ after = \"30s\", lower_skill = \"fr\", min = 5 }]\n",
       "x.toml:7: queue 'q': relax: min: 5 would raise the minimum for 'fr' (3 at that point)"},
      {"lower_skill of a skill not required",
       "[[queue]]\nname = \"q\"\nrequirements = [{ skill = \"fr\", min = 3 }]\n"
       "relax = [{ after = \"30s\", lower_skill = \"en\", min = 1 }]\n",
       "x.toml:7: queue 'q': relax: lower_skill: the queue does not require 'en'"},
      {"two relax steps at the same time",
       "[[queue]]\nname = \"q\"\nrequirements = [{ skill = \"fr\", min = 3 }]\n"
       "relax = [{ after = \"30s\", lower_skill = \"fr\", min = 2 },\n"
       "         { after = \"30s\", add_group = \"back\" }]\n",
       "x.toml:8: queue 'q': relax: after: 30s is not later than the step before (30s)"},
      {"relax steps out of order",
       "[[queue]]\nname = \"q\"\nrequirements = [{ skill = \"fr\", min = 3 }]\n"
       "relax = [{ after = \"30s\", lower_skill = \"fr\", min = 2 },\n"
       "         { after = \"10s\", add_group = \"back\" }]\n",
       "x.toml:8: queue 'q': relax: after: 10s is not later than the step before (30s)"},
      {"segment priority too large", "[routing_hints]\nsegment_priority = { gold = 99999999999 }\n",
       "x.toml:5: routing_hints.segment_priority: gold: expected an integer in 0..1000"},
      {"negative segment priority", "[routing_hints]\nsegment_priority = { gold = -5 }\n",
       "x.toml:5: routing_hints.segment_priority: gold: expected an integer in 0..1000"},
      {"overlapping hours",
       "[[calendar]]\nname = \"c\"\nhours = { mon = [\"08:00-12:00\", \"11:00-13:00\"] }\n",
       "x.toml:6: calendar 'c': hours.mon: 11:00-13:00 overlaps 08:00-12:00"},
      {"duplicate hours",
       "[[calendar]]\nname = \"c\"\nhours = { tue = [\"08:00-12:00\", \"08:00-12:00\"] }\n",
       "x.toml:6: calendar 'c': hours.tue: 08:00-12:00 overlaps 08:00-12:00"},
      {"always open beside weekdays",
       "[[calendar]]\nname = \"c\"\nalways_open = true\nweekdays = \"08:00-17:00\"\n",
       "x.toml:6: calendar 'c': always_open: cannot be true beside weekdays or hours"},
      {"holiday with a five-digit year",
       "[[calendar]]\nname = \"c\"\nholidays = [\"99999-01-01\"]\n",
       "x.toml:6: calendar 'c': holidays: expected dates \"YYYY-MM-DD\""},
      {"holiday with a negative year", "[[calendar]]\nname = \"c\"\nholidays = [\"-2026-12-25\"]\n",
       "x.toml:6: calendar 'c': holidays: expected dates \"YYYY-MM-DD\""},
      {"holiday without leading zeros", "[[calendar]]\nname = \"c\"\nholidays = [\"2026-1-1\"]\n",
       "x.toml:6: calendar 'c': holidays: expected dates \"YYYY-MM-DD\""},
      {"repeated duration unit", "[[queue]]\nname = \"q\"\nmax_wait = \"2d2d2d\"\n",
       "x.toml:6: queue 'q': max_wait: units must each appear once, largest first"},
      {"offer timeout of zero", "[[queue]]\nname = \"q\"\noffer_timeout = \"0s\"\n",
       "x.toml:6: queue 'q': offer_timeout: must be positive"},
      {"max wrap-up below wrap-up", "[[queue]]\nname = \"q\"\nmax_wrap_up = \"1.5s\"\n",
       "x.toml:6: queue 'q': max_wrap_up: must be at least wrap_up (30s)"},
      {"callback retries above the bound", "[[queue]]\nname = \"q\"\ncallback_retries = 11\n",
       "x.toml:6: queue 'q': callback_retries: expected an integer in 0..10, got 11"},
      {"negative callback retries", "[[queue]]\nname = \"q\"\ncallback_retries = -1\n",
       "x.toml:6: queue 'q': callback_retries: expected an integer in 0..10, got -1"},
      {"callback retries as text", "[[queue]]\nname = \"q\"\ncallback_retries = \"2\"\n",
       "x.toml:6: queue 'q': callback_retries: expected an integer"},
      {"callback retry after zero", "[[queue]]\nname = \"q\"\ncallback_retry_after = \"0s\"\n",
       "x.toml:6: queue 'q': callback_retry_after: must be 1s..24h"},
      {"callback retry after a day and more",
       "[[queue]]\nname = \"q\"\ncallback_retry_after = \"1d1s\"\n",
       "x.toml:6: queue 'q': callback_retry_after: must be 1s..24h"},
      {"callback retry after not a duration",
       "[[queue]]\nname = \"q\"\ncallback_retry_after = \"soon\"\n",
       "x.toml:6: queue 'q': callback_retry_after: "},
      {"overflow without a queue",
       "[[queue]]\nname = \"q\"\nwhen_full = { action = \"overflow\" }\n",
       "x.toml:6: queue 'q': when_full: queue: is required for action \"overflow\""},
      {"agent declared twice",
       "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"x001\"\n[[agent_pool]]\nprefix = \"x\"\n"
       "count = 2\n",
       "x.toml:9: agent_pool 'x': prefix: makes agent 'x001', declared already"},
  };
  for (const Case& c : cases) {
    auto s = EngineSettingsFromString(WithQueue(c.toml), "x.toml");
    if (s.ok()) {
      ADD_FAILURE() << c.name << ": accepted";
      continue;
    }
    EXPECT_NE(s.status().message().find(c.fragment), std::string::npos)
        << c.name << "\n  got:  " << s.status().message() << "\n  want: " << c.fragment;
  }
}

TEST(ConfigRefusals, NearMissesAreAccepted) {
  const char* ok[] = {
      // Overflow chains that end; relax overflow into a queue whose closed fallback comes back
      // (the contact then stays where it is: MoveTarget in core).
      "[[queue]]\nname = \"a\"\nrelax = [{ after = \"30s\", overflow = \"b\" }]\n"
      "[[queue]]\nname = \"b\"\nwhen_closed = { action = \"overflow\", queue = \"a\" }\n",
      "[[queue]]\nname = \"q\"\nrequirements = [{ skill = \"fr\", min = 3 }]\n"
      "relax = [{ after = \"10s\", lower_skill = \"fr\", min = 2 },\n"
      "         { after = \"20s\", lower_skill = \"fr\", min = 1 }]\n",
      "[[calendar]]\nname = \"c\"\nhours = { mon = [\"08:00-12:00\", \"12:00-13:00\"] }\n"
      "holidays = [\"2026-12-25\"]\n",
      "[[queue]]\nname = \"q\"\nmax_wait = \"1h30m\"\nmax_wrap_up = \"30s\"\n",
      "[[queue]]\nname = \"q\"\ncallback_retries = 0\ncallback_retry_after = \"1s\"\n",
      "[[queue]]\nname = \"q\"\ncallback_retries = 10\ncallback_retry_after = \"24h\"\n",
      "[routing_hints]\nsegment_priority = { gold = 0, platinum = 1000 }\n",
  };
  for (const char* text : ok) {
    auto s = EngineSettingsFromString(WithQueue(text), "x.toml");
    EXPECT_TRUE(s.ok()) << text << "\n" << s.status().ToString();
  }
}

}  // namespace
}  // namespace sb::config
