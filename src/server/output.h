#pragma once
// Output: lines for a reader that may be slow or gone (standard output of `serve`), written by
// a thread of its own so that the control thread never blocks on it. The queue is bounded by
// bytes: past the bound lines are dropped and counted, and the reader is told how many when
// there is room again ({"dropped":N}). A reader that closed its end (EPIPE) gets nothing more.
// Thread safety: Push from any thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "base/thread_annotations.h"

namespace sb::server {

class Output {
 public:
  explicit Output(int fd, std::size_t max_bytes = 64u << 20);
  // Writes what is queued (for up to `linger`), then stops.
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void Push(std::string line);  // without its newline; never blocks
  std::uint64_t dropped() const;
  // Waits until everything pushed so far is written (or the reader is gone), up to `timeout`.
  bool Drain(std::chrono::milliseconds timeout);

 private:
  void Run();

  const int fd_;
  const std::size_t max_bytes_;
  mutable Mutex mu_;
  std::condition_variable_any wake_, drained_;
  std::deque<std::string> lines_ SB_GUARDED_BY(mu_);
  std::size_t bytes_ SB_GUARDED_BY(mu_) = 0;
  std::uint64_t dropped_ SB_GUARDED_BY(mu_) = 0;
  std::uint64_t unreported_ SB_GUARDED_BY(mu_) = 0;
  bool writing_ SB_GUARDED_BY(mu_) = false;
  bool gone_ SB_GUARDED_BY(mu_) = false;
  bool stopping_ SB_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sb::server
