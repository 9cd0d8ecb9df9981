#pragma once
// A rounding heuristic for the shift-scheduling MIP (private to wfm): from a fractional LP
// solution, round down, repair every uncovered period greedily (the template covering the most
// missing agent-periods per unit cost), then drop agents that are no longer needed. GLPK's own
// heuristics often find no integer schedule at all for a week of 30-minute periods within
// seconds; this gives the branch and cut a good incumbent at once. Pure.

#include <vector>

namespace sb::wfm::internal {

struct CoverProblem {
  std::vector<int> required;             // per period
  std::vector<std::vector<int>> covers;  // per template: the periods it covers
  std::vector<double> cost;              // per template
  std::vector<int> max_count;            // per template; < 0 unlimited
  int max_staffed = -1;                  // per period; < 0 none
};

// Integer counts per template, or an empty vector when the repair hits a cap.
std::vector<int> RoundAndRepair(const CoverProblem& p, const std::vector<double>& fractional);

}  // namespace sb::wfm::internal
