#pragma once
// Engine: the routing core. A deterministic state machine: typed inputs (inputs.h) go in, an
// ordered list of typed events (events.h) comes out. It does no I/O, reads no clock (time is in
// every input), starts no thread and allocates nothing per decision once warmed up. The same
// engine runs in the live server, in the simulator and in a replay of a day's event log.
//
// Thread safety: none; an Engine belongs to one thread (the control loop or the simulator).
// Errors: an input that is invalid now (unknown id, wrong state, time going backwards) returns a
// Status and changes nothing, apart from the deadlines that fell due before its time.

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "core/events.h"
#include "core/inputs.h"
#include "core/settings.h"
#include "core/wait_estimate.h"

namespace sb::core {

namespace internal {
struct State;
}

// The settings of a configuration version, for a replay that meets SettingsChanged.
using SettingsResolver = std::function<Result<EngineSettings>(std::uint64_t version)>;

class Engine {
 public:
  // Builds an engine at time `start` with every agent logged out and no contacts.
  // InvalidArgument if the settings fail ValidateSettings().
  static Result<std::unique_ptr<Engine>> Create(EngineSettings settings, Time start);

  // Rebuilds the state reached after `events` (an engine's output, in order) by applying them.
  // The result continues exactly as the original would (same state, same deadlines).
  // A SettingsChanged among the events switches to the settings `resolver` gives for its
  // version (InvalidArgument without a resolver).
  static Result<std::unique_ptr<Engine>> Replay(EngineSettings settings, Time start,
                                                std::span<const Event> events,
                                                const SettingsResolver* resolver = nullptr);

  // The whole routing state as bytes (a checkpoint): Restore() with the same settings (or
  // settings that only add agents and queues at the end) and the events that followed gives an
  // engine that continues exactly as this one would. Pure: no I/O.
  std::string Snapshot() const;
  // The same, appended to `out` (a checkpoint written into one buffer, without a copy), and
  // about how many bytes it takes.
  void SnapshotTo(std::string& out) const;
  std::size_t SnapshotSizeHint() const;
  // Rebuilds from a Snapshot() and the events appended after it (see Replay for `resolver`).
  // InvalidArgument if the bytes are damaged or name agents or queues the settings lack (by id
  // and name).
  static Result<std::unique_ptr<Engine>> Restore(EngineSettings settings, std::string_view snapshot,
                                                 std::span<const Event> after,
                                                 const SettingsResolver* resolver = nullptr);

  // Changes the settings of the running engine at `at`, without dropping a contact: agents and
  // queues keep their ids (`next` has at least as many of each; a removed one is `retired`);
  // memberships, skills, requirements, relax steps, strategies, calendars and timeouts take
  // effect at once (waiting contacts' relax and maximum-wait timers are set again from the time
  // they entered their queue; a relax level beyond the new steps is cut to the last one).
  // Retired agents who are ready or not ready are logged out first; not-ready agents keep their
  // reason by name. Emits SettingsChanged{version} and what follows (offers to new members).
  // FailedPrecondition, changing nothing but the deadlines due by `at`, when a retired agent is
  // ringing, on a contact or in wrap-up, a retired queue still has contacts, or a not-ready
  // reason in use is gone: retry once they are done. InvalidArgument for invalid settings.
  Status Reconfigure(EngineSettings next, std::uint64_t version, Time at, std::vector<Event>* out);

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Processes the deadlines due up to the input's time, then the input. Appends the events
  // produced to *out (deadline events too, even when the input itself is refused).
  Status Handle(const Input& input, std::vector<Event>* out);

  // The earliest time at which a Tick produces events (an offer expiring, a requirement
  // relaxing, a wrap-up ending, a maximum wait reached); kNever when nothing is pending.
  Time NextDeadline() const;
  Time now() const;

  // The expected wait of a waiting contact from now, with an 80 % band (see wait_estimate.h).
  Result<WaitEstimate> EstimateWait(ContactId contact) const;
  // The agents' planned time on duty, which the wait estimate uses (wait_estimate.h); replaces
  // any earlier plan, unknown agents are ignored. Like the settings it is the owner's to give,
  // not state: neither the event log nor a checkpoint holds it, so set it again after Replay or
  // Restore. It changes no decision, only the estimates announced from then on.
  void SetStaffingPlan(std::span<const PlannedDuty> plan);
  // Place of a waiting contact in its queue (0 = next to be served).
  Result<std::uint32_t> Position(ContactId contact) const;

  AgentState agent_state(AgentId agent) const;
  std::size_t waiting(QueueId queue) const;
  std::size_t waiting_total() const;  // in every queue
  std::size_t contacts() const;       // contacts in the engine (waiting, ringing or connected)
  bool connected(ContactId contact) const;  // connected to an agent (talking, or dialling)
  // A contact's kind (kCall for an unknown one) and the agent connected to it (invalid if none).
  ContactKind kind(ContactId contact) const;
  AgentId agent_of(ContactId contact) const;
  // A callback's dials so far: those that reached nobody, and the one going now (the agent
  // accepted its offer). 0 for a call or an unknown contact.
  std::uint32_t callback_attempts(ContactId contact) const;
  const EngineSettings& settings() const;

  // A canonical text of the whole routing state; equal digests mean equal states.
  std::string StateDigest() const;

 private:
  explicit Engine(std::unique_ptr<internal::State> state);
  // Applies stored events after checking each (replay and restore).
  static Status ApplyAll(internal::State& s, std::span<const Event> events,
                         const SettingsResolver* resolver);
  std::unique_ptr<internal::State> state_;
};

}  // namespace sb::core
