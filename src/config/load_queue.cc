// [[queue]], [[agent]] and [[agent_pool]] tables.

#include <algorithm>

#include "config/internal.h"

namespace sb::config::internal {
namespace {

Status ReadFallback(const Reader& r, std::string_view key, const core::EngineSettings& s,
                    QueueId self, core::Fallback* f, std::vector<OverflowEdge>* edges) {
  const toml::node* n = r.Get(key);
  if (n == nullptr) return Status::Ok();
  if (!n->is_table())
    return r.Error(n, key,
                   "expected { action = \"message\"|\"overflow\"|\"callback\", queue = \"...\" }");
  Reader fr(r.file(), *n->as_table(), r.where() + ": " + std::string(key));
  SB_RETURN_IF_ERROR(fr.OnlyKeys({"action", "queue"}));
  std::string action, queue;
  SB_RETURN_IF_ERROR(fr.String("action", &action, true));
  SB_RETURN_IF_ERROR(fr.String("queue", &queue));
  if (action == "message") {
    f->action = core::Fallback::Action::kMessage;
  } else if (action == "callback") {
    f->action = core::Fallback::Action::kOfferCallback;
  } else if (action == "overflow") {
    f->action = core::Fallback::Action::kOverflowQueue;
    if (queue.empty()) return fr.Error(nullptr, "queue", "is required for action \"overflow\"");
    f->queue = core::FindQueue(s, queue);
    if (!f->queue.valid())
      return fr.Error(fr.Get("queue"), "queue", "no queue named '" + queue + "'");
    if (f->queue == self) return fr.Error(fr.Get("queue"), "queue", "overflows to its own queue");
    edges->push_back(
        {self.value, f->queue.value, key == "when_max_wait", fr.Place(fr.Get("queue"), "queue")});
  } else {
    return fr.Error(fr.Get("action"), "action",
                    "expected \"message\", \"overflow\" or \"callback\", got \"" + action + "\"");
  }
  return Status::Ok();
}

Status ReadRelax(const Reader& q, const core::EngineSettings& s, QueueId self,
                 core::QueueSettings* queue, std::vector<OverflowEdge>* edges) {
  std::vector<core::RelaxStep>* out = &queue->relax;
  // The requirement in force as the steps apply, to refuse a "lowering" that raises.
  std::vector<core::SkillRequirement> in_force = queue->requirements;
  const toml::node* n = q.Get("relax");
  if (n == nullptr) return Status::Ok();
  const toml::array* arr = n->as_array();
  if (arr == nullptr) return q.Error(n, "relax", "expected an array of { after = \"30s\", ... }");
  for (const toml::node& e : *arr) {
    if (!e.is_table()) return q.Error(&e, "relax", "expected tables { after = \"30s\", ... }");
    Reader r(q.file(), *e.as_table(), q.where() + ": relax");
    SB_RETURN_IF_ERROR(
        r.OnlyKeys({"after", "lower_skill", "min", "add_group", "waive_requirements", "overflow"}));
    core::RelaxStep step;
    SB_RETURN_IF_ERROR(r.Dur("after", &step.after));
    if (!out->empty() && step.after <= out->back().after) {
      return r.Error(r.Get("after"), "after",
                     DurationText(step.after) + " is not later than the step before (" +
                         DurationText(out->back().after) + "); steps apply in order of time");
    }
    std::string skill, group, overflow;
    SB_RETURN_IF_ERROR(r.String("lower_skill", &skill));
    SB_RETURN_IF_ERROR(r.String("add_group", &group));
    SB_RETURN_IF_ERROR(r.String("overflow", &overflow));
    if (!skill.empty()) {
      step.kind = core::RelaxStep::Kind::kLowerProficiency;
      step.skill = core::FindSkill(s, skill);
      if (!step.skill.valid())
        return r.Error(r.Get("lower_skill"), "lower_skill",
                       "no skill named '" + skill + "' in [engine] skills");
      std::int64_t min = 1;
      SB_RETURN_IF_ERROR(r.Int("min", 1, 5, &min));
      step.min_proficiency = static_cast<int>(min);
      auto req =
          std::find_if(in_force.begin(), in_force.end(),
                       [&](const core::SkillRequirement& x) { return x.skill == step.skill; });
      if (req == in_force.end()) {
        return r.Error(r.Get("lower_skill"), "lower_skill",
                       "the queue does not require '" + skill + "': nothing to lower");
      }
      if (step.min_proficiency > req->min_proficiency) {
        return r.Error(r.Get("min"), "min",
                       std::to_string(min) + " would raise the minimum for '" + skill + "' (" +
                           std::to_string(req->min_proficiency) + " at that point)");
      }
      req->min_proficiency = step.min_proficiency;
    } else if (!group.empty()) {
      step.kind = core::RelaxStep::Kind::kAddGroup;
      step.group = core::FindGroup(s, group);
      if (!step.group.valid())
        return r.Error(r.Get("add_group"), "add_group",
                       "no group named '" + group + "' in [engine] groups");
      SB_RETURN_IF_ERROR(r.Bool("waive_requirements", &step.waive_requirements));
    } else if (!overflow.empty()) {
      step.kind = core::RelaxStep::Kind::kOverflow;
      step.queue = core::FindQueue(s, overflow);
      if (!step.queue.valid())
        return r.Error(r.Get("overflow"), "overflow", "no queue named '" + overflow + "'");
      if (step.queue == self) {
        return r.Error(r.Get("overflow"), "overflow", "overflows to its own queue");
      }
      edges->push_back(
          {self.value, step.queue.value, true, r.Place(r.Get("overflow"), "overflow")});
    } else {
      return r.Error(&e, "", "a relax step needs lower_skill, add_group or overflow");
    }
    if (step.kind != core::RelaxStep::Kind::kAddGroup && r.Get("waive_requirements") != nullptr) {
      return r.Error(r.Get("waive_requirements"), "waive_requirements",
                     "applies to add_group steps only");
    }
    out->push_back(step);
  }
  return Status::Ok();
}

}  // namespace

Status ForEachTable(const std::string& file, const toml::table& root, std::string_view key,
                    const std::function<Status(const toml::table&)>& fn) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return Status::Ok();
  const toml::array* arr = n->as_array();
  if (arr == nullptr)
    return Reader(file, root, "").Error(n, key, "expected [[" + std::string(key) + "]] tables");
  for (const toml::node& e : *arr) {
    if (!e.is_table())
      return Reader(file, root, "").Error(&e, key, "expected [[" + std::string(key) + "]] tables");
    SB_RETURN_IF_ERROR(fn(*e.as_table()));
  }
  return Status::Ok();
}

Status ReadQueue(const std::string& file, const toml::table& t, const core::EngineSettings& s,
                 core::QueueSettings* q, std::vector<OverflowEdge>* edges) {
  const QueueId self = core::FindQueue(s, q->name);
  Reader r(file, t, "queue '" + q->name + "'");
  SB_RETURN_IF_ERROR(r.OnlyKeys({"name",
                                 "renamed_from",
                                 "priority",
                                 "strategy",
                                 "service_level",
                                 "service_level_threshold",
                                 "max_wait",
                                 "max_length",
                                 "calendar",
                                 "offer_timeout",
                                 "wrap_up",
                                 "max_wrap_up",
                                 "ring_all_max",
                                 "transfer_keeps_arrival",
                                 "callback_retries",
                                 "callback_retry_after",
                                 "expected_handle_time",
                                 "requirements",
                                 "relax",
                                 "when_closed",
                                 "when_full",
                                 "when_max_wait",
                                 "best_match",
                                 "dispositions" /* read by LoadStoreConfig */,
                                 "record" /* read by LoadTelephonyConfig */}));
  SB_RETURN_IF_ERROR(r.String("renamed_from", &q->renamed_from));
  std::int64_t v = q->priority;
  SB_RETURN_IF_ERROR(r.Int("priority", 1, 100, &v));
  q->priority = static_cast<int>(v);
  std::string strategy = "longest_idle";
  SB_RETURN_IF_ERROR(r.String("strategy", &strategy));
  if (!core::ParseStrategy(strategy, &q->strategy)) {
    return r.Error(r.Get("strategy"), "strategy",
                   "expected longest_idle, round_robin, fewest_contacts, ring_all, random, "
                   "highest_proficiency or best_match, got \"" +
                       strategy + "\"");
  }
  SB_RETURN_IF_ERROR(r.Number("service_level", 0.000001, 1, &q->service_level_target));
  SB_RETURN_IF_ERROR(r.Dur("service_level_threshold", &q->service_level_threshold));
  SB_RETURN_IF_ERROR(r.Dur("max_wait", &q->max_wait));
  v = 0;
  SB_RETURN_IF_ERROR(r.Int("max_length", 0, 1000000, &v));
  q->max_length = static_cast<int>(v);
  std::string cal;
  SB_RETURN_IF_ERROR(r.String("calendar", &cal));
  if (!cal.empty()) {
    q->calendar = static_cast<std::uint32_t>(s.calendars.size());
    for (std::uint32_t i = 0; i < s.calendars.size(); ++i)
      q->calendar = s.calendars[i].name == cal && i > 0 ? i : q->calendar;
    if (q->calendar == s.calendars.size())
      return r.Error(r.Get("calendar"), "calendar", "no [[calendar]] named '" + cal + "'");
  }
  SB_RETURN_IF_ERROR(r.Dur("offer_timeout", &q->offer_timeout));
  if (q->offer_timeout <= Duration{0}) {
    return r.Error(r.Get("offer_timeout"), "offer_timeout", "must be positive (the ring time)");
  }
  SB_RETURN_IF_ERROR(r.Dur("wrap_up", &q->wrap_up));
  q->max_wrap_up = std::max(q->max_wrap_up, q->wrap_up);
  SB_RETURN_IF_ERROR(r.Dur("max_wrap_up", &q->max_wrap_up));
  if (q->max_wrap_up < q->wrap_up) {
    return r.Error(r.Get("max_wrap_up"), "max_wrap_up",
                   "must be at least wrap_up (" + DurationText(q->wrap_up) + ")");
  }
  v = q->ring_all_max;
  SB_RETURN_IF_ERROR(r.Int("ring_all_max", 1, 1000, &v));
  q->ring_all_max = static_cast<int>(v);
  SB_RETURN_IF_ERROR(r.Bool("transfer_keeps_arrival", &q->transfer_keeps_arrival));
  v = q->callback_retries;
  SB_RETURN_IF_ERROR(r.Int("callback_retries", 0, core::kMaxCallbackRetries, &v));
  q->callback_retries = static_cast<int>(v);
  SB_RETURN_IF_ERROR(r.Dur("callback_retry_after", &q->callback_retry_after));
  if (q->callback_retry_after < core::kMinCallbackRetryAfter ||
      q->callback_retry_after > core::kMaxCallbackRetryAfter) {
    return r.Error(r.Get("callback_retry_after"), "callback_retry_after",
                   "must be 1s..24h (the wait before a callback nobody answered is dialled "
                   "again)");
  }
  SB_RETURN_IF_ERROR(r.Dur("expected_handle_time", &q->expected_handle_time));
  if (q->expected_handle_time <= Duration{0}) {
    return r.Error(r.Get("expected_handle_time"), "expected_handle_time", "must be positive");
  }
  if (const toml::node* n = r.Get("requirements")) {
    const toml::array* arr = n->as_array();
    if (arr == nullptr) return r.Error(n, "requirements", "expected [{ skill = \"fr\", min = 3 }]");
    for (const toml::node& e : *arr) {
      if (!e.is_table())
        return r.Error(&e, "requirements", "expected [{ skill = \"fr\", min = 3 }]");
      Reader rr(file, *e.as_table(), r.where() + ": requirements");
      SB_RETURN_IF_ERROR(rr.OnlyKeys({"skill", "min"}));
      std::string skill;
      std::int64_t min = 1;
      SB_RETURN_IF_ERROR(rr.String("skill", &skill, true));
      SB_RETURN_IF_ERROR(rr.Int("min", 1, 5, &min));
      const SkillId id = core::FindSkill(s, skill);
      if (!id.valid())
        return rr.Error(rr.Get("skill"), "skill",
                        "no skill named '" + skill + "' in [engine] skills");
      q->requirements.push_back({id, static_cast<int>(min)});
    }
  }
  SB_RETURN_IF_ERROR(ReadRelax(r, s, self, q, edges));
  SB_RETURN_IF_ERROR(ReadFallback(r, "when_closed", s, self, &q->when_closed, edges));
  SB_RETURN_IF_ERROR(ReadFallback(r, "when_full", s, self, &q->when_full, edges));
  SB_RETURN_IF_ERROR(ReadFallback(r, "when_max_wait", s, self, &q->when_max_wait, edges));
  if (const toml::node* n = r.Get("best_match")) {
    if (!n->is_table())
      return r.Error(n, "best_match",
                     "expected { proficiency = 0.6, idle = 0.4, idle_scale = \"60s\" }");
    Reader br(file, *n->as_table(), r.where() + ": best_match");
    SB_RETURN_IF_ERROR(br.OnlyKeys({"proficiency", "idle", "idle_scale"}));
    SB_RETURN_IF_ERROR(br.Number("proficiency", 0, 100, &q->best_match.proficiency));
    SB_RETURN_IF_ERROR(br.Number("idle", 0, 100, &q->best_match.idle));
    SB_RETURN_IF_ERROR(br.Dur("idle_scale", &q->best_match.idle_scale));
    if (q->best_match.idle_scale <= Duration{0}) {
      return br.Error(br.Get("idle_scale"), "idle_scale", "must be positive");
    }
  }
  return Status::Ok();
}

Status ReadAgent(const std::string& file, const toml::table& t, const core::EngineSettings& s,
                 bool pool, core::AgentSettings* a) {
  Reader r(file, t, pool ? "agent_pool" : "agent");
  if (pool) {
    SB_RETURN_IF_ERROR(r.OnlyKeys({"prefix", "count", "digits", "skills", "queues", "groups"}));
    SB_RETURN_IF_ERROR(r.String("prefix", &a->name, true));
  } else {
    SB_RETURN_IF_ERROR(r.OnlyKeys({"name", "renamed_from", "skills", "queues", "groups"}));
    SB_RETURN_IF_ERROR(r.String("name", &a->name, true));
    SB_RETURN_IF_ERROR(r.String("renamed_from", &a->renamed_from));
  }
  Reader named(file, t, (pool ? "agent_pool '" : "agent '") + a->name + "'");
  for (const char* key : {"skills", "queues"}) {
    const toml::node* n = named.Get(key);
    if (n == nullptr) continue;
    const toml::table* tt = n->as_table();
    if (tt == nullptr) return named.Error(n, key, "expected a table like { fr = 3 }");
    const bool skills = std::string_view(key) == "skills";
    for (const auto& [k, v] : *tt) {
      const std::string item(k.str());
      const std::int64_t level = v.value<std::int64_t>().value_or(-1);
      const std::int64_t hi = skills ? 5 : 9;
      if (!v.is_integer() || level < 1 || level > hi) {
        return named.Error(
            &v, std::string(key) + "." + item,
            skills ? "expected a proficiency 1..5" : "expected a tier 1..9 (1 = first choice)");
      }
      if (skills) {
        const SkillId id = core::FindSkill(s, item);
        if (!id.valid())
          return named.Error(&v, "skills." + item,
                             "no skill named '" + item + "' in [engine] skills");
        a->skills.push_back({id, static_cast<int>(level)});
      } else {
        const QueueId id = core::FindQueue(s, item);
        if (!id.valid()) return named.Error(&v, "queues." + item, "no queue named '" + item + "'");
        a->queues.push_back({id, static_cast<int>(level)});
      }
    }
  }
  std::vector<std::string> groups;
  SB_RETURN_IF_ERROR(named.StringList("groups", &groups));
  for (const std::string& g : groups) {
    const GroupId id = core::FindGroup(s, g);
    if (!id.valid())
      return named.Error(named.Get("groups"), "groups",
                         "no group named '" + g + "' in [engine] groups");
    a->groups.push_back(id);
  }
  return Status::Ok();
}

}  // namespace sb::config::internal
