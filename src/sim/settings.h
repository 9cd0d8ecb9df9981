#pragma once
// Settings of a simulation run: the engine's settings plus the traffic (arrival profiles,
// handle times, patience), the agents' schedule and the run's length, seed and replications.
// Plain structs, filled by `config` or by tests; ValidateSimSettings() checks them.

#include <cstdint>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/status.h"
#include "base/time.h"
#include "core/calendar.h"
#include "core/settings.h"

namespace sb::sim {

struct Distribution {
  enum class Kind {
    kNone,         // never happens (e.g. infinite patience)
    kFixed,        // always `mean`
    kExponential,  // mean `mean`
    kLognormal,    // mean `mean`, coefficient of variation `cv`
  };
  Kind kind = Kind::kExponential;
  Duration mean = 300s;
  double cv = 1.0;
};

// Expected arrivals per interval; the profile repeats when the run is longer than it. A profile
// of 48 half-hours is a day; 336 half-hours is a week starting on Monday at local midnight.
struct ArrivalProfile {
  Duration interval = 30min;
  std::vector<double> calls;  // expected calls in each interval (Poisson)
};

// One stream of traffic into one queue.
struct Stream {
  std::string name;
  QueueId queue;
  ArrivalProfile arrivals;
  Distribution handle_time;                                 // talk time (wrap-up is the queue's)
  Distribution patience{Distribution::Kind::kNone, 0s, 0};  // time until a waiting caller hangs up
  double callback_share = 0.0;  // share of callers who take a callback when offered one
};

struct Break {
  int start_minute = 0;  // minutes after the shift's start
  int length_minutes = 15;
};

// An agent's recurring shift: on the days in `days` (bit 0 = Monday) from `start_minute` local.
struct Shift {
  AgentId agent;
  std::uint8_t days = 0x7f;
  int start_minute = 0;
  int length_minutes = 480;
  std::vector<Break> breaks;
};

struct SimSettings {
  core::EngineSettings engine;
  std::vector<Stream> streams;
  std::vector<Shift> shifts;  // agents without a shift stay logged out
  // Agents absent from every shift but listed here are on duty around the clock.
  std::vector<AgentId> always_on;
  Time start = FromMillis(1795392000000);  // 2026-11-23 00:00 UTC, a Monday
  Duration length = 24h;
  Duration report_interval = 30min;
  core::TimeZone zone;  // local time of the arrival profile and the shifts
  std::uint64_t seed = 42;
  int replications = 1;
  Duration ring_time = 0s;  // time from offer to the agent's answer
  // The engine is told the shifts and breaks ahead (Engine::SetStaffingPlan), as a staffing
  // schedule would tell it, and its wait estimate counts on agents coming and going on time.
  bool plan_known = true;
};

// The most calls a run (every replication together) may expect: about 20 minutes of simulation.
inline constexpr double kMaxExpectedCalls = 1e9;

// Calls the run expects, every stream, day and replication together (NaN if a rate is).
double ExpectedCalls(const SimSettings& settings);

// Checks the traffic and schedule (rates >= 0, means > 0, ids in range, at most
// kMaxExpectedCalls) and the engine settings.
Status ValidateSimSettings(const SimSettings& settings);

}  // namespace sb::sim
