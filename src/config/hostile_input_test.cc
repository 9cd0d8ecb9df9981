// Configuration files written to break the loader (issue 8): each must be refused with the file,
// line and field, never crash or hang the program.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "base/utf8.h"
#include "config/config.h"
#include "config/toml_guard.h"

namespace sb::config {
using internal::CheckTomlShape;
using internal::kMaxKeyParts;
using internal::kMaxTomlBytes;
}  // namespace sb::config

namespace sb::config {
namespace {

std::string Demo() {
  std::ifstream f(std::string(SB_SOURCE_DIR) + "/configs/demo.toml");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The demo with the first occurrence of `from` replaced by `to`.
std::string DemoWith(const std::string& from, const std::string& to) {
  std::string t = Demo();
  const std::size_t at = t.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) t.replace(at, from.size(), to);
  return t;
}

std::string Dotted(std::size_t parts) {
  std::string s = "a";
  for (std::size_t i = 1; i < parts; ++i) s += ".a";
  return s;
}

// Line of the first occurrence of `what` in `text`, 1-based.
std::size_t LineOf(const std::string& text, const std::string& what) {
  const std::size_t at = text.find(what);
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
}

TEST(TomlGuard, DottedHeaderThreeHundredThousandKeysDeepIsRefusedNotACrash) {
  // toml++ bounds nested values but not dotted keys: this overflowed the stack.
  const std::string text = "# deep\n[" + Dotted(300'000) + "]\n";
  auto s = EngineSettingsFromString(text, "deep.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("deep.toml:2:"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("dotted"), std::string::npos) << s.status().message();
}

TEST(TomlGuard, DeepDottedKeysInValuesAndInlineTablesAreRefused) {
  for (const std::string& text :
       {Dotted(5000) + " = 1\n", "[[" + Dotted(5000) + "]]\n", "x = { " + Dotted(5000) + " = 1 }\n",
        "[\"q\"." + Dotted(100) + ".'r']\n"}) {
    auto s = CheckTomlShape(text, "k.toml");
    ASSERT_FALSE(s.ok()) << text.substr(0, 40);
    EXPECT_NE(s.message().find("k.toml:1:"), std::string::npos) << s.message();
  }
}

TEST(TomlGuard, DotsInStringsCommentsNumbersAndDatesAreNotKeys) {
  const std::string many = Dotted(200);
  const std::string text = "# " + many + "\nname = \"" + many + "\"\nlit = '" + many +
                           "'\nml = \"\"\"\n" + many + "\n\"\"\"\nmll = '''" + many +
                           "'''\nf = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, "
                           "12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5]\n"
                           "d = 1979-05-27T07:32:00.999999Z\nesc = \"a\\\".b\"\n"
                           "a.b.c = 1\n[x.y.z]\n";
  EXPECT_TRUE(CheckTomlShape(text, "ok.toml").ok()) << CheckTomlShape(text, "ok.toml").message();
}

TEST(TomlGuard, DeepInlineNestingOfDottedKeysStaysWithinBounds) {
  // The worst the guard lets through: the longest dotted key at every level of the deepest
  // nesting toml++ accepts. It must be an error (or parse), not a stack overflow.
  std::string text = "x = ";
  for (int i = 0; i < 250; ++i) text += "{ " + Dotted(kMaxKeyParts) + " = ";
  text += "1";
  for (int i = 0; i < 250; ++i) text += " }";
  text += "\n";
  EXPECT_FALSE(EngineSettingsFromString(text, "nest.toml").ok());
}

TEST(TomlGuard, OversizedTextIsRefusedBeforeParsing) {
  const std::string text(kMaxTomlBytes + 1, '\n');
  auto s = CheckTomlShape(text, "big.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("big.toml"), std::string::npos) << s.message();
}

TEST(TomlGuard, NonAsciiOutsideStringsIsRefusedBeforeTomlSeesIt) {
  // Found by fuzz_config: toml++ 3.3 reaches __builtin_unreachable() (undefined behaviour) when
  // it asks whether some non-ASCII characters (U+00A1-U+0499, U+FB26-U+FEFE, ...) are whitespace.
  for (const std::string& text :
       {std::string("[[qudr\xef\xb7\xbf\n\"\"\""), std::string("a = 1 \xc3\xa9\n"),
        std::string("s = \"\"\"x \\\n  \xc3\xa9\"\"\"\n")}) {
    auto s = CheckTomlShape(text, "u.toml");
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_NE(s.message().find("u.toml:"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("non-ASCII"), std::string::npos) << s.message();
  }
  const std::string ok =
      "# café\nname = \"Élodie Müßig\"\nlit = 'ß'\nml = \"\"\"\né\n\"\"\"\nmll = '''\n  é'''\n";
  EXPECT_TRUE(CheckTomlShape(ok, "ok.toml").ok()) << CheckTomlShape(ok, "ok.toml").message();
}

TEST(ConfigMessages, QuotedKeysAndBytesStayPrintable) {
  // Found by fuzz_config: toml++ quotes the character it saw ("saw '\n'"), and a quoted key may
  // hold any character: messages carried raw newlines and escape sequences.
  for (const std::string& text : {std::string("a = n\n\n"), std::string("\"\\u001b[2J\" = 1\n"),
                                  DemoWith("name = \"support\"", "name = \"sup\\u0007port\"")}) {
    auto s = EngineSettingsFromString(text, "m.toml");
    ASSERT_FALSE(s.ok()) << text.substr(0, 40);
    EXPECT_EQ(Printable(s.status().message(), SIZE_MAX), s.status().message());
  }
}

TEST(ConfigNumbers, HugeIntegerForANumberIsReportedAsWritten) {
  // It was reported as "got 0.000000": toml++ gives no double for an integer past 2^53.
  const std::string text = DemoWith("service_level = 0.8", "service_level = -9223372036854775808");
  auto s = EngineSettingsFromString(text, "sl.toml");
  ASSERT_FALSE(s.ok());
  const std::string& m = s.status().message();
  EXPECT_NE(m.find("sl.toml:" + std::to_string(LineOf(text, "-9223372036854775808")) +
                   ": queue 'support': service_level"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("got -9223372036854775808"), std::string::npos) << m;
  EXPECT_EQ(m.find("0.000000"), std::string::npos) << m;
}

TEST(ConfigNumbers, SmallBoundsAndValuesAreNotRoundedToZero) {
  auto s =
      EngineSettingsFromString(DemoWith("service_level = 0.8", "service_level = 1e-9"), "sl.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("got 1e-09"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("[1e-06, 1]"), std::string::npos) << s.status().message();
}

TEST(SimConfig, ProfileWeightsMustBeFiniteAndReasonableNamingTheirLine) {
  // 1e308 next to ordinary weights gave intervals of 1e-308 calls, whose next arrival lay past
  // the range of a time: the run never ended.
  for (const char* w : {"1e308", "inf", "nan", "-0.5", "1e10"}) {
    const std::string text = DemoWith("profile = [0.15, ", std::string("profile = [") + w + ", ");
    auto s = SimSettingsFromString(text, "w.toml");
    ASSERT_FALSE(s.ok()) << w;
    const std::string& m = s.status().message();
    EXPECT_NE(m.find("w.toml:" + std::to_string(LineOf(text, std::string("profile = [") + w)) +
                     ": sim.stream: profile: "),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("weights must be numbers in [0, 1e+09]"), std::string::npos) << m;
  }
}

TEST(SimConfig, AbsurdVolumesAreRefusedNamingTheField) {
  const std::string text = DemoWith("calls_per_day = 6000", "calls_per_day = 1e9");
  auto s = SimSettingsFromString(text, "v.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(
      s.status().message().find("v.toml:" + std::to_string(LineOf(text, "calls_per_day = 1e9")) +
                                ": sim.stream: calls_per_day: expected a number in"),
      std::string::npos)
      << s.status().message();
  // Each stream within bounds, but the whole run too long to finish.
  auto t = SimSettingsFromString(
      DemoWith("calls_per_day = 6000", "calls_per_day = 5e7")
          .replace(Demo().find("replications = 1"), 16, "replications = 1000"),
      "t.toml");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("expected calls"), std::string::npos) << t.status().message();
}

}  // namespace
}  // namespace sb::config
