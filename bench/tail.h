#pragma once
// Where a latency tail comes from: each timed sample is tagged with what happened to the thread
// while it ran (getrusage(RUSAGE_THREAD) before and after, outside the timed interval): an
// context switch (preempted by another process, or blocked), a page fault (memory touched for the
// first time), or neither. Reported: p50/p99/max of all samples, and p99/max of the clean ones,
// with the share of each kind. A tail that is gone from the clean samples is the machine's, not the
// code's.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace sb::bench {

class TailRecorder {
 public:
  TailRecorder() {
    all_.reserve(1 << 22);
    clean_.reserve(1 << 22);
  }
  // Times `f` once.
  template <typename F>
  void Time(F&& f) {
    rusage before{}, after{};
    getrusage(RUSAGE_THREAD, &before);
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const auto t1 = std::chrono::steady_clock::now();
    getrusage(RUSAGE_THREAD, &after);
    const double ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
    const bool switched = after.ru_nivcsw != before.ru_nivcsw || after.ru_nvcsw != before.ru_nvcsw;
    const bool faulted = after.ru_minflt != before.ru_minflt || after.ru_majflt != before.ru_majflt;
    all_.push_back(ns);
    if (switched) {
      ++switched_;
      max_switched_ = std::max(max_switched_, ns);
    }
    if (faulted) {
      ++faulted_;
      max_faulted_ = std::max(max_faulted_, ns);
    }
    if (!switched && !faulted) clean_.push_back(ns);
  }

  void Report(benchmark::State& state) {
    if (all_.empty()) return;
    std::sort(all_.begin(), all_.end());
    std::sort(clean_.begin(), clean_.end());
    auto at = [](const std::vector<double>& v, double q) {
      return v.empty() ? 0.0 : v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
    };
    const double n = static_cast<double>(all_.size());
    state.counters["p50_us"] = at(all_, 0.5) / 1000;
    state.counters["p99_us"] = at(all_, 0.99) / 1000;
    state.counters["max_us"] = all_.back() / 1000;
    state.counters["clean_p99_us"] = at(clean_, 0.99) / 1000;
    state.counters["clean_max_us"] = clean_.empty() ? 0 : clean_.back() / 1000;
    state.counters["preempted_pct"] = 100.0 * static_cast<double>(switched_) / n;
    state.counters["faulted_pct"] = 100.0 * static_cast<double>(faulted_) / n;
    state.counters["max_preempted_us"] = max_switched_ / 1000;
    state.counters["max_faulted_us"] = max_faulted_ / 1000;
  }

 private:
  std::vector<double> all_, clean_;
  std::size_t switched_ = 0, faulted_ = 0;
  double max_switched_ = 0, max_faulted_ = 0;
};

}  // namespace sb::bench
