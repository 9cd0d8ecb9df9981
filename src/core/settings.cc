#include "core/settings.h"

#include <array>
#include <string>
#include <unordered_set>
#include <utility>

namespace sb::core {
namespace {

constexpr std::array<std::pair<StrategyKind, std::string_view>, 7> kStrategyNames{{
    {StrategyKind::kLongestIdle, "longest_idle"},
    {StrategyKind::kRoundRobin, "round_robin"},
    {StrategyKind::kFewestContacts, "fewest_contacts"},
    {StrategyKind::kRingAll, "ring_all"},
    {StrategyKind::kRandom, "random"},
    {StrategyKind::kHighestProficiency, "highest_proficiency"},
    {StrategyKind::kBestMatch, "best_match"},
}};

template <typename T>
std::size_t IndexOf(const std::vector<T>& items, std::string_view name) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (items[i] == name) return i;
    } else {
      if (items[i].name == name && !items[i].retired) return i;
    }
  }
  return static_cast<std::size_t>(-1);
}

Status Bad(const std::string& where, const std::string& what) {
  return InvalidArgument(where + ": " + what);
}

Status CheckFallback(const EngineSettings& s, const std::string& where, const Fallback& f) {
  if (f.action == Fallback::Action::kOverflowQueue &&
      (!f.queue.valid() || f.queue.value >= s.queues.size() || s.queues[f.queue.value].retired)) {
    return Bad(where, "overflow needs an existing queue");
  }
  return Status::Ok();
}

Status CheckQueue(const EngineSettings& s, std::size_t qi) {
  const QueueSettings& q = s.queues[qi];
  const std::string where = "queue '" + q.name + "'";
  if (q.name.empty()) return Bad("queue #" + std::to_string(qi), "a queue needs a name");
  if (q.priority < 1 || q.priority > 100) return Bad(where, "priority must be 1..100");
  if (q.service_level_target <= 0 || q.service_level_target > 1) {
    return Bad(where, "service_level_target must be in (0, 1]");
  }
  if (q.service_level_threshold < 0s) return Bad(where, "service_level_threshold is negative");
  if (q.max_wait < 0s) return Bad(where, "max_wait is negative");
  if (q.max_length < 0) return Bad(where, "max_length is negative");
  if (q.offer_timeout <= 0s) return Bad(where, "offer_timeout must be positive");
  if (q.wrap_up < 0s || q.max_wrap_up < q.wrap_up) {
    return Bad(where, "wrap_up must be >= 0 and max_wrap_up >= wrap_up");
  }
  if (q.ring_all_max < 1) return Bad(where, "ring_all_max must be at least 1");
  if (q.callback_retries < 0 || q.callback_retries > kMaxCallbackRetries) {
    return Bad(where, "callback_retries must be 0.." + std::to_string(kMaxCallbackRetries));
  }
  if (q.callback_retry_after < kMinCallbackRetryAfter ||
      q.callback_retry_after > kMaxCallbackRetryAfter) {
    return Bad(where, "callback_retry_after must be 1s..24h");
  }
  if (q.expected_handle_time <= 0s) return Bad(where, "expected_handle_time must be positive");
  if (q.calendar >= s.calendars.size() && !(q.calendar == 0 && s.calendars.empty())) {
    return Bad(where, "calendar index out of range");
  }
  if (q.best_match.proficiency < 0 || q.best_match.idle < 0 ||
      q.best_match.proficiency + q.best_match.idle <= 0 || q.best_match.idle_scale <= 0s) {
    return Bad(where, "best_match weights must be >= 0, not both 0, and idle_scale > 0");
  }
  for (const SkillRequirement& r : q.requirements) {
    if (!r.skill.valid() || r.skill.value >= s.skills.size()) {
      return Bad(where, "a requirement names an unknown skill");
    }
    if (r.min_proficiency < 1 || r.min_proficiency > 5) {
      return Bad(where, "min proficiency must be 1..5");
    }
  }
  Duration last{0};
  for (const RelaxStep& step : q.relax) {
    if (step.after < last) return Bad(where, "relax steps must be in increasing order of time");
    last = step.after;
    switch (step.kind) {
      case RelaxStep::Kind::kLowerProficiency:
        if (!step.skill.valid() || step.skill.value >= s.skills.size()) {
          return Bad(where, "a relax step names an unknown skill");
        }
        if (step.min_proficiency < 1 || step.min_proficiency > 5) {
          return Bad(where, "a relax step's proficiency must be 1..5");
        }
        break;
      case RelaxStep::Kind::kAddGroup:
        if (!step.group.valid() || step.group.value >= s.groups.size()) {
          return Bad(where, "a relax step names an unknown group");
        }
        break;
      case RelaxStep::Kind::kOverflow:
        if (!step.queue.valid() || step.queue.value >= s.queues.size() || step.queue.value == qi ||
            s.queues[step.queue.value].retired) {
          return Bad(where, "a relax step overflows to an unknown queue or to itself");
        }
        break;
    }
  }
  SB_RETURN_IF_ERROR(CheckFallback(s, where + " when_closed", q.when_closed));
  SB_RETURN_IF_ERROR(CheckFallback(s, where + " when_full", q.when_full));
  SB_RETURN_IF_ERROR(CheckFallback(s, where + " when_max_wait", q.when_max_wait));
  return Status::Ok();
}

Status CheckAgent(const EngineSettings& s, std::size_t ai) {
  const AgentSettings& a = s.agents[ai];
  const std::string where = "agent '" + a.name + "'";
  if (a.name.empty()) return Bad("agent #" + std::to_string(ai), "an agent needs a name");
  for (const AgentSkill& k : a.skills) {
    if (!k.skill.valid() || k.skill.value >= s.skills.size()) return Bad(where, "unknown skill");
    if (k.proficiency < 1 || k.proficiency > 5) return Bad(where, "proficiency must be 1..5");
  }
  for (std::size_t i = 0; i < a.queues.size(); ++i) {
    const QueueMembership& m = a.queues[i];
    if (!m.queue.valid() || m.queue.value >= s.queues.size() || s.queues[m.queue.value].retired) {
      return Bad(where, "unknown queue");
    }
    if (m.tier < 1 || m.tier > 9) return Bad(where, "a queue tier must be 1..9");
    for (std::size_t j = 0; j < i; ++j) {
      if (a.queues[j].queue == m.queue) {
        return Bad(where, "member of queue '" + s.queues[m.queue.value].name +
                              "' twice: list each queue once, with one tier");
      }
    }
  }
  for (GroupId g : a.groups) {
    if (!g.valid() || g.value >= s.groups.size()) return Bad(where, "unknown group");
  }
  return Status::Ok();
}

// Overflow chains (when_closed/full/max_wait and relax overflow) must not loop back: a contact
// bounced around a cycle of closed queues would never settle.
Status CheckOverflowCycles(const EngineSettings& s) {
  const std::size_t n = s.queues.size();
  std::vector<std::vector<std::uint32_t>> next(n);
  for (std::size_t i = 0; i < n; ++i) {
    const QueueSettings& q = s.queues[i];
    for (const Fallback* f : {&q.when_closed, &q.when_full}) {
      if (f->action == Fallback::Action::kOverflowQueue) next[i].push_back(f->queue.value);
    }
  }
  std::vector<int> color(n, 0);  // 0 new, 1 on stack, 2 done
  std::vector<std::pair<std::uint32_t, std::size_t>> stack;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (color[root] != 0) continue;
    stack.push_back({root, 0});
    color[root] = 1;
    while (!stack.empty()) {
      auto& [node, edge] = stack.back();
      if (edge < next[node].size()) {
        const std::uint32_t to = next[node][edge++];
        if (color[to] == 1) {
          return Bad("queue '" + s.queues[to].name + "'",
                     "when_closed/when_full overflow forms a cycle; end the chain with a "
                     "message or callback");
        }
        if (color[to] == 0) {
          color[to] = 1;
          stack.push_back({to, 0});
        }
      } else {
        color[node] = 2;
        stack.pop_back();
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateSettings(const EngineSettings& s) {
  if (s.queues.empty()) return InvalidArgument("no queues: define at least one queue");
  for (std::size_t i = 0; i < s.skills.size(); ++i) {
    if (IndexOf(s.skills, s.skills[i]) != i)
      return InvalidArgument("skill '" + s.skills[i] + "' is declared twice");
  }
  for (const Calendar& c : s.calendars) {
    for (const auto& day : c.weekly) {
      for (const OpenRange& r : day) {
        if (r.open_minute < 0 || r.close_minute > 1440 || r.open_minute >= r.close_minute) {
          return InvalidArgument(
              "calendar '" + c.name +
              "': an opening range must be within the day and open before it closes");
        }
      }
    }
  }
  // Retired entries (kept for their ids) need only a name; they must have no ties left.
  std::unordered_set<std::string_view> names;
  bool any_queue = false;
  for (std::size_t i = 0; i < s.queues.size(); ++i) {
    if (s.queues[i].retired) {
      if (s.queues[i].name.empty()) return Bad("queue #" + std::to_string(i), "needs a name");
      continue;
    }
    any_queue = true;
    SB_RETURN_IF_ERROR(CheckQueue(s, i));
    if (!names.insert(s.queues[i].name).second) {
      return Bad("queue '" + s.queues[i].name + "'", "the name is used twice");
    }
  }
  if (!any_queue) return InvalidArgument("no queues: define at least one queue");
  names.clear();
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    if (s.agents[i].retired) {
      const AgentSettings& a = s.agents[i];
      if (a.name.empty() || !a.queues.empty() || !a.groups.empty() || !a.skills.empty()) {
        return Bad("agent #" + std::to_string(i), "a retired agent has a name and nothing else");
      }
      continue;
    }
    SB_RETURN_IF_ERROR(CheckAgent(s, i));
    if (!names.insert(s.agents[i].name).second) {
      return InvalidArgument("agent '" + s.agents[i].name + "' is declared twice");
    }
  }
  return CheckOverflowCycles(s);
}

QueueId FindQueue(const EngineSettings& s, std::string_view name) {
  const std::size_t i = IndexOf(s.queues, name);
  return i == static_cast<std::size_t>(-1) ? QueueId{} : QueueId{static_cast<std::uint32_t>(i)};
}
AgentId FindAgent(const EngineSettings& s, std::string_view name) {
  const std::size_t i = IndexOf(s.agents, name);
  return i == static_cast<std::size_t>(-1) ? AgentId{} : AgentId{static_cast<std::uint32_t>(i)};
}
SkillId FindSkill(const EngineSettings& s, std::string_view name) {
  const std::size_t i = IndexOf(s.skills, name);
  return i == static_cast<std::size_t>(-1) ? SkillId{} : SkillId{static_cast<std::uint32_t>(i)};
}
GroupId FindGroup(const EngineSettings& s, std::string_view name) {
  const std::size_t i = IndexOf(s.groups, name);
  return i == static_cast<std::size_t>(-1) ? GroupId{} : GroupId{static_cast<std::uint32_t>(i)};
}

std::string_view StrategyName(StrategyKind kind) {
  for (const auto& [k, name] : kStrategyNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

bool ParseStrategy(std::string_view name, StrategyKind* out) {
  for (const auto& [k, n] : kStrategyNames) {
    if (n == name) {
      *out = k;
      return true;
    }
  }
  return false;
}

}  // namespace sb::core
