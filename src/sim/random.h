#pragma once
// Sampling the simulator's distributions from one seeded generator per replication.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "base/time.h"
#include "sim/settings.h"

namespace sb::sim {

// The longest duration a draw returns: a century, far past any run (at most two years) and far
// from the end of a Duration's range, so that `now + draw` never overflows. Heavy-tailed
// distributions with huge means do reach past it.
inline constexpr Duration kMaxDraw = std::chrono::hours(24 * 36525);

class Sampler {
 public:
  explicit Sampler(std::uint64_t seed) : rng_(seed) {}

  // A duration from `d`; kNone gives Duration::max().
  Duration Draw(const Distribution& d) {
    const double mean = Seconds(d.mean);
    switch (d.kind) {
      case Distribution::Kind::kNone:
        return Duration::max();
      case Distribution::Kind::kFixed:
        return std::min(d.mean, kMaxDraw);
      case Distribution::Kind::kExponential:
        return Capped(Exponential(1.0 / mean));
      case Distribution::Kind::kLognormal: {
        const double sigma2 = std::log1p(d.cv * d.cv);
        std::lognormal_distribution<double> ln(std::log(mean) - sigma2 / 2, std::sqrt(sigma2));
        return Capped(ln(rng_));
      }
    }
    return d.mean;
  }
  // Seconds as a Duration, at most kMaxDraw: converting a double past an int64's range is
  // undefined behaviour, not a large number.
  static Duration Capped(double seconds) {
    if (!(seconds < Seconds(kMaxDraw))) return kMaxDraw;
    return seconds > 0 ? FromSeconds(seconds) : Duration{0};
  }
  double Exponential(double rate) { return std::exponential_distribution<double>(rate)(rng_); }
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

 private:
  std::mt19937_64 rng_;
};

}  // namespace sb::sim
