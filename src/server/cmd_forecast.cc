// switchboard forecast: a week's forecast per interval from past event logs, written in the
// forecast CSV that `switchboard staff` reads. History comes from core::Statistics over the
// logs (offered and handle time per interval), the forecast from wfm::ForecastDay (same
// weekday and interval in past weeks, with a linear trend).
//   switchboard forecast --events past.jsonl --config demo.toml --week-of 2026-12-07 > week.csv

#include <cmath>
#include <cstdio>
#include <fstream>

#include "config/config.h"
#include "core/statistics.h"
#include "eventlog/eventlog.h"
#include "server/commands.h"
#include "wfm/forecast.h"

namespace sb::server {
namespace {

struct ForecastArgs {
  std::vector<std::string> events;
  std::string config, week_of, queue;
  int interval = 30;
};

int Run(const ForecastArgs& a) {
  if (a.interval != 15 && a.interval != 30 && a.interval != 60) {
    std::fprintf(stderr, "error: --interval must be 15, 30 or 60 (minutes)\n");
    return 2;
  }
  auto settings = config::LoadEngineSettings(a.config);
  if (!settings.ok()) {
    std::fprintf(stderr, "error: %s\n", settings.status().message().c_str());
    return 2;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  char extra = 0;
  if (std::sscanf(a.week_of.c_str(), "%d-%u-%u%c", &y, &m, &d, &extra) != 3 ||
      !std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m), std::chrono::day(d))
           .ok()) {
    std::fprintf(stderr, "error: --week-of expects a date like 2026-12-07 (UTC)\n");
    return 2;
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
  for (const std::string& file : a.events) {
    std::ifstream in(file);
    if (!in) {
      std::fprintf(stderr, "error: cannot open %s\n", file.c_str());
      return 2;
    }
    auto events = eventlog::ReadAll(in, file);
    if (!events.ok()) {
      std::fprintf(stderr, "error: %s\n", events.status().message().c_str());
      return 2;
    }
    for (const core::Event& e : *events) stats.Add(e);
  }
  wfm::History history;
  for (const core::IntervalStats& r : stats.Intervals(queue.valid())) {
    if (queue.valid() && r.queue != queue) continue;
    const double aht = r.Aht();
    history.push_back({r.start, static_cast<double>(r.offered), std::isfinite(aht) ? aht : 0});
  }
  const Time week = Time(std::chrono::sys_days(std::chrono::year(y) / m / d));
  std::printf("# forecast of %s for the week from %s, %d-minute intervals\n",
              a.queue.empty() ? "every queue" : a.queue.c_str(), a.week_of.c_str(), a.interval);
  std::printf("interval_start,calls,aht_seconds\n");
  double total = 0;
  int weeks = 0;
  for (int day = 0; day < 7; ++day) {
    wfm::ForecastOptions opts;
    opts.interval = std::chrono::minutes(a.interval);
    auto f = wfm::ForecastDay(history, week + std::chrono::days(day), opts);
    if (!f.ok()) {
      std::fprintf(stderr,
                   "error: %s\nGive logs covering at least one earlier week with that weekday.\n",
                   f.status().message().c_str());
      return 2;
    }
    weeks = std::max(weeks, f->weeks_used);
    for (const wfm::ForecastInterval& i : f->intervals) {
      const std::string t = FormatTime(i.start).substr(0, 16);
      // Calls are rounded to tenths; an interval without a known AHT borrows 300 s so that
      // `staff` can read every row.
      std::printf("%s,%.1f,%.0f\n", t.c_str(), i.calls, i.aht_seconds > 0 ? i.aht_seconds : 300.0);
      total += i.calls;
    }
  }
  std::fprintf(stderr, "forecast: %.0f calls in the week, from %d past week(s)\n", total, weeks);
  return 0;
}

}  // namespace

void RegisterForecastCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "forecast", "Forecast a week per interval from past event logs (CSV for `staff`)");
  auto args = std::make_shared<ForecastArgs>();
  cmd->add_option("--events", args->events, "past event logs (JSON Lines), one or more")
      ->required();
  cmd->add_option("--config", args->config, "the configuration the logs were written with")
      ->required();
  cmd->add_option("--week-of", args->week_of,
                  "first day of the week to forecast, e.g. 2026-12-07 (UTC)")
      ->required();
  cmd->add_option("--queue", args->queue, "one queue only (default: every queue)");
  cmd->add_option("--interval", args->interval, "minutes per interval: 15, 30 or 60");
  cmd->callback([args] { ExitCode() = Run(*args); });
}

}  // namespace sb::server
