// switchboard erlang b|c|a: Erlang B, C and A from the command line, by the names of
// docs/metrics.md (wfm/evaluate.h does the work; this file parses and prints).
//   switchboard erlang c --arrival-rate 0.0556 --aht 180 --agents 14 --target-answer-time 20
//   switchboard erlang c --arrival-rate 0.0556 --aht 180 --target-answer-time 20
//                        --target-service-level 0.8 --shrinkage 0.3          (sizing)
//   switchboard erlang b --offered-load 10 --max-blocking 0.02 --json        (fewest trunks)
// Flags are read as text and converted here, so a malformed number is exit code 2 with a
// message, like every other bad input.

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "server/commands.h"
#include "wfm/evaluate.h"

namespace sb::server {

namespace {

struct ErlangArgs {
  std::string model;                         // erlang_b, erlang_c, erlang_a
  std::map<std::string, std::string> flags;  // input name -> text given
  bool json = false;
};

const char* Describe(const std::string& input) {
  static const std::map<std::string, const char*> kText = {
      {"trunks", "lines (servers) in the group"},
      {"offered_load", "offered traffic in Erlangs (= arrival rate x AHT)"},
      {"max_blocking", "sizing: largest acceptable blocking probability, e.g. 0.01"},
      {"blocking", "with --trunks: blocking for which to find the largest load"},
      {"arrival_rate", "calls per time unit (per second if times are in seconds)"},
      {"aht", "average handle time (seconds, or any unit used consistently)"},
      {"agents", "agents on the phones; leave out to size for --target-service-level"},
      {"target_answer_time", "service-level threshold t (same unit as --aht)"},
      {"target_service_level", "sizing: share to answer within t, in (0, 1), e.g. 0.8"},
      {"shrinkage", "sizing: share of paid time off the phones, in [0, 1)"},
      {"max_occupancy", "sizing: cap on occupancy, in (0, 1]"},
      {"mean_patience", "mean time before a waiting caller hangs up (same unit as --aht)"},
  };
  auto it = kText.find(input);
  return it == kText.end() ? "" : it->second;
}

std::string Flag(std::string name) {
  for (char& c : name) c = c == '_' ? '-' : c;
  return "--" + name;
}

// Strict decimal parse of a whole flag value.
bool ParseNumber(const std::string& text, double* out) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size() && std::isfinite(*out);
}

// Whether msg[at, at + len) is an input name used as such ("missing input aht", "aht must"),
// rather than the plain word ("fewest trunks").
bool NamesInput(const std::string& msg, std::size_t at, std::size_t len) {
  const std::string before = msg.substr(0, at), after = msg.substr(at + len);
  for (const char* p : {"input ", "give ", "or ", "+ ", "equal ", "* "}) {
    if (before.ends_with(p)) return true;
  }
  for (const char* p : {" must", " +", " is not", " or "}) {
    if (after.starts_with(p)) return at == 0 || before.ends_with(" ") || before.ends_with("(");
  }
  return at == 0;
}

// Counts print as integers in JSON.
bool IsCount(const std::string& name) {
  return name == "required_agents" || name == "scheduled_with_shrinkage" || name == "min_trunks";
}

int Run(const ErlangArgs& a) {
  wfm::NamedInputs inputs;
  for (const auto& [name, text] : a.flags) {
    if (text.empty()) continue;  // not given
    double v = 0;
    if (!ParseNumber(text, &v)) {
      std::fprintf(stderr, "error: %s expects a number, got \"%s\"\n", Flag(name).c_str(),
                   text.c_str());
      return 2;
    }
    inputs[name] = v;
  }
  auto out = wfm::EvaluateErlang(a.model, inputs);
  if (!out.ok()) {
    std::string msg = out.status().message();
    // Speak in flags: "missing input aht" -> "missing input --aht".
    for (const std::string& name : wfm::InputNames(a.model)) {
      for (std::size_t at = msg.find(name); at != std::string::npos; at = msg.find(name, at + 2)) {
        if (NamesInput(msg, at, name.size())) msg.replace(at, name.size(), Flag(name));
      }
    }
    std::fprintf(stderr, "error: %s\nSee: switchboard erlang %c --help\n", msg.c_str(),
                 a.model.back());
    return 2;
  }
  if (a.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [name, value] : *out) {
      if (IsCount(name)) {
        j[name] = static_cast<long long>(value);
      } else {
        j[name] = value;
      }
    }
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  for (const auto& [name, value] : *out) std::printf("%-36s %.10g\n", name.c_str(), value);
  return 0;
}

void AddModel(CLI::App* parent, const char* name, const char* model, const char* what) {
  auto* cmd = parent->add_subcommand(name, what);
  auto args = std::make_shared<ErlangArgs>();
  args->model = model;
  for (const std::string& input : wfm::InputNames(model)) {
    cmd->add_option(Flag(input), args->flags[input], Describe(input))->type_name("NUMBER");
  }
  cmd->add_flag("--json", args->json, "print the outputs as a JSON object (erlang.json names)");
  cmd->footer(
      "Times in seconds and rates per second, or any unit used consistently. Output names and "
      "definitions are those of docs/metrics.md.\n");
  cmd->callback([args] { ExitCode() = Run(*args); });
}

}  // namespace

void RegisterErlangCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("erlang", "Erlang B, C and A: evaluate or size a queue");
  cmd->require_subcommand(1);
  AddModel(cmd, "b", "erlang_b",
           "Erlang B (blocked calls lost): blocking for --trunks and --offered-load; fewest "
           "trunks for --max-blocking; largest load for --trunks and --blocking");
  AddModel(cmd, "c", "erlang_c",
           "Erlang C (callers wait): service level, ASA, ... for --agents; without --agents, "
           "the agents required for --target-service-level");
  AddModel(cmd, "a", "erlang_a",
           "Erlang A (callers abandon after --mean-patience): as `c`, with abandonment");
}

}  // namespace sb::server
