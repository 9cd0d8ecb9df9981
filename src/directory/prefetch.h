#pragma once
// Screen-pop pre-fetch: the look-up for a call starts as soon as its number (or an id typed in
// the IVR) is known, on a worker thread, while the caller is still in the IVR or the queue, so the
// records are ready before an agent's phone rings. The result can also feed routing: HintsOf
// gives the matched record's language and segment, which the call flow may turn into skill
// requirements (e.g. language "de" -> skill "lang-de").
//
// Thread safety: every method may be called from any thread; the control thread calls Start and
// Get(call, 0) and never waits. Ownership: the Prefetcher keeps a reference to the directory,
// which must outlive it; it owns its worker thread and the results of calls not yet forgotten.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "directory/directory.h"

namespace sb::directory {

struct RoutingHints {
  std::string language;  // of the first record matched, empty if none
  std::string segment;
};
RoutingHints HintsOf(const ScreenPop& pop);

class Prefetcher {
 public:
  // At most `max_calls` calls are tracked at once (Start refuses more).
  explicit Prefetcher(const Directory& directory, std::size_t max_calls = 100'000);
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // Queues the look-up and returns at once; false if `max_calls` are already tracked. Starting
  // again for the same call (an id typed in the IVR after the number was known) replaces the
  // earlier request: Get returns the newer result.
  bool Start(std::uint64_t call, PopRequest request);
  // The result, waiting up to `wait` if it is still being looked up; nullopt if the call was
  // never started (or forgotten) or the wait ran out. The result stays until Forget.
  std::optional<ScreenPop> Get(std::uint64_t call, std::chrono::milliseconds wait);
  // Drops what is kept for a call (it ended).
  void Forget(std::uint64_t call);
  std::size_t tracked() const;

 private:
  struct Entry {
    std::uint64_t generation = 0;
    std::optional<ScreenPop> pop;
  };
  struct Job {
    std::uint64_t call;
    std::uint64_t generation;
    PopRequest request;
  };
  void Run();

  const Directory& directory_;
  const std::size_t max_calls_;
  mutable std::mutex mu_;
  std::condition_variable work_;                    // worker: a job or stop
  std::condition_variable done_;                    // Get: a result
  std::deque<Job> jobs_;                            // guarded by mu_
  std::unordered_map<std::uint64_t, Entry> calls_;  // guarded by mu_
  std::uint64_t next_generation_ = 0;               // guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
  std::thread worker_;
};

}  // namespace sb::directory
