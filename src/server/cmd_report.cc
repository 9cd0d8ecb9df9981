// switchboard report: interval reports from an event log, computed by core::Statistics, the
// same code the wallboard and the simulator use, so the numbers agree by construction.
//   switchboard report --events day.jsonl --config demo.toml [--from T] [--to T]
//                      [--queue NAME] [--interval 15|30|60] [--format table|csv|json]

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "core/statistics.h"
#include "eventlog/eventlog.h"
#include "server/commands.h"
#include "server/config_history.h"
#include "store/store.h"

namespace sb::server {
namespace {

struct ReportArgs {
  std::string events, store, config, from, to, queue, format = "table";
  int interval = 30;
};

// "2026-11-23T08:00" or "2026-11-23" (UTC).
Result<Time> ParseWhen(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  const int n = std::sscanf(s.c_str(), "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi);
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if ((n != 3 && n != 5) || !ymd.ok() || h < 0 || h > 23 || mi < 0 || mi > 59) {
    return InvalidArgument("expected a UTC time like 2026-11-23 or 2026-11-23T08:00, got \"" + s +
                           "\"");
  }
  return Time(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi);
}

double Num(double v) { return std::isfinite(v) ? v : 0; }

void Print(const core::IntervalStats& r, const std::string& label, const std::string& format,
           nlohmann::json* rows) {
  if (format == "json") {
    rows->push_back({{"start", label},
                     {"offered", r.offered},
                     {"answered", r.answered},
                     {"abandoned", r.abandoned},
                     {"service_level", Num(r.ServiceLevel())},
                     {"asa_seconds", Num(r.Asa())},
                     {"aht_seconds", Num(r.Aht())},
                     {"longest_wait_seconds", Seconds(r.longest_wait)},
                     {"occupancy", Num(r.Occupancy())}});
  } else if (format == "csv") {
    std::printf("%s,%lld,%lld,%lld,%.4f,%.1f,%.1f,%.1f,%.4f\n", label.c_str(),
                static_cast<long long>(r.offered), static_cast<long long>(r.answered),
                static_cast<long long>(r.abandoned), Num(r.ServiceLevel()), Num(r.Asa()),
                Num(r.Aht()), Seconds(r.longest_wait), Num(r.Occupancy()));
  } else {
    std::printf("%-24s %7lld %7lld %7lld %6.1f%% %7.1f %7.1f %8.0f %6.1f%%\n", label.c_str(),
                static_cast<long long>(r.offered), static_cast<long long>(r.answered),
                static_cast<long long>(r.abandoned), Num(r.ServiceLevel()) * 100, Num(r.Asa()),
                Num(r.Aht()), Seconds(r.longest_wait), Num(r.Occupancy()) * 100);
  }
}

// Per partner, from the call detail records (the engine's events do not know partners):
// offered, answered, abandoned, service level (core::Statistics' definition), ASA, talk time.
void PrintPartners(const std::vector<store::Cdr>& cdrs, const core::EngineSettings& settings,
                   QueueId only, const std::string& format, nlohmann::json* rows) {
  struct Row {
    std::int64_t offered = 0, answered = 0, abandoned = 0, in_target = 0;
    double wait = 0, talk = 0;
  };
  std::map<std::string, Row> by;
  for (const store::Cdr& c : cdrs) {
    if (only.valid() && c.queue != only.value) continue;
    Row& r = by[c.partner.empty() ? "(no partner)" : c.partner];
    ++r.offered;
    if (c.outcome == "abandoned") ++r.abandoned;
    if (c.answered_ms == 0) continue;
    ++r.answered;
    const double wait = static_cast<double>(c.answered_ms - c.arrival_ms) / 1000;
    r.wait += wait;
    r.talk += static_cast<double>(c.ended_ms - c.answered_ms) / 1000;
    if (c.queue < settings.queues.size() &&
        wait <= Seconds(settings.queues[c.queue].service_level_threshold)) {
      ++r.in_target;
    }
  }
  if (format == "table") {
    std::printf("\n%-24s %7s %7s %7s %7s %7s %7s\n", "partner", "offered", "answer", "aband", "SL",
                "ASA s", "talk s");
  } else if (format == "csv") {
    std::printf("\npartner,offered,answered,abandoned,service_level,asa_s,talk_s\n");
  }
  for (const auto& [name, r] : by) {
    // As core::Statistics defines it: answered in time / (answered + abandoned).
    const double sl = r.answered + r.abandoned ? static_cast<double>(r.in_target) /
                                                     static_cast<double>(r.answered + r.abandoned)
                                               : 0;
    const double asa = r.answered ? r.wait / r.answered : 0;
    const double talk = r.answered ? r.talk / r.answered : 0;
    if (format == "json") {
      rows->push_back({{"partner", name},
                       {"offered", r.offered},
                       {"answered", r.answered},
                       {"abandoned", r.abandoned},
                       {"service_level", sl},
                       {"asa_seconds", asa},
                       {"talk_seconds", talk}});
    } else if (format == "csv") {
      std::printf("%s,%lld,%lld,%lld,%.4f,%.1f,%.1f\n", name.c_str(),
                  static_cast<long long>(r.offered), static_cast<long long>(r.answered),
                  static_cast<long long>(r.abandoned), sl, asa, talk);
    } else {
      std::printf("%-24s %7lld %7lld %7lld %6.1f%% %7.1f %7.1f\n", name.c_str(),
                  static_cast<long long>(r.offered), static_cast<long long>(r.answered),
                  static_cast<long long>(r.abandoned), sl * 100, asa, talk);
    }
  }
}

int Run(const ReportArgs& a) {
  if (a.interval != 15 && a.interval != 30 && a.interval != 60) {
    std::fprintf(stderr, "error: --interval must be 15, 30 or 60 (minutes)\n");
    return 2;
  }
  if (a.format != "table" && a.format != "csv" && a.format != "json") {
    std::fprintf(stderr, "error: --format must be table, csv or json\n");
    return 2;
  }
  auto settings = config::LoadEngineSettings(a.config);
  if (!settings.ok()) {
    std::fprintf(stderr, "error: %s\n", settings.status().message().c_str());
    return 2;
  }
  Time from = kTimeZero, to = kNever;
  for (auto [text, out] : {std::pair{&a.from, &from}, std::pair{&a.to, &to}}) {
    if (text->empty()) continue;
    auto t = ParseWhen(*text);
    if (!t.ok()) {
      std::fprintf(stderr, "error: %s\n", t.status().message().c_str());
      return 2;
    }
    *out = *t;
  }
  if (a.events.empty() == a.store.empty()) {
    std::fprintf(stderr, "error: give the events either as --events FILE or as --store URL\n");
    return 2;
  }
  std::vector<core::Event> events;
  std::vector<store::Cdr> cdrs;
  if (!a.events.empty()) {
    std::ifstream in(a.events);
    if (!in) {
      std::fprintf(stderr, "error: cannot open %s\n", a.events.c_str());
      return 2;
    }
    auto read = eventlog::ReadAll(in, a.events);
    if (!read.ok()) {
      std::fprintf(stderr, "error: %s\n", read.status().message().c_str());
      return 2;
    }
    events = std::move(read).value();
  } else {
    auto st = store::OpenStore(a.store);
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.status().message().c_str());
      return 2;
    }
    // A day either side, so that contacts that began before --from or end after --to are
    // complete; only intervals inside [from, to) are printed.
    const Time lo = from == kTimeZero ? kTimeZero : from - std::chrono::hours(24);
    const Time hi = to == kNever ? kNever : to + std::chrono::hours(24);
    auto read = (*st)->ReadEvents(lo, hi);
    if (!read.ok()) {
      std::fprintf(stderr, "error: %s\n", read.status().message().c_str());
      return 2;
    }
    for (store::StoredEvent& e : *read) events.push_back(std::move(e.event));
    auto c = (*st)->ReadCdrs(from, to);
    if (!c.ok()) {
      std::fprintf(stderr, "error: %s\n", c.status().message().c_str());
      return 2;
    }
    cdrs = std::move(c).value();
    // The store's log names agents and queues by the ids of its latest layout.
    auto latest = LatestConfig(**st);
    auto placed = latest.ok() ? config::ApplyLayout(latest->layout, *settings)
                              : Result<config::Placed>(latest.status());
    if (!placed.ok()) {
      std::fprintf(stderr, "error: %s\n", placed.status().message().c_str());
      return 2;
    }
    *settings = std::move(placed->settings);
  }
  QueueId queue;
  if (!a.queue.empty()) {
    queue = core::FindQueue(*settings, a.queue);
    if (!queue.valid()) {
      std::fprintf(stderr, "error: no queue named '%s' in %s\n", a.queue.c_str(), a.config.c_str());
      return 2;
    }
  }
  core::Statistics stats(*settings, std::chrono::minutes(a.interval));
  Time last = kTimeZero;
  for (const core::Event& e : events) {
    stats.Add(e);
    last = core::EventTime(e);
  }
  stats.Finish(last);
  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json partner_rows = nlohmann::json::array();
  if (a.format == "csv")
    std::printf(
        "start,offered,answered,abandoned,service_level,asa_s,aht_s,longest_wait_s,occupancy\n");
  if (a.format == "table") {
    std::printf("%-24s %7s %7s %7s %7s %7s %7s %8s %7s\n", "interval (UTC)", "offered", "answer",
                "aband", "SL", "ASA s", "AHT s", "longest", "occ");
  }
  for (const core::IntervalStats& r : stats.Intervals(queue.valid())) {
    if (r.start < from || r.start >= to) continue;
    if (queue.valid() && r.queue != queue) continue;
    Print(r, FormatTime(r.start), a.format, &rows);
  }
  if (a.format == "table") {
    std::printf("\n%-24s %7s %7s %7s %7s %7s %7s %8s %7s\n", "agent", "handled", "missed", "", "",
                "", "", "", "occ");
    for (const core::AgentStats& ag : stats.Agents()) {
      if (ag.handled == 0 && ag.offers_missed == 0) continue;
      std::printf("%-24s %7lld %7lld %47s %6.1f%%\n", settings->agents[ag.agent.value].name.c_str(),
                  static_cast<long long>(ag.handled), static_cast<long long>(ag.offers_missed), "",
                  Num(ag.Occupancy()) * 100);
    }
  }
  if (!cdrs.empty()) PrintPartners(cdrs, *settings, queue, a.format, &partner_rows);
  if (a.format == "json") {
    nlohmann::json doc{{"intervals", rows}};
    if (!cdrs.empty()) doc["partners"] = partner_rows;
    std::printf("%s\n", doc.dump(2).c_str());
  }
  return 0;
}

}  // namespace

void RegisterReportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "report", "Interval, agent and partner report from an event log or the store");
  auto args = std::make_shared<ReportArgs>();
  cmd->add_option("--events", args->events,
                  "event log (JSON Lines, e.g. from `switchboard sim --events`)");
  cmd->add_option("--store", args->store,
                  "read events and call detail records from this store instead "
                  "(SQLite file or postgresql://...); adds a per-partner section");
  cmd->add_option("--config", args->config, "the configuration the log was written with")
      ->required();
  cmd->add_option("--from", args->from, "first interval, UTC: 2026-11-23 or 2026-11-23T08:00");
  cmd->add_option("--to", args->to, "end (exclusive), UTC");
  cmd->add_option("--queue", args->queue, "one queue only");
  cmd->add_option("--interval", args->interval, "minutes per interval: 15, 30 or 60");
  cmd->add_option("--format", args->format, "table, csv or json");
  cmd->callback([args] { ExitCode() = Run(*args); });
}

}  // namespace sb::server
