#include "core/wait_estimate.h"

#include <algorithm>
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
  for (const ShareClass& c : q.share_classes) {
    if (c.staffed == 0) continue;
    int busy_queues = 1;
    for (std::uint32_t o : c.others) busy_queues += s.queues[o].waiting.empty() ? 0 : 1;
    m.agents += static_cast<double>(c.staffed) / busy_queues;
  }
  WaitEstimate e = EstimateWait(m, position);
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
