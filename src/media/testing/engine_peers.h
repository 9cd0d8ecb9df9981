#pragma once
// Test peers for the media engine's tests (engine_test.cc, engine_threads_test.cc): UDP sockets
// on 127.0.0.1 that play the phones, an event collector, RTP builders and bounded waits.
// Header-only, for tests; not part of the module's library.

#include "media/engine.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "media/g711.h"
#include "media/rtp.h"

namespace sb::media::test_peers {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

inline Options TestOptions() {
  Options o;
  o.address = "127.0.0.1";
  o.port_min = 41000;
  o.port_max = 41999;
  return o;
}

// A phone: a UDP socket on a port the kernel picks.
class Phone {
 public:
  struct Datagram {
    std::vector<std::uint8_t> bytes;
    std::uint16_t from_port = 0;
    RtpPacket rtp;  // parsed (the engine only sends RTP)
    std::span<const std::uint8_t> payload() const {
      return std::span(bytes).subspan(rtp.payload_offset, rtp.payload_size);
    }
  };
  Phone() {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Phone() { close(fd_); }
  std::uint16_t port() const { return port_; }
  int fd() const { return fd_; }

  void Send(std::uint16_t port, const std::vector<std::uint8_t>& bytes) const {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    ASSERT_EQ(sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a),
              static_cast<ssize_t>(bytes.size()));
  }
  std::optional<Datagram> Receive(milliseconds timeout) const {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    Datagram d;
    d.bytes.resize(2048);
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const ssize_t n =
        recvfrom(fd_, d.bytes.data(), d.bytes.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return std::nullopt;
    d.bytes.resize(static_cast<std::size_t>(n));
    d.from_port = ntohs(from.sin_port);
    const auto rtp = ParseRtp(d.bytes);
    EXPECT_TRUE(rtp) << "the engine sent a datagram that is not RTP";
    if (rtp) d.rtp = *rtp;
    return d;
  }
  void Drain() const {
    while (Receive(milliseconds(0))) {
    }
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

inline std::vector<std::uint8_t> Rtp(std::uint8_t pt, std::uint16_t seq, std::uint32_t ts,
                                     std::uint32_t ssrc, const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> p(kRtpHeaderSize);
  WriteRtpHeader(p.data(), false, pt, seq, ts, ssrc);
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

// Collects the engine's events (they arrive on the media threads) and the thread of each.
class Events {
 public:
  std::function<void(const Event&)> Sink() {
    return [this](const Event& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
      threads_.push_back(std::this_thread::get_id());
      cv_.notify_all();
    };
  }
  bool WaitForCount(std::size_t n, milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
  }
  std::vector<Event> Get() {
    std::lock_guard lock(mu_);
    return events_;
  }
  // The thread of the first event of `kind` for `leg` from index `from` on, once it came.
  std::optional<std::thread::id> WaitForThread(Event::Kind kind, LegId leg, std::size_t from,
                                               milliseconds timeout) {
    std::unique_lock lock(mu_);
    std::optional<std::thread::id> found;
    cv_.wait_for(lock, timeout, [&] {
      for (std::size_t i = from; i < events_.size(); ++i) {
        if (events_[i].kind == kind && events_[i].leg == leg) found = threads_[i];
      }
      return found.has_value();
    });
    return found;
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return events_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
  std::vector<std::thread::id> threads_;
};

template <typename F>
inline bool WaitUntil(F done, milliseconds timeout) {
  const auto end = SteadyClock::now() + timeout;
  while (!done()) {
    if (SteadyClock::now() > end) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

// Every command posted has been applied: a bridge waiting for its leg to move relays nothing yet.
inline bool Settled(Engine& engine, milliseconds timeout = milliseconds(1000)) {
  return WaitUntil([&] { return engine.stats().commands_pending == 0; }, timeout);
}

inline std::shared_ptr<const Clip> Ramp(std::size_t n) {
  std::vector<std::int16_t> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<std::int16_t>((i * 97) % 20000 - 10000);
  return Clip::FromLinear(std::move(s));
}

inline Engine::Opened OpenLeg(Engine& e) {
  auto r = e.Open();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Engine::Opened{0, 0};
}

}  // namespace sb::media::test_peers
