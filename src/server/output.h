#pragma once
// Output: lines for a reader that may be slow or gone (standard output of `serve`), written by
// a thread of its own so that the control thread never blocks on it. The queue is bounded by
// bytes: past the bound lines are dropped and counted, and the reader is told how many when
// there is room again ({"dropped":N}). A reader that closed its end (EPIPE) gets nothing more.
// Thread safety: Push from any thread.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

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
  mutable std::mutex mu_;
  std::condition_variable wake_, drained_;
  std::deque<std::string> lines_;  // guarded by mu_
  std::size_t bytes_ = 0;          // guarded by mu_
  std::uint64_t dropped_ = 0;      // guarded by mu_
  std::uint64_t unreported_ = 0;   // guarded by mu_
  bool writing_ = false;           // guarded by mu_
  bool gone_ = false;              // guarded by mu_
  bool stopping_ = false;          // guarded by mu_
  std::thread thread_;
};

}  // namespace sb::server
