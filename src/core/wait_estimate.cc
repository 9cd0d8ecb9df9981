#include "core/wait_estimate.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/internal/state.h"

namespace sb::core {
namespace {

constexpr double kZ90 = 1.2816;  // the standard normal's 90th percentile
// The relative variance of the learnt handle time, an exponentially weighted average with weight
// a = 0.05 (kHandleAlpha in engine_apply.cc) over handle times of coefficient of variation 1:
// a / (2 - a). Every step's rate is off by the same factor, so the wait's variance grows by this
// much of its squared mean; without it, the band of a caller 20 places back in an M/M/100 queue
// covered 64 %.
constexpr double kLearntRateVariance = 0.05 / (2 - 0.05);

// The quantile at normal deviate `z` of a gamma distribution with this mean and variance, by
// Wilson and Hilferty (1931): the cube root of a gamma variable is nearly normal. Its 10th and
// 90th percentiles are within 0.01 of the exact ones in probability for shapes (mean^2 / var) of
// 1 and more, and a sum of exponential steps has a shape of at least 1: exactly 1 for a single
// step, where a lognormal of the same mean and variance covers only 66 % between its 10th and
// 90th percentiles.
double GammaQuantile(double mean, double var, double z) {
  const double c = var / (9 * mean * mean);  // 1 / (9 * shape)
  const double root = std::max(0.0, 1 - c + z * std::sqrt(c));
  return mean * root * root * root;
}

}  // namespace

WaitEstimate EstimateWait(const WaitModel& m, std::uint32_t ahead) {
  const double service_rate = m.agents / std::max(m.handle_seconds, 1.0);
  if (service_rate <= 0) {
    // Nobody staffed: the wait depends on when agents come back. Say so with a wide band.
    const double mean = (ahead + 1) * std::max(m.handle_seconds, 1.0) + m.answer_seconds;
    return {FromSeconds(mean), FromSeconds(0), FromSeconds(mean * 3)};
  }
  double mean = 0;
  double var = 0;
  for (std::uint32_t j = 0; j <= ahead; ++j) {
    // j + 1: the caller's own patience too (see the header).
    const double rate = service_rate + (j + 1) * m.abandon_rate;
    mean += 1.0 / rate;
    var += 1.0 / (rate * rate);
  }
  var += kLearntRateVariance * mean * mean;
  const double low = GammaQuantile(mean, var, -kZ90);
  const double high = GammaQuantile(mean, var, kZ90);
  return {FromSeconds(mean + m.answer_seconds), FromSeconds(low + m.answer_seconds),
          FromSeconds(high + m.answer_seconds)};
}

namespace internal {
namespace {

// The staffing plan's changes that count: at most this many, this far ahead (bounds on the
// estimate's cost; with agents on duty, only changes before the end of the band at today's N).
constexpr int kMaxPlanned = 64;
constexpr Duration kPlanHorizon = 4h;

// From `at` seconds from now on, `agents` effective agents serve the queue; `jump` departures
// happen at `at` itself: an agent coming on duty takes a waiting caller at once, rather than
// only adding to the rate.
struct PlannedStep {
  double at = 0;
  double agents = 0;
  double jump = 0;
};

struct PlannedAgents {
  std::array<PlannedStep, kMaxPlanned> steps;
  int count = 0;
};

// The planned changes of the queue's effective agents after now and up to `horizon` (a change
// the agents' states already show, such as a break that began early, is left out), starting
// from `agents`.
template <typename Share>
PlannedAgents Planned(const State& s, QueueId qid, double agents, Duration horizon,
                      const Share& share) {
  PlannedAgents out;
  if (qid.value >= s.planned.size()) return out;  // no plan (or a queue added since)
  const std::vector<PlannedChange>& plan = s.planned[qid.value];
  auto it = std::upper_bound(plan.begin(), plan.end(), s.now,
                             [](Time t, const PlannedChange& c) { return t < c.at; });
  // Agents whose duty this walk changed already, with their duty since.
  std::array<std::pair<AgentId, bool>, kMaxPlanned> changed;
  int n_changed = 0;
  for (; it != plan.end() && out.count < kMaxPlanned && it->at - s.now <= horizon; ++it) {
    if (it->agent.value >= s.agents.size()) continue;
    bool on = Staffed(s.agents[it->agent.value]);
    int slot = n_changed;
    for (int i = 0; i < n_changed; ++i) {
      if (changed[i].first == it->agent) {
        on = changed[i].second;
        slot = i;
      }
    }
    if (on == it->on_duty) continue;
    changed[slot] = {it->agent, it->on_duty};
    if (slot == n_changed) ++n_changed;
    const double change = share(it->share_class);
    agents += it->on_duty ? change : -change;
    out.steps[out.count++] = {Seconds(it->at - s.now), std::max(0.0, agents),
                              it->on_duty ? change : 0.0};
  }
  return out;
}

// The time by which `work` agent-seconds, the work of `departures` departures, are done when
// `agents` serve now and the plan's `steps` follow; past the last step with nobody planned, at
// `fallback` agents. At a step's jump the departures still needed drop, and their work with
// them in proportion.
double TimeForWork(double work, double departures, double agents, const PlannedAgents& p,
                   double fallback) {
  double t = 0;
  for (int i = 0; i < p.count; ++i) {
    const double done = agents * (p.steps[i].at - t);
    if (agents > 0 && work <= done) return t + work / agents;
    const double left = work - done;
    const double needed = departures * left / work;
    t = p.steps[i].at;
    agents = p.steps[i].agents;
    if (needed <= p.steps[i].jump) return t;
    work = left * (needed - p.steps[i].jump) / needed;
    departures = needed - p.steps[i].jump;
  }
  return t + work / (agents > 0 ? agents : fallback);
}

}  // namespace

void SetStaffingPlan(State& s, std::span<const PlannedDuty> plan) {
  s.planned.assign(s.queues.size(), {});
  for (const PlannedDuty& d : plan) {
    if (d.agent.value >= s.agents.size() || d.end <= d.start) continue;
    for (const Serve& sv : s.agents[d.agent.value].serves) {
      if (sv.min_level != 0) continue;  // members only: group access counts for nothing here
      auto& changes = s.planned[sv.queue.value];
      changes.push_back({d.start, d.agent, sv.share_class, true});
      changes.push_back({d.end, d.agent, sv.share_class, false});
    }
  }
  for (auto& changes : s.planned) {
    std::stable_sort(changes.begin(), changes.end(),
                     [](const PlannedChange& a, const PlannedChange& b) { return a.at < b.at; });
  }
}

WaitEstimate EstimateAt(const State& s, QueueId qid, std::uint32_t position, int depth) {
  const QueueRt& q = s.queues[qid.value];
  WaitModel m;
  m.handle_seconds = q.handle_seconds;
  m.abandon_rate = q.exposure_seconds > 0 ? q.abandons / q.exposure_seconds : 0;
  m.answer_seconds = q.answer_seconds;
  // Enough free agents for everyone up to this place: answered at once.
  if (q.ready.size() > position) {
    const Duration ring = FromSeconds(m.answer_seconds);
    return {ring, ring, ring};
  }
  // Staffed members (not ready, logged out and going on break after this call do not count),
  // each for its share (ShareClass in state.h).
  auto share = [&](std::uint32_t share_class) {
    int busy_queues = 1;
    for (std::uint32_t o : q.share_classes[share_class].others) {
      busy_queues += s.queues[o].waiting.empty() ? 0 : 1;
    }
    return 1.0 / busy_queues;
  };
  for (std::uint32_t c = 0; c < q.share_classes.size(); ++c) {
    if (q.share_classes[c].staffed == 0) continue;
    m.agents += q.share_classes[c].staffed * share(c);
  }
  WaitEstimate e = EstimateWait(m, position);
  const Duration horizon = m.agents > 0 ? std::min(e.high, kPlanHorizon) : kPlanHorizon;
  const PlannedAgents planned = Planned(s, qid, m.agents, horizon, share);
  double reference = m.agents;
  for (int i = 0; i < planned.count && reference <= 0; ++i) reference = planned.steps[i].agents;
  if (planned.count > 0 && reference > 0) {
    // The estimate at `reference` agents, as work, mapped through the planned agents.
    WaitModel at_reference = m;
    at_reference.agents = reference;
    at_reference.answer_seconds = 0;
    const WaitEstimate w = EstimateWait(at_reference, position);
    auto map = [&](Duration d) {
      const double work = Seconds(d) * reference;
      if (work <= 0) return FromSeconds(m.answer_seconds);
      return FromSeconds(TimeForWork(work, position + 1.0, m.agents, planned, reference) +
                         m.answer_seconds);
    };
    e = {map(w.mean), map(w.low), map(w.high)};
  }
  // A relax step that overflows after T bounds the wait here: after T the caller joins the
  // target queue at its back (one level deep, so chains of overflows cannot recurse).
  const QueueSettings& qs = s.settings.queues[qid.value];
  for (const RelaxStep& step : qs.relax) {
    if (step.kind != RelaxStep::Kind::kOverflow || depth > 0) continue;
    const WaitEstimate there = EstimateAt(
        s, step.queue, static_cast<std::uint32_t>(s.queues[step.queue.value].waiting.size()), 1);
    const WaitEstimate capped{step.after + there.mean, step.after + there.low,
                              step.after + there.high};
    if (capped.mean < e.mean) e.mean = capped.mean;
    if (capped.high < e.high) e.high = capped.high;
    if (capped.low < e.low) e.low = capped.low;
    break;
  }
  return e;
}

}  // namespace internal
}  // namespace sb::core
