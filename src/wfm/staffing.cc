#include "wfm/staffing.h"

#include <cmath>

#include "wfm/erlang.h"

namespace sb::wfm {

Result<Staffing> RequiredAgents(double arrival_rate, double aht, const StaffingTarget& t) {
  if (!(arrival_rate >= 0) || !std::isfinite(arrival_rate)) return InvalidArgument("arrival_rate must be >= 0");
  if (!(aht > 0) || !std::isfinite(aht)) return InvalidArgument("aht must be positive");
  if (!(t.target_service_level > 0 && t.target_service_level < 1)) {
    return InvalidArgument("target_service_level must be in (0, 1): 100 % needs infinite agents");
  }
  if (!(t.target_answer_time >= 0)) return InvalidArgument("target_answer_time must be >= 0");
  if (!(t.max_occupancy > 0 && t.max_occupancy <= 1)) return InvalidArgument("max_occupancy must be in (0, 1]");
  if (!(t.shrinkage >= 0 && t.shrinkage < 1)) return InvalidArgument("shrinkage must be in [0, 1)");
  Staffing s;
  if (arrival_rate == 0) return s;
  const double a = arrival_rate * aht;
  int n = std::max(1, static_cast<int>(std::floor(a)) + 1);
  n = std::max(n, static_cast<int>(std::ceil(a / t.max_occupancy - 1e-9)));
  for (; n <= 1000000; ++n) {
    auto c = ErlangC({arrival_rate, aht, n, t.target_answer_time});
    if (!c.ok()) continue;
    if (c->service_level >= t.target_service_level) {
      s.required_agents = n;
      s.service_level = c->service_level;
      s.asa = c->asa;
      s.occupancy = c->occupancy;
      s.scheduled_with_shrinkage = static_cast<int>(std::ceil(n / (1 - t.shrinkage) - 1e-9));
      return s;
    }
  }
  return OutOfRange("more than a million agents would be needed");
}

}  // namespace sb::wfm
