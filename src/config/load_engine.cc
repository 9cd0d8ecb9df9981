// [engine], [[calendar]], [[queue]], [[agent]] and [[agent_pool]] -> core::EngineSettings.

#include <cstdio>
#include <optional>
#include <set>

#include "config/config.h"
#include "config/internal.h"

namespace sb::config::internal {
namespace {

constexpr const char* kDays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

Status ReadRange(const Reader& r, const toml::node& n, std::string_view key, core::OpenRange* out) {
  const std::string text = n.value<std::string>().value_or("");
  const auto dash = text.find('-');
  if (!n.is_string() || dash == std::string::npos)
    return r.Error(&n, key, "expected \"HH:MM-HH:MM\"");
  auto open = ParseClock(text.substr(0, dash));
  auto close = ParseClock(text.substr(dash + 1));
  if (!open.ok() || !close.ok())
    return r.Error(&n, key, "expected \"HH:MM-HH:MM\", got \"" + text + "\"");
  if (*open >= *close)
    return r.Error(&n, key, "a range must open before it closes (no overnight ranges; split them)");
  *out = {*open, *close};
  return Status::Ok();
}

// Exactly "YYYY-MM-DD", a real date, years 1970..9999 (sscanf would take "2026-1-1", "-2026-12-25"
// and years that do not fit std::chrono::year).
std::optional<std::chrono::sys_days> ParseDate(const std::string& t) {
  auto digits = [&](std::size_t from, std::size_t n) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 1970 || m < 1 || d < 1) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(m)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

std::string RangeText(const core::OpenRange& r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", r.open_minute / 60, r.open_minute % 60,
                r.close_minute / 60, r.close_minute % 60);
  return buf;
}

// Opening ranges of one day must not overlap (nor repeat): it is almost always a typo.
Status CheckNoOverlap(const Reader& r, int day, const std::vector<core::OpenRange>& ranges) {
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (ranges[i].open_minute < ranges[j].close_minute &&
          ranges[j].open_minute < ranges[i].close_minute) {
        const toml::node* hours = r.Get("hours");
        const toml::node* n =
            hours != nullptr && hours->is_table() ? hours->as_table()->get(kDays[day]) : nullptr;
        const bool from_hours = n != nullptr;
        return r.Error(from_hours ? n : r.Get("weekdays"),
                       from_hours ? "hours." + std::string(kDays[day]) : "weekdays",
                       RangeText(ranges[i]) + " overlaps " + RangeText(ranges[j]));
      }
    }
  }
  return Status::Ok();
}

Status ReadCalendar(const std::string& file, const toml::table& t, core::Calendar* c) {
  Reader r(file, t, "calendar");
  SB_RETURN_IF_ERROR(
      r.OnlyKeys({"name", "time_zone", "always_open", "weekdays", "hours", "holidays"}));
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
    if (ht == nullptr)
      return named.Error(h, "hours", "expected a table like { mon = [\"08:00-12:00\"] }");
    for (const auto& [k, v] : *ht) {
      int day = -1;
      for (int d = 0; d < 7; ++d) day = k.str() == kDays[d] ? d : day;
      if (day < 0)
        return named.Error(&v, "hours." + std::string(k.str()),
                           "expected a day: mon, tue, wed, thu, fri, sat or sun");
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
  if (c->always_open && (named.Get("weekdays") != nullptr || named.Get("hours") != nullptr)) {
    return named.Error(named.Get("always_open"), "always_open",
                       "cannot be true beside weekdays or hours; keep one of them");
  }
  for (int day = 0; day < 7; ++day) SB_RETURN_IF_ERROR(CheckNoOverlap(named, day, c->weekly[day]));
  std::vector<std::string> holidays;
  SB_RETURN_IF_ERROR(named.StringList("holidays", &holidays));
  for (const std::string& hd : holidays) {
    auto date = ParseDate(hd);
    if (!date) {
      return named.Error(named.Get("holidays"), "holidays",
                         "expected dates \"YYYY-MM-DD\" (years 1970..9999), got \"" + hd + "\"");
    }
    c->holidays.push_back(*date);
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
  std::vector<OverflowEdge> edges;
  SB_RETURN_IF_ERROR(ForEachTable(file, root, "queue", [&](const toml::table& t) {
    return ReadQueue(file, t, *s, &s->queues[qi++], &edges);
  }));
  SB_RETURN_IF_ERROR(CheckOverflowCycles(*s, edges));
  std::set<std::string> agent_names;
  SB_RETURN_IF_ERROR(ForEachTable(file, root, "agent", [&](const toml::table& t) {
    core::AgentSettings a;
    SB_RETURN_IF_ERROR(ReadAgent(file, t, *s, false, &a));
    if (!agent_names.insert(a.name).second) {
      Reader r(file, t, "agent '" + a.name + "'");
      return r.Error(r.Get("name"), "name", "declared already; each agent once");
    }
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
    std::int64_t digits = 3;  // agent001; `digits = 4` gives agent0001
    SB_RETURN_IF_ERROR(r.Int("digits", 1, 9, &digits));
    for (std::int64_t i = 1; i <= count; ++i) {
      core::AgentSettings a = proto;
      char num[24];
      std::snprintf(num, sizeof num, "%0*lld", static_cast<int>(digits), static_cast<long long>(i));
      a.name = proto.name + num;
      if (!agent_names.insert(a.name).second) {
        Reader named(file, t, "agent_pool '" + proto.name + "'");
        return named.Error(named.Get("prefix"), "prefix",
                           "makes agent '" + a.name + "', declared already; each agent once");
      }
      s->agents.push_back(std::move(a));
    }
    return Status::Ok();
  });
}

}  // namespace sb::config::internal
