// switchboard report: interval reports from an event log, computed by core::Statistics, the
// same code the wallboard and the simulator use, so the numbers agree by construction.
//   switchboard report --events day.jsonl --config demo.toml [--from T] [--to T]
//                      [--queue NAME] [--interval 15|30|60] [--format table|csv|json]

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "core/statistics.h"
#include "eventlog/eventlog.h"
#include "server/commands.h"

namespace sb::server {
namespace {

struct ReportArgs {
  std::string events, config, from, to, queue, format = "table";
  int interval = 30;
};

// "2026-11-23T08:00" or "2026-11-23" (UTC).
Result<Time> ParseWhen(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  const int n = std::sscanf(s.c_str(), "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi);
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if ((n != 3 && n != 5) || !ymd.ok() || h < 0 || h > 23 || mi < 0 || mi > 59) {
    return InvalidArgument("expected a UTC time like 2026-11-23 or 2026-11-23T08:00, got \"" + s + "\"");
  }
  return Time(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi);
}

double Num(double v) { return std::isfinite(v) ? v : 0; }

void Print(const core::IntervalStats& r, const std::string& label, const std::string& format,
           nlohmann::json* rows) {
  if (format == "json") {
    rows->push_back({{"start", label}, {"offered", r.offered}, {"answered", r.answered},
                     {"abandoned", r.abandoned}, {"service_level", Num(r.ServiceLevel())},
                     {"asa_seconds", Num(r.Asa())}, {"aht_seconds", Num(r.Aht())},
                     {"longest_wait_seconds", Seconds(r.longest_wait)}, {"occupancy", Num(r.Occupancy())}});
  } else if (format == "csv") {
    std::printf("%s,%lld,%lld,%lld,%.4f,%.1f,%.1f,%.1f,%.4f\n", label.c_str(),
                static_cast<long long>(r.offered), static_cast<long long>(r.answered),
                static_cast<long long>(r.abandoned), Num(r.ServiceLevel()), Num(r.Asa()), Num(r.Aht()),
                Seconds(r.longest_wait), Num(r.Occupancy()));
  } else {
    std::printf("%-24s %7lld %7lld %7lld %6.1f%% %7.1f %7.1f %8.0f %6.1f%%\n", label.c_str(),
                static_cast<long long>(r.offered), static_cast<long long>(r.answered),
                static_cast<long long>(r.abandoned), Num(r.ServiceLevel()) * 100, Num(r.Asa()),
                Num(r.Aht()), Seconds(r.longest_wait), Num(r.Occupancy()) * 100);
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
  QueueId queue;
  if (!a.queue.empty()) {
    queue = core::FindQueue(*settings, a.queue);
    if (!queue.valid()) {
      std::fprintf(stderr, "error: no queue named '%s' in %s\n", a.queue.c_str(), a.config.c_str());
      return 2;
    }
  }
  std::ifstream in(a.events);
  if (!in) {
    std::fprintf(stderr, "error: cannot open %s\n", a.events.c_str());
    return 2;
  }
  auto events = eventlog::ReadAll(in, a.events);
  if (!events.ok()) {
    std::fprintf(stderr, "error: %s\n", events.status().message().c_str());
    return 2;
  }
  core::Statistics stats(*settings, std::chrono::minutes(a.interval));
  Time last = kTimeZero;
  for (const core::Event& e : *events) {
    stats.Add(e);
    last = core::EventTime(e);
  }
  stats.Finish(last);
  nlohmann::json rows = nlohmann::json::array();
  if (a.format == "csv") std::printf("start,offered,answered,abandoned,service_level,asa_s,aht_s,longest_wait_s,occupancy\n");
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
    std::printf("\n%-24s %7s %7s %7s %7s %7s %7s %8s %7s\n", "agent", "handled", "missed", "", "", "", "", "", "occ");
    for (const core::AgentStats& ag : stats.Agents()) {
      if (ag.handled == 0 && ag.offers_missed == 0) continue;
      std::printf("%-24s %7lld %7lld %47s %6.1f%%\n", settings->agents[ag.agent.value].name.c_str(),
                  static_cast<long long>(ag.handled), static_cast<long long>(ag.offers_missed), "",
                  Num(ag.Occupancy()) * 100);
    }
  }
  if (a.format == "json") std::printf("%s\n", nlohmann::json{{"intervals", rows}}.dump(2).c_str());
  return 0;
}

}  // namespace

void RegisterReportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Interval and agent report from an event log");
  auto args = std::make_shared<ReportArgs>();
  cmd->add_option("--events", args->events, "event log (JSON Lines, e.g. from `switchboard sim --events`)")->required();
  cmd->add_option("--config", args->config, "the configuration the log was written with")->required();
  cmd->add_option("--from", args->from, "first interval, UTC: 2026-11-23 or 2026-11-23T08:00");
  cmd->add_option("--to", args->to, "end (exclusive), UTC");
  cmd->add_option("--queue", args->queue, "one queue only");
  cmd->add_option("--interval", args->interval, "minutes per interval: 15, 30 or 60");
  cmd->add_option("--format", args->format, "table, csv or json");
  cmd->callback([args] { ExitCode() = Run(*args); });
}

}  // namespace sb::server
