#pragma once
// Shift scheduling as an integer program: choose how many agents work each shift template so
// that every period is covered at the lowest total cost. Solved with GLPK's branch and cut
// (glp_intopt) after its LP relaxation (glp_simplex), whose optimum is the lower bound the gap
// is measured against; a rounding heuristic (internal/rounding.h) supplies incumbents.
// Templates come from anywhere: shift_templates.h builds weekly 5x8 h and 4x10 h patterns with
// breaks.
//
// Thread safety: re-entrant when GLPK keeps its environment in thread-local storage (GLPK 5,
// as Debian builds it); the solver's terminal output is switched off. Determinism: the result
// is reproducible unless the time limit is reached, since GLPK's time limit reads a clock.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sb::wfm {

struct ShiftTemplate {
  std::string name;
  int start = 0;              // first period of the pattern
  std::vector<bool> pattern;  // pattern[k]: working (covering) period start + k
  double cost = 1;            // per agent on this template, >= 0
  int max_count = -1;         // most agents on it; < 0: unlimited
};

struct ScheduleProblem {
  std::vector<int> required;  // agents needed per period, >= 0
  std::vector<ShiftTemplate> templates;
  bool cyclic = false;              // periods past the end wrap to the start (a repeating week)
  int max_staffed_per_period = -1;  // cap on agents working in a period; < 0: none
};

struct ScheduleOptions {
  double time_limit_seconds = 60;  // > 0
  double relative_gap = 0;         // stop once within this relative gap of the bound
};

enum class SolveStatus {
  kOptimal,   // proven optimal (within relative_gap)
  kFeasible,  // time limit reached: the best schedule found, not proven optimal
};
std::string_view SolveStatusName(SolveStatus s);

struct Schedule {
  std::vector<int> counts;   // agents per template, same order as ScheduleProblem::templates
  std::vector<int> staffed;  // agents working per period
  double cost = 0;
  // Optimum of the LP relaxation, rounded up to a multiple of the costs' gcd when they are
  // integers: no schedule costs less. An optimal schedule may still sit above it (the
  // integrality gap); status says whether optimality was proven.
  double lp_bound = 0;
  double gap = 0;  // (cost - lp_bound) / cost; 0 when cost is 0
  SolveStatus status = SolveStatus::kOptimal;
};

// InvalidArgument for malformed problems (no periods, a pattern longer than the horizon or
// running past its end when not cyclic, negative requirement or cost, a period that needs
// agents but no template covers -- named in the message --, a requirement above the cap);
// FailedPrecondition when the constraints admit no schedule; Unavailable when the time limit
// passes before any schedule is found.
Result<Schedule> SolveSchedule(const ScheduleProblem& problem, const ScheduleOptions& options = {});

}  // namespace sb::wfm
