#pragma once
// The discrete-event simulator: Poisson arrivals per interval, handle times, patience and an
// agents' schedule drive the real routing engine (core::Engine) through simulated time. Pure:
// no clock, no I/O, seeded randomness, so a run is reproducible bit for bit.
//
// Thread safety: a Simulator call owns everything it touches; runs may proceed in parallel.

#include <cstdint>
#include <functional>
#include <vector>

#include "base/result.h"
#include "core/events.h"
#include "core/statistics.h"
#include "sim/settings.h"

namespace sb::sim {

// How well the announced expected wait matched the wait that followed, over answered calls.
struct WaitAccuracy {
  std::int64_t samples = 0;
  double mean_absolute_error = 0;  // seconds
  double within_30s = 0;           // share of estimates within +-30 s of the actual wait
  double band_coverage = 0;        // share of actual waits inside the estimate's 80 % band

  void Add(double error_seconds, bool in_band);
  void Merge(const WaitAccuracy& o);
};

struct IntervalResult {
  core::IntervalStats stats;  // every queue together
  double mean_waiting = 0;    // time-averaged callers waiting
  std::int64_t max_waiting = 0;
  WaitAccuracy estimate;  // Switchboard's estimator, by arrival interval
  WaitAccuracy baseline;  // queue-wide average hold time (what PBXs announce)
};

struct ReplicationResult {
  std::vector<IntervalResult> intervals;
  core::IntervalStats total;
  std::vector<core::IntervalStats> per_queue;  // totals, by QueueId
  std::vector<core::AgentStats> agents;
  WaitAccuracy estimate;
  WaitAccuracy baseline;
  // The same over callers who found no free agent: those who would hear an announcement.
  WaitAccuracy estimate_queued;
  WaitAccuracy baseline_queued;
  std::uint64_t engine_events = 0;
  std::uint64_t sim_events = 0;
  std::uint64_t rejected_inputs = 0;  // inputs the engine refused (should be 0)
};

// A metric over replications: mean and the half-width of its 95 % confidence interval.
struct Estimate {
  double mean = 0;
  double half_width = 0;
};

struct SimSummary {
  Estimate service_level, asa, aht, abandon_rate, occupancy, offered_per_day;
  Estimate wait_mae, wait_within_30s, wait_band_coverage, baseline_mae, baseline_within_30s;
  Estimate queued_wait_mae, queued_wait_within_30s, queued_band_coverage, queued_baseline_mae,
      queued_baseline_within_30s;
  double queued_share = 0;  // share of answered calls that found no free agent
};

struct SimResult {
  std::vector<ReplicationResult> replications;
  SimSummary summary;
};

struct RunOptions {
  // Called with the fraction done (0..1) now and then; may be empty.
  std::function<void(double)> progress;
  // Receives every engine event of replication 0, in order; may be empty.
  std::function<void(const core::Event&)> events;
};

// Runs every replication. InvalidArgument if the settings are invalid.
Result<SimResult> Run(const SimSettings& settings, const RunOptions& options = {});

// Mean and 95 % confidence half-width (Student t) of `values` (NaNs skipped).
Estimate Summarize(const std::vector<double>& values);

}  // namespace sb::sim
