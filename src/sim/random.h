#pragma once
// Sampling the simulator's distributions from one seeded generator per replication.

#include <cmath>
#include <cstdint>
#include <random>

#include "base/time.h"
#include "sim/settings.h"

namespace sb::sim {

class Sampler {
 public:
  explicit Sampler(std::uint64_t seed) : rng_(seed) {}

  // A duration from `d`; kNone gives Duration::max().
  Duration Draw(const Distribution& d) {
    const double mean = Seconds(d.mean);
    switch (d.kind) {
      case Distribution::Kind::kNone: return Duration::max();
      case Distribution::Kind::kFixed: return d.mean;
      case Distribution::Kind::kExponential: return FromSeconds(Exponential(1.0 / mean));
      case Distribution::Kind::kLognormal: {
        const double sigma2 = std::log1p(d.cv * d.cv);
        std::lognormal_distribution<double> ln(std::log(mean) - sigma2 / 2, std::sqrt(sigma2));
        return FromSeconds(ln(rng_));
      }
    }
    return d.mean;
  }
  double Exponential(double rate) { return std::exponential_distribution<double>(rate)(rng_); }
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

 private:
  std::mt19937_64 rng_;
};

}  // namespace sb::sim
