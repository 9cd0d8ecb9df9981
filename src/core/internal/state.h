#pragma once
// The engine's private state and the functions that work on it. Only core's own .cc files
// include this. Entities live in flat vectors indexed by typed ids; contacts, whose ids come
// from outside, live in a hash map.
//
// Two kinds of function touch the state: Apply(event) is the only one that changes it (so a
// replay of the events rebuilds it exactly); the decision functions read it and Emit() events.

#include <cstdint>
#include <queue>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/events.h"
#include "core/internal/agent_list.h"
#include "core/internal/ready_list.h"
#include "core/settings.h"
#include "core/strategy.h"
#include "core/wait_estimate.h"

namespace sb::core::internal {

// A queue an agent can take contacts from: as a member, or through a relax step's group.
struct Serve {
  QueueId queue;
  std::int8_t tier = 1;
  std::uint16_t min_level = 0;  // relax level a contact must have reached (group access)
  std::uint32_t member_index = 0;
  bool in_ready = false;          // in the queue's ready list (members only, while ready)
  std::uint8_t ready_slot = 0;    // members only: the slot of `tier` in the queue's ready list
  std::uint32_t share_class = 0;  // members only: index in the queue's share_classes
};

struct AgentRt {
  AgentState state = AgentState::kLoggedOut;
  Time since{};        // when the current state began
  Time ready_since{};  // start of the current idle period (fairness clock)
  ContactId contact;   // reserved for / connected to
  std::uint8_t reason = 0;
  std::int16_t pending = -1;  // reason to apply when free (kPendingLogout: log out); -1 none
  std::uint32_t contacts_today = 0;
  std::int64_t day = 0;  // UTC day number of contacts_today
  Time wrap_started{};
  Time wrap_until{};
  Time wrap_limit{};  // latest end of this wrap-up, extensions included
  std::uint32_t wrap_seq = 0;
  std::vector<Serve> serves;
};

// kRetrying: a callback the customer did not answer, out of its queue's waiting list until its
// retry is due (CallbackRetry, then CallbackRetryDue).
enum class ContactPhase : std::uint8_t { kWaiting, kOffered, kConnected, kRetrying };

struct ContactRt {
  ContactId id;
  QueueId queue;
  ContactKind kind = ContactKind::kCall;
  ContactPhase phase = ContactPhase::kWaiting;
  std::int32_t priority = 0;
  Time arrival{};           // counts for ordering and service level
  Time queued_at{};         // entered the current queue
  std::uint64_t seq = 0;    // arrival order tie-break
  std::uint32_t entry = 0;  // increments on every (re)entry into a queue; stale timers check it
  std::uint16_t relax_level = 0;
  std::uint32_t offer = 0;  // number of the live offer
  Time offer_expires{};
  Time offered_at{};  // first ring of the live offer
  AgentList ringing;  // agents holding the live offer (ring-all: several)
  AgentId agent;      // connected agent
  Time connected_at{};
  bool callback_offered = false;
  std::uint16_t callback_failures = 0;  // dials of this callback that reached nobody
  Time retry_due{};                     // kRetrying: when it waits in its queue again
  // A consultation of the connected agent (attended transfer): the agent consulted, and whether
  // it answered. Invalid when none is going.
  AgentId consult;
  bool consult_answered = false;
};

// Members of a queue who serve the same other queues at the same or a better tier than this one.
// In the wait estimate each staffed member counts 1 / (1 + those of `others` with callers
// waiting): an agent shared equally with a busy queue counts for half, and a queue the agent
// serves only when its own is empty counts for nothing. Counting staffed members per class keeps
// the estimate's cost at the number of classes (usually a handful), however often queues empty
// and fill.
struct ShareClass {
  std::vector<std::uint32_t> others;  // queue indices, sorted
  std::uint32_t staffed = 0;
};

struct QueueRt {
  std::vector<ContactId> waiting;  // service order: priority desc, arrival asc, seq asc
  // Contacts of this queue being offered, in offer order: an agent freed at the instant a
  // ring-all offer went out joins that offer (MatchAgent in engine_match.cc).
  std::vector<ContactId> offered;
  std::vector<AgentId> members;  // member_index order
  std::vector<std::int8_t> member_tier;
  // Effective requirements at each relax level (index 0 = as configured).
  std::vector<std::vector<SkillRequirement>> requirements_at;
  std::uint32_t round_robin_next = 0;
  double handle_seconds = 300;  // EWMA of talk + wrap-up
  double answer_seconds = 0;    // EWMA of offer-to-answer (ring) time
  double abandons = 0;          // decayed count of abandons
  double exposure_seconds = 0;  // decayed waiting time of contacts that left the queue
  // Members in the ready state: decisions scan these, not every member.
  ReadyList ready;
  // Members grouped by the other queues that compete for them (see ShareClass), with how many of
  // each group are staffed: the wait estimate's agent count reads these, not every member.
  std::vector<ShareClass> share_classes;
};

// A candidate agent as ranked by a decision: what the explanation shows, and the exact idle
// time that breaks ties (the explanation has whole seconds only).
struct RankedAgent {
  RankedCandidate shown;
  Duration idle{0};
};

enum class TimerKind : std::uint8_t { kOffer, kRelax, kMaxWait, kWrapUp, kCallbackRetry };

struct Timer {
  Time at;
  TimerKind kind;
  std::uint64_t id;   // contact or agent id
  std::uint32_t seq;  // offer number, queue entry, wrap-up sequence or callback failures
  bool operator>(const Timer& o) const {
    if (at != o.at) return at > o.at;
    if (kind != o.kind) return kind > o.kind;
    return id > o.id;
  }
};

// A planned change of an agent's duty (Engine::SetStaffingPlan), in one of the queues it is a
// member of; share_class is its class there.
struct PlannedChange {
  Time at;
  AgentId agent;
  std::uint32_t share_class = 0;
  bool on_duty = false;
};

struct State {
  EngineSettings settings;
  Time now{};
  std::uint64_t next_seq = 0;
  std::size_t waiting_total = 0;  // contacts waiting in every queue
  std::vector<AgentRt> agents;
  std::vector<QueueRt> queues;
  std::vector<std::vector<AgentId>> group_members;
  std::vector<std::int8_t> proficiency;  // [agent * skills + skill], 0 = lacks the skill
  std::unordered_map<ContactId, ContactRt> contacts;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::vector<Event>* out = nullptr;  // where Emit() appends; null during replay
  // The settings a SettingsChanged being applied switches to (set just before, then cleared).
  const EngineSettings* incoming = nullptr;
  std::vector<RankedAgent> ring_scratch;  // reused by ring-all, so decisions do not allocate
  // Per queue, by time: the staffing plan's changes (not state: the owner sets it, wait_estimate).
  std::vector<std::vector<PlannedChange>> planned;

  int Proficiency(AgentId a, SkillId s) const {
    return proficiency[static_cast<std::size_t>(a.value) * settings.skills.size() + s.value];
  }
};

// engine_build.cc
void BuildIndexes(State& s);
// engine_apply.cc: the only place that changes the state.
void Apply(State& s, const Event& e);
inline void Emit(State& s, const Event& e) {
  Apply(s, e);
  if (s.out != nullptr) s.out->push_back(e);
}
// Keeps the ready lists and the estimate cache in step with an agent's state change.
void AgentStateChanged(State& s, AgentId id, AgentState before, bool staffed_before);
bool Staffed(const AgentRt& a);
void InsertWaiting(State& s, ContactRt& c);
void RemoveWaiting(State& s, const ContactRt& c);
// engine_match.cc: decisions.
void MatchContact(State& s, ContactId id);
void MatchAgent(State& s, AgentId id);
// The agent's contact is done: ready and matched, or the pending not-ready/logout applies.
void FreeAgent(State& s, AgentId id);
// After an offer was cancelled: match the agent again, or apply its pending request.
void AfterCancel(State& s, AgentId id);
// Whether agent `a` meets the requirement in force for the contact (its queue's, at its level).
bool Eligible(const State& s, AgentId a, const ContactRt& c);
// Whether `a`, reaching the contact's queue through a group opened by an add_group step the
// contact has reached, may take it: it meets the requirement in force, or such a step waives it.
bool GroupMayTake(const State& s, AgentId a, const ContactRt& c);
// engine_timers.cc
void RunDueTimers(State& s, Time until);
// The contact waits again after ringing (every offer timed out or was declined): the relax and
// maximum-wait steps that fell due while it rang (their timers skip a ringing contact) apply
// now, earliest first, then it is matched. Later steps keep their timers.
void ResumeWaiting(State& s, ContactId id);
bool TimerLive(const State& s, const Timer& t);
// engine_contacts.cc: moving contacts between queues and ending them.
void QueueContact(State& s, ContactId id, QueueId q, std::int32_t priority, Time arrival,
                  ContactKind kind, QueueId requested, int depth);
void MoveContact(State& s, ContactRt& c, QueueId to, MoveReason reason, AgentId agent,
                 Time wrap_until);
// Where a contact in `from` asked to move to `to` goes, the same rule for every kind of move
// (relax overflow, maximum-wait overflow, transfer): `to` if it is open and, for a call, below
// its max_length; else the first queue along `to`'s own when_closed/when_full overflow chain
// that can take it, as for an arrival. Invalid when the chain ends in a message or a callback
// offer, comes back to `from` or runs past the depth guard: then the contact stays in `from`.
QueueId MoveTarget(const State& s, QueueId from, QueueId to, ContactKind kind);
// Moves a waiting contact towards `to` (MoveTarget); false, changing nothing, if it stays.
bool TryMove(State& s, ContactRt& c, QueueId to, MoveReason reason);
void ApplyFallback(State& s, ContactRt& c, const Fallback& f, DeflectCause cause);
// snapshot.cc: the runtime state as bytes, and back into a state built (BuildIndexes) from its
// settings. check_names: the settings must name agents and queues as the bytes do.
std::string EncodeState(const State& s);
void EncodeStateTo(const State& s, std::string& out);  // appends
std::size_t EncodedSizeHint(const State& s);
Status DecodeState(State& s, std::string_view bytes, bool check_names);
// engine_reconfigure.cc. PrepareSuccessor validates and completes (reasons) the settings that
// are to follow s.settings: ids kept, nothing retired that is still in use (idle_retired: ready
// or not-ready agents may be retired; Reconfigure logs them out first). SwitchSettings applies
// SettingsChanged (s.incoming): the state carried over into indexes built from the new settings.
Status PrepareSuccessor(const State& s, EngineSettings& next, bool idle_retired);
void SwitchSettings(State& s);
// engine.cc: the reasons every engine has ("no answer", "declined", "phone unreachable",
// "logged in" last).
void EnsureReasons(std::vector<std::string>& reasons);
// wait_estimate.cc
// depth: overflow levels already followed (callers pass 0).
WaitEstimate EstimateAt(const State& s, QueueId q, std::uint32_t position, int depth = 0);
void SetStaffingPlan(State& s, std::span<const PlannedDuty> plan);

}  // namespace sb::core::internal
