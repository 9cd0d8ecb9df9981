#include <cmath>

#include "sim/simulator.h"

namespace sb::sim {
namespace {

// Two-sided 95 % Student t quantiles for 1..30 degrees of freedom; 1.96 beyond.
double TQuantile(std::size_t df) {
  static constexpr double kT[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                  2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                  2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                  2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return 0;
  return df <= 30 ? kT[df - 1] : 1.96;
}

}  // namespace

void WaitAccuracy::Add(double error_seconds, bool in_band) {
  const double n = static_cast<double>(++samples);
  mean_absolute_error += (std::fabs(error_seconds) - mean_absolute_error) / n;
  within_30s += ((std::fabs(error_seconds) <= 30 ? 1.0 : 0.0) - within_30s) / n;
  band_coverage += ((in_band ? 1.0 : 0.0) - band_coverage) / n;
}

void WaitAccuracy::Merge(const WaitAccuracy& o) {
  const double n = static_cast<double>(samples + o.samples);
  if (n == 0) return;
  const double wa = static_cast<double>(samples) / n;
  const double wb = static_cast<double>(o.samples) / n;
  mean_absolute_error = mean_absolute_error * wa + o.mean_absolute_error * wb;
  within_30s = within_30s * wa + o.within_30s * wb;
  band_coverage = band_coverage * wa + o.band_coverage * wb;
  samples += o.samples;
}

Estimate Summarize(const std::vector<double>& values) {
  double sum = 0;
  std::size_t n = 0;
  for (double v : values) {
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  }
  if (n == 0) return {std::nan(""), std::nan("")};
  const double mean = sum / static_cast<double>(n);
  double ss = 0;
  for (double v : values) {
    if (std::isfinite(v)) ss += (v - mean) * (v - mean);
  }
  if (n < 2) return {mean, 0};
  const double sd = std::sqrt(ss / static_cast<double>(n - 1));
  return {mean, TQuantile(n - 1) * sd / std::sqrt(static_cast<double>(n))};
}

}  // namespace sb::sim
