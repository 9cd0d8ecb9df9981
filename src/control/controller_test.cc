// The controller with a manual clock and an in-memory recorder: every command and reply,
// timer events on the bus, CDRs for every call, front-door refusals that record nothing.

#include "control/controller.h"

#include <gtest/gtest.h>

#include "control/testing/memory_recorder.h"

namespace sb::control {
namespace {

using testing::MemoryRecorder;

const Time kStart = FromMillis(1'795'420'800'000);  // 2026-11-23T08:00Z, a Monday

core::EngineSettings Settings() {
  core::EngineSettings s;
  core::QueueSettings q;
  q.name = "sales";
  q.wrap_up = 10s;
  q.offer_timeout = 15s;
  s.queues.push_back(q);
  core::QueueSettings small;
  small.name = "small";
  small.max_length = 1;
  small.when_full.action = core::Fallback::Action::kMessage;
  s.queues.push_back(small);
  for (const char* name : {"a1", "a2"}) {
    core::AgentSettings a;
    a.name = name;
    a.queues.push_back({QueueId{0}, 1});
    s.agents.push_back(a);
  }
  return s;
}

// Keeps what the bus delivers.
struct Tap : Subscriber {
  struct Seen {
    core::Event event;
    Cause cause;
    std::uint64_t contact;
    std::string caller;
  };
  void OnEvent(const core::Event& e, Cause cause, const ContactContext* c) override {
    seen.push_back({e, cause, c ? c->contact : 0, c ? c->caller : ""});
  }
  void OnCaseOpened(std::uint64_t contact, const Result<cases::Case>& r) override {
    cases.emplace_back(contact, r.ok() ? r->header.confirmation : r.status().message());
  }
  void OnDurable(std::uint64_t t) override { durable = t; }
  std::vector<Seen> seen;
  std::vector<std::pair<std::uint64_t, std::string>> cases;
  std::uint64_t durable = 0;
  template <typename T>
  std::vector<const T*> Of(Cause cause) const {
    std::vector<const T*> out;
    for (const Seen& s : seen) {
      if (const auto* e = std::get_if<T>(&s.event); e && s.cause == cause) out.push_back(e);
    }
    return out;
  }
};

class ControllerTest : public ::testing::Test {
 protected:
  explicit ControllerTest(ControllerOptions o = {}) {
    auto engine = core::Engine::Create(Settings(), kStart);
    EXPECT_TRUE(engine.ok());
    ctl = std::make_unique<Controller>(std::move(engine).value(), rec, 1, std::move(o));
    ctl->Subscribe(&tap);
  }
  Reply Do(const Command& c) { return ctl->Execute(c, now); }
  void Advance(Duration d) {
    now += d;
    if (ctl->NextDeadline() <= now) ctl->Tick(now);
  }
  void LoginReady(const std::string& a) {
    ASSERT_TRUE(Do(Login{a, "sip:" + a + "@127.0.0.1"}).status.ok());
    ASSERT_TRUE(Do(Ready{a}).status.ok());
  }
  template <typename T>
  static const T* Find(const std::vector<core::Event>& events) {
    for (const auto& e : events) {
      if (const auto* t = std::get_if<T>(&e)) return t;
    }
    return nullptr;
  }

  Time now = kStart;
  MemoryRecorder rec;
  Tap tap;
  std::unique_ptr<Controller> ctl;
};

TEST_F(ControllerTest, EnqueueRepliesWithTheOfferItsAgentAndNumber) {
  LoginReady("a1");
  now += 5s;
  Reply r = Do(Enqueue{0, "sales", "+33612345678", "", "dialog-7", 0});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.contact, 1u);
  const auto* offer = Find<core::ContactOffered>(r.events);
  ASSERT_NE(offer, nullptr);
  EXPECT_EQ(offer->agent, AgentId{0});
  EXPECT_EQ(offer->offer, 1u);
  EXPECT_EQ(offer->expires, now + 15s);
  EXPECT_EQ(r.ticket, rec.tickets);  // the reply names its last write
  EXPECT_EQ(rec.events.size(), 4u);  // logged in, ready, queued, offered
  ASSERT_NE(ctl->contact(1), nullptr);
  EXPECT_EQ(ctl->contact(1)->handle, "dialog-7");
  EXPECT_EQ(ctl->agent(AgentId{0}).device, "sip:a1@127.0.0.1");
  // The bus saw the same events, marked as caused by a command, with the contact's context.
  ASSERT_EQ(tap.Of<core::ContactOffered>(Cause::kCommand).size(), 1u);
  EXPECT_EQ(tap.seen.back().caller, "+33612345678");
}

TEST_F(ControllerTest, TimerEventsReachTheBus) {
  LoginReady("a1");
  LoginReady("a2");
  Reply r = Do(Enqueue{0, "sales", "", "", "", 0});
  const auto* first = Find<core::ContactOffered>(r.events);
  ASSERT_NE(first, nullptr);
  // Nobody answers: at the ring timeout the contact is offered to the other agent, by a timer.
  Advance(15s);
  auto timed_out = tap.Of<core::OfferTimedOut>(Cause::kTimer);
  auto reoffers = tap.Of<core::ContactOffered>(Cause::kTimer);
  ASSERT_EQ(timed_out.size(), 1u);
  ASSERT_EQ(reoffers.size(), 1u);
  EXPECT_NE(reoffers[0]->agent, first->agent);
  EXPECT_EQ(reoffers[0]->offer, 2u);
  // The second agent answers and hangs up; a new caller waits; the offer comes when the
  // wrap-up ends, from a timer again.
  ASSERT_TRUE(Do(Accept{r.contact, "a2", 2}).status.ok());
  ASSERT_TRUE(Do(Hangup{r.contact}).status.ok());
  Do(NotReady{"a1", 1});
  Reply second = Do(Enqueue{0, "sales", "", "", "", 0});
  EXPECT_EQ(Find<core::ContactOffered>(second.events), nullptr);  // a2 is in wrap-up
  Advance(10s);
  reoffers = tap.Of<core::ContactOffered>(Cause::kTimer);
  ASSERT_EQ(reoffers.size(), 2u);
  EXPECT_EQ(reoffers[1]->contact, ContactId{second.contact});
  EXPECT_EQ(rec.events.size(), tap.seen.size());  // everything stored was published, in order
}

TEST_F(ControllerTest, AnAnsweredCallOpensACaseAndEndsWithACdr) {
  LoginReady("a1");
  Reply r = Do(Enqueue{0, "sales", "0612345678", "", "", 0});
  now += 3s;
  Reply acc = Do(Accept{r.contact, "a1", 1});
  ASSERT_TRUE(acc.status.ok()) << acc.status.ToString();
  ASSERT_EQ(rec.case_requests.size(), 1u);
  EXPECT_EQ(rec.case_requests[0].user, "a1");
  EXPECT_EQ(rec.case_requests[0].call, r.contact);
  ASSERT_EQ(tap.cases.size(), 1u);
  EXPECT_EQ(tap.cases[0], (std::pair<std::uint64_t, std::string>{r.contact, "TST-1"}));
  now += 60s;
  ASSERT_TRUE(Do(Hangup{r.contact}).status.ok());
  ASSERT_EQ(rec.cdrs.size(), 1u);
  const store::Cdr& cdr = rec.cdrs[0];
  EXPECT_EQ(cdr.contact, r.contact);
  EXPECT_EQ(cdr.caller, "0612345678");
  EXPECT_EQ(cdr.outcome, "completed");
  EXPECT_EQ(cdr.answered_ms, ToMillis(kStart + 3s));
  EXPECT_EQ(cdr.ended_ms, ToMillis(kStart + 63s));
  EXPECT_EQ(ctl->contact(r.contact), nullptr);  // the registry forgets ended contacts
}

TEST_F(ControllerTest, TheIvrFlowArrivesTypesAndQueuesOrLeavesWithACdr) {
  LoginReady("a1");
  Reply arr = Do(Arrive{"+33155550000", "carrier-1", "d1"});
  ASSERT_TRUE(arr.status.ok());
  EXPECT_TRUE(arr.events.empty());  // the engine does not know a caller in the IVR
  EXPECT_TRUE(Do(IvrInput{arr.contact, std::string("C-1001"), std::nullopt}).status.ok());
  EXPECT_EQ(ctl->contact(arr.contact)->ivr_id, "C-1001");
  EXPECT_EQ(ctl->Info().in_ivr, 1u);
  now += 8s;
  Reply enq = Do(Enqueue{arr.contact, "sales", "", "", "", 0});
  ASSERT_TRUE(enq.status.ok()) << enq.status.ToString();
  EXPECT_NE(Find<core::ContactOffered>(enq.events), nullptr);
  EXPECT_FALSE(Do(Enqueue{arr.contact, "sales", "", "", "", 0}).status.ok());  // queued once

  Reply gone = Do(Arrive{"+33155550001", "", ""});
  now += 2s;
  Reply ab = Do(Abandon{gone.contact});
  ASSERT_TRUE(ab.status.ok());
  EXPECT_GT(ab.ticket, 0u);
  ASSERT_EQ(rec.cdrs.size(), 1u);
  EXPECT_EQ(rec.cdrs[0].outcome, "abandoned_in_ivr");
  EXPECT_EQ(rec.cdrs[0].caller, "+33155550001");
  EXPECT_EQ(rec.cdrs[0].ivr_ms, ToMillis(kStart + 8s));
  EXPECT_FALSE(Do(Enqueue{gone.contact, "sales", "", "", "", 0}).status.ok());
  EXPECT_FALSE(Do(IvrInput{gone.contact, std::string("x"), std::nullopt}).status.ok());
}

TEST_F(ControllerTest, ACallTurnedAwayOnArrivalHasACdr) {
  ASSERT_TRUE(Do(Enqueue{0, "small", "+331", "", "", 0}).status.ok());  // waits (no agents)
  Reply full = Do(Enqueue{0, "small", "+332", "", "", 0});
  ASSERT_TRUE(full.status.ok()) << full.status.ToString();
  const auto* ended = Find<core::ContactEnded>(full.events);
  ASSERT_NE(ended, nullptr);
  EXPECT_EQ(ended->reason, core::EndReason::kMessageFull);
  ASSERT_EQ(rec.cdrs.size(), 1u);
  EXPECT_EQ(rec.cdrs[0].contact, full.contact);
  EXPECT_EQ(rec.cdrs[0].caller, "+332");
  EXPECT_EQ(rec.cdrs[0].outcome, "full");
}

TEST_F(ControllerTest, BadFieldsAreRefusedAtTheFrontDoorAndRecordNothing) {
  LoginReady("a1");
  const std::uint64_t before = rec.tickets;
  const std::string huge(70'000, '1');
  Reply r = Do(Enqueue{0, "sales", huge, "", "", 0});
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("caller"), std::string::npos) << r.status.message();
  EXPECT_EQ(rec.tickets, before);
  EXPECT_EQ(ctl->engine().contacts(), 0u);
  EXPECT_EQ(ctl->next_contact(), 1u);  // no id spent on a refused contact
  struct Case {
    Command command;
    std::string field;
  };
  const Case cases[] = {
      {Login{"\xc0\x80", ""}, "agent"},
      {Login{"a\xff", ""}, "agent"},
      {Login{"", ""}, "agent"},
      {NotReady{"a1", 256}, "reason"},
      {NotReady{"a1", -1}, "reason"},
      {Enqueue{0, "sales", "", "", "", 2'147'483'647}, "priority"},
      {Enqueue{0, "sales", "+33 6\n", "", "", 0}, "caller"},
      {Enqueue{0, "sales", "sip:x@y", "", "", 0}, "caller"},
      {Accept{1, "a1", 0}, "offer"},
      {Accept{1, "a1", 1LL << 33}, "offer"},
      {Accept{0, "a1", 1}, "contact"},
      {Pop{1, std::string(70'000, 'u')}, "user"},
      {Pop{1, ""}, "user"},
      {ExtendWrapUp{"a1", 0}, "seconds"},
      {OpenCase{1, "a1", std::string(20'000, 'n')}, "notes"},
      {Arrive{"+331", std::string(200, 't'), ""}, "trunk"},
  };
  for (const Case& c : cases) {
    Reply bad = Do(c.command);
    EXPECT_FALSE(bad.status.ok()) << CommandName(c.command) << " " << c.field;
    EXPECT_EQ(bad.status.message().rfind(c.field + ":", 0), 0u)
        << CommandName(c.command) << ": " << bad.status.message();
  }
  EXPECT_EQ(rec.tickets, before);
  EXPECT_TRUE(rec.case_requests.empty());
}

TEST_F(ControllerTest, UnknownNamesAndStatesAreRefusedWithoutChange) {
  EXPECT_EQ(Do(Login{"nobody", ""}).status.code(), StatusCode::kNotFound);
  EXPECT_EQ(Do(Enqueue{0, "nowhere", "", "", "", 0}).status.code(), StatusCode::kNotFound);
  EXPECT_EQ(Do(Transfer{5, "nowhere", ""}).status.code(), StatusCode::kNotFound);
  EXPECT_FALSE(Do(Accept{999, "a1", 1}).status.ok());
  EXPECT_FALSE(Do(Hangup{999}).status.ok());
  EXPECT_FALSE(Do(Abandon{999}).status.ok());
  EXPECT_FALSE(Do(GetPosition{999}).status.ok());
  EXPECT_EQ(rec.tickets, 0u);
}

TEST_F(ControllerTest, WhenTheStoreCannotRecordNewContactsAreRefused) {
  LoginReady("a1");
  rec.refuse = true;
  Reply r = Do(Enqueue{0, "sales", "+331", "", "", 0});
  EXPECT_EQ(r.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(Do(Arrive{"+331", "", ""}).status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(ctl->engine().contacts(), 0u);
  EXPECT_EQ(ctl->Info().refused_no_store, 2u);
  EXPECT_TRUE(ctl->Info().store_alarm);
  rec.refuse = false;
  EXPECT_TRUE(Do(Enqueue{0, "sales", "+331", "", "", 0}).status.ok());
}

TEST_F(ControllerTest, AScreenPopWithoutItsAuditIsNotShown) {
  directory::Directory dir;
  directory::Record rec1;
  rec1.id = "C-1";
  rec1.name = "Ada";
  rec1.phones = {"+33612345678"};
  ASSERT_TRUE(dir.Upsert({rec1}).ok());
  directory::Prefetcher pf(dir);
  ctl->SetPrefetcher(&pf);
  Reply arr = Do(Arrive{"+33612345678", "", ""});
  ASSERT_TRUE(pf.Get(arr.contact, std::chrono::milliseconds(5000)).has_value());
  Reply pop = Do(Pop{arr.contact, "a1"});
  ASSERT_TRUE(pop.status.ok()) << pop.status.ToString();
  ASSERT_TRUE(pop.pop.has_value());
  EXPECT_EQ(pop.pop->records.at(0).id, "C-1");
  ASSERT_EQ(rec.audit.size(), 1u);
  EXPECT_EQ(rec.audit[0].target, "record:C-1");
  EXPECT_EQ(rec.audit[0].user, "a1");
  EXPECT_EQ(rec.audit[0].call, arr.contact);
  rec.refuse = true;
  Reply refused = Do(Pop{arr.contact, "a1"});
  EXPECT_EQ(refused.status.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(refused.pop.has_value());
  ctl->SetPrefetcher(nullptr);
}

TEST_F(ControllerTest, PositionAndExpectedWaitOfAWaitingContact) {
  Do(Enqueue{0, "sales", "", "", "", 0});
  Reply second = Do(Enqueue{0, "sales", "", "", "", 0});
  Reply p = Do(GetPosition{second.contact});
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  ASSERT_TRUE(p.position.has_value());
  EXPECT_EQ(p.position->position, 1u);
  Reply s = Do(GetStatus{});
  ASSERT_TRUE(s.info.has_value());
  EXPECT_EQ(s.info->waiting, 2u);
  EXPECT_EQ(s.info->agents.at("logged out"), 2);
}

TEST_F(ControllerTest, TimeNeverGoesBackwardsInTheLog) {
  LoginReady("a1");
  now -= 3600s;  // the wall clock stepped back an hour
  Reply r = Do(Enqueue{0, "sales", "", "", "", 0});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  for (const auto& e : r.events) EXPECT_GE(core::EventTime(e), kStart);
}

TEST_F(ControllerTest, ACaseOpenedByCommandCompletesOnTheBus) {
  rec.defer_cases = true;
  Reply r = Do(OpenCase{0, "a1", "walk-in\nsecond line"});
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(tap.cases.empty());  // not stored yet
  rec.RunCases();
  ASSERT_EQ(tap.cases.size(), 1u);
  EXPECT_EQ(tap.cases[0].second, "TST-1");
  ctl->Durable(7);
  EXPECT_EQ(tap.durable, 7u);
}

class BoundedControllerTest : public ControllerTest {
 protected:
  static ControllerOptions Small() {
    ControllerOptions o;
    o.max_contacts = 2;
    o.ivr_limit = 60s;
    return o;
  }
  BoundedControllerTest() : ControllerTest(Small()) {}
};

TEST_F(BoundedControllerTest, TheRegistryIsBoundedAndForgottenCallersExpire) {
  Reply a = Do(Arrive{"+331", "", ""});
  now += 30s;
  Reply b = Do(Arrive{"+332", "", ""});
  EXPECT_EQ(Do(Arrive{"+333", "", ""}).status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(Do(Enqueue{0, "sales", "", "", "", 0}).status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(ctl->NextDeadline(), kStart + 60s);
  Advance(30s);  // the first caller has been in the IVR for the limit: its front end is gone
  EXPECT_EQ(ctl->contact(a.contact), nullptr);
  ASSERT_NE(ctl->contact(b.contact), nullptr);
  ASSERT_EQ(rec.cdrs.size(), 1u);
  EXPECT_EQ(rec.cdrs[0].outcome, "ivr_expired");
  EXPECT_EQ(ctl->Info().ivr_expired, 1u);
  EXPECT_TRUE(Do(Arrive{"+333", "", ""}).status.ok());  // room again
}

}  // namespace
}  // namespace sb::control

namespace sb::control {
namespace {

// New settings on the running controller: names resolve to the new ids at once, the events go
// to the store and the bus after the version is stored, and a checkpoint keeps the version.
TEST_F(ControllerTest, ReconfigureRenamesAddsAndRemovesAgentsAndKeepsTheVersion) {
  LoginReady("a1");
  LoginReady("a2");
  core::EngineSettings next = Settings();
  next.agents[0].name = "anna";  // a rename: same id
  next.agents[1] = core::AgentSettings{};
  next.agents[1].name = "a2";
  next.agents[1].retired = true;
  core::AgentSettings a3;
  a3.name = "a3";
  a3.queues.push_back({QueueId{0}, 1});
  next.agents.push_back(a3);
  const std::size_t stored_before = rec.events.size();
  std::size_t stored_when_asked = 0;
  now += 1s;
  const Status st = ctl->Reconfigure(next, 5, now, [&] {
    stored_when_asked = rec.events.size();
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(stored_when_asked, stored_before);      // the hook ran before anything was recorded
  ASSERT_EQ(rec.events.size(), stored_before + 2);  // a2 logged out, then the change
  EXPECT_TRUE(std::holds_alternative<core::AgentLoggedOut>(rec.events[stored_before]));
  EXPECT_TRUE(std::holds_alternative<core::SettingsChanged>(rec.events.back()));
  EXPECT_EQ(tap.Of<core::SettingsChanged>(Cause::kTimer).size(), 1u);
  EXPECT_EQ(ctl->config_version(), 5u);
  EXPECT_FALSE(Do(Login{"a2", ""}).status.ok());
  EXPECT_FALSE(Do(Logout{"a1"}).status.ok());  // a1 is anna now
  EXPECT_TRUE(Do(Logout{"anna"}).status.ok());
  EXPECT_TRUE(Do(Login{"a3", "sip:a3@127.0.0.1"}).status.ok());
  auto v = Controller::ConfigVersionOf(ctl->Checkpoint());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 5u);

  // A hook that cannot store the version: nothing is recorded, and the caller is told.
  core::EngineSettings again = next;
  again.agents[2].name = "a3b";
  const std::size_t n = rec.events.size();
  EXPECT_EQ(ctl->Reconfigure(again, 6, now, [] { return false; }).code(), StatusCode::kUnavailable);
  EXPECT_EQ(rec.events.size(), n);
}

}  // namespace
}  // namespace sb::control

namespace sb::control {
namespace {

// A phone system that restarted lost its calls: each ends as interrupted with its CDR, whatever
// its phase; the agents are freed (wrap-up after a connected call); a callback request stays.
TEST_F(ControllerTest, CallsLostByARestartEndAsInterruptedAndCallbacksStay) {
  LoginReady("a1");
  LoginReady("a2");
  const std::uint64_t ivr = Do(Arrive{"+33100000001", "", "leg-1"}).contact;
  Reply connected = Do(Enqueue{0, "sales", "+33100000002", "", "leg-2", 0});
  const auto* o1 = Find<core::ContactOffered>(connected.events);
  ASSERT_NE(o1, nullptr);
  ASSERT_TRUE(Do(Accept{connected.contact, ctl->engine().settings().agents[o1->agent.value].name,
                        o1->offer})
                  .status.ok());
  Reply ringing = Do(Enqueue{0, "sales", "+33100000003", "", "leg-3", 0});
  ASSERT_NE(Find<core::ContactOffered>(ringing.events), nullptr);
  Reply waiting = Do(Enqueue{0, "sales", "+33100000004", "", "leg-4", 0});
  Reply callback = Do(Enqueue{0, "sales", "+33100000005", "", "leg-5", 0});
  ASSERT_TRUE(Do(RequestCallback{callback.contact}).status.ok());
  now += 30s;
  EXPECT_EQ(ctl->InterruptLive(now), 4u);
  std::map<std::uint64_t, std::string> outcome;
  for (const auto& c : rec.cdrs) outcome[c.contact] = c.outcome;
  EXPECT_EQ(outcome[ivr], "interrupted_in_ivr");
  EXPECT_EQ(outcome[connected.contact], "interrupted");
  EXPECT_EQ(outcome[ringing.contact], "interrupted");
  EXPECT_EQ(outcome[waiting.contact], "interrupted");
  EXPECT_EQ(outcome.count(callback.contact), 0u);
  EXPECT_EQ(ctl->LiveContacts(), std::vector<std::uint64_t>{callback.contact});
  // The agent of the connected call is in wrap-up; the one rung is offered the callback.
  EXPECT_EQ(ctl->engine().agent_state(o1->agent), core::AgentState::kWrapUp);
}

}  // namespace
}  // namespace sb::control
