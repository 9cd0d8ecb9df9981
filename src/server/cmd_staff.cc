// switchboard staff FORECAST.csv: agents required per interval and the cheapest week of shifts
// covering them (wfm/plan.h). This file reads the file, parses flags and prints; the maths and
// the CSV format live in wfm (demand_csv.h, staffing.h, schedule.h).

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "server/commands.h"
#include "wfm/plan.h"

namespace sb::server {

namespace {

struct StaffArgs {
  std::string file;
  // Numbers as text, converted in Run so that a bad value is exit code 2 with a message.
  std::string service_level = "0.8", answer_time = "20", max_occupancy = "0.85", shrinkage = "0.3",
              patience = "0", interval = "30", time_limit = "20", start_step = "0.5",
              earliest = "0", latest = "23.5";
  std::string kinds = "5x8,4x10";
  bool json = false;
};

constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

bool Number(const std::string& flag, const std::string& text, double* out) {
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  if (!text.empty() && errno == 0 && end == text.c_str() + text.size() && std::isfinite(*out)) {
    return true;
  }
  std::fprintf(stderr, "error: %s expects a number, got \"%s\"\n", flag.c_str(), text.c_str());
  return false;
}

std::string PeriodName(std::size_t period, int per_day) {
  const int minute = static_cast<int>(period % static_cast<std::size_t>(per_day)) * 1440 / per_day;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d", kDays[period / static_cast<std::size_t>(per_day)],
                minute / 60, minute % 60);
  return buf;
}

// "5x8,4x10" -> shift kinds; false with a message on anything else.
bool Kinds(const std::string& text, std::vector<wfm::ShiftKind>* out) {
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (item == "5x8") {
      out->push_back(wfm::FiveByEight());
    } else if (item == "4x10") {
      out->push_back(wfm::FourByTen());
    } else {
      std::fprintf(stderr,
                   "error: --shift-templates: unknown kind \"%s\"; use 5x8, 4x10 or "
                   "5x8,4x10\n",
                   item.c_str());
      return false;
    }
  }
  return !out->empty();
}

bool Options(const StaffArgs& a, wfm::PlanOptions* o, double* interval) {
  o->templates.kinds.clear();
  wfm::StaffingTarget& t = o->target;
  return Number("--target-service-level", a.service_level, &t.target_service_level) &&
         Number("--target-answer-time", a.answer_time, &t.target_answer_time) &&
         Number("--max-occupancy", a.max_occupancy, &t.max_occupancy) &&
         Number("--shrinkage", a.shrinkage, &t.shrinkage) &&
         Number("--mean-patience", a.patience, &t.mean_patience) &&
         Number("--interval", a.interval, interval) &&
         Number("--time-limit", a.time_limit, &o->solve.time_limit_seconds) &&
         Number("--start-step", a.start_step, &o->templates.start_step_hours) &&
         Number("--earliest-start", a.earliest, &o->templates.earliest_start_hour) &&
         Number("--latest-start", a.latest, &o->templates.latest_start_hour) &&
         Kinds(a.kinds, &o->templates.kinds);
}

void PrintTable(const wfm::WeekDemand& d, const wfm::Plan& p) {
  std::printf("%-10s %7s %6s %9s %9s %7s %7s %6s\n", "interval", "calls", "AHT s", "required",
              "scheduled", "SL", "ASA s", "occ");
  for (std::size_t i = 0; i < p.per_interval.size(); ++i) {
    if (d.periods[i].calls == 0) continue;
    const wfm::Staffing& s = p.per_interval[i];
    std::printf("%-10s %7.1f %6.0f %9d %9d %6.1f%% %7.1f %5.1f%%\n",
                PeriodName(i, d.periods_per_day).c_str(), d.periods[i].calls, d.periods[i].aht,
                s.required_agents, s.scheduled_with_shrinkage, s.service_level * 100, s.asa,
                s.occupancy * 100);
  }
  std::printf("\n%-36s %7s\n", "shift (weekly pattern)", "agents");
  for (std::size_t t = 0; t < p.templates.size(); ++t) {
    if (p.schedule.counts[t] > 0) {
      std::printf("%-36s %7d\n", p.templates[t].name.c_str(), p.schedule.counts[t]);
    }
  }
  std::printf("\nagents %d, paid hours %.0f (at least %d agents by 40 h/week)\n", p.agents,
              p.paid_hours, p.agents_at_40h);
  std::printf("cost %.0f, LP bound %.0f, gap %.1f%%, %s\n", p.schedule.cost, p.schedule.lp_bound,
              p.schedule.gap * 100, std::string(wfm::SolveStatusName(p.schedule.status)).c_str());
}

void PrintJson(const wfm::WeekDemand& d, const wfm::Plan& p) {
  nlohmann::ordered_json intervals = nlohmann::ordered_json::array(), shifts = intervals;
  for (std::size_t i = 0; i < p.per_interval.size(); ++i) {
    const wfm::Staffing& s = p.per_interval[i];
    intervals.push_back({{"interval_start", PeriodName(i, d.periods_per_day)},
                         {"calls", d.periods[i].calls},
                         {"aht_seconds", d.periods[i].aht},
                         {"required_agents", s.required_agents},
                         {"scheduled_with_shrinkage", s.scheduled_with_shrinkage},
                         {"service_level", s.service_level},
                         {"asa", s.asa},
                         {"occupancy", s.occupancy}});
  }
  for (std::size_t t = 0; t < p.templates.size(); ++t) {
    if (p.schedule.counts[t] == 0) continue;
    shifts.push_back({{"name", p.templates[t].name},
                      {"agents", p.schedule.counts[t]},
                      {"paid_hours_per_agent", p.templates[t].cost}});
  }
  nlohmann::ordered_json j = {{"intervals", intervals},
                              {"shifts", shifts},
                              {"agents", p.agents},
                              {"paid_hours", p.paid_hours},
                              {"agents_at_40h", p.agents_at_40h},
                              {"cost", p.schedule.cost},
                              {"lp_bound", p.schedule.lp_bound},
                              {"gap", p.schedule.gap},
                              {"status", std::string(wfm::SolveStatusName(p.schedule.status))}};
  std::printf("%s\n", j.dump(2).c_str());
}

int Run(const StaffArgs& a) {
  wfm::PlanOptions options;
  double interval = 30;
  if (!Options(a, &options, &interval)) return 2;
  std::ifstream in(a.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "error: cannot open %s; give a forecast CSV (see --help)\n",
                 a.file.c_str());
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  if (interval != std::floor(interval) || interval < 1 || interval > 1440) {
    std::fprintf(stderr, "error: --interval must be a whole number of minutes dividing 1440\n");
    return 2;
  }
  auto demand = wfm::ParseDemandCsv(text.str(), static_cast<int>(interval));
  if (!demand.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", a.file.c_str(), demand.status().message().c_str());
    return 2;
  }
  auto plan = wfm::PlanWeek(*demand, options);
  if (!plan.ok()) {
    std::fprintf(stderr, "error: %s\n", plan.status().message().c_str());
    return plan.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  a.json ? PrintJson(*demand, *plan) : PrintTable(*demand, *plan);
  return 0;
}

}  // namespace

void RegisterStaffCommand(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("staff", "Agents per interval and a week of shifts from a forecast");
  auto a = std::make_shared<StaffArgs>();
  cmd->add_option("FORECAST_FILE", a->file, "forecast CSV (format below)")->required();
  cmd->add_option("--target-service-level", a->service_level, "share answered within t, in (0, 1)")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_option("--target-answer-time", a->answer_time, "t, seconds")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_option("--max-occupancy", a->max_occupancy, "cap on occupancy, in (0, 1]")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_option("--shrinkage", a->shrinkage, "share of paid time off the phones, in [0, 1)")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_option("--mean-patience", a->patience, "seconds; > 0 sizes with Erlang A (abandons)")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_option("--interval", a->interval, "minutes per row of the forecast")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_option("--shift-templates", a->kinds,
                  "weekly patterns: 5x8, 4x10 or 5x8,4x10 (each "
                  "with a 30-minute unpaid break mid-shift)")
      ->capture_default_str()
      ->type_name("KINDS");
  cmd->add_option("--start-step", a->start_step, "hours between shift start times")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_option("--earliest-start", a->earliest, "earliest shift start, hour of day")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_option("--latest-start", a->latest, "latest shift start, hour of day")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_option("--time-limit", a->time_limit,
                  "seconds for the MIP solver; the best schedule "
                  "found is printed with its gap")
      ->capture_default_str()
      ->type_name("NUMBER");
  cmd->add_flag("--json", a->json, "print JSON instead of tables");
  cmd->footer(
      "FORECAST_FILE: CSV, one row per interval of a week, '#' comments allowed:\n"
      "  interval_start,calls,aht_seconds\n"
      "  Mon 08:00,112,300            (weekday Mon..Sun and HH:MM), or\n"
      "  2026-11-23T08:00,112,300     (ISO-8601 date and time; the weekday is taken from it)\n"
      "Intervals without a row have no calls. Example: configs/demo-forecast.csv.\n"
      "Scheduled = ceil(required / (1 - shrinkage)); shifts are weekly patterns over a repeating\n"
      "week, one agent each, cost = paid hours.\n");
  cmd->callback([a] { ExitCode() = Run(*a); });
}

}  // namespace sb::server
