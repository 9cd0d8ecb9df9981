// Staffing by search over N. Erlang C: linear from the stability bound floor(A) + 1 (the answer
// is within a few sqrt(A) of it). Erlang A is stable for every N, so the search doubles an upper
// bound and bisects; both rely on the service level growing with N.

#include "wfm/staffing.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "wfm/erlang.h"
#include "wfm/internal/validate.h"

namespace sb::wfm {
namespace {

constexpr int kMaxAgents = 100000;

Status ValidateTarget(const StaffingTarget& t) {
  if (!(t.target_service_level > 0 && t.target_service_level < 1)) {
    return InvalidArgument(
        "target_service_level must be in (0, 1): 100 % would need infinitely "
        "many agents; try 0.8");
  }
  SB_RETURN_IF_ERROR(internal::NonNegative("target_answer_time", t.target_answer_time));
  if (!(t.max_occupancy > 0 && t.max_occupancy <= 1)) {
    return InvalidArgument("max_occupancy must be in (0, 1]");
  }
  if (!(t.shrinkage >= 0 && t.shrinkage < 1)) {
    return InvalidArgument("shrinkage must be in [0, 1): at 1 nobody is ever on the phones");
  }
  return internal::NonNegative("mean_patience", t.mean_patience);
}

// Smallest N allowed by the occupancy cap.
int OccupancyFloor(double load, double max_occupancy) {
  return std::max(1, static_cast<int>(std::ceil(load / max_occupancy - 1e-9)));
}

Result<Staffing> SizeErlangC(double rate, double aht, const StaffingTarget& t) {
  const double load = rate * aht;
  int n = std::max(static_cast<int>(std::floor(load)) + 1, OccupancyFloor(load, t.max_occupancy));
  for (; n <= kMaxAgents; ++n) {
    SB_ASSIGN_OR_RETURN(const ErlangCResult c, ErlangC({rate, aht, n, t.target_answer_time}));
    if (c.service_level >= t.target_service_level) {
      Staffing s;
      s.required_agents = n;
      s.service_level = c.service_level;
      s.asa = c.asa;
      s.occupancy = c.occupancy;
      return s;
    }
  }
  return OutOfRange("more than 100,000 agents would be needed");
}

Result<Staffing> SizeErlangA(double rate, double aht, const StaffingTarget& t) {
  const ErlangAInput base{rate, aht, t.mean_patience, 0, t.target_answer_time};
  auto meets = [&](int n) -> Result<bool> {
    ErlangAInput in = base;
    in.agents = n;
    SB_ASSIGN_OR_RETURN(const ErlangAResult a, ErlangA(in));
    return a.sl_answered_within_t_over_offered >= t.target_service_level &&
           a.occupancy <= t.max_occupancy;
  };
  int lo = 0, hi = 1;  // lo always fails
  for (;;) {
    SB_ASSIGN_OR_RETURN(const bool ok, meets(hi));
    if (ok) break;
    lo = hi;
    hi = std::max(hi + 1, hi * 2);
    if (hi > kMaxAgents) return OutOfRange("more than 100,000 agents would be needed");
  }
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    SB_ASSIGN_OR_RETURN(const bool ok, meets(mid));
    (ok ? hi : lo) = mid;
  }
  SB_ASSIGN_OR_RETURN(const ErlangAResult a,
                      ErlangA({rate, aht, t.mean_patience, hi, t.target_answer_time}));
  Staffing s;
  s.required_agents = hi;
  s.service_level = a.sl_answered_within_t_over_offered;
  s.asa = a.asa_answered;
  s.occupancy = a.occupancy;
  s.p_abandon = a.p_abandon;
  return s;
}

}  // namespace

Result<Staffing> RequiredAgents(double arrival_rate, double aht, const StaffingTarget& t) {
  SB_RETURN_IF_ERROR(ValidateTarget(t));
  SB_RETURN_IF_ERROR(internal::NonNegative("arrival_rate", arrival_rate));
  if (arrival_rate == 0) return Staffing{};
  SB_RETURN_IF_ERROR(internal::Positive("aht", aht));
  SB_ASSIGN_OR_RETURN(Staffing s, t.mean_patience > 0 ? SizeErlangA(arrival_rate, aht, t)
                                                      : SizeErlangC(arrival_rate, aht, t));
  // The small epsilon keeps 14 / 0.7 = 20.000000000000004 at 20.
  s.scheduled_with_shrinkage =
      static_cast<int>(std::ceil(s.required_agents / (1 - t.shrinkage) - 1e-9));
  return s;
}

Result<std::vector<Staffing>> RequiredAgentsPerInterval(const std::vector<IntervalDemand>& demand,
                                                        double interval_length,
                                                        const StaffingTarget& t) {
  SB_RETURN_IF_ERROR(internal::Positive("interval_length", interval_length));
  std::vector<Staffing> out;
  out.reserve(demand.size());
  for (std::size_t i = 0; i < demand.size(); ++i) {
    auto s = RequiredAgents(demand[i].calls / interval_length, demand[i].aht, t);
    if (!s.ok()) return s.status().WithContext("interval " + std::to_string(i));
    out.push_back(*s);
  }
  return out;
}

}  // namespace sb::wfm
