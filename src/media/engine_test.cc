// The engine over real UDP sockets on 127.0.0.1: test sockets play the phones. Waits are bounded
// poll timeouts, never fixed sleeps, and each test takes well under two seconds.

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

namespace sb::media {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

Options TestOptions() {
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

std::vector<std::uint8_t> Rtp(std::uint8_t pt, std::uint16_t seq, std::uint32_t ts,
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
bool WaitUntil(F done, milliseconds timeout) {
  const auto end = SteadyClock::now() + timeout;
  while (!done()) {
    if (SteadyClock::now() > end) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

// Every command posted has been applied: a bridge waiting for its leg to move relays nothing yet.
bool Settled(Engine& engine, milliseconds timeout = milliseconds(1000)) {
  return WaitUntil([&] { return engine.stats().commands_pending == 0; }, timeout);
}

std::shared_ptr<const Clip> Ramp(std::size_t n) {
  std::vector<std::int16_t> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<std::int16_t>((i * 97) % 20000 - 10000);
  return Clip::FromLinear(std::move(s));
}

Engine::Opened OpenLeg(Engine& e) {
  auto r = e.Open();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Engine::Opened{0, 0};
}

TEST(Engine, PlaysAClipAtFiftyPacketsASecond) {
  Events events;
  Engine engine(TestOptions(), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  EXPECT_EQ(leg.port % 2, 0);
  const auto clip = Ramp(1600);  // ten frames, looped
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", phone.port(), Codec::kPcma, 101}));
  ASSERT_TRUE(engine.Play(leg.leg, {clip}, true));
  std::vector<Phone::Datagram> got;
  const auto start = SteadyClock::now();
  while (got.size() < 26) {
    auto d = phone.Receive(milliseconds(200));
    ASSERT_TRUE(d) << "after " << got.size() << " packets";
    got.push_back(std::move(*d));
  }
  const auto elapsed = SteadyClock::now() - start;
  EXPECT_GT(elapsed, milliseconds(350));  // 25 intervals of 20 ms = 500 ms
  EXPECT_LT(elapsed, milliseconds(900));
  const auto& pcma = clip->encoded(Codec::kPcma);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& d = got[i];
    EXPECT_EQ(d.from_port, leg.port);
    EXPECT_EQ(d.rtp.payload_type, 8);
    EXPECT_EQ(d.rtp.marker, i == 0);
    EXPECT_EQ(d.rtp.ssrc, got[0].rtp.ssrc);
    EXPECT_EQ(d.rtp.seq, static_cast<std::uint16_t>(got[0].rtp.seq + i));
    EXPECT_EQ(d.rtp.timestamp, got[0].rtp.timestamp + 160 * i);
    ASSERT_EQ(d.rtp.payload_size, 160u);
    const std::size_t at = (i % 10) * 160;
    EXPECT_TRUE(std::equal(d.payload().begin(), d.payload().end(), pcma.begin() + at)) << i;
  }
  // Counted once sendmmsg returns, which may be just after the phone read the last one.
  EXPECT_TRUE(WaitUntil([&] { return engine.stats().packets_sent >= 26; }, milliseconds(200)));
  EXPECT_TRUE(events.Get().empty());
}

TEST(Engine, NonLoopingPlayoutPadsAndReportsDone) {
  Events events;
  Engine engine(TestOptions(), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", phone.port(), Codec::kPcmu, 101}));
  ASSERT_TRUE(engine.Play(leg.leg, {Ramp(400)}, false));
  for (int i = 0; i < 3; ++i) {
    const auto d = phone.Receive(milliseconds(200));
    ASSERT_TRUE(d);
    if (i == 2) {
      EXPECT_EQ(d->payload()[79], Ramp(400)->encoded(Codec::kPcmu)[399]);
      EXPECT_EQ(d->payload()[80], kUlawSilence);
      EXPECT_EQ(d->payload()[159], kUlawSilence);
    }
  }
  ASSERT_TRUE(events.WaitForCount(1, milliseconds(500)));
  EXPECT_EQ(events.Get()[0].kind, Event::Kind::kPlayoutDone);
  EXPECT_EQ(events.Get()[0].leg, leg.leg);
  EXPECT_FALSE(phone.Receive(milliseconds(60)));  // stopped
  EXPECT_EQ(events.Get().size(), 1u);
}

TEST(Engine, BridgeTranscodesAndRewritesEvents) {
  Engine engine(TestOptions(), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  Phone pa, pb;
  const auto a = OpenLeg(engine), b = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(a.leg, {"127.0.0.1", pa.port(), Codec::kPcmu, 101}));
  ASSERT_TRUE(engine.SetRemote(b.leg, {"127.0.0.1", pb.port(), Codec::kPcma, 96}));
  ASSERT_TRUE(engine.Play(a.leg, {Ramp(1600)}, true));  // the bridge must stop it
  ASSERT_TRUE(engine.Bridge(a.leg, b.leg));
  ASSERT_TRUE(Settled(engine));  // the legs may be on two threads: one moves first
  pa.Drain();
  std::vector<std::uint8_t> ulaw(160);
  for (std::size_t i = 0; i < ulaw.size(); ++i) ulaw[i] = static_cast<std::uint8_t>(i * 3);

  pa.Send(a.port, Rtp(0, 10, 5000, 0xA, ulaw));
  auto d = pb.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->from_port, b.port);
  EXPECT_EQ(d->rtp.payload_type, 8);
  EXPECT_TRUE(d->rtp.marker);  // a new stream for B's phone
  ASSERT_EQ(d->rtp.payload_size, 160u);
  for (std::size_t i = 0; i < 160; ++i) EXPECT_EQ(d->payload()[i], kUlawToAlaw[ulaw[i]]);
  const auto first = d->rtp;

  pa.Send(a.port, Rtp(0, 11, 5160, 0xA, ulaw));
  d = pb.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->rtp.marker);
  EXPECT_EQ(d->rtp.ssrc, first.ssrc);
  EXPECT_EQ(d->rtp.seq, static_cast<std::uint16_t>(first.seq + 1));
  EXPECT_EQ(d->rtp.timestamp, first.timestamp + 160);

  pb.Send(b.port, Rtp(8, 1, 900, 0xB, {0xD5, 0x2A}));
  d = pa.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->from_port, a.port);
  EXPECT_EQ(d->rtp.payload_type, 0);
  ASSERT_EQ(d->rtp.payload_size, 2u);
  EXPECT_EQ(d->payload()[0], kAlawToUlaw[0xD5]);
  EXPECT_EQ(d->payload()[1], kAlawToUlaw[0x2A]);

  pa.Send(a.port, Rtp(101, 12, 5320, 0xA, {5, 0x80 | 10, 0, 160}));
  d = pb.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rtp.payload_type, 96);
  ASSERT_EQ(d->rtp.payload_size, 4u);
  EXPECT_EQ(d->payload()[0], 5);
  EXPECT_EQ(d->payload()[1], 0x80 | 10);
  EXPECT_EQ(engine.stats().packets_relayed, 4u);

  // Unbridged, nothing is relayed.
  ASSERT_TRUE(engine.Unbridge(b.leg));
  pa.Send(a.port, Rtp(0, 13, 5480, 0xA, ulaw));
  ASSERT_TRUE(WaitUntil([&] { return engine.stats().packets_received == 5; }, milliseconds(500)));
  EXPECT_FALSE(pb.Receive(milliseconds(40)));
  EXPECT_EQ(engine.stats().packets_relayed, 4u);
  pa.Drain();
  EXPECT_FALSE(pa.Receive(milliseconds(60)));  // the bridge stopped A's playout for good
}

TEST(Engine, LatchesOntoTheSourceOfThePackets) {
  Engine engine(TestOptions(), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  Phone wrong, real, intruder;
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", wrong.port(), Codec::kPcmu, 101}));
  ASSERT_TRUE(engine.Play(leg.leg, {Ramp(1600)}, true));
  ASSERT_TRUE(wrong.Receive(milliseconds(300)));  // the SDP's address, until a packet comes

  real.Send(leg.port, Rtp(0, 1, 100, 0x1111, std::vector<std::uint8_t>(160, 0xFF)));
  ASSERT_TRUE(real.Receive(milliseconds(300)));
  wrong.Drain();
  ASSERT_TRUE(real.Receive(milliseconds(300)));
  EXPECT_FALSE(wrong.Receive(milliseconds(0)));

  // Another source with the same SSRC does not move the stream; with a new SSRC it does.
  intruder.Send(leg.port, Rtp(0, 2, 260, 0x1111, std::vector<std::uint8_t>(160, 0xFF)));
  ASSERT_TRUE(real.Receive(milliseconds(300)));
  ASSERT_TRUE(real.Receive(milliseconds(300)));
  EXPECT_FALSE(intruder.Receive(milliseconds(0)));
  intruder.Send(leg.port, Rtp(0, 1, 7, 0x2222, std::vector<std::uint8_t>(160, 0xFF)));
  ASSERT_TRUE(intruder.Receive(milliseconds(300)));
}

TEST(Engine, ReportsOneDigitPerKeyPress) {
  Events events;
  Engine engine(TestOptions(), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", phone.port(), Codec::kPcmu, 101}));
  std::uint16_t seq = 0;
  const auto press = [&](std::uint8_t event, std::uint32_t ts) {
    for (int i = 1; i <= 3; ++i) {
      phone.Send(leg.port,
                 Rtp(101, seq++, ts, 0x5, {event, 10, 0, static_cast<std::uint8_t>(i * 40)}));
    }
    for (int i = 0; i < 3; ++i) {
      phone.Send(leg.port, Rtp(101, seq++, ts, 0x5, {event, 0x80 | 10, 0, 160}));
    }
  };
  press(5, 1000);
  ASSERT_TRUE(events.WaitForCount(1, milliseconds(500)));
  press(11, 2000);
  ASSERT_TRUE(events.WaitForCount(2, milliseconds(500)));
  ASSERT_TRUE(WaitUntil([&] { return engine.stats().packets_received == 12; }, milliseconds(500)));
  const auto got = events.Get();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, Event::Kind::kDtmf);
  EXPECT_EQ(got[0].leg, leg.leg);
  EXPECT_EQ(got[0].digit, '5');
  EXPECT_EQ(got[1].digit, '#');
}

TEST(Engine, ReportsNoRtpOnce) {
  Events events;
  Options o = TestOptions();
  o.no_rtp_timeout = milliseconds(200);
  Engine engine(o, events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  const auto start = SteadyClock::now();
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(events.WaitForCount(1, milliseconds(1000)));
  EXPECT_GE(SteadyClock::now() - start, milliseconds(200));
  EXPECT_EQ(events.Get()[0].kind, Event::Kind::kRtpTimeout);
  EXPECT_EQ(events.Get()[0].leg, leg.leg);
  EXPECT_FALSE(events.WaitForCount(2, milliseconds(250)));  // once, and the leg stays
  EXPECT_EQ(engine.stats().legs, 1u);
  EXPECT_TRUE(engine.Close(leg.leg));
}

TEST(Engine, DropsAndCountsGarbage) {
  Engine engine(TestOptions(), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(engine.Play(leg.leg, {Ramp(1600)}, true));
  phone.Send(leg.port, {'h', 'e', 'l', 'l', 'o'});
  auto v1 = Rtp(0, 1, 1, 1, {1, 2, 3});
  v1[0] = 0x40;
  phone.Send(leg.port, v1);
  auto padded = Rtp(0, 1, 1, 1, {1, 2, 3});
  padded[0] |= 0x20;
  padded.back() = 200;
  phone.Send(leg.port, padded);
  phone.Send(leg.port, Rtp(13, 1, 1, 1, {0x40}));  // comfort noise: RTP, but not ours to play
  ASSERT_TRUE(WaitUntil([&] { return engine.stats().packets_dropped == 4; }, milliseconds(500)));
  // None of that latched (comfort noise aside: it is valid RTP); the engine still serves.
  phone.Send(leg.port, Rtp(0, 2, 160, 1, std::vector<std::uint8_t>(160, 0xFF)));
  ASSERT_TRUE(phone.Receive(milliseconds(300)));
  EXPECT_EQ(engine.stats().packets_received, 5u);
}

TEST(Engine, RefusesLegsPastMaxLegs) {
  Options o = TestOptions();
  o.max_legs = 2;
  Engine engine(o, nullptr);
  ASSERT_TRUE(engine.Start().ok());
  const auto a = OpenLeg(engine), b = OpenLeg(engine);
  EXPECT_NE(a.leg, b.leg);
  EXPECT_NE(a.port, b.port);
  const auto c = engine.Open();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("media: too many legs"), std::string::npos);
  EXPECT_TRUE(engine.Close(a.leg));
  EXPECT_FALSE(engine.Close(a.leg));  // unknown now
  EXPECT_FALSE(engine.Play(a.leg, {}, false));
  EXPECT_TRUE(engine.Open().ok());
  EXPECT_EQ(engine.stats().legs, 2u);
}

TEST(Engine, BoundsTheCommandQueue) {
  Options o = TestOptions();
  o.max_pending_commands = 3;
  Engine engine(o, nullptr);         // not started: nothing drains the queue
  const auto leg = OpenLeg(engine);  // 1
  EXPECT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", 9, Codec::kPcmu, 101}));  // 2
  EXPECT_TRUE(engine.Play(leg.leg, {Ramp(160)}, false));                        // 3
  EXPECT_FALSE(engine.Play(leg.leg, {}, false));
  EXPECT_FALSE(engine.Open().ok());
  EXPECT_EQ(engine.stats().commands_refused, 2u);
  EXPECT_FALSE(engine.Play(leg.leg + 1, {}, false));  // unknown: refused, not counted as full
  EXPECT_EQ(engine.stats().commands_refused, 2u);
}

TEST(Engine, RefusesBadRemotes) {
  Engine engine(TestOptions(), nullptr);
  const auto leg = OpenLeg(engine);
  EXPECT_FALSE(engine.SetRemote(leg.leg, {"example.com", 4000, Codec::kPcmu, 101}));
  EXPECT_FALSE(engine.SetRemote(leg.leg, {"::1", 4000, Codec::kPcmu, 101}));  // an IPv4 engine
  EXPECT_FALSE(engine.SetRemote(leg.leg, {"127.0.0.1", 4000, Codec::kPcmu, 0}));
  EXPECT_TRUE(engine.SetRemote(leg.leg, {"0.0.0.0", 4000, Codec::kPcmu, -1}));  // hold
  EXPECT_FALSE(engine.Bridge(leg.leg, leg.leg));
}

TEST(Engine, BindsIpv6) {
  Options o = TestOptions();
  o.address = "::1";
  Engine engine(o, nullptr);
  const auto leg = engine.Open();
  if (!leg.ok() && (leg.status().message().find("Cannot assign") != std::string::npos ||
                    leg.status().message().find("not supported") != std::string::npos)) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  ASSERT_TRUE(leg.ok()) << leg.status().ToString();
  EXPECT_TRUE(engine.SetRemote(leg->leg, {"::1", 4000, Codec::kPcmu, 101}));
  EXPECT_FALSE(Engine(Options{.address = "nowhere"}, nullptr).Open().ok());
}

// Sharding over several media threads.

Options Threads(std::size_t n) {
  Options o = TestOptions();
  o.threads = n;
  return o;
}

// The media thread serving `leg`: the one that reports the end of a one-frame playout to `sink`.
std::thread::id ThreadOf(Engine& engine, Events& events, LegId leg, const Phone& sink) {
  const std::size_t from = events.size();
  EXPECT_TRUE(engine.SetRemote(leg, {"127.0.0.1", sink.port(), Codec::kPcmu, 101}));
  EXPECT_TRUE(engine.Play(leg, {Ramp(160)}, false));
  const auto t = events.WaitForThread(Event::Kind::kPlayoutDone, leg, from, milliseconds(1000));
  EXPECT_TRUE(t) << "leg " << leg << " did not play";
  return t.value_or(std::thread::id());
}

// A packet from `from` to leg `in` comes out of leg `out` to `to`.
void ExpectRelayed(const Phone& from, const Engine::Opened& in, const Phone& to,
                   const Engine::Opened& out, std::uint16_t seq, std::uint8_t expected = 0x12) {
  to.Drain();
  from.Send(in.port, Rtp(0, seq, 160u * seq, 0x77, std::vector<std::uint8_t>(160, 0x12)));
  const auto d = to.Receive(milliseconds(1000));
  ASSERT_TRUE(d) << "leg " << in.leg << " -> leg " << out.leg;
  EXPECT_EQ(d->from_port, out.port);
  ASSERT_EQ(d->rtp.payload_size, 160u);
  EXPECT_EQ(d->payload()[0], expected);
}

std::size_t CountEntries(const char* dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

TEST(EngineThreads, LegsOfEveryThreadPlayOut) {
  Events events;
  Engine engine(Threads(2), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_EQ(engine.stats().threads, 2u);
  std::array<Phone, 4> phones;
  std::array<Engine::Opened, 4> legs;
  const auto clip = Ramp(1600);  // ten frames, once
  for (std::size_t i = 0; i < legs.size(); ++i) {
    legs[i] = OpenLeg(engine);
    ASSERT_TRUE(engine.SetRemote(legs[i].leg, {"127.0.0.1", phones[i].port(), Codec::kPcmu, 101}));
    ASSERT_TRUE(engine.Play(legs[i].leg, {clip}, false));
  }
  for (std::size_t i = 0; i < legs.size(); ++i) {
    std::optional<std::uint16_t> seq;
    for (std::size_t k = 0; k < 10; ++k) {
      const auto d = phones[i].Receive(milliseconds(500));
      ASSERT_TRUE(d) << "leg " << i << " packet " << k;
      EXPECT_EQ(d->from_port, legs[i].port);
      if (seq) {
        EXPECT_EQ(d->rtp.seq, static_cast<std::uint16_t>(*seq + 1));
      }
      seq = d->rtp.seq;
      EXPECT_TRUE(std::equal(d->payload().begin(), d->payload().end(),
                             clip->encoded(Codec::kPcmu).begin() + 160 * k));
    }
  }
  std::map<std::thread::id, int> legs_per_thread;
  for (const auto& l : legs) {
    const auto t = events.WaitForThread(Event::Kind::kPlayoutDone, l.leg, 0, milliseconds(500));
    ASSERT_TRUE(t);
    ++legs_per_thread[*t];
  }
  EXPECT_EQ(legs_per_thread.size(), 2u);  // the fewest legs first: two each
  for (const auto& [t, n] : legs_per_thread) EXPECT_EQ(n, 2);
  // The statistics sum over the threads.
  EXPECT_TRUE(WaitUntil([&] { return engine.stats().packets_sent == 40; }, milliseconds(500)))
      << engine.stats().packets_sent;
  EXPECT_EQ(engine.stats().legs, 4u);
  phones[0].Send(legs[0].port, Rtp(0, 1, 1, 1, {1}));
  phones[1].Send(legs[1].port, Rtp(0, 1, 1, 1, {1}));
  EXPECT_TRUE(WaitUntil([&] { return engine.stats().packets_received == 2; }, milliseconds(500)));
}

TEST(EngineThreads, OpenNearPutsTheAgentWithItsCaller) {
  Events events;
  Engine engine(Threads(2), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone sink, caller_phone, agent_phone;
  const auto other = OpenLeg(engine);
  const auto caller = OpenLeg(engine);   // the other thread had fewer legs
  auto agent = engine.Open(caller.leg);  // the fewest legs would be other's thread
  ASSERT_TRUE(agent.ok());
  const auto t = ThreadOf(engine, events, caller.leg, sink);
  EXPECT_EQ(ThreadOf(engine, events, agent->leg, sink), t);
  EXPECT_NE(ThreadOf(engine, events, other.leg, sink), t);
  // An unknown `near` is no error: the thread with the fewest legs, here other's.
  auto stray = engine.Open(999'999);
  ASSERT_TRUE(stray.ok());
  EXPECT_NE(ThreadOf(engine, events, stray->leg, sink), t);

  ASSERT_TRUE(engine.SetRemote(caller.leg, {"127.0.0.1", caller_phone.port(), Codec::kPcmu, 101}));
  ASSERT_TRUE(engine.SetRemote(agent->leg, {"127.0.0.1", agent_phone.port(), Codec::kPcmu, 101}));
  ASSERT_TRUE(engine.Bridge(caller.leg, agent->leg));
  ExpectRelayed(caller_phone, caller, agent_phone, *agent, 1);
  ExpectRelayed(agent_phone, *agent, caller_phone, caller, 2);
  EXPECT_EQ(engine.stats().legs_moved, 0u);
}

TEST(EngineThreads, BridgesLegsOfTwoThreads) {
  Events events;
  Engine engine(Threads(2), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone sink, pa, pb, pc;
  const auto a = OpenLeg(engine), b = OpenLeg(engine), c = OpenLeg(engine);
  ASSERT_NE(ThreadOf(engine, events, a.leg, sink), ThreadOf(engine, events, b.leg, sink));
  ASSERT_TRUE(engine.SetRemote(a.leg, {"127.0.0.1", pa.port(), Codec::kPcmu, 101}));
  ASSERT_TRUE(engine.SetRemote(b.leg, {"127.0.0.1", pb.port(), Codec::kPcma, 101}));
  ASSERT_TRUE(engine.SetRemote(c.leg, {"127.0.0.1", pc.port(), Codec::kPcmu, 101}));
  ASSERT_TRUE(engine.Play(a.leg, {Ramp(1600)}, true));  // its stream goes on across the move
  const auto before = pa.Receive(milliseconds(500));
  ASSERT_TRUE(before);
  ASSERT_TRUE(engine.Bridge(a.leg, b.leg));
  EXPECT_EQ(engine.stats().legs_moved, 1u);
  ASSERT_TRUE(Settled(engine));
  pa.Drain();
  pb.Send(b.port, Rtp(8, 1, 100, 0xB, std::vector<std::uint8_t>(160, 0xD5)));
  auto d = pa.Receive(milliseconds(1000));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->from_port, a.port);
  EXPECT_EQ(d->rtp.ssrc, before->rtp.ssrc);  // the same leg, moved with all its state
  EXPECT_EQ(d->payload()[0], kAlawToUlaw[0xD5]);
  ExpectRelayed(pa, a, pb, b, 3, kUlawToAlaw[0x12]);

  // Commands right behind a move apply in order, on the leg's new thread: c (alone on its thread
  // now) gets a, which is unbridged and plays at once.
  ASSERT_TRUE(engine.Bridge(c.leg, a.leg));
  const std::size_t from = events.size();
  ASSERT_TRUE(engine.Unbridge(a.leg));
  ASSERT_TRUE(engine.Play(a.leg, {Ramp(160)}, false));
  const auto ta = events.WaitForThread(Event::Kind::kPlayoutDone, a.leg, from, milliseconds(1000));
  ASSERT_TRUE(ta);
  EXPECT_EQ(engine.stats().legs_moved, 2u);
  ASSERT_TRUE(engine.Bridge(a.leg, c.leg));  // both on one thread again: no move
  EXPECT_EQ(engine.stats().legs_moved, 2u);
  ASSERT_TRUE(Settled(engine));
  ExpectRelayed(pc, c, pa, a, 4);
  EXPECT_EQ(ThreadOf(engine, events, b.leg, sink) == *ta, false);
}

TEST(EngineThreads, SurvivesAStormOfBridgesOverFourThreads) {
  Engine engine(Threads(4), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  constexpr std::size_t kLegs = 12;
  std::array<Phone, kLegs> phones;
  std::array<Engine::Opened, kLegs> legs;
  for (std::size_t i = 0; i < kLegs; ++i) {
    legs[i] = OpenLeg(engine);
    ASSERT_TRUE(engine.SetRemote(legs[i].leg, {"127.0.0.1", phones[i].port(), Codec::kPcmu, 101}));
  }
  std::mt19937 rng(7);
  std::vector<Engine::Opened> extra;
  for (int round = 0; round < 2000; ++round) {
    const std::size_t i = rng() % kLegs, j = rng() % kLegs;
    switch (rng() % 8) {
      case 0:
        (void)engine.Unbridge(legs[i].leg);
        break;
      case 1:  // a leg opened near one in flight, and closed at once
        if (auto r = engine.Open(legs[i].leg); r.ok()) {
          ASSERT_TRUE(engine.Bridge(r->leg, legs[j].leg));
          ASSERT_TRUE(engine.Close(r->leg));
        }
        break;
      default:
        (void)engine.Bridge(legs[i].leg, legs[j].leg);
    }
  }
  EXPECT_GT(engine.stats().legs_moved, 100u);
  for (std::size_t i = 0; i < kLegs; i += 2) {
    ASSERT_TRUE(engine.Bridge(legs[i].leg, legs[i + 1].leg));
  }
  // Every command applied (a packet sent before would be relayed to a peer of the storm).
  ASSERT_TRUE(Settled(engine, milliseconds(5000)));
  for (std::size_t i = 0; i < kLegs; i += 2) {
    ExpectRelayed(phones[i], legs[i], phones[i + 1], legs[i + 1], static_cast<std::uint16_t>(i));
    ExpectRelayed(phones[i + 1], legs[i + 1], phones[i], legs[i],
                  static_cast<std::uint16_t>(i + 1));
  }
  for (const auto& l : legs) EXPECT_TRUE(engine.Close(l.leg));
  EXPECT_EQ(engine.stats().legs, 0u);
  EXPECT_EQ(engine.stats().commands_refused, 0u);
}

TEST(EngineThreads, DestructorJoinsEveryThreadAndClosesEverySocket) {
  const std::size_t threads = CountEntries("/proc/self/task");
  const std::size_t fds = CountEntries("/proc/self/fd");
  std::atomic<int> after_destruction{0};
  std::atomic<bool> destroyed{false};
  {
    Engine engine(Threads(3), [&](const Event&) {
      if (destroyed.load()) after_destruction.fetch_add(1);
    });
    ASSERT_TRUE(engine.Start().ok());
    EXPECT_EQ(CountEntries("/proc/self/task"), threads + 3);
    Phone sink;
    std::vector<Engine::Opened> legs;
    for (int i = 0; i < 9; ++i) {
      legs.push_back(OpenLeg(engine));
      ASSERT_TRUE(engine.SetRemote(legs.back().leg, {"127.0.0.1", sink.port(), Codec::kPcmu, 101}));
      ASSERT_TRUE(engine.Play(legs.back().leg, {Ramp(1600)}, true));
    }
    ASSERT_TRUE(WaitUntil([&] { return engine.stats().packets_sent >= 18; }, milliseconds(500)));
    // Moves in flight as the engine goes.
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(engine.Bridge(legs[i].leg, legs[i + 1].leg));
  }
  destroyed = true;
  EXPECT_EQ(CountEntries("/proc/self/task"), threads);
  EXPECT_EQ(CountEntries("/proc/self/fd"), fds);
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(after_destruction.load(), 0);

  // Never started, with moves queued: the queued sockets are closed too.
  {
    Engine engine(Threads(2), nullptr);
    const auto a = OpenLeg(engine), b = OpenLeg(engine);
    ASSERT_TRUE(engine.Bridge(a.leg, b.leg));
    EXPECT_EQ(engine.stats().threads, 2u);
  }
  EXPECT_EQ(CountEntries("/proc/self/fd"), fds);
}

TEST(EngineThreads, CountsTheCommandsOfEveryThreadAgainstOneBound) {
  Options o = Threads(2);
  o.max_pending_commands = 4;
  Engine engine(o, nullptr);                            // not started
  const auto a = OpenLeg(engine), b = OpenLeg(engine);  // 2, one per thread
  EXPECT_FALSE(engine.Bridge(a.leg, b.leg));            // a move takes 3
  EXPECT_TRUE(engine.Play(a.leg, {}, false));           // 3
  EXPECT_TRUE(engine.Play(b.leg, {}, false));           // 4
  EXPECT_FALSE(engine.Open().ok());
  EXPECT_EQ(engine.stats().commands_refused, 2u);
}

// Not a test: the CPU the media threads spend on hold music, for a rough figure. Run with
//   SB_MEDIA_BENCH_LEGS=5000 SB_MEDIA_BENCH_THREADS=2 SB_MEDIA_BENCH_SECONDS=5
//   build/dev/src/media/media_test --gtest_also_run_disabled_tests --gtest_filter='*HoldMusic*'
// Every leg plays to a loopback socket that is never read (the kernel drops the datagrams there,
// after the whole send path has run); up to 4000 of them, so that threads do not contend for one.
TEST(EngineBench, DISABLED_HoldMusicLoad) {
  const auto env = [](const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::strtol(v, nullptr, 10) : fallback;
  };
  const auto legs = static_cast<std::size_t>(env("SB_MEDIA_BENCH_LEGS", 5000));
  const auto seconds = env("SB_MEDIA_BENCH_SECONDS", 5);
  Options o = TestOptions();
  o.threads = static_cast<std::size_t>(env("SB_MEDIA_BENCH_THREADS", 0));
  o.port_min = 20000;
  o.port_max = 60999;
  o.max_legs = legs;
  Engine engine(o, nullptr);
  ASSERT_TRUE(engine.Start().ok());
  std::vector<Phone> sinks(std::min<std::size_t>(legs, 4000));
  const int small = 4096;
  for (const auto& sink : sinks) setsockopt(sink.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  const auto music = Ramp(8000);
  for (std::size_t i = 0; i < legs; ++i) {
    const auto leg = OpenLeg(engine);
    ASSERT_NE(leg.leg, 0u);
    const auto to = sinks[i % sinks.size()].port();
    ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", to, Codec::kPcma, 101}));
    ASSERT_TRUE(engine.Play(leg.leg, {music}, true));
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // every leg playing
  const auto cpu = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto us = [](const timeval& t) { return t.tv_sec * 1e6 + t.tv_usec; };
    return std::pair{us(u.ru_utime), us(u.ru_stime)};
  };
  const auto s0 = engine.stats();
  const auto c0 = cpu();
  const auto t0 = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const auto c1 = cpu();
  const auto s1 = engine.stats();
  const double wall = std::chrono::duration<double>(SteadyClock::now() - t0).count() * 1e6;
  const double sent = static_cast<double>(s1.packets_sent - s0.packets_sent);
  const double user = c1.first - c0.first, sys = c1.second - c0.second;
  std::printf(
      "legs %zu threads %llu: %.0f packets/s (%.1f per leg), cpu %.0f%% of a core (user %.0f%%, "
      "sys %.0f%%), %.2f us per packet, late ticks %llu\n",
      legs, static_cast<unsigned long long>(s1.threads), sent * 1e6 / wall,
      sent * 1e6 / wall / static_cast<double>(legs), 100 * (user + sys) / wall, 100 * user / wall,
      100 * sys / wall, (user + sys) / sent,
      static_cast<unsigned long long>(s1.late_ticks - s0.late_ticks));
}

}  // namespace
}  // namespace sb::media
