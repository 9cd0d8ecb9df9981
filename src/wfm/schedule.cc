// SolveSchedule: min c.x s.t. A x >= r (and <= cap), x integer >= 0, A[p][t] = 1 when template t
// covers period p. All input is validated before GLPK sees it, because GLPK aborts the process
// on invalid calls instead of returning an error.

#include "wfm/schedule.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>

#include "wfm/internal/rounding.h"

namespace sb::wfm {
namespace {

struct ProbDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
using Prob = std::unique_ptr<glp_prob, ProbDeleter>;

struct Matrix {  // 1-based triplets, as glp_load_matrix wants them
  std::vector<int> rows{0}, cols{0};
  std::vector<double> values{0.0};
};

Status Validate(const ScheduleProblem& p) {
  const std::size_t h = p.required.size();
  if (h == 0) return InvalidArgument("the requirement has no periods");
  if (p.templates.empty()) return InvalidArgument("no shift templates");
  for (const ShiftTemplate& t : p.templates) {
    const std::size_t end = static_cast<std::size_t>(t.start) + t.pattern.size();
    if (t.start < 0 || static_cast<std::size_t>(t.start) >= h || t.pattern.size() > h ||
        (!p.cyclic && end > h)) {
      return InvalidArgument("template " + t.name + " runs outside the " + std::to_string(h) +
                             " periods (make the problem cyclic to wrap around)");
    }
    if (!(std::isfinite(t.cost) && t.cost >= 0)) {
      return InvalidArgument("template " + t.name + ": cost must be a finite number >= 0");
    }
  }
  for (std::size_t i = 0; i < h; ++i) {
    if (p.required[i] < 0)
      return InvalidArgument("period " + std::to_string(i) + ": negative requirement");
    if (p.max_staffed_per_period >= 0 && p.required[i] > p.max_staffed_per_period) {
      return InvalidArgument("period " + std::to_string(i) + " needs more agents than the cap");
    }
  }
  return Status::Ok();
}

Matrix Coverage(const ScheduleProblem& p, internal::CoverProblem* cover) {
  Matrix m;
  cover->required = p.required;
  cover->max_staffed = p.max_staffed_per_period;
  cover->covers.resize(p.templates.size());
  const std::size_t h = p.required.size();
  for (std::size_t t = 0; t < p.templates.size(); ++t) {
    const ShiftTemplate& s = p.templates[t];
    for (std::size_t k = 0; k < s.pattern.size(); ++k) {
      if (!s.pattern[k]) continue;
      const std::size_t period = (static_cast<std::size_t>(s.start) + k) % h;
      m.rows.push_back(static_cast<int>(period) + 1);
      m.cols.push_back(static_cast<int>(t) + 1);
      m.values.push_back(1.0);
      cover->covers[t].push_back(static_cast<int>(period));
    }
    cover->cost.push_back(s.cost);
    cover->max_count.push_back(s.max_count);
  }
  return m;
}

Prob Build(const ScheduleProblem& p, const Matrix& m) {
  Prob lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), GLP_MIN);
  glp_add_rows(lp.get(), static_cast<int>(p.required.size()));
  for (std::size_t i = 0; i < p.required.size(); ++i) {
    const int row = static_cast<int>(i) + 1;
    const double need = p.required[i];
    const double cap = p.max_staffed_per_period;
    if (p.max_staffed_per_period < 0) {
      glp_set_row_bnds(lp.get(), row, GLP_LO, need, 0);
    } else {
      glp_set_row_bnds(lp.get(), row, need == cap ? GLP_FX : GLP_DB, need, cap);
    }
  }
  glp_add_cols(lp.get(), static_cast<int>(p.templates.size()));
  for (std::size_t t = 0; t < p.templates.size(); ++t) {
    const int col = static_cast<int>(t) + 1;
    const ShiftTemplate& s = p.templates[t];
    glp_set_col_kind(lp.get(), col, GLP_IV);
    glp_set_obj_coef(lp.get(), col, s.cost);
    if (s.max_count < 0) {
      glp_set_col_bnds(lp.get(), col, GLP_LO, 0, 0);
    } else {
      glp_set_col_bnds(lp.get(), col, s.max_count == 0 ? GLP_FX : GLP_DB, 0, s.max_count);
    }
  }
  glp_load_matrix(lp.get(), static_cast<int>(m.values.size()) - 1, m.rows.data(), m.cols.data(),
                  m.values.data());
  return lp;
}

Result<double> SolveRelaxation(glp_prob* lp, int time_limit_ms) {
  glp_smcp smcp;
  glp_init_smcp(&smcp);
  smcp.msg_lev = GLP_MSG_OFF;
  smcp.presolve = GLP_OFF;  // keep the basis for glp_intopt
  smcp.tm_lim = time_limit_ms;
  const int rc = glp_simplex(lp, &smcp);
  if (rc == GLP_ETMLIM) return Unavailable("time limit reached in the LP relaxation");
  if (rc != 0) return Internal("GLPK simplex failed with code " + std::to_string(rc));
  if (glp_get_status(lp) == GLP_NOFEAS || glp_get_status(lp) == GLP_INFEAS) {
    return FailedPrecondition(
        "no schedule satisfies the constraints (caps on shift counts or "
        "staffed agents are too tight)");
  }
  if (glp_get_status(lp) != GLP_OPT) return Internal("GLPK: LP relaxation not optimal");
  return glp_get_obj_val(lp);
}

// GLPK callback: offer RoundAndRepair of each node's LP solution as an incumbent.
struct HeuristicContext {
  const internal::CoverProblem* cover;
  int calls = 0;
};
constexpr int kMaxHeuristicCalls = 200;

void OnSearchEvent(glp_tree* tree, void* info) {
  auto* ctx = static_cast<HeuristicContext*>(info);
  if (glp_ios_reason(tree) != GLP_IHEUR || ++ctx->calls > kMaxHeuristicCalls) return;
  glp_prob* lp = glp_ios_get_prob(tree);
  const std::size_t n = ctx->cover->covers.size();
  std::vector<double> fractional(n);
  for (std::size_t t = 0; t < n; ++t) fractional[t] = glp_get_col_prim(lp, static_cast<int>(t) + 1);
  const std::vector<int> x = internal::RoundAndRepair(*ctx->cover, fractional);
  if (x.empty()) return;
  std::vector<double> solution(n + 1, 0.0);  // 1-based
  for (std::size_t t = 0; t < n; ++t) solution[t + 1] = x[t];
  glp_ios_heur_sol(tree, solution.data());
}

// With integral costs every schedule costs a multiple of their gcd: round the LP bound up.
double StrengthenBound(const ScheduleProblem& p, double bound) {
  long long g = 0;
  for (const ShiftTemplate& t : p.templates) {
    if (t.cost != std::floor(t.cost) || t.cost > 1e12) return bound;
    g = std::gcd(g, static_cast<long long>(t.cost));
  }
  if (g == 0) return bound;
  return static_cast<double>(g) * std::ceil(bound / static_cast<double>(g) - 1e-9);
}

}  // namespace

std::string_view SolveStatusName(SolveStatus s) {
  return s == SolveStatus::kOptimal ? "optimal" : "feasible (time limit)";
}

Result<Schedule> SolveSchedule(const ScheduleProblem& p, const ScheduleOptions& o) {
  SB_RETURN_IF_ERROR(Validate(p));
  if (!(o.time_limit_seconds > 0) || !(o.relative_gap >= 0)) {
    return InvalidArgument("time_limit_seconds must be > 0 and relative_gap >= 0");
  }
  internal::CoverProblem cover;
  const Matrix m = Coverage(p, &cover);
  std::vector<int> covering(p.required.size(), 0);
  for (const auto& periods : cover.covers) {
    for (int period : periods) ++covering[static_cast<std::size_t>(period)];
  }
  for (std::size_t i = 0; i < covering.size(); ++i) {
    if (p.required[i] > 0 && covering[i] == 0) {
      return InvalidArgument("period " + std::to_string(i) + " needs " +
                             std::to_string(p.required[i]) +
                             " agents but no shift template covers it; add a template");
    }
  }
  glp_term_out(GLP_OFF);  // GLPK would print to stdout
  Prob lp = Build(p, m);
  const int limit_ms = static_cast<int>(std::min(o.time_limit_seconds * 1000, 2e9));
  SB_ASSIGN_OR_RETURN(const double bound, SolveRelaxation(lp.get(), limit_ms));
  glp_iocp iocp;
  glp_init_iocp(&iocp);
  iocp.msg_lev = GLP_MSG_OFF;
  iocp.tm_lim = limit_ms;
  iocp.mip_gap = o.relative_gap;
  iocp.gmi_cuts = GLP_ON;
  iocp.mir_cuts = GLP_ON;
  HeuristicContext ctx{&cover};
  iocp.cb_func = OnSearchEvent;
  iocp.cb_info = &ctx;
  const int rc = glp_intopt(lp.get(), &iocp);
  const int status = glp_mip_status(lp.get());
  if (status == GLP_NOFEAS) return FailedPrecondition("no integer schedule satisfies the caps");
  if (status != GLP_OPT && status != GLP_FEAS) {
    if (rc == GLP_ETMLIM)
      return Unavailable("time limit reached before any schedule was found; raise it");
    return Internal("GLPK branch and cut failed with code " + std::to_string(rc));
  }
  Schedule s;
  s.status = (status == GLP_OPT || rc == 0) ? SolveStatus::kOptimal : SolveStatus::kFeasible;
  s.staffed.assign(p.required.size(), 0);
  for (std::size_t t = 0; t < p.templates.size(); ++t) {
    const int col = static_cast<int>(t) + 1;
    s.counts.push_back(static_cast<int>(std::lround(glp_mip_col_val(lp.get(), col))));
    s.cost += s.counts.back() * p.templates[t].cost;  // exact, unlike GLPK's float sum
  }
  s.lp_bound = StrengthenBound(p, bound);
  s.gap = s.cost > 0 ? std::max(0.0, (s.cost - s.lp_bound) / s.cost) : 0;
  for (std::size_t k = 1; k < m.values.size(); ++k) {
    s.staffed[static_cast<std::size_t>(m.rows[k] - 1)] +=
        s.counts[static_cast<std::size_t>(m.cols[k] - 1)];
  }
  return s;
}

}  // namespace sb::wfm
