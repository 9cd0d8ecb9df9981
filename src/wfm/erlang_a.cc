// Erlang A (M/M/N+M) by its exact birth-death chain. State k = callers in the system; births at
// lambda, deaths at min(k, N) mu + max(k - N, 0) theta. The stationary distribution is built in
// log space relative to its mode, so neither N = 2,000 nor A = 2,500 E overflows, and truncated
// once the tail falls below e^-42 of the mode (far under double precision of the sums).
//
// Waiting times: a caller arriving with j callers ahead waits through j + 1 phases; with i
// ahead the queue moves at r_i = N mu + i theta, so the offered wait V is hypoexponential with
// rates r_j, ..., r_0. Being served needs each phase to beat the caller's own patience, which
// gives the served-path rates r_i + theta and probability prod r_i / (r_i + theta). The
// hypoexponential tails are computed for every j at once by uniformization of the phase chain:
// sums of nonnegative terms only, unlike the textbook partial-fraction formula whose alternating
// coefficients cancel catastrophically beyond a few dozen phases.

#include <algorithm>
#include <cmath>
#include <vector>

#include "wfm/erlang.h"
#include "wfm/internal/validate.h"

namespace sb::wfm {
namespace {

constexpr int kMaxQueue = 2000000;
constexpr double kTailLog = 42;  // drop states below e^-42 of the mode
constexpr double kMaxUniformizationWork = 2e9;

// Normalized stationary probabilities p[0..K].
Result<std::vector<double>> Stationary(double lambda, double mu, double theta, int n) {
  std::vector<double> logp;
  logp.reserve(static_cast<std::size_t>(n) + 1024);
  logp.push_back(0);
  double peak = 0;
  for (int k = 1;; ++k) {
    const double death = k <= n ? k * mu : n * mu + (k - n) * theta;
    logp.push_back(logp.back() + std::log(lambda / death));
    peak = std::max(peak, logp.back());
    if (k > n && logp.back() < peak - kTailLog) break;
    if (k - n > kMaxQueue) {
      return OutOfRange(
          "Erlang A: more than 2,000,000 callers would queue (overload with very "
          "long patience); add agents or check mean_patience");
    }
  }
  double total = 0;
  for (double& l : logp) {
    l = std::exp(l - peak);
    total += l;
  }
  for (double& p : logp) p /= total;
  return logp;
}

// u[j] = P(S_j > t), S_j = sum_{i=0..j} Exp(c + i theta), for j = 0..jmax.
Result<std::vector<double>> HypoSurvival(double c, double theta, int jmax, double t) {
  std::vector<double> acc(static_cast<std::size_t>(jmax) + 1, 1.0);
  if (t <= 0) return acc;
  const double big_rate = c + jmax * theta;
  const double lt = big_rate * t;
  const double terms = std::ceil(lt + 12 * std::sqrt(lt) + 30);
  if (terms * (jmax + 1) > kMaxUniformizationWork) {
    return OutOfRange(
        "Erlang A: target_answer_time is too long against the service rate to "
        "evaluate (over 2e9 steps); use a shorter target");
  }
  std::vector<double> v(acc.size(), 1.0);
  std::vector<double> move(acc.size());
  for (std::size_t j = 0; j < move.size(); ++j) move[j] = (c + j * theta) / big_rate;
  double w = std::exp(-lt);  // Poisson(lt) weight of k = 0, may underflow to 0 for large lt
  const double log_lt = std::log(lt);
  for (double& a : acc) a = w;
  for (int k = 1; k <= static_cast<int>(terms); ++k) {
    // One step of the uniformized chain: phase j moves to j - 1 (or out, from 0).
    for (std::size_t j = v.size(); j-- > 0;) {
      const double below = j > 0 ? v[j - 1] : 0.0;
      v[j] = (1 - move[j]) * v[j] + move[j] * below;
    }
    w = std::exp(-lt + k * log_lt - std::lgamma(k + 1.0));
    if (w == 0) continue;
    for (std::size_t j = 0; j < v.size(); ++j) acc[j] += w * v[j];
  }
  for (double& a : acc) a = std::clamp(a, 0.0, 1.0);
  return acc;
}

Status Validate(const ErlangAInput& in) {
  SB_RETURN_IF_ERROR(internal::Positive("arrival_rate", in.arrival_rate));
  SB_RETURN_IF_ERROR(internal::Positive("aht", in.aht));
  SB_RETURN_IF_ERROR(internal::Positive("mean_patience", in.mean_patience));
  SB_RETURN_IF_ERROR(internal::NonNegative("target_answer_time", in.target_answer_time));
  if (in.agents < 1 || in.agents > 100000) return InvalidArgument("agents must be 1..100000");
  return Status::Ok();
}

}  // namespace

Result<ErlangAResult> ErlangA(const ErlangAInput& in) {
  SB_RETURN_IF_ERROR(Validate(in));
  const double lambda = in.arrival_rate, mu = 1 / in.aht, theta = 1 / in.mean_patience;
  const int n = in.agents;
  const double t = in.target_answer_time;
  SB_ASSIGN_OR_RETURN(const std::vector<double> p, Stationary(lambda, mu, theta, n));
  const int jmax = std::max(0, static_cast<int>(p.size()) - 1 - n);
  SB_ASSIGN_OR_RETURN(const std::vector<double> offered_tail, HypoSurvival(n * mu, theta, jmax, t));
  SB_ASSIGN_OR_RETURN(const std::vector<double> served_tail,
                      HypoSurvival(n * mu + theta, theta, jmax, t));

  double immediate = 0, waiting = 0, busy = 0, queue = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const int ki = static_cast<int>(k);
    busy += p[k] * std::min(ki, n);
    if (ki < n) {
      immediate += p[k];
    } else {
      waiting += p[k];  // summed, not 1 - immediate, to keep tiny p_wait accurate
      queue += p[k] * (ki - n);
    }
  }
  double served = immediate, served_wait = 0, served_within = immediate, offered_within = immediate;
  double prob = 1, wait = 0;  // along the served path with j ahead
  for (int j = 0; j <= jmax && n + j < static_cast<int>(p.size()); ++j) {
    const double rate = n * mu + j * theta;
    prob *= rate / (rate + theta);
    wait += 1 / (rate + theta);
    const double pk = p[static_cast<std::size_t>(n + j)];
    served += pk * prob;
    served_wait += pk * prob * wait;
    served_within += pk * prob * (1 - served_tail[static_cast<std::size_t>(j)]);
    offered_within += pk * (1 - offered_tail[static_cast<std::size_t>(j)]);
  }
  ErlangAResult r;
  r.offered_load = lambda * in.aht;
  r.p_wait = std::clamp(waiting, 0.0, 1.0);  // rounding may sum to 1 + 1e-16
  r.mean_queue_length = queue;
  r.p_abandon = std::clamp(theta * queue / lambda, 0.0, 1.0);
  r.p_abandon_given_wait = r.p_wait > 0 ? r.p_abandon / r.p_wait : 0;
  r.mean_wait_all = queue / lambda;
  r.asa_answered = served > 0 ? served_wait / served : 0;
  r.occupancy = std::clamp(busy / n, 0.0, 1.0);
  r.sl_answered_within_t_over_offered = std::clamp(served_within, 0.0, 1.0);
  r.sl_answered_within_t_over_answered =
      served > 0 ? std::clamp(served_within / served, 0.0, 1.0) : 0;
  r.p_offered_wait_le_t = std::clamp(offered_within, 0.0, 1.0);
  r.p_wait_le_t_all = 1 - (1 - r.p_offered_wait_le_t) * std::exp(-theta * t);
  return r;
}

}  // namespace sb::wfm
