#pragma once
// CoreHarness: "script in, events out" tests of the engine. Names instead of ids, a clock that
// only moves when told, and the events of each step kept for matching. Test-only.

#include <memory>
#include <string>
#include <vector>

#include "core/engine.h"

namespace sb::core::testing {

class CoreHarness {
 public:
  // Settings with queues and agents already filled; start at 2026-11-23T08:00Z (a Monday).
  explicit CoreHarness(EngineSettings settings);
  // A default world: queue "sales" (longest idle) and agents a1..a3 members of it.
  CoreHarness();

  static EngineSettings DefaultSettings(StrategyKind strategy = StrategyKind::kLongestIdle);

  void Advance(Duration d);
  Time now() const { return now_; }

  // Each step returns its Status; events land in Events() (cleared by TakeEvents()).
  Status Login(const std::string& agent);  // and ready
  Status Ready(const std::string& agent);
  Status NotReady(const std::string& agent, std::uint8_t reason = 0);
  Status Enqueue(std::uint64_t contact, const std::string& queue, int priority = 0);
  Status Accept(std::uint64_t contact, const std::string& agent);
  Status Decline(std::uint64_t contact, const std::string& agent);
  Status Abandon(std::uint64_t contact);
  Status Hangup(std::uint64_t contact);
  Status Transfer(std::uint64_t contact, const std::string& queue);
  Status Tick();
  Status Send(const Input& input);
  // Engine::Reconfigure at now(); its events land in Events() like a step's.
  Status Reconfigure(EngineSettings next, std::uint64_t version);

  const std::vector<Event>& Events() const { return events_; }
  std::vector<Event> TakeEvents();
  const std::vector<Event>& AllEvents() const { return all_; }

  // The agent the latest live offer of `contact` went to ("" if none), and its offer number.
  std::string OfferedTo(std::uint64_t contact) const;
  std::uint32_t OfferOf(std::uint64_t contact) const;
  // Names of agents offered contacts in Events(), in order.
  std::vector<std::string> OfferedAgents() const;

  AgentId agent(const std::string& name) const;
  QueueId queue(const std::string& name) const;
  Engine& engine() { return *engine_; }
  const EngineSettings& settings() const { return engine_->settings(); }
  Time start() const { return start_; }

 private:
  Time start_;
  Time now_;
  std::unique_ptr<Engine> engine_;
  std::vector<Event> events_;
  std::vector<Event> all_;
};

// The events of type T among `events`, in order.
template <typename T>
std::vector<T> Only(const std::vector<Event>& events) {
  std::vector<T> out;
  for (const Event& e : events) {
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

// Builds an agent that is a member of `queues` (tier 1) with `skills` {name, proficiency}.
AgentSettings MakeAgent(const EngineSettings& s, const std::string& name,
                        const std::vector<std::string>& queues,
                        const std::vector<std::pair<std::string, int>>& skills = {});

}  // namespace sb::core::testing
