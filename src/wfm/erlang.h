#pragma once
// Erlang B, C and A: the queueing formulas behind staffing. Every function is pure and
// re-entrant (no state, no I/O), stable for N up to several thousand agents and loads of
// thousands of Erlangs: recurrences and log-space sums, no factorials, no overflow, no NaN for
// valid input. Units: any time unit, used consistently (arrival_rate in calls per that unit,
// aht, patience and target_answer_time in that unit).
// Definitions are those of docs/metrics.md: each output name has exactly one meaning, written
// beside the field below.
// Errors: InvalidArgument for malformed input (non-positive rates, fewer than one agent, an
// unstable Erlang C queue); OutOfRange when an answer would need an absurd size.

#include "base/result.h"

namespace sb::wfm {

// ---- Erlang B: blocked calls cleared (M/M/N/N) ----
struct ErlangBResult {
  double blocking_probability = 0;
  double carried_load = 0;  // offered_load * (1 - blocking)
  double occupancy = 0;     // carried_load / trunks
};
// InvalidArgument unless 1 <= trunks <= 100000 and offered_load is finite and >= 0.
Result<ErlangBResult> ErlangB(int trunks, double offered_load);
// Fewest trunks with blocking <= max_blocking. InvalidArgument unless offered_load > 0 and
// max_blocking in (0, 1); OutOfRange beyond 100000 trunks.
Result<int> ErlangBTrunks(double offered_load, double max_blocking);
// Largest offered load that `trunks` carry with blocking <= `blocking` (bisection, rel 1e-13).
Result<double> ErlangBMaxLoad(int trunks, double blocking);

// ---- Erlang C: callers wait forever (M/M/N) ----
struct ErlangCInput {
  double arrival_rate = 0;
  double aht = 0;
  int agents = 0;
  double target_answer_time = 0;
};
struct ErlangCResult {
  double offered_load = 0;          // A = arrival_rate * aht
  double p_wait = 0;                // C(N, A): P(W > 0)
  double service_level = 0;         // P(W <= t) = 1 - C exp(-(N-A) t / aht), over all calls
  double asa = 0;                   // E[W] over all calls = C aht / (N - A)
  double mean_wait_if_delayed = 0;  // E[W | W > 0] = aht / (N - A)
  double mean_queue_length = 0;     // arrival_rate * asa (Little)
  double mean_response_time = 0;    // asa + aht
  double occupancy = 0;             // A / N
};
// InvalidArgument for non-positive rates or times, agents < 1, or A >= N (unstable queue).
Result<ErlangCResult> ErlangC(const ErlangCInput& in);

// ---- Erlang A: callers abandon after an exponential patience (M/M/N+M, Palm) ----
struct ErlangAInput {
  double arrival_rate = 0;
  double aht = 0;
  double mean_patience = 0;  // 1/theta
  int agents = 0;
  double target_answer_time = 0;
};
struct ErlangAResult {
  double offered_load = 0;
  double p_wait = 0;                // P(an arrival finds all N agents busy) (PASTA)
  double p_abandon = 0;             // theta E[Q] / lambda, share of arrivals
  double p_abandon_given_wait = 0;  // p_abandon / p_wait
  double mean_wait_all = 0;         // E[min(V, tau)] = E[Q] / lambda over all arrivals
  double asa_answered = 0;          // E[W | served]
  double mean_queue_length = 0;     // E[Q]
  double occupancy = 0;             // carried load / N
  // Waiting-time distribution at target_answer_time t; V is the offered (virtual) wait, tau
  // the patience, W = min(V, tau).
  double sl_answered_within_t_over_offered = 0;   // P(served and W <= t): abandons fail
  double sl_answered_within_t_over_answered = 0;  // P(W <= t | served)
  double p_wait_le_t_all = 0;                     // P(W <= t): short abandons count as within t
  double p_offered_wait_le_t = 0;                 // P(V <= t)
};
// Exact birth-death chain, summed in log space and truncated where the tail is below e^-42 of
// the mode; the waiting-time distribution by uniformization (nonnegative sums only). Any load
// is stable, since callers abandon. InvalidArgument for bad input; OutOfRange when the queue
// would hold more than 2,000,000 callers (overload with near-infinite patience).
Result<ErlangAResult> ErlangA(const ErlangAInput& in);

}  // namespace sb::wfm
