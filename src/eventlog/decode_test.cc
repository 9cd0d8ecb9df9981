// The decoder against hand-written lines: every number is range-checked and every error names
// the field (issue 8). It used to cast 256 to a reason code of 0, 2.5 to contact 2 and 1e300 to
// a time (undefined behaviour), and to pass on nlohmann's "[json.exception.type_error.302]".

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "base/utf8.h"
#include "eventlog/eventlog.h"

namespace sb::eventlog {
namespace {

// The message of decoding `line`, which must fail.
std::string Error(const std::string& line) {
  auto e = Decode(line);
  EXPECT_FALSE(e.ok()) << line;
  return e.ok() ? std::string() : e.status().message();
}

TEST(Decode, OutOfRangeNumbersAreErrorsNamingTheField) {
  EXPECT_EQ(Error(R"({"type":"AgentNotReady","at":5,"agent":0,"reason":256})"),
            "field 'reason': expected an integer in 0..255, got 256");
  EXPECT_EQ(Error(R"({"type":"AgentNotReady","at":5,"agent":0,"reason":-1})"),
            "field 'reason': expected an integer in 0..255, got -1");
  EXPECT_EQ(Error(R"({"type":"AgentReady","at":1e300,"agent":0})"),
            "field 'at': expected an integer (milliseconds), got 1e+300");
  EXPECT_EQ(Error(R"({"type":"OfferAccepted","at":5,"contact":2.5,"agent":0})"),
            "field 'contact': expected an id (an integer in 0..18446744073709551614) or null, "
            "got 2.5");
  EXPECT_EQ(Error(R"({"type":"OfferAccepted","at":5,"contact":18446744073709551616,"agent":0})"),
            "field 'contact': expected an id (an integer in 0..18446744073709551614) or null, "
            "got 1.8446744073709552e+19");
  EXPECT_EQ(Error(R"({"type":"AgentReady","at":5,"agent":4294967296})"),
            "field 'agent': expected an id (an integer in 0..4294967294) or null, got 4294967296");
  EXPECT_EQ(Error(R"({"type":"ContactQueued","at":5,"contact":1,"queue":0,"requested":0,)"
                  R"("kind":0,"priority":2147483648,"arrival":5,"position":0,)"
                  R"("estimate":{"mean":0,"low":0,"high":0}})"),
            "field 'priority': expected an integer in -2147483648..2147483647, got 2147483648");
}

TEST(Decode, WrongTypesAndMissingFieldsNameTheFieldNotTheLibrary) {
  EXPECT_EQ(Error(R"({"type":"AgentReady","at":"noon","agent":0})"),
            "field 'at': expected an integer (milliseconds), got a string");
  EXPECT_EQ(Error(R"({"type":"AgentReady","at":5})"), "missing field 'agent'");
  EXPECT_EQ(Error(R"({"type":"AgentReady","at":5,"agent":true})"),
            "field 'agent': expected an id (an integer in 0..4294967294) or null, got a boolean");
  const std::string m = Error(R"({"type":"AgentReady","at":5,"agent":[1]})");
  EXPECT_EQ(m.find("json.exception"), std::string::npos) << m;
}

TEST(Decode, EnumsOutsideTheirValuesAreErrors) {
  EXPECT_EQ(Error(R"({"type":"ContactEnded","at":5,"contact":1,"queue":0,"agent":null,)"
                  R"("reason":9,"wrap_until":5})"),
            "field 'reason': expected an integer in 0..7, got 9");
  EXPECT_EQ(Error(R"({"type":"CallbackOffered","at":5,"contact":1,"queue":0,"cause":3})"),
            "field 'cause': expected an integer in 0..2, got 3");
}

TEST(Decode, NestedFieldsAreNamedByTheirPath) {
  const std::string offered =
      R"({"type":"ContactOffered","at":5,"contact":1,"agent":0,"queue":0,"offer":1,)"
      R"("expires":9,"kind":0,"why":{"rule":0,"strategy":6,"relax_level":0,"considered":2,)"
      R"("excluded":0,"shown":1,"top":[{"agent":0,"contact":1,"queue":0,"tier":1,)"
      R"("proficiency":4,"idle_seconds":3,"score":SCORE}]}})";
  auto with = [&](const std::string& score) {
    std::string s = offered;
    return s.replace(s.find("SCORE"), 5, score);
  };
  ASSERT_TRUE(Decode(with("0.5")).ok()) << Decode(with("0.5")).status().ToString();
  EXPECT_EQ(Error(with("\"high\"")), "field 'why.top[0].score': expected a number, got a string");
  std::string too_many = with("0.5");
  too_many.replace(too_many.find("\"shown\":1"), 9, "\"shown\":5");
  EXPECT_EQ(Error(too_many), "field 'why.shown': expected an integer in 0..4, got 5");
  std::string more_than_top = with("0.5");
  more_than_top.replace(more_than_top.find("\"shown\":1"), 9, "\"shown\":2");
  EXPECT_EQ(Error(more_than_top), "field 'why.top': 2 shown but 1 given");
}

TEST(Decode, SyntaxErrorsSayWhereAndStayValidUtf8) {
  const std::string m = Error("{\"type\":\"AgentReady\",\"at\":5,\"agent\":\"\xff\"}");
  EXPECT_EQ(m.rfind("invalid JSON at column ", 0), 0u) << m;
  EXPECT_EQ(m.find("json.exception"), std::string::npos) << m;
  EXPECT_EQ(Printable(m, m.size()), m) << "not valid UTF-8 or holds control characters: " << m;
  const std::string t = Error("{\"type\":\"Tele\\u001b[2Jported\"}");
  EXPECT_EQ(t, "unknown event type \"Tele\\x1b[2Jported\"");
}

TEST(Decode, ExtremeTimesRoundTrip) {
  // The encoder writes a time that never comes as INT64_MAX milliseconds.
  const core::Event e = core::WrapUpExtended{FromMillis(-5), AgentId{3}, kNever};
  auto back = Decode(Encode(e));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(std::get<core::WrapUpExtended>(*back).until, kNever);
  EXPECT_EQ(ToMillis(std::get<core::WrapUpExtended>(*back).at), -5);
}

TEST(Decode, ReadAllPutsFileAndLineInFront) {
  std::stringstream log(R"({"type":"AgentReady","at":5,"agent":0})"
                        "\n"
                        R"({"type":"AgentNotReady","at":6,"agent":0,"reason":256})"
                        "\n");
  auto r = ReadAll(log, "day.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "day.jsonl:2: field 'reason': expected an integer in 0..255, got 256");
}

}  // namespace
}  // namespace sb::eventlog
