// switchboard sim CONFIG: runs the configured day(s) through the routing engine and prints
// per-interval and total results, with 95 % confidence intervals over replications. Writes
// intervals.csv and summary.json into --out.

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "eventlog/eventlog.h"
#include "server/commands.h"
#include "server/progress.h"
#include "server/svg_chart.h"
#include "sim/simulator.h"
#include "store/cdr_builder.h"
#include "store/writer.h"

namespace sb::server {
namespace {

std::string Pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, std::isfinite(v) ? "%5.1f%%" : "    - ", v * 100);
  return b;
}

}  // namespace

void RegisterSimCommand(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("sim", "Simulate the configured traffic through the routing engine");
  auto file = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto reps = std::make_shared<int>(0);
  auto events = std::make_shared<std::string>();
  auto days = std::make_shared<int>(0);
  auto store_url = std::make_shared<std::string>();
  cmd->add_option("CONFIG", *file, "TOML configuration with a [sim] section")->required();
  cmd->add_option("--out", *out, "directory for intervals.csv, summary.json and chart.svg");
  // Bounded here too: 24 * days overflowed an int before the settings' own checks ran.
  cmd->add_option("--replications", *reps, "override [sim] replications")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--events", *events, "write the first replication's event log (JSON Lines) here");
  cmd->add_option("--days", *days, "override [sim] days (1..731)")->check(CLI::Range(1, 731));
  cmd->add_option("--store", *store_url,
                  "also write the first replication's events and CDRs to this store "
                  "(a SQLite file, sqlite:PATH or postgresql://...), through the group-commit "
                  "writer the server uses");
  cmd->callback([file, out, reps, events, days, store_url] {
    auto settings = config::LoadSimSettings(*file);
    if (!settings.ok()) {
      std::fprintf(stderr, "error: %s\nRun `switchboard check-config %s` after fixing it.\n",
                   settings.status().message().c_str(), file->c_str());
      ExitCode() = 2;
      return;
    }
    if (*reps > 0) settings->replications = *reps;
    if (*days > 0) settings->length = std::chrono::hours(24 * *days);
    sim::RunOptions opts;
    if (ProgressWanted()) opts.progress = TimedProgressBar("");
    // Said up front, for logs too: a long run shows no bar when standard error is not a terminal.
    if (const double calls = sim::ExpectedCalls(*settings);
        calls >= 5e7 && calls <= sim::kMaxExpectedCalls) {
      std::fprintf(stderr,
                   "sim: %.3g expected calls; at about 800,000 a second (a release build) this "
                   "takes %.0f minutes or more\n",
                   calls, calls / 8e5 / 60);
    }
    std::ofstream log;
    if (!events->empty()) {
      log.open(*events);
      if (!log) {
        std::fprintf(stderr, "error: cannot write %s\n", events->c_str());
        ExitCode() = 2;
        return;
      }
    }
    std::unique_ptr<store::StoreWriter> writer;
    store::CdrBuilder cdrs;
    std::uint64_t stored_events = 0, stored_cdrs = 0;
    if (!store_url->empty()) {
      auto st = store::OpenStore(*store_url);
      if (!st.ok()) {
        std::fprintf(stderr, "error: %s\n", st.status().message().c_str());
        ExitCode() = 2;
        return;
      }
      writer = std::make_unique<store::StoreWriter>(std::move(st).value(), store::WriterOptions{});
    }
    if (log.is_open() || writer) {
      opts.events = [&](const core::Event& e) {
        if (log.is_open()) log << eventlog::Encode(e) << '\n';
        if (!writer) return;
        stored_events += writer->Post(e) != 0;
        if (auto cdr = cdrs.Add(e)) stored_cdrs += writer->Post(std::move(*cdr)) != 0;
      };
    }
    auto result = sim::Run(*settings, opts);
    if (!result.ok()) {
      std::fprintf(stderr, "error: %s\n", result.status().message().c_str());
      ExitCode() = 2;
      return;
    }
    if (writer) {
      const std::uint64_t last = writer->health().posted;
      if (!writer->WaitDurable(last, std::chrono::minutes(10))) {
        std::fprintf(stderr, "error: the store did not take the writes: %s\n",
                     writer->health().last_error.c_str());
        ExitCode() = 1;
        return;
      }
      std::fprintf(stderr, "stored %llu events and %llu CDRs in %s (%llu commits)\n",
                   static_cast<unsigned long long>(stored_events),
                   static_cast<unsigned long long>(stored_cdrs), store_url->c_str(),
                   static_cast<unsigned long long>(writer->health().commits));
    }
    const sim::ReplicationResult& r0 = result->replications[0];
    std::printf("%-6s %7s %7s %7s %7s %7s %7s %7s %7s %8s\n", "start", "offered", "answer", "aband",
                "SL", "ASA s", "AHT s", "occ", "queue", "EWT MAE");
    for (const auto& row : r0.intervals) {
      const auto t =
          std::chrono::floor<std::chrono::minutes>(settings->zone.ToLocal(row.stats.start));
      const auto hm = std::chrono::hh_mm_ss(t - std::chrono::floor<std::chrono::days>(t));
      std::printf(
          "%02ld:%02ld  %7lld %7lld %7lld %7s %7.0f %7.0f %7s %7.1f %8.0f\n",
          static_cast<long>(hm.hours().count()), static_cast<long>(hm.minutes().count()),
          static_cast<long long>(row.stats.offered), static_cast<long long>(row.stats.answered),
          static_cast<long long>(row.stats.abandoned), Pct(row.stats.ServiceLevel()).c_str(),
          row.stats.Asa(), row.stats.Aht(), Pct(row.stats.Occupancy()).c_str(), row.mean_waiting,
          row.estimate.mean_absolute_error);
    }
    const sim::SimSummary& s = result->summary;
    auto line = [](const char* name, sim::Estimate e, double scale, const char* unit) {
      std::printf("  %-34s %9.2f %s  (95%% CI +- %.2f)\n", name, e.mean * scale, unit,
                  e.half_width * scale);
    };
    std::printf("\nTotals over %d replication(s):\n", settings->replications);
    line("offered per day", s.offered_per_day, 1, "calls");
    line("service level", s.service_level, 100, "%");
    line("ASA (answered)", s.asa, 1, "s");
    line("AHT", s.aht, 1, "s");
    line("abandoned", s.abandon_rate, 100, "%");
    line("occupancy", s.occupancy, 100, "%");
    std::printf("Expected-wait accuracy (answered calls):\n");
    line("Switchboard estimate: mean abs error", s.wait_mae, 1, "s");
    line("  within +-30 s", s.wait_within_30s, 100, "%");
    line("  actual inside 80% band", s.wait_band_coverage, 100, "%");
    line("queue-average baseline: MAE", s.baseline_mae, 1, "s");
    line("  within +-30 s", s.baseline_within_30s, 100, "%");
    std::printf(
        "Callers who found no free agent (%.1f%% of answered): they hear the announcement\n",
        s.queued_share * 100);
    line("Switchboard estimate: mean abs error", s.queued_wait_mae, 1, "s");
    line("  within +-30 s", s.queued_wait_within_30s, 100, "%");
    line("  actual inside 80% band", s.queued_band_coverage, 100, "%");
    line("queue-average baseline: MAE", s.queued_baseline_mae, 1, "s");
    line("  within +-30 s", s.queued_baseline_within_30s, 100, "%");
    if (r0.rejected_inputs > 0) {
      std::printf("warning: the engine refused %llu simulated inputs\n",
                  static_cast<unsigned long long>(r0.rejected_inputs));
    }
    if (!out->empty()) {
      std::ofstream csv(*out + "/intervals.csv");
      csv << "start,offered,answered,abandoned,service_level,asa_s,aht_s,occupancy,mean_waiting,"
             "max_waiting,ewt_mae_s\n";
      for (const auto& row : r0.intervals) {
        csv << FormatTime(row.stats.start) << ',' << row.stats.offered << ',' << row.stats.answered
            << ',' << row.stats.abandoned << ',' << row.stats.ServiceLevel() << ','
            << row.stats.Asa() << ',' << row.stats.Aht() << ',' << row.stats.Occupancy() << ','
            << row.mean_waiting << ',' << row.max_waiting << ',' << row.estimate.mean_absolute_error
            << '\n';
      }
      nlohmann::json j;
      auto est = [](sim::Estimate e) {
        return nlohmann::json{{"mean", e.mean}, {"ci95", e.half_width}};
      };
      j["service_level"] = est(s.service_level);
      j["asa_seconds"] = est(s.asa);
      j["aht_seconds"] = est(s.aht);
      j["abandon_rate"] = est(s.abandon_rate);
      j["occupancy"] = est(s.occupancy);
      j["offered_per_day"] = est(s.offered_per_day);
      j["wait_estimate"] = {{"mae_seconds", est(s.wait_mae)},
                            {"within_30s", est(s.wait_within_30s)},
                            {"band_coverage", est(s.wait_band_coverage)}};
      j["baseline"] = {{"mae_seconds", est(s.baseline_mae)},
                       {"within_30s", est(s.baseline_within_30s)}};
      j["queued_callers"] = {{"share", s.queued_share},
                             {"estimate",
                              {{"mae_seconds", est(s.queued_wait_mae)},
                               {"within_30s", est(s.queued_wait_within_30s)},
                               {"band_coverage", est(s.queued_band_coverage)}}},
                             {"baseline",
                              {{"mae_seconds", est(s.queued_baseline_mae)},
                               {"within_30s", est(s.queued_baseline_within_30s)}}}};
      std::ofstream(*out + "/summary.json") << j.dump(2) << '\n';
      Chart chart;
      chart.title = "Service level and callers waiting, replication 1";
      chart.line.name = "service level (%)";
      chart.bars.name = "callers waiting (mean)";
      chart.line_target = settings->engine.queues[0].service_level_target * 100;
      for (const auto& row : r0.intervals) {
        const auto t =
            std::chrono::floor<std::chrono::minutes>(settings->zone.ToLocal(row.stats.start));
        const auto hm = std::chrono::hh_mm_ss(t - std::chrono::floor<std::chrono::days>(t));
        char label[48];
        std::snprintf(label, sizeof label, "%02ld:%02ld", static_cast<long>(hm.hours().count()),
                      static_cast<long>(hm.minutes().count()));
        chart.labels.push_back(label);
        chart.line.values.push_back(row.stats.ServiceLevel() * 100);
        chart.bars.values.push_back(row.mean_waiting);
      }
      std::ofstream(*out + "/chart.svg") << RenderSvg(chart);
      if (!csv) {
        std::fprintf(stderr, "error: cannot write into %s; create the directory first\n",
                     out->c_str());
        ExitCode() = 1;
      }
    }
  });
}

}  // namespace sb::server
