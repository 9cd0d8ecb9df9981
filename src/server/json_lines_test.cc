// The JSON-lines protocol: hostile requests become errors naming the field; replies carry the
// events' payloads with names.

#include "server/json_lines.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/log.h"

namespace sb::server {
namespace {

std::string ErrorOf(std::string_view line) {
  auto r = ParseRequest(line);
  return r.ok() ? "(accepted)" : r.status().message();
}

TEST(JsonLines, ParsesEveryOp) {
  auto c = ParseRequest(R"({"op":"enqueue","queue":"support","caller":"+331","priority":-3})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const auto& e = std::get<control::Enqueue>(*c);
  EXPECT_EQ(e.queue, "support");
  EXPECT_EQ(e.caller, "+331");
  EXPECT_EQ(e.priority, -3);
  EXPECT_EQ(e.contact, 0u);
  for (const char* ok : {R"({"op":"login","agent":"a","device":"sip:a@h"})",
                         R"({"op":"logout","agent":"a"})",
                         R"({"op":"ready","agent":"a"})",
                         R"({"op":"not_ready","agent":"a","reason":254})",
                         R"({"op":"extend_wrap_up","agent":"a","seconds":30})",
                         R"({"op":"arrive"})",
                         R"({"op":"ivr","contact":1,"pin":"42"})",
                         R"({"op":"accept","contact":1,"agent":"a","offer":1})",
                         R"({"op":"decline","contact":1,"agent":"a","offer":2})",
                         R"({"op":"hangup","contact":1})",
                         R"({"op":"abandon","contact":1})",
                         R"({"op":"transfer","contact":1,"queue":"q"})",
                         R"({"op":"transfer","contact":1,"number":"+33 6 12"})",
                         R"({"op":"callback","contact":1})",
                         R"({"op":"callback_result","contact":1,"reached":true})",
                         R"({"op":"pop","contact":1,"user":"u"})",
                         R"({"op":"case.open","user":"u","notes":"n"})",
                         R"({"op":"status"})",
                         R"({"op":"position","contact":9})",
                         R"({"op":"consult","contact":1,"agent":"a","target":"b"})",
                         R"({"op":"consult","contact":1,"agent":"a","queue":"q"})",
                         R"({"op":"consult_answer","contact":1})",
                         R"({"op":"consult_cancel","contact":1})",
                         R"({"op":"consult_cancel","contact":1,"declined":true})",
                         R"({"op":"consult_complete","contact":1})"}) {
    auto r = ParseRequest(ok);
    ASSERT_TRUE(r.ok()) << ok << ": " << r.status().ToString();
    EXPECT_EQ(std::string(control::CommandName(*r)),
              nlohmann::json::parse(ok)["op"].get<std::string>());
  }
}

TEST(JsonLines, HostileRequestsAreRefusedNamingTheField) {
  EXPECT_EQ(ErrorOf("not json"), "bad JSON: not one JSON object");
  EXPECT_EQ(ErrorOf(R"({"op":"consult_cancel","contact":1,"declined":"yes"})"),
            "declined: must be true or false");
  EXPECT_EQ(ErrorOf(R"({"op":"consult","contact":1})"), "agent: is required");
  EXPECT_EQ(ErrorOf("{\"op\":\"login\",\"agent\":\"\xff\"}"),
            "bad JSON: the line is not valid UTF-8");
  EXPECT_EQ(ErrorOf("{\"op\":\"login\",\"agent\":\"\xc0\x80\"}"),
            "bad JSON: the line is not valid UTF-8");
  EXPECT_EQ(ErrorOf("[1,2]"), "bad JSON: expected an object with \"op\"");
  EXPECT_EQ(ErrorOf(R"({"op":3})"), "op: expected an object with \"op\" naming the request");
  EXPECT_EQ(ErrorOf(R"({"op":"teleport"})"),
            "op: unknown op 'teleport'; see `switchboard serve --help`");
  EXPECT_EQ(ErrorOf(R"({"op":"login"})"), "agent: is required");
  EXPECT_EQ(ErrorOf(R"({"op":"login","agent":5})"), "agent: must be a string");
  EXPECT_EQ(ErrorOf(R"({"op":"login","agent":"a","agnet":"b"})"), "agnet: unknown field");
  EXPECT_EQ(ErrorOf(R"({"op":"not_ready","agent":"a","reason":256})"),
            "reason: 256 is outside 0..254");
  EXPECT_EQ(ErrorOf(R"({"op":"not_ready","agent":"a","reason":1e300})"),
            "reason: must be a whole number in 0..254 (got 1e+300)");
  EXPECT_EQ(ErrorOf(R"({"op":"hangup","contact":2.5})"),
            "contact: must be a whole number in 1..9223372036854775807 (got 2.5)");
  EXPECT_EQ(ErrorOf(R"({"op":"hangup","contact":"7"})"),
            "contact: must be a number in 1..9223372036854775807");
  EXPECT_EQ(ErrorOf(R"({"op":"hangup","contact":0})"),
            "contact: 0 is outside 1..9223372036854775807");
  EXPECT_EQ(ErrorOf(R"({"op":"hangup","contact":18446744073709551615})"),
            "contact: 18446744073709551615 is outside 1..9223372036854775807");
  for (const char* p : {"2147483647", "1e300", "-1e300", "18446744073709551616"}) {
    const std::string line = std::string(R"({"op":"enqueue","queue":"q","priority":)") + p + "}";
    EXPECT_EQ(ErrorOf(line).rfind("priority: ", 0), 0u) << p << ": " << ErrorOf(line);
  }
  EXPECT_EQ(ErrorOf(R"({"op":"callback_result","contact":1,"reached":1})"),
            "reached: must be true or false");
  EXPECT_EQ(ErrorOf(std::string(300 * 1024, ' ')), "request: 307200 bytes long; at most 262144");
  // Deep nesting is a parse error, not a stack overflow.
  EXPECT_EQ(ErrorOf(std::string(100'000, '[') + std::string(100'000, ']')),
            "bad JSON: expected an object with \"op\"");
}

TEST(JsonLines, ErrorRepliesQuoteRawBytesAsValidUtf8) {
  const std::string line = "{\"op\":\"login\",\"agent\":\"\xff\"}";
  const std::string reply = EncodeParseError(InvalidArgument("bad JSON"), line);
  const auto j = nlohmann::json::parse(reply);  // would throw on invalid UTF-8
  EXPECT_EQ(j["line"], "{\"op\":\"login\",\"agent\":\"\\xff\"}");
  EXPECT_EQ(j["ok"], false);
}

TEST(JsonLines, RepliesCarryTheEventsWithNames) {
  core::EngineSettings s;
  core::QueueSettings q;
  q.name = "support";
  s.queues.push_back(q);
  core::AgentSettings a;
  a.name = "sup-001";
  s.agents.push_back(a);
  control::Reply r;
  r.contact = 7;
  r.ticket = 41;
  r.priority = 5;
  const Time t = FromMillis(1'795'420'800'000);
  r.events.push_back(core::ContactOffered{
      t, ContactId{7}, AgentId{0}, QueueId{0}, 2, t + 15s, core::ContactKind::kCall, {}});
  const auto j = nlohmann::json::parse(EncodeReply(control::Enqueue{}, r, s));
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["op"], "enqueue");
  EXPECT_EQ(j["contact"], 7);
  EXPECT_EQ(j["ticket"], 41);
  EXPECT_EQ(j["priority"], 5);
  ASSERT_EQ(j["events"].size(), 1u);
  const auto& e = j["events"][0];
  EXPECT_EQ(e["type"], "ContactOffered");
  EXPECT_EQ(e["agent_name"], "sup-001");
  EXPECT_EQ(e["queue_name"], "support");
  EXPECT_EQ(e["offer"], 2);
  EXPECT_EQ(e["contact"], 7);
  const auto timer = nlohmann::json::parse(EncodeTimerEvent(r.events[0], s));
  EXPECT_EQ(timer["event"]["agent_name"], "sup-001");
}

TEST(Log, StoreUrlsAreRedacted) {
  EXPECT_EQ(RedactUrl("postgresql://sb:s3cret@db.local:5432/sb"),
            "postgresql://sb:***@db.local:5432/sb");
  EXPECT_EQ(RedactUrl("postgresql://sb@db/sb"), "postgresql://sb@db/sb");
  EXPECT_EQ(RedactUrl("host=db password=s3cret dbname=sb"), "host=db password=*** dbname=sb");
  EXPECT_EQ(RedactUrl("sqlite:/var/lib/switchboard/sb.db"), "sqlite:/var/lib/switchboard/sb.db");
}

}  // namespace
}  // namespace sb::server
