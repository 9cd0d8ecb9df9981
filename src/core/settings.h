#pragma once
// The routing engine's settings: plain structs, filled by `config` from TOML (or by tests and
// the simulator directly) and checked by ValidateSettings() before an Engine is built. Names
// are resolved to typed ids here, so the engine never looks anything up by string.

#include <cstdint>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/status.h"
#include "base/time.h"
#include "core/calendar.h"

namespace sb::core {

enum class StrategyKind {
  kLongestIdle,         // the agent ready for the longest time
  kRoundRobin,          // the next agent after the last one chosen, in member order
  kFewestContacts,      // the agent with the fewest contacts today
  kRingAll,             // offer to every ready candidate; the first to accept wins
  kRandom,              // a seeded random choice
  kHighestProficiency,  // the best skilled agent first
  kBestMatch,           // weighted balance of proficiency and idle time
};

// A skill the contact needs, at least at this proficiency (1..5).
struct SkillRequirement {
  SkillId skill;
  int min_proficiency = 1;
};

// A relaxation step of a queue's requirements, applied once a contact has waited `after` in it.
struct RelaxStep {
  enum class Kind {
    kLowerProficiency,  // accept `skill` from `min_proficiency`
    kAddGroup,          // agents of `group` become candidates (even if not queue members)
    kOverflow,          // move the contact to `queue`
  };
  Duration after{0};
  Kind kind = Kind::kLowerProficiency;
  SkillId skill;
  int min_proficiency = 1;
  GroupId group;
  QueueId queue;
  // kAddGroup: the group's agents are offered contacts at this level whether or not they meet
  // the requirement in force (as lowered by kLowerProficiency steps). False: they must meet it,
  // like members.
  bool waive_requirements = false;
};

// What happens to a contact that cannot wait here (queue closed, full, or waited too long).
struct Fallback {
  enum class Action {
    kMessage,        // play a message (voicemail-style) and end the contact
    kOverflowQueue,  // move the contact to `queue`
    kOfferCallback,  // offer the caller a callback; they keep waiting unless they take it
  };
  Action action = Action::kMessage;
  QueueId queue;
};

struct BestMatchWeights {
  double proficiency = 0.6;
  double idle = 0.4;
  Duration idle_scale = 60s;  // idle time at which the idle term reaches one half
};

inline constexpr int kMaxCallbackRetries = 10;
inline constexpr Duration kMinCallbackRetryAfter = 1s;
inline constexpr Duration kMaxCallbackRetryAfter = 24h;

struct QueueSettings {
  std::string name;
  int priority = 1;  // weight of a second waited here when queues compete for an agent (1..100)
  Duration service_level_threshold = 20s;
  double service_level_target = 0.8;
  Duration max_wait{0};  // 0: no limit
  int max_length = 0;    // 0: no limit
  StrategyKind strategy = StrategyKind::kLongestIdle;
  BestMatchWeights best_match;
  int ring_all_max = 10;  // most agents rung at once by ring-all
  std::vector<SkillRequirement> requirements;
  std::vector<RelaxStep> relax;  // sorted by `after`
  Fallback when_closed;
  Fallback when_full;
  Fallback when_max_wait;
  std::uint32_t calendar = 0;  // index into EngineSettings::calendars
  Duration offer_timeout = 20s;
  Duration wrap_up = 30s;
  Duration max_wrap_up = 300s;         // wrap-up including extensions
  bool transfer_keeps_arrival = true;  // a transfer into this queue keeps the original arrival
  // A callback the customer does not answer is dialled again, up to this many more times
  // (0..kMaxCallbackRetries), each `callback_retry_after` after the failed dial; only the last
  // failure ends it unreached.
  int callback_retries = 2;
  Duration callback_retry_after = 5min;  // kMinCallbackRetryAfter..kMaxCallbackRetryAfter
  Duration expected_handle_time = 300s;  // prior for wait estimates until handle times are seen
  // A queue removed from the configuration keeps its id (the log names queues by id, and ids are
  // never reused): it takes no contacts, nothing may overflow to it and nobody serves it.
  bool retired = false;
  // Configuration only: the name this queue had before (a rename keeps its id). Not read here.
  std::string renamed_from;
};

struct QueueMembership {
  QueueId queue;
  int tier = 1;  // 1 = this agent's first choice; higher tiers are served after lower ones
};

struct AgentSkill {
  SkillId skill;
  int proficiency = 1;  // 1..5
};

struct AgentSettings {
  std::string name;
  std::vector<AgentSkill> skills;
  std::vector<QueueMembership> queues;
  std::vector<GroupId> groups;
  bool retired = false;      // removed from the configuration; kept for its id (it cannot log in)
  std::string renamed_from;  // configuration only: the name it had before (keeps its id)
};

struct EngineSettings {
  std::vector<std::string> skills;  // SkillId = index
  std::vector<std::string> groups;  // GroupId = index
  std::vector<Calendar> calendars;  // calendar 0 is used by queues that name none
  std::vector<QueueSettings> queues;
  std::vector<AgentSettings> agents;
  std::vector<std::string> not_ready_reasons = {"break",     "lunch",    "training", "meeting",
                                                "no answer", "declined", "other"};
  std::uint64_t seed = 1;  // for the random strategy
};

// Checks ranges and references (every id in range, proficiencies 1..5, no overflow cycles,
// relax steps sorted). Returns InvalidArgument naming the queue/agent and field.
Status ValidateSettings(const EngineSettings& settings);

// Looks a name up; invalid id if absent (or retired, for queues and agents).
QueueId FindQueue(const EngineSettings& settings, std::string_view name);
AgentId FindAgent(const EngineSettings& settings, std::string_view name);
SkillId FindSkill(const EngineSettings& settings, std::string_view name);
GroupId FindGroup(const EngineSettings& settings, std::string_view name);

std::string_view StrategyName(StrategyKind kind);
// Parses a strategy name as written in configuration ("longest_idle", "round_robin", ...).
bool ParseStrategy(std::string_view name, StrategyKind* out);

}  // namespace sb::core
