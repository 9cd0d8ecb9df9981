#pragma once
// Controller: the server's core. It owns the routing engine and the registries of live contacts
// (caller, trunk, what was typed in the IVR, queue, the front end's handle) and agents (device),
// executes typed Commands at the time it is given, fires the engine's deadlines, and hands every
// event, in order, to the store (through a Recorder), to its own bookkeeping (CDRs, cases on
// answer, screen-pop pre-fetch) and then to the subscribers on its bus.
//
// No JSON, no standard output, no thread, no clock: front ends translate their protocol into
// Commands, and the server's event loop supplies the time (log time: it never goes backwards).
// Unit tests drive it with a manual clock and a MemoryRecorder.
//
// Thread safety: none; a Controller belongs to the control thread. Ownership: it owns the
// engine; the recorder, the pre-fetcher and the subscribers must outlive it.
// Errors: a refused command changes nothing (but deadlines that fell due before its time fire),
// and its Reply's status names the field or the state that refused it.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cases/service.h"
#include "control/command.h"
#include "control/recorder.h"
#include "control/subscriber.h"
#include "control/supervision.h"
#include "core/engine.h"
#include "directory/prefetch.h"
#include "store/cdr_builder.h"

namespace sb::control {

struct ControllerOptions {
  // Contacts tracked at once (in the IVR, waiting, ringing, connected); new ones are refused
  // past it, so a flood of calls cannot exhaust memory.
  std::size_t max_contacts = 200'000;
  // A contact still in the IVR after this long is let go (its front end vanished), with a CDR.
  Duration ivr_limit = std::chrono::hours(1);
  cases::CaseRules case_rules;
  // Priority added when the caller's record has this segment ([routing_hints]).
  std::map<std::string, std::int32_t> segment_priority;
};

// The contact an event is about, 0 for agent events.
std::uint64_t ContactOf(const core::Event& e);

struct LiveContact {
  std::string caller, trunk, handle, ivr_id, pin;
  std::string transfer_to;  // only while its TransferOut is applied (not checkpointed)
  Time arrived{};
  bool in_ivr = false;
  QueueId queue;  // the queue it waits or waited in
};

struct LiveAgent {
  std::string device;
};

class Controller {
 public:
  // `engine` carries the state replayed from the store; new contacts are numbered from
  // `next_contact` (above every id the store has seen).
  Controller(std::unique_ptr<core::Engine> engine, Recorder& recorder, std::uint64_t next_contact,
             ControllerOptions options);
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Optional: the screen-pop look-ups (started on arrival, read with the offer).
  void SetPrefetcher(directory::Prefetcher* prefetch) { prefetch_ = prefetch; }
  void Subscribe(Subscriber* s) { subscribers_.push_back(s); }
  // Optional: who carries out supervise / supervise_end (telephony); refused without one.
  void SetSupervision(SupervisionHandler* h) { supervision_ = h; }
  // Optional: who carries out transfers to numbers (outlives the controller, or is reset).
  void SetNumberTransfers(NumberTransfers* t) { number_transfers_ = t; }
  // Optional: who carries out consultations (outlives the controller, or is reset).
  void SetConsultations(Consultations* c) { consultations_ = c; }
  // A configuration reload: the priorities by record segment ([routing_hints]).
  void SetSegmentPriority(std::map<std::string, std::int32_t> p) {
    options_.segment_priority = std::move(p);
  }

  // Runs one command at `now` (clamped to the engine's time, so time never goes backwards).
  Reply Execute(const Command& command, Time now);
  // Fires what fell due by `now`: engine deadlines and the IVR limit; events go to the bus with
  // Cause::kTimer.
  void Tick(Time now);
  // When Tick next has work; kNever if none.
  Time NextDeadline() const;
  // The server lost every contact in progress (a phone system that restarted: their SIP dialogs
  // and media are gone): each ends with the cause "interrupted" and its CDR, in the IVR, waiting,
  // ringing or connected; waiting callback requests keep their place. Returns how many ended.
  std::size_t InterruptLive(Time now);

  // New settings on the running engine (core::Engine::Reconfigure), as configuration `version`.
  // `before_publish` runs once the engine took them, before their events go to the store and
  // the bus (the server stores the version there, so that it precedes its SettingsChanged);
  // when it returns false nothing is published and Reconfigure returns kUnavailable: the engine
  // runs the new settings that the store lacks, so the caller must stop. A refusal changes
  // nothing but the deadlines due by `now` (whose events are published).
  Status Reconfigure(core::EngineSettings next, std::uint64_t version, Time now,
                     const std::function<bool()>& before_publish = {});
  // The configuration version the engine runs (SettingsChanged, a checkpoint or the start).
  std::uint64_t config_version() const { return config_version_; }
  void set_config_version(std::uint64_t v) { config_version_ = v; }

  // Checkpoints (store::Checkpoint): the configuration version, the engine's snapshot and the
  // registries, as bytes.
  std::string Checkpoint() const;
  // The engine part of a checkpoint (for core::Engine::Restore); InvalidArgument if damaged.
  static Result<std::string_view> EngineOf(std::string_view checkpoint);
  // The configuration version a checkpoint was taken under (0: before versions were kept).
  static Result<std::uint64_t> ConfigVersionOf(std::string_view checkpoint);
  // Puts back the registries of a checkpoint (the engine was restored from the same one).
  Status RestoreRegistries(std::string_view checkpoint);
  // Events replayed at start-up (after the checkpoint, or the whole log): the CDRs of calls in
  // progress and the registry follow them, nothing is recorded again.
  void Seed(std::span<const core::Event> events);

  // Called by the event loop when the recorder reports progress or a case completes.
  void Durable(std::uint64_t ticket);
  void CaseOpened(std::uint64_t contact, const Result<cases::Case>& result);

  const core::Engine& engine() const { return *engine_; }
  const LiveContact* contact(std::uint64_t id) const;
  // Every contact in the registry (in the IVR, waiting, ringing, connected), by id.
  std::vector<std::uint64_t> LiveContacts() const;
  const LiveAgent& agent(AgentId id) const { return agents_[id.value]; }
  // The language of the contact's record, found by the screen-pop pre-fetch: "" when it found
  // none (or there is no directory), nullopt while the look-up still runs (or was never started).
  std::optional<std::string> LanguageOf(std::uint64_t contact) const;
  std::uint64_t next_contact() const { return next_contact_; }
  StatusInfo Info() const;

 private:
  Reply Run(const Command& command, Time now);
  Reply Apply(core::Input input, std::uint64_t contact);
  Reply ArriveContact(const Arrive& a, Time now);
  Reply Ivr(const IvrInput& i);
  Reply EnqueueContact(const Enqueue& e, Time now);
  Reply AbandonContact(const Abandon& a, Time now);
  Reply TransferContact(const Transfer& t, Time now);  // controller_transfer.cc
  Reply ConsultFor(const Consult& c, Time now);        // controller_transfer.cc
  Reply PopFor(const Pop& p, Time now);
  Reply Case(const OpenCase& c, Time now);
  // A CallbackResult; a reached one opens the call's case.
  Reply CallbackReport(const CallbackResult& c, Time now);
  // The case of an answered call (or a reached callback), opened by `agent`'s answer at `at`.
  void OpenCallCase(std::uint64_t id, AgentId agent, Time at, const LiveContact* lc);
  Reply Position(const GetPosition& p);
  Reply Supervision(const Command& c);  // Supervise, SuperviseEnd
  Result<AgentId> FindAgent(const std::string& name) const;
  Result<QueueId> FindQueue(const std::string& name) const;
  Status CanAdmit();
  void IndexNames();  // agent_by_name_, queue_by_name_ and agents_ from the engine's settings
  std::uint64_t Admit(LiveContact c);  // a new contact id, registered
  // Stores, books and publishes events; returns the last ticket.
  std::uint64_t Publish(const std::vector<core::Event>& events, Cause cause);
  void Ended(std::uint64_t contact);
  void ExpireIvr(Time now);
  std::optional<directory::ScreenPop> Prefetched(std::uint64_t contact) const;

  std::unique_ptr<core::Engine> engine_;
  Recorder& recorder_;
  SupervisionHandler* supervision_ = nullptr;
  std::uint64_t next_contact_;
  ControllerOptions options_;
  directory::Prefetcher* prefetch_ = nullptr;
  NumberTransfers* number_transfers_ = nullptr;
  Consultations* consultations_ = nullptr;
  std::vector<Subscriber*> subscribers_;
  store::CdrBuilder cdrs_;
  std::unordered_map<std::uint64_t, LiveContact> contacts_;
  std::deque<std::pair<Time, std::uint64_t>> ivr_order_;  // arrivals, oldest first
  std::vector<LiveAgent> agents_;
  std::unordered_map<std::string, AgentId> agent_by_name_;
  std::unordered_map<std::string, QueueId> queue_by_name_;
  std::vector<core::Event> scratch_;
  std::uint64_t config_version_ = 0;
  std::uint64_t refused_no_store_ = 0;
  std::uint64_t ivr_expired_ = 0;
};

}  // namespace sb::control
