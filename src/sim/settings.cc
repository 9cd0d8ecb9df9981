#include "sim/settings.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace sb::sim {
namespace {

Status CheckDistribution(const std::string& where, const Distribution& d, bool allow_none) {
  if (d.kind == Distribution::Kind::kNone) {
    return allow_none ? Status::Ok() : InvalidArgument(where + ": a distribution is required");
  }
  if (d.mean <= Duration{0}) return InvalidArgument(where + ": the mean must be positive");
  if (d.kind == Distribution::Kind::kLognormal && !(d.cv > 0 && d.cv <= 10)) {
    return InvalidArgument(where + ": a lognormal needs a coefficient of variation in (0, 10]");
  }
  return Status::Ok();
}

// Past kMaxExpectedCalls a run would take hours (the simulator takes about 800,000 calls a second
// on one core): refused before it starts.
Status CheckVolume(const SimSettings& s) {
  const double total = ExpectedCalls(s);
  if (!(total <= kMaxExpectedCalls)) {
    const double days = Seconds(s.length) / 86400.0;
    char text[256];
    std::snprintf(text, sizeof text,
                  "sim: %.3g expected calls (%.3g a day over %.4g days, %d replication%s) are "
                  "more than the %.0e a run may hold (about 20 minutes); lower calls_per_day, "
                  "days or replications",
                  total, total / days / s.replications, days, s.replications,
                  s.replications == 1 ? "" : "s", kMaxExpectedCalls);
    return InvalidArgument(text);
  }
  return Status::Ok();
}

}  // namespace

double ExpectedCalls(const SimSettings& s) {
  double per_day = 0;
  for (const Stream& st : s.streams) {
    double lap = 0;
    for (double c : st.arrivals.calls) lap += c;
    const double lap_seconds =
        Seconds(st.arrivals.interval) * static_cast<double>(st.arrivals.calls.size());
    if (lap_seconds > 0) per_day += lap / lap_seconds * 86400.0;
  }
  return per_day * Seconds(s.length) / 86400.0 * s.replications;
}

Status ValidateSimSettings(const SimSettings& s) {
  SB_RETURN_IF_ERROR(core::ValidateSettings(s.engine));
  if (s.streams.empty()) return InvalidArgument("sim: no traffic; add at least one stream");
  if (s.length <= Duration{0}) return InvalidArgument("sim: the run's length must be positive");
  if (s.length > std::chrono::hours(24 * 366 * 2)) {
    return InvalidArgument("sim: runs are limited to two years");
  }
  if (s.report_interval < std::chrono::minutes(1)) {
    return InvalidArgument("sim: report_interval must be at least one minute");
  }
  if (s.replications < 1 || s.replications > 1000) {
    return InvalidArgument("sim: replications must be 1..1000");
  }
  if (s.ring_time < Duration{0}) return InvalidArgument("sim: ring_time is negative");
  for (const Stream& st : s.streams) {
    const std::string where = "sim stream '" + st.name + "'";
    if (!st.queue.valid() || st.queue.value >= s.engine.queues.size()) {
      return InvalidArgument(where + ": unknown queue");
    }
    if (st.arrivals.calls.empty()) return InvalidArgument(where + ": the arrival profile is empty");
    if (st.arrivals.interval < std::chrono::minutes(1)) {
      return InvalidArgument(where + ": the profile interval must be at least one minute");
    }
    for (double c : st.arrivals.calls) {
      if (!(c >= 0) || !std::isfinite(c)) {
        return InvalidArgument(where + ": expected calls per interval must be finite and >= 0");
      }
    }
    SB_RETURN_IF_ERROR(CheckDistribution(where + " handle_time", st.handle_time, false));
    SB_RETURN_IF_ERROR(CheckDistribution(where + " patience", st.patience, true));
    if (!(st.callback_share >= 0 && st.callback_share <= 1)) {
      return InvalidArgument(where + ": callback_share must be in [0, 1]");
    }
  }
  SB_RETURN_IF_ERROR(CheckVolume(s));
  for (const Shift& sh : s.shifts) {
    if (!sh.agent.valid() || sh.agent.value >= s.engine.agents.size()) {
      return InvalidArgument("sim shift: unknown agent");
    }
    const std::string where = "sim shift of '" + s.engine.agents[sh.agent.value].name + "'";
    if (sh.start_minute < 0 || sh.start_minute >= 1440) {
      return InvalidArgument(where + ": start must be within the day");
    }
    if (sh.length_minutes <= 0 || sh.length_minutes > 24 * 60) {
      return InvalidArgument(where + ": length must be 1 minute to 24 hours");
    }
    for (const Break& b : sh.breaks) {
      if (b.start_minute < 0 || b.length_minutes <= 0 ||
          b.start_minute + b.length_minutes > sh.length_minutes) {
        return InvalidArgument(where + ": a break must lie within the shift");
      }
    }
  }
  for (AgentId a : s.always_on) {
    if (!a.valid() || a.value >= s.engine.agents.size()) {
      return InvalidArgument("sim always_on: unknown agent");
    }
  }
  return Status::Ok();
}

}  // namespace sb::sim
