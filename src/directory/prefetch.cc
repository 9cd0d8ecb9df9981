#include "directory/prefetch.h"

namespace sb::directory {

RoutingHints HintsOf(const ScreenPop& pop) {
  if (pop.records.empty()) return {};
  return RoutingHints{pop.records.front().language, pop.records.front().segment};
}

Prefetcher::Prefetcher(const Directory& directory, std::size_t max_calls)
    : directory_(directory), max_calls_(max_calls), worker_([this] { Run(); }) {}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  worker_.join();
}

bool Prefetcher::Start(std::uint64_t call, PopRequest request) {
  {
    std::lock_guard lock(mu_);
    auto it = calls_.find(call);
    if (it == calls_.end()) {
      if (calls_.size() >= max_calls_) return false;
      it = calls_.emplace(call, Entry{}).first;
    }
    it->second.generation = ++next_generation_;
    it->second.pop.reset();
    jobs_.push_back(Job{call, it->second.generation, std::move(request)});
  }
  work_.notify_one();
  return true;
}

std::optional<ScreenPop> Prefetcher::Get(std::uint64_t call, std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  auto ready = [&] {
    auto it = calls_.find(call);
    return it == calls_.end() || it->second.pop.has_value();
  };
  if (!ready()) done_.wait_for(lock, wait, ready);
  auto it = calls_.find(call);
  if (it == calls_.end()) return std::nullopt;
  return it->second.pop;
}

void Prefetcher::Forget(std::uint64_t call) {
  std::lock_guard lock(mu_);
  calls_.erase(call);
}

std::size_t Prefetcher::tracked() const {
  std::lock_guard lock(mu_);
  return calls_.size();
}

void Prefetcher::Run() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mu_);
      work_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      // Skip requests already replaced or forgotten.
      auto it = calls_.find(job.call);
      if (it == calls_.end() || it->second.generation != job.generation) continue;
    }
    ScreenPop pop = directory_.Pop(job.request);  // no lock held: readers never wait
    {
      std::lock_guard lock(mu_);
      auto it = calls_.find(job.call);
      if (it == calls_.end() || it->second.generation != job.generation) continue;
      it->second.pop = std::move(pop);
    }
    done_.notify_all();
  }
}

}  // namespace sb::directory
