#pragma once
// The engine's events: every state change of the routing core is one of these typed facts,
// appended in order to the event log. Applying them in order to an empty engine rebuilds its
// state (Engine::Replay); statistics and reports are computed from them (statistics.h).
// Events are small values with no heap memory, so emitting one never allocates.

#include <array>
#include <cstdint>
#include <string_view>
#include <variant>

#include "base/ids.h"
#include "base/time.h"

namespace sb::core {

enum class AgentState : std::uint8_t {
  kLoggedOut,
  kReady,
  kReserved,   // a contact is being offered to this agent (ringing)
  kOnContact,  // talking, or dialling a callback
  kWrapUp,
  kNotReady,
  kConsulted,  // another agent consults this one about its call (attended transfer); not routable
};
std::string_view AgentStateName(AgentState s);

enum class ContactKind : std::uint8_t { kCall, kCallback };

enum class EndReason : std::uint8_t {
  kCompleted,          // handled by an agent
  kAbandoned,          // the caller hung up while waiting or ringing
  kMessageClosed,      // the queue was closed: message played, call ended
  kMessageFull,        // the queue was full
  kMessageMaxWait,     // waited longer than the queue allows
  kCallbackUnreached,  // a callback was dialled and nobody answered
  kInterrupted,        // the server lost it (stopped or crashed while it was in progress)
  kTransferredOut,     // an agent transferred it to a number outside (it left the center)
};
std::string_view EndReasonName(EndReason r);

enum class MoveReason : std::uint8_t {
  kRelaxOverflow,  // a relax step sent it on
  kClosed,         // arrived at a closed queue whose fallback is another queue
  kFull,
  kMaxWait,
  kTransfer,
};
std::string_view MoveReasonName(MoveReason r);

// How a consultation (attended transfer) ended without a handover.
enum class ConsultEnd : std::uint8_t {
  kCancelled,     // the consulting agent went back to the caller
  kDeclined,      // the consulted agent refused, or did not answer
  kContactEnded,  // the call ended during the consultation (the caller hung up, or it was lost)
};
std::string_view ConsultEndName(ConsultEnd r);

enum class DeflectCause : std::uint8_t { kClosed, kFull, kMaxWait };

// Why a routing decision went the way it did (Explainable routing).
enum class Rule : std::uint8_t {
  kAgentForContact,  // a contact arrived or became eligible; strategy ranked free agents
  kContactForAgent,  // an agent became free; the longest weighted wait among its queues won
  kRingAll,          // every candidate rung at once, first to accept wins
};
std::string_view RuleName(Rule r);

struct RankedCandidate {
  AgentId agent;
  ContactId contact;  // for kContactForAgent: the contact considered
  QueueId queue;
  std::int8_t tier = 0;  // agent's tier for the queue (lower first)
  std::int8_t proficiency = 0;
  std::int32_t idle_seconds = 0;  // agent idle time, or contact weighted wait for kContactForAgent
  double score = 0;               // the strategy's score (higher wins within a tier)
};

struct Explanation {
  static constexpr int kShown = 4;
  Rule rule = Rule::kAgentForContact;
  std::uint8_t strategy = 0;  // StrategyKind of the queue
  std::uint16_t relax_level = 0;
  std::uint32_t considered = 0;  // candidates that met every requirement
  std::uint32_t excluded = 0;    // ready members that failed a skill requirement
  std::uint8_t shown = 0;        // entries of `top` in use, best first
  std::array<RankedCandidate, kShown> top{};
};

struct WaitEstimate {
  Duration mean{0};
  Duration low{0};   // 10th percentile
  Duration high{0};  // 90th percentile
};

// --- agent events ---
struct AgentLoggedIn {
  Time at;
  AgentId agent;
};
struct AgentLoggedOut {
  Time at;
  AgentId agent;
};
struct AgentReady {
  Time at;
  AgentId agent;
};
struct AgentNotReady {
  Time at;
  AgentId agent;
  std::uint8_t reason;
};
struct WrapUpExtended {
  Time at;
  AgentId agent;
  Time until;
};
// Asked while busy (ringing, on a contact or in wrap-up): the agent goes not-ready (or logs out)
// when the contact and its wrap-up are done, or when the agent ends the wrap-up (SetReady).
struct AgentNotReadyPending {
  Time at;
  AgentId agent;
  std::uint8_t reason;
};
inline constexpr std::uint8_t kPendingLogout = 0xff;

// --- contact events ---
struct ContactQueued {
  Time at;
  ContactId contact;
  QueueId queue;
  QueueId requested;  // the queue asked for; differs when a closed/full queue overflowed
  ContactKind kind;
  std::int32_t priority;
  Time arrival;            // the caller's arrival, kept across moves when configured
  std::uint32_t position;  // 0 = at the front
  WaitEstimate estimate;
};
struct ContactMoved {
  Time at;
  ContactId contact;
  QueueId from;
  QueueId to;
  MoveReason reason;
  Time arrival;     // arrival that counts in the new queue
  AgentId agent;    // kTransfer of a connected contact: the agent who transferred it
  Time wrap_until;  // ... and the end of that agent's wrap-up
};
struct RequirementRelaxed {
  Time at;
  ContactId contact;
  QueueId queue;
  std::uint16_t level;
};
struct CallbackOffered {
  Time at;
  ContactId contact;
  QueueId queue;
  DeflectCause cause;
};
struct CallbackRequested {
  Time at;
  ContactId contact;
};
struct ContactOffered {
  Time at;
  ContactId contact;
  AgentId agent;
  QueueId queue;
  std::uint32_t offer;  // offer number of this contact; an accept must name the live one
  Time expires;
  ContactKind kind;  // kCallback: the agent is reserved and an outbound call is requested
  Explanation why;
};
struct OfferAccepted {
  Time at;
  ContactId contact;
  AgentId agent;
};
struct OfferCancelled {
  Time at;
  ContactId contact;
  AgentId agent;
};  // agent back to ready
struct OfferTimedOut {
  Time at;
  ContactId contact;
  AgentId agent;
};  // agent not ready
struct OfferDeclined {
  Time at;
  ContactId contact;
  AgentId agent;
};  // agent not ready
// A callback the customer did not answer (CallbackResult not reached) while its queue allows
// another try (QueueSettings::callback_retries): the agent who dialled is free at once, and the
// contact waits out of its queue until `due`; then CallbackRetryDue puts it back in its place.
struct CallbackRetry {
  Time at;
  ContactId contact;
  QueueId queue;
  AgentId agent;          // the agent who dialled it, free from now on
  std::uint16_t attempt;  // the dial that failed: 1 for the first
  Time due;               // when it may be offered again (at + callback_retry_after)
};
// A callback's retry time came: it waits in its queue again, in the place its arrival gives it
// (ahead of later arrivals of its priority), to be dialled once more.
struct CallbackRetryDue {
  Time at;
  ContactId contact;
  QueueId queue;
};
struct ContactEnded {
  Time at;
  ContactId contact;
  QueueId queue;
  AgentId agent;  // invalid unless handled
  EndReason reason;
  Time wrap_until;  // agent's wrap-up end when handled
};

// --- consultations (attended transfer) ---
// The agent connected to `contact` consults `target` (named, or the longest-idle ready member
// of `via`): the target is consulted (not routable) until the consultation ends; the caller stays
// connected to `agent`, on hold.
struct ConsultStarted {
  Time at;
  ContactId contact;
  AgentId agent;   // the consulting agent, connected to the contact
  AgentId target;  // the consulted agent
  QueueId via;     // the queue the target was picked from; invalid when named
};
// The consulted agent answered: the two agents talk.
struct ConsultAnswered {
  Time at;
  ContactId contact;
  AgentId target;
};
// The consultation ended without a handover: the caller stays with `agent`; the target is freed
// by the event that follows (AgentReady, or its pending not-ready or logout).
struct ConsultEnded {
  Time at;
  ContactId contact;
  AgentId target;
  ConsultEnd reason;
};
// The handover: the contact is connected to `target` from now on, `agent` goes to wrap-up
// until `wrap_until`.
struct ConsultCompleted {
  Time at;
  ContactId contact;
  AgentId agent;
  AgentId target;
  Time wrap_until;
};

// --- the engine's settings ---
// The settings changed on the running engine (Engine::Reconfigure): from here on the log follows
// configuration `version` (a number the caller gives; the server's stored configuration
// version). Agents and queues keep their ids; added ones take new ids, removed ones keep theirs,
// retired. A replay meeting this event asks its SettingsResolver for that version.
struct SettingsChanged {
  Time at;
  std::uint64_t version;
};

using Event =
    std::variant<AgentLoggedIn, AgentLoggedOut, AgentReady, AgentNotReady, WrapUpExtended,
                 AgentNotReadyPending, ContactQueued, ContactMoved, RequirementRelaxed,
                 CallbackOffered, CallbackRequested, ContactOffered, OfferAccepted, OfferCancelled,
                 OfferTimedOut, OfferDeclined, ContactEnded, SettingsChanged, CallbackRetry,
                 CallbackRetryDue, ConsultStarted, ConsultAnswered, ConsultEnded, ConsultCompleted>;

// Name of the event's type, e.g. "ContactOffered".
std::string_view EventName(const Event& e);
// The event's time.
Time EventTime(const Event& e);

}  // namespace sb::core
