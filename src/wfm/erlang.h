#pragma once
// Erlang B, C and A: the queueing formulas behind staffing. Every function is pure and
// re-entrant, stable for N up to several thousand agents and loads of thousands of Erlangs
// (recurrences and log-space sums: no factorials, no overflow, no NaN for valid input).
// Units: any time unit, used consistently (arrival_rate in calls per that unit).
// Definitions follow ../shared/reference/erlang.json (schema.definitions): each output name
// has exactly one meaning.

#include "base/result.h"

namespace sb::wfm {

struct ErlangBResult {
  double blocking_probability = 0;
  double carried_load = 0;
  double occupancy = 0;
};
// InvalidArgument unless trunks >= 1 and offered_load >= 0.
Result<ErlangBResult> ErlangB(int trunks, double offered_load);
// Fewest trunks with blocking <= max_blocking.
Result<int> ErlangBTrunks(double offered_load, double max_blocking);
// Largest load that `trunks` carry with blocking <= `blocking` (bisection to 1e-12).
Result<double> ErlangBMaxLoad(int trunks, double blocking);

struct ErlangCInput {
  double arrival_rate = 0;
  double aht = 0;
  int agents = 0;
  double target_answer_time = 0;
};
struct ErlangCResult {
  double offered_load = 0;
  double p_wait = 0;
  double service_level = 0;       // P(W <= t) over all calls
  double asa = 0;                 // E[W] over all calls
  double mean_wait_if_delayed = 0;
  double mean_queue_length = 0;
  double mean_response_time = 0;  // asa + aht
  double occupancy = 0;
};
// InvalidArgument for non-positive rates/times or a load >= agents (the queue is unstable).
Result<ErlangCResult> ErlangC(const ErlangCInput& in);

struct ErlangAInput {
  double arrival_rate = 0;
  double aht = 0;
  double mean_patience = 0;
  int agents = 0;
  double target_answer_time = 0;
};
struct ErlangAResult {
  double offered_load = 0;
  double p_wait = 0;
  double p_abandon = 0;
  double p_abandon_given_wait = 0;
  double mean_wait_all = 0;
  double asa_answered = 0;
  double mean_queue_length = 0;
  double occupancy = 0;
};
// M/M/N+M by its birth-death chain, summed in log space and truncated where the tail is
// below 1e-18. Any load is stable (callers abandon). InvalidArgument for bad input.
Result<ErlangAResult> ErlangA(const ErlangAInput& in);

}  // namespace sb::wfm
