// The wire format against hand-written lines (docs/design/event-log.md): one event of every
// type, each field set to a distinct value, so an encoder that drops, renames, reorders or
// mis-converts a field fails here, and a decoder that cannot read the documented line too.
// (The round-trip test in eventlog_test.cc compares the encoder with itself; this one does not.)

#include <gtest/gtest.h>

#include <set>

#include "eventlog/eventlog.h"

namespace sb::eventlog {
namespace {

using namespace core;

const Time T = FromMillis(1'795'420'800'000);

struct Golden {
  Event event;
  const char* line;
};

std::vector<Golden> Cases() {
  Explanation why;
  why.rule = Rule::kContactForAgent;
  why.strategy = 2;
  why.relax_level = 1;
  why.considered = 3;
  why.excluded = 4;
  why.shown = 1;
  why.top[0] = RankedCandidate{AgentId{5}, ContactId{6}, QueueId{7}, 1, 3, 42, 0.5};
  return {
      {AgentLoggedIn{T, AgentId{1}}, R"({"type":"AgentLoggedIn","at":1795420800000,"agent":1})"},
      {AgentLoggedOut{T + 1ms, AgentId{2}},
       R"({"type":"AgentLoggedOut","at":1795420800001,"agent":2})"},
      {AgentReady{T, AgentId{3}}, R"({"type":"AgentReady","at":1795420800000,"agent":3})"},
      {AgentNotReady{T, AgentId{4}, 2},
       R"({"type":"AgentNotReady","at":1795420800000,"agent":4,"reason":2})"},
      {WrapUpExtended{T, AgentId{1}, T + 30s},
       R"({"type":"WrapUpExtended","at":1795420800000,"agent":1,"until":1795420830000})"},
      {AgentNotReadyPending{T, AgentId{1}, kPendingLogout},
       R"({"type":"AgentNotReadyPending","at":1795420800000,"agent":1,"reason":255})"},
      {ContactQueued{T, ContactId{9}, QueueId{1}, QueueId{0}, ContactKind::kCallback, -3, T - 5s, 2,
                     WaitEstimate{Duration(60000), Duration(10000), Duration(120000)}},
       R"({"type":"ContactQueued","at":1795420800000,"contact":9,"queue":1,"requested":0,)"
       R"("kind":1,"priority":-3,"arrival":1795420795000,"position":2,)"
       R"("estimate":{"mean":60000,"low":10000,"high":120000}})"},
      {ContactMoved{T, ContactId{9}, QueueId{0}, QueueId{1}, MoveReason::kTransfer, T - 5s,
                    AgentId{2}, T + 20s},
       R"({"type":"ContactMoved","at":1795420800000,"contact":9,"from":0,"to":1,"reason":4,)"
       R"("arrival":1795420795000,"agent":2,"wrap_until":1795420820000})"},
      {ContactMoved{T, ContactId{9}, QueueId{0}, QueueId{1}, MoveReason::kFull, T, AgentId{}, T},
       R"({"type":"ContactMoved","at":1795420800000,"contact":9,"from":0,"to":1,"reason":2,)"
       R"("arrival":1795420800000,"agent":null,"wrap_until":1795420800000})"},
      {RequirementRelaxed{T, ContactId{9}, QueueId{1}, 2},
       R"({"type":"RequirementRelaxed","at":1795420800000,"contact":9,"queue":1,"level":2})"},
      {CallbackOffered{T, ContactId{9}, QueueId{1}, DeflectCause::kMaxWait},
       R"({"type":"CallbackOffered","at":1795420800000,"contact":9,"queue":1,"cause":2})"},
      {CallbackRequested{T, ContactId{9}},
       R"({"type":"CallbackRequested","at":1795420800000,"contact":9})"},
      {CallbackRetry{T, ContactId{9}, QueueId{1}, AgentId{5}, 2, T + 5min},
       R"({"type":"CallbackRetry","at":1795420800000,"contact":9,"queue":1,"agent":5,)"
       R"("attempt":2,"due":1795421100000})"},
      {CallbackRetryDue{T + 5min, ContactId{9}, QueueId{1}},
       R"({"type":"CallbackRetryDue","at":1795421100000,"contact":9,"queue":1})"},
      {ContactOffered{T, ContactId{9}, AgentId{5}, QueueId{7}, 3, T + 20s, ContactKind::kCall, why},
       R"({"type":"ContactOffered","at":1795420800000,"contact":9,"agent":5,"queue":7,)"
       R"("offer":3,"expires":1795420820000,"kind":0,"why":{"rule":1,"strategy":2,)"
       R"("relax_level":1,"considered":3,"excluded":4,"shown":1,"top":[{"agent":5,)"
       R"("contact":6,"queue":7,"tier":1,"proficiency":3,"idle_seconds":42,"score":0.5}]}})"},
      {OfferAccepted{T, ContactId{9}, AgentId{5}},
       R"({"type":"OfferAccepted","at":1795420800000,"contact":9,"agent":5})"},
      {OfferCancelled{T, ContactId{9}, AgentId{5}},
       R"({"type":"OfferCancelled","at":1795420800000,"contact":9,"agent":5})"},
      {OfferTimedOut{T, ContactId{9}, AgentId{5}},
       R"({"type":"OfferTimedOut","at":1795420800000,"contact":9,"agent":5})"},
      {OfferDeclined{T, ContactId{9}, AgentId{5}},
       R"({"type":"OfferDeclined","at":1795420800000,"contact":9,"agent":5})"},
      {ContactEnded{T, ContactId{9}, QueueId{1}, AgentId{5}, EndReason::kCompleted, T + 30s},
       R"({"type":"ContactEnded","at":1795420800000,"contact":9,"queue":1,"agent":5,)"
       R"("reason":0,"wrap_until":1795420830000})"},
      {SettingsChanged{T, 12}, R"({"type":"SettingsChanged","at":1795420800000,"version":12})"},
      {ConsultStarted{T, ContactId{9}, AgentId{5}, AgentId{6}, QueueId{}},
       R"({"type":"ConsultStarted","at":1795420800000,"contact":9,"agent":5,"target":6,)"
       R"("via":null})"},
      {ConsultStarted{T, ContactId{9}, AgentId{5}, AgentId{6}, QueueId{2}},
       R"({"type":"ConsultStarted","at":1795420800000,"contact":9,"agent":5,"target":6,)"
       R"("via":2})"},
      {ConsultAnswered{T, ContactId{9}, AgentId{6}},
       R"({"type":"ConsultAnswered","at":1795420800000,"contact":9,"target":6})"},
      {ConsultEnded{T, ContactId{9}, AgentId{6}, ConsultEnd::kDeclined},
       R"({"type":"ConsultEnded","at":1795420800000,"contact":9,"target":6,"reason":1})"},
      {ConsultCompleted{T, ContactId{9}, AgentId{5}, AgentId{6}, T + 30s},
       R"({"type":"ConsultCompleted","at":1795420800000,"contact":9,"agent":5,"target":6,)"
       R"("wrap_until":1795420830000})"},
  };
}

TEST(EventLogGolden, EveryTypeEncodesAsDocumented) {
  std::set<std::string> types;
  for (const Golden& g : Cases()) {
    types.insert(std::string(EventName(g.event)));
    EXPECT_EQ(Encode(g.event), g.line);
  }
  EXPECT_EQ(types.size(), std::variant_size_v<Event>) << "a type has no golden line";
}

TEST(EventLogGolden, TheDocumentedLinesDecodeToTheirEvents) {
  for (const Golden& g : Cases()) {
    auto e = Decode(g.line);
    ASSERT_TRUE(e.ok()) << g.line << ": " << e.status().ToString();
    EXPECT_EQ(e->index(), g.event.index()) << g.line;
    EXPECT_EQ(EventTime(*e), EventTime(g.event)) << g.line;
    EXPECT_EQ(Encode(*e), g.line);  // every field came back
  }
}

}  // namespace
}  // namespace sb::eventlog
