#include "wfm/erlang.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace sb::wfm {
namespace {

bool Finite(double x) { return std::isfinite(x); }

// Erlang B by the recurrence B(k) = A B(k-1) / (k + A B(k-1)): every term is in [0, 1].
double BlockingRecurrence(int trunks, double a) {
  double b = 1.0;
  for (int k = 1; k <= trunks; ++k) b = a * b / (k + a * b);
  return b;
}

}  // namespace

Result<ErlangBResult> ErlangB(int trunks, double a) {
  if (trunks < 1 || trunks > 100000) return InvalidArgument("trunks must be 1..100000");
  if (!(a >= 0) || !Finite(a)) return InvalidArgument("offered_load must be a finite number >= 0");
  ErlangBResult r;
  r.blocking_probability = BlockingRecurrence(trunks, a);
  r.carried_load = a * (1 - r.blocking_probability);
  r.occupancy = r.carried_load / trunks;
  return r;
}

Result<int> ErlangBTrunks(double a, double max_blocking) {
  if (!(a > 0) || !Finite(a)) return InvalidArgument("offered_load must be positive");
  if (!(max_blocking > 0 && max_blocking < 1)) return InvalidArgument("max_blocking must be in (0, 1)");
  double b = 1.0;
  for (int k = 1; k <= 100000; ++k) {
    b = a * b / (k + a * b);
    if (b <= max_blocking) return k;
  }
  return OutOfRange("more than 100000 trunks would be needed");
}

Result<double> ErlangBMaxLoad(int trunks, double blocking) {
  if (trunks < 1) return InvalidArgument("trunks must be at least 1");
  if (!(blocking > 0 && blocking < 1)) return InvalidArgument("blocking must be in (0, 1)");
  double lo = 0, hi = 1;
  while (BlockingRecurrence(trunks, hi) < blocking) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (BlockingRecurrence(trunks, mid) < blocking ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

Result<ErlangCResult> ErlangC(const ErlangCInput& in) {
  if (!(in.arrival_rate > 0) || !Finite(in.arrival_rate)) return InvalidArgument("arrival_rate must be positive");
  if (!(in.aht > 0) || !Finite(in.aht)) return InvalidArgument("aht must be positive");
  if (in.agents < 1) return InvalidArgument("agents must be at least 1");
  if (!(in.target_answer_time >= 0)) return InvalidArgument("target_answer_time must be >= 0");
  const double a = in.arrival_rate * in.aht;
  const int n = in.agents;
  if (a >= n) {
    return InvalidArgument("offered load " + std::to_string(a) + " E needs more than " +
                           std::to_string(n) + " agents: the queue would grow without bound");
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

Result<ErlangAResult> ErlangA(const ErlangAInput& in) {
  if (!(in.arrival_rate > 0) || !Finite(in.arrival_rate)) return InvalidArgument("arrival_rate must be positive");
  if (!(in.aht > 0) || !Finite(in.aht)) return InvalidArgument("aht must be positive");
  if (!(in.mean_patience > 0) || !Finite(in.mean_patience)) return InvalidArgument("mean_patience must be positive");
  if (in.agents < 1) return InvalidArgument("agents must be at least 1");
  const double lambda = in.arrival_rate, mu = 1 / in.aht, theta = 1 / in.mean_patience;
  const int n = in.agents;
  // log p_k relative to p_0: up to n, Poisson-like; beyond, each step divides by n mu + j theta.
  std::vector<double> logp;
  logp.reserve(static_cast<std::size_t>(n) + 1024);
  logp.push_back(0);
  double peak = 0;
  for (int k = 1;; ++k) {
    const double death = k <= n ? k * mu : n * mu + (k - n) * theta;
    logp.push_back(logp.back() + std::log(lambda / death));
    peak = std::max(peak, logp.back());
    if (k > n && logp.back() < peak - 42) break;  // tail below e^-42 of the mode
    if (k > n + 50000000) return OutOfRange("Erlang A chain did not converge");
  }
  double total = 0;
  for (double& l : logp) total += std::exp(l - peak);
  ErlangAResult r;
  r.offered_load = lambda * in.aht;
  double p_wait = 0, queue = 0, busy = 0, served_wait = 0, served = 0;
  for (std::size_t k = 0; k < logp.size(); ++k) {
    const double p = std::exp(logp[k] - peak) / total;
    const int ki = static_cast<int>(k);
    busy += p * std::min(ki, n);
    if (ki >= n) {
      p_wait += p;
      queue += p * (ki - n);
    } else {
      served += p;  // answered at once, W = 0
    }
  }
  // An arrival that finds j = k - n callers ahead: served with prob prod r_i/(r_i + theta),
  // and its wait given served is a sum of exp(r_i + theta) steps.
  {
    double prob = 1, wait = 0;
    for (std::size_t k = static_cast<std::size_t>(n); k < logp.size(); ++k) {
      const double j = static_cast<double>(k - static_cast<std::size_t>(n));
      const double rate = n * mu + j * theta;
      if (k == static_cast<std::size_t>(n)) {
        prob = rate / (rate + theta);
        wait = 1 / (rate + theta);
      } else {
        prob *= rate / (rate + theta);
        wait += 1 / (rate + theta);
      }
      const double p = std::exp(logp[k] - peak) / total;
      served += p * prob;
      served_wait += p * prob * wait;
    }
  }
  r.p_wait = p_wait;
  r.mean_queue_length = queue;
  r.p_abandon = theta * queue / lambda;
  r.p_abandon_given_wait = p_wait > 0 ? r.p_abandon / p_wait : 0;
  r.mean_wait_all = queue / lambda;
  r.asa_answered = served > 0 ? served_wait / served : 0;
  r.occupancy = busy / n;
  return r;
}

}  // namespace sb::wfm
