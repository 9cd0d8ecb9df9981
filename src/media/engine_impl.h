#pragma once
// The engine's insides, shared by engine.cc (the API, on callers' threads) and media_loop.cc (the
// media threads); internal to src/media.
//
// The engine is a few shards, each a media thread with its own epoll, 20 ms timerfd, command
// queue (woken through an eventfd), leg table and send batch. Engine::Impl holds what the API
// needs: which shard each live leg belongs to, under `mu`. A shard's members are grouped by who
// may touch them: its command queue under its own `mu`, its statistics as atomics, everything else
// its media thread's alone once Start() has run. Lock order: Engine::Impl::mu, then a shard's mu;
// a media thread takes only shards' mu, one at a time.
//
// Moving a leg between shards (Bridge of legs of different shards): under Impl::mu the API queues
// ExpectLeg to the destination, MoveLeg to the source and updates the leg's shard, so every later
// command for the leg goes to the destination. The source, at MoveLeg, takes the leg out of its
// epoll and table and queues AdoptLeg (the socket and the whole Leg) to the destination. The
// destination, once it has applied ExpectLeg, holds every later command (AdoptLeg aside, which
// is always taken at once) until the legs it awaits have arrived, then runs them in order; an
// AdoptLeg that comes before its ExpectLeg was applied is kept until then. Commands thus apply in
// the order posted, and no two shards can wait on each other: a shard waits only for an ExpectLeg
// it applied, whose MoveLeg was posted in the same critical section, after everything that can
// delay it on the source.

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "base/thread_annotations.h"
#include "media/engine.h"
#include "media/mixer.h"
#include "media/player.h"
#include "media/rtp.h"
#include "media/send_batch.h"
#include "media/srtp.h"
#include "media/udp.h"

namespace sb::media {

using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC on Linux, as the timerfd
inline constexpr auto kTick = std::chrono::milliseconds(20);
inline constexpr auto kLate = std::chrono::milliseconds(5);  // a tick later than this is counted
inline constexpr std::size_t kRecvBatch = 32;
// Ready sockets taken per epoll_wait: enough that a busy shard (thousands of legs, a packet per
// leg and 20 ms each way) needs few calls, small enough that the array stays in cache.
inline constexpr std::size_t kEpollBatch = 256;
// Per leg and wake-up: a flooded socket cannot starve the others (epoll is level-triggered).
inline constexpr int kMaxBatchesPerWakeup = 4;
inline constexpr std::uint64_t kMaxCatchUpFrames = 3;  // frames sent per leg after a late tick
// epoll tags besides leg ids, which count up from 1 and never get here.
inline constexpr std::uint64_t kWakeTag = ~std::uint64_t{0};
inline constexpr std::uint64_t kTimerTag = kWakeTag - 1;

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
  bool held = false;  // Engine::SetHeld: nothing is sent to it, its timeout does not run
  DtmfDetector dtmf;
  std::uint64_t recording = 0;  // its received audio goes to the recorder (record_tap.cc)
  int record_channel = 0;
  bool in_mix = false;                // its received audio feeds a supervision mix (mix_tap.cc)
  bool mixed_out = false;             // it is sent the mix, not relayed to
  std::unique_ptr<SrtpSession> srtp;  // set: SRTP both ways (Remote::srtp)
};

// Commands, each applied on the leg's media thread in the order posted.
struct AddLeg {
  LegId leg;
  int fd;
};
struct SetRemoteCmd {
  LegId leg;
  Remote remote;                      // its srtp keys already taken into `srtp`
  SocketAddress to;                   // invalid: do not send until a packet latches
  std::unique_ptr<SrtpSession> srtp;  // null: plain RTP
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
struct HeldCmd {
  LegId leg;
  bool held;
};
struct MixCmd {
  std::uint64_t mix;
  LegId caller, agent, supervisor;
  MixMode mode;
};
struct UnmixCmd {
  std::uint64_t mix;
};
struct RecordCmd {
  LegId leg;
  std::uint64_t recording;
  int channel;
};
// Moving a leg to another shard (see the top of this file).
struct ExpectLeg {  // to the destination
  LegId leg;
};
struct MoveLeg {  // to the source
  LegId leg;
  std::size_t to;  // the destination shard
};
struct AdoptLeg {  // from the source to the destination
  LegId leg;
  std::unique_ptr<Leg> state;  // null when the source had no such leg (its socket failed)
};
using Command = std::variant<AddLeg, SetRemoteCmd, PlayCmd, BridgeCmd, UnbridgeCmd, CloseCmd,
                             ExpectLeg, MoveLeg, AdoptLeg, HeldCmd, RecordCmd, MixCmd, UnmixCmd>;

// Closes the socket a queued command owns, if any (a command never applied).
void CloseOwnedFd(Command& c);

// One media thread and the legs it owns.
class Shard {
 public:
  // `legs_hint`: how many legs to make room for up front.
  Shard(Engine::Impl& engine, std::size_t index, std::size_t legs_hint);
  ~Shard();  // the thread must have been joined
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Registers the wake-up and timer fds and sets the first tick (absolute); then Launch starts the
  // thread.
  Status Arm(Clock::time_point first_tick);
  void Launch();
  void Join();  // after Impl::stopping is set; wakes the thread first
  bool running() const { return thread_.joinable(); }

  // Queues a command: returns whether the queue was empty (the caller then calls Wake(), after
  // releasing its own locks, once per batch: the thread drains its whole queue when it wakes).
  bool Push(Command c) SB_EXCLUDES(mu_);
  void Wake();

  const Status& init() const { return init_; }

  struct Counters {  // on a cache line of their own: each shard bumps its own, per packet
    alignas(64) std::atomic<std::uint64_t> sent{0}, received{0}, relayed{0}, dropped{0}, late{0},
        srtp_refused{0};
    std::atomic<bool> io_uring{false};  // its sends go through io_uring (send_batch.h)
  };
  const Counters& counters() const { return counters_; }

 private:
  void Run();
  void Drain(Clock::time_point now) SB_EXCLUDES(mu_);
  void Dispatch(Command& c, Clock::time_point now);
  void Apply(AddLeg& c, Clock::time_point now);
  void Apply(SetRemoteCmd& c, Clock::time_point now);
  void Apply(PlayCmd& c, Clock::time_point now);
  void Apply(BridgeCmd& c, Clock::time_point now);
  void Apply(UnbridgeCmd& c, Clock::time_point now);
  void Apply(CloseCmd& c, Clock::time_point now);
  void Apply(ExpectLeg& c, Clock::time_point now);
  void Apply(MoveLeg& c, Clock::time_point now);
  void Apply(AdoptLeg& c, Clock::time_point now);
  void Apply(HeldCmd& c, Clock::time_point now);    // hold.cc
  void Apply(RecordCmd& c, Clock::time_point now);  // record_tap.cc
  // Supervision (mix_tap.cc).
  void Apply(MixCmd& c, Clock::time_point now);
  void Apply(UnmixCmd& c, Clock::time_point now);
  void LeaveMix(const std::vector<LegId>& legs);  // legs of a mix that ended go back to relay
  void FeedMix(LegId id, Codec codec, const std::uint8_t* payload, std::size_t n);
  void MixTick();
  // A received audio payload of a recorded leg to the recorder (record_tap.cc).
  void Tap(const Leg& leg, Codec codec, const std::uint8_t* payload, std::size_t n,
           Clock::time_point now);
  void Install(LegId id, std::unique_ptr<Leg> state);
  void Tick(Clock::time_point now);
  void Receive(LegId id, Leg& leg, Clock::time_point now);
  void Handle(LegId id, Leg& leg, std::size_t k, Clock::time_point now);
  void Forward(const RtpPacket& p, const std::uint8_t* data, Leg& to, std::uint8_t pt,
               const std::array<std::uint8_t, 256>* transcode);
  void Unbridge(Leg& leg);
  // The packet just queued in out_ (`size` bytes at `p`) for `leg`: encrypted when the leg speaks
  // SRTP (dropped if that fails); false when dropped.
  bool Seal(Leg& leg, std::uint8_t* p, std::size_t size);
  void Emit(Event::Kind kind, LegId leg, char digit = 0);
  Leg* Find(LegId id) {
    auto it = legs_.find(id);
    return it == legs_.end() ? nullptr : &it->second;
  }

  Engine::Impl& engine_;
  const std::size_t index_;
  Status init_;  // why the constructor could not make the fds, if it could not
  int wake_fd_ = -1, epoll_fd_ = -1, timer_fd_ = -1;
  std::thread thread_;

  Mutex mu_;
  std::deque<Command> queue_ SB_GUARDED_BY(mu_);

  Counters counters_;

  // Media thread only.
  std::unordered_map<LegId, Leg> legs_;
  std::unordered_set<LegId> awaited_;  // ExpectLeg applied, AdoptLeg not yet here
  std::deque<Command> held_;           // commands that came while awaited_ was not empty
  std::unordered_map<LegId, std::unique_ptr<Leg>> early_;  // AdoptLeg before its ExpectLeg
  Mixer mixer_;                                            // supervision mixes of its legs
  std::mt19937 rng_;
  SendBatch out_;
  std::array<std::array<std::uint8_t, SendBatch::kSlotBytes>, kRecvBatch> rx_buf_{};
  std::array<SocketAddress, kRecvBatch> rx_from_{};
  std::array<iovec, kRecvBatch> rx_iov_{};
  std::array<mmsghdr, kRecvBatch> rx_msgs_{};
  Clock::time_point next_tick_, next_timeout_check_;
};

struct Engine::Impl {
  Impl(const Options& o, std::function<void(const Event&)> cb);
  ~Impl();  // joins nothing: Engine's destructor has joined the threads

  // Queues `c` for the shard of `a` when `a` (and `b`, unless 0) are live; `closing` retires `a`.
  // False when a leg is unknown or the queues hold max_pending_commands.
  bool Post(Command c, LegId a, LegId b, bool closing) SB_EXCLUDES(mu);
  // Room for `n` more commands, else counts a refusal.
  bool Reserve(std::size_t n) SB_REQUIRES(mu);
  // Push to a shard; the returned bit (1 << shard) asks for a Wake once mu is released.
  std::uint32_t PushTo(std::size_t shard, Command c) SB_REQUIRES(mu);
  void WakeAll(std::uint32_t mask);
  std::size_t LeastLoaded() const SB_REQUIRES(mu);

  const Options options;
  const std::function<void(const Event&)> on_event;
  Status init;  // why the engine cannot work (address, fds), if it cannot
  SocketAddress local;
  Duration timeout_period{};  // set by Start() before the threads start; read-only after
  std::atomic<bool> stopping{false};
  std::atomic<std::uint32_t> port_cursor{0};
  std::atomic<std::size_t> pending{0};  // commands queued or held, over all shards
  std::atomic<std::uint64_t> legs_open{0}, refused{0}, moved{0};
  std::vector<std::unique_ptr<Shard>> shards;  // fixed at construction

  Mutex mu;
  // Opened and Close not yet posted -> the shard the leg is on, or moving to.
  std::unordered_map<LegId, std::size_t> live SB_GUARDED_BY(mu);
  std::vector<std::size_t> shard_legs SB_GUARDED_BY(mu);  // live legs per shard
  LegId next_leg SB_GUARDED_BY(mu) = 1;
};

}  // namespace sb::media
