#include "sim/simulator.h"

#include <cmath>

#include "sim/replication.h"

namespace sb::sim {
namespace {

std::uint64_t ReplicationSeed(std::uint64_t seed, int rep) {
  std::uint64_t x = seed + 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(rep + 1);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  return x ^ (x >> 27);
}

SimSummary Summarise(const std::vector<ReplicationResult>& reps, const SimSettings& s) {
  std::vector<double> sl, asa, aht, ab, occ, offered, mae, w30, cov, bmae, b30;
  std::vector<double> qmae, q30, qcov, qbmae, qb30;
  double queued = 0, answered = 0;
  const double days = Seconds(s.length) / 86400.0;
  for (const ReplicationResult& r : reps) {
    const core::IntervalStats& t = r.total;
    sl.push_back(t.ServiceLevel());
    asa.push_back(t.Asa());
    aht.push_back(t.Aht());
    const double finished = static_cast<double>(t.answered + t.abandoned);
    ab.push_back(finished > 0 ? static_cast<double>(t.abandoned) / finished : std::nan(""));
    occ.push_back(t.Occupancy());
    offered.push_back(static_cast<double>(t.offered) / days);
    mae.push_back(r.estimate.mean_absolute_error);
    w30.push_back(r.estimate.within_30s);
    cov.push_back(r.estimate.band_coverage);
    bmae.push_back(r.baseline.mean_absolute_error);
    b30.push_back(r.baseline.within_30s);
    qmae.push_back(r.estimate_queued.mean_absolute_error);
    q30.push_back(r.estimate_queued.within_30s);
    qcov.push_back(r.estimate_queued.band_coverage);
    qbmae.push_back(r.baseline_queued.mean_absolute_error);
    qb30.push_back(r.baseline_queued.within_30s);
    queued += static_cast<double>(r.estimate_queued.samples);
    answered += static_cast<double>(r.estimate.samples);
  }
  SimSummary out;
  out.service_level = Summarize(sl);
  out.asa = Summarize(asa);
  out.aht = Summarize(aht);
  out.abandon_rate = Summarize(ab);
  out.occupancy = Summarize(occ);
  out.offered_per_day = Summarize(offered);
  out.wait_mae = Summarize(mae);
  out.wait_within_30s = Summarize(w30);
  out.wait_band_coverage = Summarize(cov);
  out.baseline_mae = Summarize(bmae);
  out.baseline_within_30s = Summarize(b30);
  out.queued_wait_mae = Summarize(qmae);
  out.queued_wait_within_30s = Summarize(q30);
  out.queued_band_coverage = Summarize(qcov);
  out.queued_baseline_mae = Summarize(qbmae);
  out.queued_baseline_within_30s = Summarize(qb30);
  out.queued_share = answered > 0 ? queued / answered : 0;
  return out;
}

}  // namespace

Result<SimResult> Run(const SimSettings& settings, const RunOptions& options) {
  SB_RETURN_IF_ERROR(ValidateSimSettings(settings));
  SimResult result;
  for (int rep = 0; rep < settings.replications; ++rep) {
    SB_ASSIGN_OR_RETURN(auto engine, core::Engine::Create(settings.engine, settings.start));
    RunOptions rep_options;
    if (options.progress) {
      rep_options.progress = [&options, rep, n = settings.replications](double f) {
        options.progress((rep + f) / n);
      };
    }
    rep_options.events = options.events;
    internal::Replication r(settings, std::move(engine), ReplicationSeed(settings.seed, rep),
                            &rep_options, rep == 0);
    result.replications.push_back(r.Run());
  }
  result.summary = Summarise(result.replications, settings);
  return result;
}

}  // namespace sb::sim
