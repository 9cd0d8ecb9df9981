// Erlang B and C. Both rest on the Erlang B recurrence B(k) = A B(k-1) / (k + A B(k-1)), whose
// every term lies in [0, 1]: no factorial or power of A is ever formed, so N = 100,000 and
// A = 100,000 E are as safe as N = 1. Erlang C follows from B: C = N B / (N - A (1 - B)).

#include "wfm/erlang.h"

#include <cmath>
#include <string>

#include "wfm/internal/validate.h"

namespace sb::wfm {
namespace {

constexpr int kMaxTrunks = 100000;

double BlockingRecurrence(int trunks, double a) {
  double b = 1.0;
  for (int k = 1; k <= trunks; ++k) b = a * b / (k + a * b);
  return b;
}

}  // namespace

Result<ErlangBResult> ErlangB(int trunks, double a) {
  if (trunks < 1 || trunks > kMaxTrunks) return InvalidArgument("trunks must be 1..100000");
  SB_RETURN_IF_ERROR(internal::NonNegative("offered_load", a));
  ErlangBResult r;
  r.blocking_probability = BlockingRecurrence(trunks, a);
  r.carried_load = a * (1 - r.blocking_probability);
  r.occupancy = r.carried_load / trunks;
  return r;
}

Result<int> ErlangBTrunks(double a, double max_blocking) {
  SB_RETURN_IF_ERROR(internal::Positive("offered_load", a));
  if (!(max_blocking > 0 && max_blocking < 1)) {
    return InvalidArgument("max_blocking must be in (0, 1): no finite trunk group blocks nothing");
  }
  double b = 1.0;
  for (int k = 1; k <= kMaxTrunks; ++k) {
    b = a * b / (k + a * b);
    if (b <= max_blocking) return k;
  }
  return OutOfRange("more than 100000 trunks would be needed");
}

Result<double> ErlangBMaxLoad(int trunks, double blocking) {
  if (trunks < 1 || trunks > kMaxTrunks) return InvalidArgument("trunks must be 1..100000");
  if (!(blocking > 0 && blocking < 1)) return InvalidArgument("blocking must be in (0, 1)");
  // B is increasing in A: bracket, then bisect.
  double lo = 0, hi = 1;
  while (BlockingRecurrence(trunks, hi) < blocking) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (BlockingRecurrence(trunks, mid) < blocking ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

Result<ErlangCResult> ErlangC(const ErlangCInput& in) {
  SB_RETURN_IF_ERROR(internal::Positive("arrival_rate", in.arrival_rate));
  SB_RETURN_IF_ERROR(internal::Positive("aht", in.aht));
  SB_RETURN_IF_ERROR(internal::NonNegative("target_answer_time", in.target_answer_time));
  if (in.agents < 1 || in.agents > kMaxTrunks) return InvalidArgument("agents must be 1..100000");
  const double a = in.arrival_rate * in.aht;
  const int n = in.agents;
  if (a >= n) {
    return InvalidArgument("offered load " + std::to_string(a) + " E needs more than " +
                           std::to_string(n) +
                           " agents: the queue would grow without bound (add agents, or use "
                           "Erlang A, where callers abandon)");
  }
  const double b = BlockingRecurrence(n, a);
  ErlangCResult r;
  r.offered_load = a;
  r.p_wait = n * b / (n - a * (1 - b));
  r.service_level = 1 - r.p_wait * std::exp(-(n - a) * in.target_answer_time / in.aht);
  r.asa = r.p_wait * in.aht / (n - a);
  r.mean_wait_if_delayed = in.aht / (n - a);
  r.mean_queue_length = r.asa * in.arrival_rate;
  r.mean_response_time = r.asa + in.aht;
  r.occupancy = a / n;
  return r;
}

}  // namespace sb::wfm
