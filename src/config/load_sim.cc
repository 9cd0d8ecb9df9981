// [sim], [[sim.stream]] and [[sim.shift]] -> sim::SimSettings.

#include <cstdio>

#include "config/config.h"
#include "config/internal.h"

namespace sb::config::internal {
namespace {

constexpr double kMaxWeight = 1e9;
constexpr const char* kDays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

Status ReadDist(const Reader& r, std::string_view key, sim::Distribution* d) {
  const toml::node* n = r.Get(key);
  if (n == nullptr) return Status::Ok();
  if (n->is_string() && n->value<std::string>().value_or("") == "none") {
    d->kind = sim::Distribution::Kind::kNone;
    return Status::Ok();
  }
  if (!n->is_table())
    return r.Error(n, key,
                   "expected { dist = \"exponential\"|\"lognormal\"|\"fixed\", mean = \"300s\", cv "
                   "= 0.8 } or \"none\"");
  Reader dr(r.file(), *n->as_table(), r.where() + ": " + std::string(key));
  SB_RETURN_IF_ERROR(dr.OnlyKeys({"dist", "mean", "cv"}));
  std::string dist = "exponential";
  SB_RETURN_IF_ERROR(dr.String("dist", &dist));
  if (dist == "exponential")
    d->kind = sim::Distribution::Kind::kExponential;
  else if (dist == "lognormal")
    d->kind = sim::Distribution::Kind::kLognormal;
  else if (dist == "fixed")
    d->kind = sim::Distribution::Kind::kFixed;
  else
    return dr.Error(dr.Get("dist"), "dist", "expected exponential, lognormal or fixed");
  SB_RETURN_IF_ERROR(dr.Dur("mean", &d->mean));
  return dr.Number("cv", 0.01, 10, &d->cv);
}

Status ReadDays(const Reader& r, std::string_view text, std::uint8_t* mask) {
  if (text == "all") {
    *mask = 0x7f;
    return Status::Ok();
  }
  int from = -1, to = -1;
  const auto dash = text.find('-');
  const std::string_view a = text.substr(0, dash);
  const std::string_view b = dash == std::string_view::npos ? a : text.substr(dash + 1);
  for (int d = 0; d < 7; ++d) {
    from = a == kDays[d] ? d : from;
    to = b == kDays[d] ? d : to;
  }
  if (from < 0 || to < 0)
    return r.Error(r.Get("days"), "days",
                   "expected \"all\", a day (\"sat\") or a range (\"mon-fri\")");
  *mask = 0;
  for (int d = from;; d = (d + 1) % 7) {
    *mask |= static_cast<std::uint8_t>(1u << d);
    if (d == to) break;
  }
  return Status::Ok();
}

// "sup-001..sup-020" or a single agent name.
Status ExpandAgents(const Reader& r, const core::EngineSettings& e, const std::string& spec,
                    std::vector<AgentId>* out) {
  const auto dots = spec.find("..");
  if (dots == std::string::npos) {
    const AgentId id = core::FindAgent(e, spec);
    if (!id.valid()) return r.Error(r.Get("agents"), "agents", "no agent named '" + spec + "'");
    out->push_back(id);
    return Status::Ok();
  }
  const AgentId first = core::FindAgent(e, spec.substr(0, dots));
  const AgentId last = core::FindAgent(e, spec.substr(dots + 2));
  if (!first.valid() || !last.valid() || last < first) {
    return r.Error(r.Get("agents"), "agents",
                   "expected a range of existing agents \"first..last\", got \"" + spec + "\"");
  }
  for (std::uint32_t i = first.value; i <= last.value; ++i) out->push_back(AgentId{i});
  return Status::Ok();
}

Status ReadShift(const std::string& file, const toml::table& t, sim::SimSettings* s) {
  Reader r(file, t, "sim.shift");
  SB_RETURN_IF_ERROR(r.OnlyKeys({"agents", "days", "start", "length", "breaks"}));
  std::vector<AgentId> agents;
  const toml::node* an = r.Get("agents");
  if (an == nullptr) return r.Error(nullptr, "agents", "is required: \"a..b\" or a list of names");
  if (an->is_string()) {
    SB_RETURN_IF_ERROR(ExpandAgents(r, s->engine, an->value<std::string>().value_or(""), &agents));
  } else {
    std::vector<std::string> names;
    SB_RETURN_IF_ERROR(r.StringList("agents", &names));
    for (const auto& n : names) SB_RETURN_IF_ERROR(ExpandAgents(r, s->engine, n, &agents));
  }
  sim::Shift proto;
  std::string days = "all", start = "00:00";
  SB_RETURN_IF_ERROR(r.String("days", &days));
  SB_RETURN_IF_ERROR(ReadDays(r, days, &proto.days));
  SB_RETURN_IF_ERROR(r.String("start", &start, true));
  auto m = ParseClock(start);
  if (!m.ok() || *m >= 1440) return r.Error(r.Get("start"), "start", "expected \"HH:MM\"");
  proto.start_minute = *m;
  Duration length = 8h;
  SB_RETURN_IF_ERROR(r.Dur("length", &length));
  proto.length_minutes = static_cast<int>(length / 1min);
  if (const toml::node* b = r.Get("breaks")) {
    const toml::array* arr = b->as_array();
    if (arr == nullptr) return r.Error(b, "breaks", "expected [{ at = \"2h\", length = \"15m\" }]");
    for (const toml::node& e : *arr) {
      if (!e.is_table())
        return r.Error(&e, "breaks", "expected [{ at = \"2h\", length = \"15m\" }]");
      Reader br(file, *e.as_table(), "sim.shift: breaks");
      SB_RETURN_IF_ERROR(br.OnlyKeys({"at", "length"}));
      Duration at{0}, len = 15min;
      SB_RETURN_IF_ERROR(br.Dur("at", &at));
      SB_RETURN_IF_ERROR(br.Dur("length", &len));
      proto.breaks.push_back({static_cast<int>(at / 1min), static_cast<int>(len / 1min)});
    }
  }
  for (AgentId a : agents) {
    sim::Shift sh = proto;
    sh.agent = a;
    s->shifts.push_back(sh);
  }
  return Status::Ok();
}

}  // namespace

Status ReadSim(const std::string& file, const toml::table& root, sim::SimSettings* s) {
  const toml::node* n = root.get("sim");
  if (n == nullptr)
    return Reader(file, root, "").Error(nullptr, "sim", "no [sim] section: add one to simulate");
  if (!n->is_table()) return Reader(file, root, "").Error(n, "sim", "expected a table [sim]");
  const toml::table& t = *n->as_table();
  Reader r(file, t, "[sim]");
  SB_RETURN_IF_ERROR(r.OnlyKeys({"start", "days", "time_zone", "seed", "replications",
                                 "report_interval", "ring_time", "always_on", "stream", "shift"}));
  std::string start = "2026-11-23", zone = "UTC";
  SB_RETURN_IF_ERROR(r.String("time_zone", &zone));
  auto z = ParseZone(zone);
  if (!z.ok()) return r.Error(r.Get("time_zone"), "time_zone", z.status().message());
  s->zone = *z;
  SB_RETURN_IF_ERROR(r.String("start", &start));
  int y = 0;
  unsigned mo = 0, d = 0;
  char extra = 0;
  if (std::sscanf(start.c_str(), "%d-%u-%u%c", &y, &mo, &d, &extra) != 3 ||
      !std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(mo),
                                   std::chrono::day(d))
           .ok()) {
    return r.Error(r.Get("start"), "start", "expected a date \"YYYY-MM-DD\"");
  }
  const Time local_midnight = Time(std::chrono::sys_days(std::chrono::year(y) / mo / d));
  // Local midnight in UTC: the offset in force then (looked up at the guess, for DST days).
  s->start = local_midnight - s->zone.OffsetAt(local_midnight - s->zone.OffsetAt(local_midnight));
  std::int64_t days = 1, seed = 42, reps = 1;
  SB_RETURN_IF_ERROR(r.Int("days", 1, 731, &days));
  s->length = std::chrono::hours(24 * days);
  SB_RETURN_IF_ERROR(r.Int("seed", 0, INT64_MAX, &seed));
  s->seed = static_cast<std::uint64_t>(seed);
  SB_RETURN_IF_ERROR(r.Int("replications", 1, 1000, &reps));
  s->replications = static_cast<int>(reps);
  SB_RETURN_IF_ERROR(r.Dur("report_interval", &s->report_interval));
  SB_RETURN_IF_ERROR(r.Dur("ring_time", &s->ring_time));
  std::vector<std::string> always;
  SB_RETURN_IF_ERROR(r.StringList("always_on", &always));
  for (const auto& a : always) SB_RETURN_IF_ERROR(ExpandAgents(r, s->engine, a, &s->always_on));
  SB_RETURN_IF_ERROR(ForEachTable(file, t, "stream", [&](const toml::table& st) {
    Reader sr(file, st, "sim.stream");
    SB_RETURN_IF_ERROR(sr.OnlyKeys({"name", "queue", "calls_per_day", "profile", "handle_time",
                                    "patience", "callback_share"}));
    sim::Stream stream;
    std::string queue;
    SB_RETURN_IF_ERROR(sr.String("name", &stream.name, true));
    SB_RETURN_IF_ERROR(sr.String("queue", &queue, true));
    stream.queue = core::FindQueue(s->engine, queue);
    if (!stream.queue.valid())
      return sr.Error(sr.Get("queue"), "queue", "no queue named '" + queue + "'");
    double per_day = 0;
    // 1e8 a day is 1,157 calls a second, past the busiest centres; more only makes a run that
    // never ends.
    SB_RETURN_IF_ERROR(sr.Number("calls_per_day", 0, 1e8, &per_day));
    const toml::node* p = sr.Get("profile");
    const toml::array* arr = p == nullptr ? nullptr : p->as_array();
    if (arr == nullptr || (arr->size() != 24 && arr->size() != 48 && arr->size() != 96)) {
      return sr.Error(p, "profile",
                      "expected 24, 48 or 96 relative weights for the intervals of a day");
    }
    double sum = 0;
    for (const toml::node& e : *arr) {
      // Bounded above too: next to a weight of 1e308 the others become rates so small that
      // their next arrival lies past the range of a time.
      const double w = e.value<double>().value_or(-1);
      if (!e.is_number() || !(w >= 0 && w <= kMaxWeight)) {
        return sr.Error(&e, "profile", "weights must be numbers in [0, 1e+09], got " + Describe(e));
      }
      stream.arrivals.calls.push_back(w);
      sum += w;
    }
    if (sum <= 0) return sr.Error(p, "profile", "at least one weight must be positive");
    for (double& c : stream.arrivals.calls) c = c / sum * per_day;
    stream.arrivals.interval = std::chrono::minutes(1440 / static_cast<int>(arr->size()));
    SB_RETURN_IF_ERROR(ReadDist(sr, "handle_time", &stream.handle_time));
    SB_RETURN_IF_ERROR(ReadDist(sr, "patience", &stream.patience));
    SB_RETURN_IF_ERROR(sr.Number("callback_share", 0, 1, &stream.callback_share));
    s->streams.push_back(std::move(stream));
    return Status::Ok();
  }));
  return ForEachTable(file, t, "shift",
                      [&](const toml::table& sh) { return ReadShift(file, sh, s); });
}

}  // namespace sb::config::internal
