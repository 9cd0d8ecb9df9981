#pragma once
// The engine's insides, shared by engine.cc (the API, on callers' threads) and media_loop.cc (the
// media thread); internal to src/media. Members are grouped by who may touch them: the command
// queue and the table of live ids under `mu`, the statistics as atomics, everything else the media
// thread's alone once Start() has run.

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "base/thread_annotations.h"
#include "media/engine.h"
#include "media/player.h"
#include "media/rtp.h"
#include "media/udp.h"

namespace sb::media {

using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC on Linux, as the timerfd
inline constexpr auto kTick = std::chrono::milliseconds(20);
inline constexpr auto kLate = std::chrono::milliseconds(5);  // a tick later than this is counted
inline constexpr std::size_t kRecvBatch = 32;
// Per leg and wake-up: a flooded socket cannot starve the others (epoll is level-triggered).
inline constexpr int kMaxBatchesPerWakeup = 4;
inline constexpr std::uint64_t kMaxCatchUpFrames = 3;  // frames sent per leg after a late tick
// epoll tags besides leg ids, which count up from 1 and never get here.
inline constexpr std::uint64_t kWakeTag = ~std::uint64_t{0};
inline constexpr std::uint64_t kTimerTag = kWakeTag - 1;

// Commands, each applied on the media thread in the order posted.
struct AddLeg {
  LegId leg;
  int fd;
};
struct SetRemoteCmd {
  LegId leg;
  Remote remote;
  SocketAddress to;  // invalid: do not send until a packet latches
};
struct PlayCmd {
  LegId leg;
  std::vector<std::shared_ptr<const Clip>> clips;
  bool loop;
};
struct BridgeCmd {
  LegId a, b;
};
struct UnbridgeCmd {
  LegId leg;
};
struct CloseCmd {
  LegId leg;
};
using Command = std::variant<AddLeg, SetRemoteCmd, PlayCmd, BridgeCmd, UnbridgeCmd, CloseCmd>;

struct Leg {
  int fd = -1;
  SocketAddress sdp_to;  // from the last SetRemote
  SocketAddress to;      // where we send: sdp_to, or the latched source
  bool latched = false;
  std::uint32_t latched_ssrc = 0;
  Codec codec = Codec::kPcmu;
  int event_pt = 101;
  // Our outgoing stream, one for playout and relay alike, so a switch between them looks to the
  // phone like a new talkspurt (marker) rather than a new source.
  std::uint32_t ssrc = 0, ts = 0;
  std::uint16_t seq = 0;
  bool marker = true;
  Player player;
  LegId peer = 0;
  // The relay into this leg: the peer's timestamps shifted onto ours, re-anchored per SSRC.
  bool relay_anchored = false;
  std::uint32_t relay_ssrc = 0, relay_ts_offset = 0;
  Clock::time_point last_rx;
  bool timeout_reported = false;
  DtmfDetector dtmf;
};

struct Engine::Impl {
  Impl(const Options& o, std::function<void(const Event&)> cb)
      : options(o), on_event(std::move(cb)), rng(std::random_device{}()) {
    // Up front, so opening legs rarely rehashes; no range holds more than 32768 even ports.
    legs.reserve(std::min<std::size_t>(o.max_legs, 32768));
  }
  ~Impl();

  bool Post(Command c, LegId a, LegId b, bool closing);
  void Run();
  void Drain(Clock::time_point now);
  void Apply(AddLeg& c, Clock::time_point now);
  void Apply(SetRemoteCmd& c, Clock::time_point now);
  void Apply(PlayCmd& c, Clock::time_point now);
  void Apply(BridgeCmd& c, Clock::time_point now);
  void Apply(UnbridgeCmd& c, Clock::time_point now);
  void Apply(CloseCmd& c, Clock::time_point now);
  void Tick(Clock::time_point now);
  void Receive(LegId id, Leg& leg, Clock::time_point now);
  void Handle(LegId id, Leg& leg, std::size_t k, Clock::time_point now);
  void Forward(const RtpPacket& p, const std::uint8_t* data, Leg& to, std::uint8_t pt,
               const std::array<std::uint8_t, 256>* transcode);
  void Unbridge(Leg& leg);
  void Emit(Event::Kind kind, LegId leg, char digit = 0) {
    if (on_event) on_event(Event{kind, leg, digit});
  }
  Leg* Find(LegId id) {
    auto it = legs.find(id);
    return it == legs.end() ? nullptr : &it->second;
  }

  const Options options;
  const std::function<void(const Event&)> on_event;
  Status init;  // why the constructor could not make the fds, if it could not
  SocketAddress local;
  int wake_fd = -1, epoll_fd = -1, timer_fd = -1;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint32_t> port_cursor{0};

  Mutex mu;
  std::deque<Command> queue SB_GUARDED_BY(mu);
  std::unordered_set<LegId> live SB_GUARDED_BY(mu);  // opened, Close not yet posted
  LegId next_leg SB_GUARDED_BY(mu) = 1;

  std::atomic<std::uint64_t> legs_open{0}, sent{0}, received{0}, relayed{0}, dropped{0}, refused{0},
      late{0};

  // Media thread only.
  std::unordered_map<LegId, Leg> legs;
  std::mt19937 rng;
  SendBatch out;
  std::array<std::array<std::uint8_t, SendBatch::kSlotBytes>, kRecvBatch> rx_buf{};
  std::array<SocketAddress, kRecvBatch> rx_from{};
  std::array<iovec, kRecvBatch> rx_iov{};
  std::array<mmsghdr, kRecvBatch> rx_msgs{};
  Clock::time_point next_tick, next_timeout_check;
  Duration timeout_period{};
};

}  // namespace sb::media
