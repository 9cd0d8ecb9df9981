#include "core/testing/harness.h"

#include <cstdio>
#include <cstdlib>

namespace sb::core::testing {

AgentSettings MakeAgent(const EngineSettings& s, const std::string& name,
                        const std::vector<std::string>& queues,
                        const std::vector<std::pair<std::string, int>>& skills) {
  AgentSettings a;
  a.name = name;
  for (const auto& q : queues) a.queues.push_back({FindQueue(s, q), 1});
  for (const auto& [skill, p] : skills) a.skills.push_back({FindSkill(s, skill), p});
  return a;
}

EngineSettings CoreHarness::DefaultSettings(StrategyKind strategy) {
  EngineSettings s;
  s.skills = {"fr", "en"};
  QueueSettings q;
  q.name = "sales";
  q.strategy = strategy;
  q.wrap_up = 10s;
  s.queues.push_back(q);
  for (const char* name : {"a1", "a2", "a3"}) s.agents.push_back(MakeAgent(s, name, {"sales"}));
  return s;
}

CoreHarness::CoreHarness() : CoreHarness(DefaultSettings()) {}

CoreHarness::CoreHarness(EngineSettings settings)
    : start_(FromMillis(1795420800000)), now_(start_) {
  auto engine = Engine::Create(std::move(settings), start_);
  if (!engine.ok()) {
    std::fprintf(stderr, "CoreHarness: %s\n", engine.status().ToString().c_str());
    std::abort();
  }
  engine_ = std::move(engine).value();
}

void CoreHarness::Advance(Duration d) { now_ += d; }

Status CoreHarness::Send(const Input& input) {
  std::vector<Event> out;
  Status st = engine_->Handle(input, &out);
  events_.insert(events_.end(), out.begin(), out.end());
  all_.insert(all_.end(), out.begin(), out.end());
  return st;
}

Status CoreHarness::Reconfigure(EngineSettings next, std::uint64_t version) {
  std::vector<Event> out;
  Status st = engine_->Reconfigure(std::move(next), version, now_, &out);
  events_.insert(events_.end(), out.begin(), out.end());
  all_.insert(all_.end(), out.begin(), out.end());
  return st;
}

Status CoreHarness::Login(const std::string& a) {
  SB_RETURN_IF_ERROR(Send(core::Login{now_, agent(a)}));
  return Send(SetReady{now_, agent(a)});
}
Status CoreHarness::Ready(const std::string& a) { return Send(SetReady{now_, agent(a)}); }
Status CoreHarness::NotReady(const std::string& a, std::uint8_t reason) {
  return Send(SetNotReady{now_, agent(a), reason});
}
Status CoreHarness::Enqueue(std::uint64_t c, const std::string& q, int priority) {
  return Send(core::Enqueue{now_, ContactId{c}, queue(q), priority});
}
Status CoreHarness::Accept(std::uint64_t c, const std::string& a) {
  return Send(core::Accept{now_, ContactId{c}, agent(a), OfferOf(c)});
}
Status CoreHarness::Decline(std::uint64_t c, const std::string& a) {
  return Send(core::Decline{now_, ContactId{c}, agent(a), OfferOf(c)});
}
Status CoreHarness::Abandon(std::uint64_t c) { return Send(core::Abandon{now_, ContactId{c}}); }
Status CoreHarness::Hangup(std::uint64_t c) { return Send(core::Hangup{now_, ContactId{c}}); }
Status CoreHarness::Transfer(std::uint64_t c, const std::string& q) {
  return Send(core::Transfer{now_, ContactId{c}, queue(q)});
}
Status CoreHarness::Tick() { return Send(core::Tick{now_}); }

std::vector<Event> CoreHarness::TakeEvents() {
  std::vector<Event> out;
  out.swap(events_);
  return out;
}

std::string CoreHarness::OfferedTo(std::uint64_t c) const {
  for (auto it = all_.rbegin(); it != all_.rend(); ++it) {
    if (const auto* o = std::get_if<ContactOffered>(&*it); o && o->contact.value == c) {
      return settings().agents[o->agent.value].name;
    }
  }
  return "";
}

std::uint32_t CoreHarness::OfferOf(std::uint64_t c) const {
  for (auto it = all_.rbegin(); it != all_.rend(); ++it) {
    if (const auto* o = std::get_if<ContactOffered>(&*it); o && o->contact.value == c)
      return o->offer;
  }
  return 0;
}

std::vector<std::string> CoreHarness::OfferedAgents() const {
  std::vector<std::string> out;
  for (const Event& e : events_) {
    if (const auto* o = std::get_if<ContactOffered>(&e))
      out.push_back(settings().agents[o->agent.value].name);
  }
  return out;
}

AgentId CoreHarness::agent(const std::string& name) const { return FindAgent(settings(), name); }
QueueId CoreHarness::queue(const std::string& name) const { return FindQueue(settings(), name); }

}  // namespace sb::core::testing
