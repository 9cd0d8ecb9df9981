// RoundAndRepair: see internal/rounding.h. Greedy set-multicover repair; O(templates x
// coverage) per added agent, a few milliseconds for a week of 30-minute periods.

#include <algorithm>
#include <cmath>

#include "wfm/internal/rounding.h"

namespace sb::wfm::internal {
namespace {

// Agent-periods still missing that template t would cover.
int Gain(const CoverProblem& p, const std::vector<int>& staffed, std::size_t t) {
  int gain = 0;
  for (int period : p.covers[t]) {
    if (staffed[static_cast<std::size_t>(period)] < p.required[static_cast<std::size_t>(period)]) {
      ++gain;
    }
  }
  return gain;
}

bool CanAdd(const CoverProblem& p, const std::vector<int>& x, const std::vector<int>& staffed,
            std::size_t t) {
  if (p.max_count[t] >= 0 && x[t] >= p.max_count[t]) return false;
  if (p.max_staffed < 0) return true;
  return std::all_of(p.covers[t].begin(), p.covers[t].end(), [&](int period) {
    return staffed[static_cast<std::size_t>(period)] < p.max_staffed;
  });
}

void Add(const CoverProblem& p, std::size_t t, int delta, std::vector<int>* x,
         std::vector<int>* staffed) {
  (*x)[t] += delta;
  for (int period : p.covers[t]) (*staffed)[static_cast<std::size_t>(period)] += delta;
}

}  // namespace

std::vector<int> RoundAndRepair(const CoverProblem& p, const std::vector<double>& fractional) {
  const std::size_t n = p.covers.size();
  std::vector<int> x(n, 0), staffed(p.required.size(), 0);
  for (std::size_t t = 0; t < n; ++t) {
    Add(p, t, static_cast<int>(std::floor(fractional[t] + 1e-9)), &x, &staffed);
  }
  for (;;) {
    std::size_t best = n;
    double best_ratio = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const int gain = Gain(p, staffed, t);
      if (gain == 0 || !CanAdd(p, x, staffed, t)) continue;
      const double ratio = gain / std::max(p.cost[t], 1e-9);
      if (ratio > best_ratio) {
        best_ratio = ratio;
        best = t;
      }
    }
    if (best == n) break;
    Add(p, best, 1, &x, &staffed);
  }
  for (std::size_t i = 0; i < p.required.size(); ++i) {
    if (staffed[i] < p.required[i]) return {};
  }
  // Drop redundant agents, the most expensive first.
  std::vector<std::size_t> order(n);
  for (std::size_t t = 0; t < n; ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return p.cost[a] > p.cost[b]; });
  for (std::size_t t : order) {
    while (x[t] > 0 && std::all_of(p.covers[t].begin(), p.covers[t].end(), [&](int period) {
             const auto i = static_cast<std::size_t>(period);
             return staffed[i] - 1 >= p.required[i];
           })) {
      Add(p, t, -1, &x, &staffed);
    }
  }
  return x;
}

}  // namespace sb::wfm::internal
