#include "server/output.h"

#include <unistd.h>

#include <cerrno>

namespace sb::server {

Output::Output(int fd, std::size_t max_bytes) : fd_(fd), max_bytes_(max_bytes) {
  thread_ = std::thread([this] { Run(); });
}

Output::~Output() {
  (void)Drain(std::chrono::milliseconds(2000));
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Output::Push(std::string line) {
  {
    MutexLock lock(mu_);
    if (gone_) return;
    if (bytes_ + line.size() + 1 > max_bytes_) {
      ++dropped_;
      ++unreported_;
      return;
    }
    if (unreported_ > 0) {
      std::string note = "{\"dropped\":" + std::to_string(unreported_) + "}\n";
      bytes_ += note.size();
      lines_.push_back(std::move(note));
      unreported_ = 0;
    }
    line += '\n';
    bytes_ += line.size();
    lines_.push_back(std::move(line));
  }
  wake_.notify_one();
}

std::uint64_t Output::dropped() const {
  MutexLock lock(mu_);
  return dropped_;
}

bool Output::Drain(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(mu_);
  while (!gone_ && (!lines_.empty() || writing_)) {
    if (drained_.wait_until(lock, until) == std::cv_status::timeout) break;
  }
  return gone_ || (lines_.empty() && !writing_);
}

void Output::Run() {
  std::string batch;
  while (true) {
    {
      MutexLock lock(mu_);
      while (!stopping_ && lines_.empty()) wake_.wait(lock);
      if (lines_.empty()) return;
      // Everything queued goes out in one write: fewer system calls when the reader is slow.
      batch.clear();
      while (!lines_.empty() && batch.size() < (1u << 20)) {
        batch += lines_.front();
        bytes_ -= lines_.front().size();
        lines_.pop_front();
      }
      writing_ = true;
    }
    std::size_t off = 0;
    bool gone = false;
    while (off < batch.size()) {
      const ssize_t n = ::write(fd_, batch.data() + off, batch.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        gone = true;  // EPIPE or worse: the reader is gone
        break;
      }
      off += static_cast<std::size_t>(n);
    }
    {
      MutexLock lock(mu_);
      writing_ = false;
      if (gone) {
        gone_ = true;
        lines_.clear();
        bytes_ = 0;
      }
    }
    drained_.notify_all();
  }
}

}  // namespace sb::server
