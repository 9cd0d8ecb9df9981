// [engine], [[calendar]], [[queue]], [[agent]] and [[agent_pool]] -> core::EngineSettings.

#include <cstdio>

#include "config/config.h"
#include "config/internal.h"

namespace sb::config::internal {
namespace {

constexpr const char* kDays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

Status ReadRange(const Reader& r, const toml::node& n, std::string_view key, core::OpenRange* out) {
  const std::string text = n.value<std::string>().value_or("");
  const auto dash = text.find('-');
  if (!n.is_string() || dash == std::string::npos) return r.Error(&n, key, "expected \"HH:MM-HH:MM\"");
  auto open = ParseClock(text.substr(0, dash));
  auto close = ParseClock(text.substr(dash + 1));
  if (!open.ok() || !close.ok()) return r.Error(&n, key, "expected \"HH:MM-HH:MM\", got \"" + text + "\"");
  if (*open >= *close) return r.Error(&n, key, "a range must open before it closes (no overnight ranges; split them)");
  *out = {*open, *close};
  return Status::Ok();
}

Status ReadCalendar(const std::string& file, const toml::table& t, core::Calendar* c) {
  Reader r(file, t, "calendar");
  SB_RETURN_IF_ERROR(r.OnlyKeys({"name", "time_zone", "always_open", "weekdays", "hours", "holidays"}));
  SB_RETURN_IF_ERROR(r.String("name", &c->name, true));
  Reader named(file, t, "calendar '" + c->name + "'");
  c->always_open = false;
  SB_RETURN_IF_ERROR(named.Bool("always_open", &c->always_open));
  std::string zone = "UTC";
  SB_RETURN_IF_ERROR(named.String("time_zone", &zone));
  auto z = ParseZone(zone);
  if (!z.ok()) return named.Error(named.Get("time_zone"), "time_zone", z.status().message());
  c->zone = *z;
  if (const toml::node* wd = named.Get("weekdays")) {
    core::OpenRange range;
    SB_RETURN_IF_ERROR(ReadRange(named, *wd, "weekdays", &range));
    for (int d = 0; d < 5; ++d) c->weekly[d] = {range};
  }
  if (const toml::node* h = named.Get("hours")) {
    const toml::table* ht = h->as_table();
    if (ht == nullptr) return named.Error(h, "hours", "expected a table like { mon = [\"08:00-12:00\"] }");
    for (const auto& [k, v] : *ht) {
      int day = -1;
      for (int d = 0; d < 7; ++d) day = k.str() == kDays[d] ? d : day;
      if (day < 0) return named.Error(&v, "hours." + std::string(k.str()), "expected a day: mon, tue, wed, thu, fri, sat or sun");
      c->weekly[day].clear();
      const std::string field = "hours." + std::string(k.str());  // clang 14 cannot capture k
      auto add = [&](const toml::node& n) -> Status {
        core::OpenRange range;
        SB_RETURN_IF_ERROR(ReadRange(named, n, field, &range));
        c->weekly[day].push_back(range);
        return Status::Ok();
      };
      if (const toml::array* arr = v.as_array()) {
        for (const toml::node& e : *arr) SB_RETURN_IF_ERROR(add(e));
      } else {
        SB_RETURN_IF_ERROR(add(v));
      }
    }
  }
  std::vector<std::string> holidays;
  SB_RETURN_IF_ERROR(named.StringList("holidays", &holidays));
  for (const std::string& hd : holidays) {
    int y = 0;
    unsigned m = 0, d = 0;
    char extra = 0;
    if (std::sscanf(hd.c_str(), "%d-%u-%u%c", &y, &m, &d, &extra) != 3 ||
        !std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)).ok()) {
      return named.Error(named.Get("holidays"), "holidays", "expected dates \"YYYY-MM-DD\", got \"" + hd + "\"");
    }
    c->holidays.push_back(std::chrono::sys_days(std::chrono::year(y) / m / d));
  }
  std::sort(c->holidays.begin(), c->holidays.end());
  return Status::Ok();
}

}  // namespace

Status ReadEngine(const std::string& file, const toml::table& root, core::EngineSettings* s) {
  Reader top(file, root, "");
  if (const toml::node* e = root.get("engine")) {
    if (!e->is_table()) return top.Error(e, "engine", "expected a table [engine]");
    Reader r(file, *e->as_table(), "[engine]");
    SB_RETURN_IF_ERROR(r.OnlyKeys({"seed", "skills", "groups", "not_ready_reasons"}));
    std::int64_t seed = 1;
    SB_RETURN_IF_ERROR(r.Int("seed", 0, INT64_MAX, &seed));
    s->seed = static_cast<std::uint64_t>(seed);
    SB_RETURN_IF_ERROR(r.StringList("skills", &s->skills));
    SB_RETURN_IF_ERROR(r.StringList("groups", &s->groups));
    SB_RETURN_IF_ERROR(r.StringList("not_ready_reasons", &s->not_ready_reasons));
  }
  s->calendars.push_back(core::Calendar{});  // calendar 0: always open
  SB_RETURN_IF_ERROR(ForEachTable(file, root, "calendar", [&](const toml::table& t) {
    core::Calendar c;
    SB_RETURN_IF_ERROR(ReadCalendar(file, t, &c));
    s->calendars.push_back(std::move(c));
    return Status::Ok();
  }));
  // Queue names first: queues refer to each other (overflow).
  SB_RETURN_IF_ERROR(ForEachTable(file, root, "queue", [&](const toml::table& t) {
    core::QueueSettings q;
    SB_RETURN_IF_ERROR(Reader(file, t, "queue").String("name", &q.name, true));
    s->queues.push_back(std::move(q));
    return Status::Ok();
  }));
  std::size_t qi = 0;
  SB_RETURN_IF_ERROR(ForEachTable(file, root, "queue", [&](const toml::table& t) {
    return ReadQueue(file, t, *s, &s->queues[qi++]);
  }));
  SB_RETURN_IF_ERROR(ForEachTable(file, root, "agent", [&](const toml::table& t) {
    core::AgentSettings a;
    SB_RETURN_IF_ERROR(ReadAgent(file, t, *s, false, &a));
    s->agents.push_back(std::move(a));
    return Status::Ok();
  }));
  return ForEachTable(file, root, "agent_pool", [&](const toml::table& t) {
    core::AgentSettings proto;
    SB_RETURN_IF_ERROR(ReadAgent(file, t, *s, true, &proto));
    std::int64_t count = 0;
    Reader r(file, t, "agent_pool");
    SB_RETURN_IF_ERROR(r.Int("count", 1, 100000, &count));
    if (count == 0) return r.Error(nullptr, "count", "is required (1..100000)");
    for (std::int64_t i = 1; i <= count; ++i) {
      core::AgentSettings a = proto;
      char num[24];
      std::snprintf(num, sizeof num, "%03lld", static_cast<long long>(i));
      a.name = proto.name + num;
      s->agents.push_back(std::move(a));
    }
    return Status::Ok();
  });
}

}  // namespace sb::config::internal
