// The engine's API, on callers' threads: sockets are bound here so the caller can write its SDP at
// once, and every other request becomes a command for the media thread of its leg's shard
// (media_loop.cc). The queues are mutex-guarded deques rather than lock-free rings: they are
// touched once per command, never per packet, and a lock is held only for a push or for swapping
// a queue out.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "media/engine_impl.h"

namespace sb::media {
namespace {

std::size_t ThreadCount(std::size_t asked) {
  const std::size_t n = asked != 0 ? asked : std::thread::hardware_concurrency();
  return std::clamp<std::size_t>(n, 1, kMaxThreads);
}

}  // namespace

void CloseOwnedFd(Command& c) {
  if (auto* add = std::get_if<AddLeg>(&c)) close(add->fd);
  if (auto* adopt = std::get_if<AdoptLeg>(&c); adopt != nullptr && adopt->state != nullptr) {
    close(adopt->state->fd);
  }
}

Shard::Shard(Engine::Impl& engine, std::size_t index, std::size_t legs_hint)
    : engine_(engine), index_(index), rng_(std::random_device{}()), out_(engine.options.send) {
  counters_.io_uring.store(out_.uses_io_uring(), std::memory_order_relaxed);
  legs_.reserve(legs_hint);  // so opening legs rarely rehashes
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (wake_fd_ < 0 || epoll_fd_ < 0 || timer_fd_ < 0) {
    init_ = Unavailable(std::string("media: cannot create the event fds: ") + std::strerror(errno));
  }
}

Shard::~Shard() {
  for (auto& [id, leg] : legs_) close(leg.fd);
  for (auto& [id, leg] : early_) {
    if (leg != nullptr) close(leg->fd);
  }
  for (auto& c : held_) CloseOwnedFd(c);
  {
    MutexLock lock(mu_);
    for (auto& c : queue_) CloseOwnedFd(c);
  }
  for (int fd : {wake_fd_, epoll_fd_, timer_fd_}) {
    if (fd >= 0) close(fd);
  }
}

Status Shard::Arm(Clock::time_point first_tick) {
  SB_RETURN_IF_ERROR(init_);
  for (auto [fd, tag] : {std::pair{wake_fd_, kWakeTag}, std::pair{timer_fd_, kTimerTag}}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      return Unavailable(std::string("media: epoll_ctl: ") + std::strerror(errno));
    }
  }
  // The first deadline is absolute and the period fixed, so ticks never drift.
  // (steady_clock is CLOCK_MONOTONIC on Linux, so `next_tick_` and the timer share one clock.)
  next_tick_ = first_tick;
  const auto since = first_tick.time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  const timespec first{static_cast<time_t>(secs.count()),
                       static_cast<long>(std::chrono::nanoseconds(since - secs).count())};
  const itimerspec spec{{0, std::chrono::nanoseconds(kTick).count()}, first};
  if (timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
    return Unavailable(std::string("media: timerfd_settime: ") + std::strerror(errno));
  }
  next_timeout_check_ = Clock::now() + engine_.timeout_period;
  return Status::Ok();
}

void Shard::Launch() {
  thread_ = std::thread([this] { Run(); });
}

void Shard::Join() {
  if (!thread_.joinable()) return;
  Wake();
  thread_.join();
}

bool Shard::Push(Command c) {
  MutexLock lock(mu_);
  const bool was_empty = queue_.empty();
  queue_.push_back(std::move(c));
  return was_empty;
}

void Shard::Wake() {
  const std::uint64_t one = 1;
  (void)write(wake_fd_, &one, sizeof one);
}

Engine::Impl::Impl(const Options& o, std::function<void(const Event&)> cb)
    : options(o), on_event(std::move(cb)) {
  const std::size_t n = ThreadCount(o.threads);
  // No range holds more than 32768 even ports.
  const std::size_t legs_hint = std::min<std::size_t>(o.max_legs, 32768) / n + 1;
  shards.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    shards.push_back(std::make_unique<Shard>(*this, i, legs_hint));
    if (init.ok() && !shards.back()->init().ok()) init = shards.back()->init();
  }
  shard_legs.assign(n, 0);
  const auto a = ParseAddress(o.address, 0);
  if (!a) {
    init = InvalidArgument("media: address '" + o.address + "' is not an IP address");
  } else {
    local = *a;
  }
}

Engine::Impl::~Impl() = default;  // each Shard closes its sockets and fds

bool Engine::Impl::Reserve(std::size_t n) {
  if (pending.load(std::memory_order_relaxed) + n > options.max_pending_commands) {
    refused.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  pending.fetch_add(n, std::memory_order_relaxed);
  return true;
}

std::uint32_t Engine::Impl::PushTo(std::size_t shard, Command c) {
  return shards[shard]->Push(std::move(c)) ? 1u << shard : 0u;
}

void Engine::Impl::WakeAll(std::uint32_t mask) {
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (mask & (1u << i)) shards[i]->Wake();
  }
}

std::size_t Engine::Impl::LeastLoaded() const {
  return static_cast<std::size_t>(std::min_element(shard_legs.begin(), shard_legs.end()) -
                                  shard_legs.begin());
}

bool Engine::Impl::Post(Command c, LegId a, LegId b, bool closing) {
  std::uint32_t wake;
  {
    MutexLock lock(mu);
    const auto it = live.find(a);
    if (it == live.end() || (b != 0 && !live.contains(b))) return false;
    if (!Reserve(1)) return false;
    const std::size_t shard = it->second;
    if (closing) {
      --shard_legs[shard];
      live.erase(it);
      legs_open.fetch_sub(1, std::memory_order_relaxed);
    }
    wake = PushTo(shard, std::move(c));
  }
  WakeAll(wake);
  return true;
}

Engine::Engine(Options options, std::function<void(const Event&)> on_event)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_, std::move(on_event))) {}

Engine::~Engine() {
  impl_->stopping.store(true, std::memory_order_release);
  // Every thread is stopped before any shard is destroyed: a thread may still be handing a leg
  // over to another shard's queue.
  for (auto& s : impl_->shards) s->Join();
}

Status Engine::Start() {
  Impl& m = *impl_;
  SB_RETURN_IF_ERROR(m.init);
  if (m.shards.front()->running()) return FailedPrecondition("media: engine already started");
  // Timeouts are checked a few times per timeout, at most once a second.
  m.timeout_period = std::clamp<Duration>(options_.no_rtp_timeout / 4, kTick, 1s);
  // The shards' ticks are spread over the 20 ms, so their bursts of sends do not coincide.
  const auto now = Clock::now();
  const auto n = static_cast<int>(m.shards.size());
  for (int i = 0; i < n; ++i) {
    SB_RETURN_IF_ERROR(m.shards[i]->Arm(now + kTick + i * kTick / n));
  }
  for (auto& s : m.shards) s->Launch();
  return Status::Ok();
}

Result<Engine::Opened> Engine::Open(LegId near) {
  Impl& m = *impl_;
  SB_RETURN_IF_ERROR(m.init);
  LegId id;
  {
    MutexLock lock(m.mu);  // the id is reserved first, so concurrent Opens respect max_legs
    if (m.live.size() >= options_.max_legs) {
      return Unavailable("media: too many legs (max_legs " + std::to_string(options_.max_legs) +
                         ")");
    }
    id = m.next_leg++;
    const auto it = near != 0 ? m.live.find(near) : m.live.end();
    const std::size_t shard = it != m.live.end() ? it->second : m.LeastLoaded();
    m.live.emplace(id, shard);
    ++m.shard_legs[shard];
  }
  auto bound = BindEvenPort(m.local, options_.port_min, options_.port_max, m.port_cursor);
  if (bound.ok() && m.Post(AddLeg{id, bound->fd}, id, 0, false)) {
    m.legs_open.fetch_add(1, std::memory_order_relaxed);
    return Opened{id, bound->port};
  }
  {
    MutexLock lock(m.mu);
    if (const auto it = m.live.find(id); it != m.live.end()) {
      --m.shard_legs[it->second];
      m.live.erase(it);
    }
  }
  if (!bound.ok()) return bound.status();
  close(bound->fd);
  return Unavailable("media: command queue full");
}

bool Engine::SetRemote(LegId leg, Remote remote) {
  SocketAddress to;  // stays invalid for hold (0.0.0.0) and port 0: nothing is sent
  if (!remote.address.empty()) {
    const auto a = ParseAddress(remote.address, remote.port);
    if (!a || a->family() != impl_->local.family()) return false;
    if (!IsUnspecified(*a)) to = *a;
  }
  const int pt = remote.telephone_event_pt;
  if (pt < -1 || pt > 127 || pt == 0 || pt == 8) return false;
  std::unique_ptr<SrtpSession> srtp;
  if (remote.srtp) {
    auto session = SrtpSession::Create(*remote.srtp);
    remote.srtp.reset();  // the keys live on in the session only
    if (!session.ok()) return false;
    srtp = std::move(*session);
  }
  return impl_->Post(SetRemoteCmd{leg, std::move(remote), to, std::move(srtp)}, leg, 0, false);
}

bool Engine::Play(LegId leg, std::vector<std::shared_ptr<const Clip>> clips, bool loop) {
  return impl_->Post(PlayCmd{leg, std::move(clips), loop}, leg, 0, false);
}

bool Engine::Bridge(LegId a, LegId b) {
  if (a == b) return false;
  Impl& m = *impl_;
  std::uint32_t wake = 0;
  {
    MutexLock lock(m.mu);
    const auto ia = m.live.find(a), ib = m.live.find(b);
    if (ia == m.live.end() || ib == m.live.end()) return false;
    const std::size_t sa = ia->second, sb = ib->second;
    if (sa == sb) {
      if (!m.Reserve(1)) return false;
      wake |= m.PushTo(sa, BridgeCmd{a, b});
    } else {
      if (!m.Reserve(3)) return false;
      // The busier shard gives its leg up (engine_impl.h tells how a leg moves).
      const bool move_b = m.shard_legs[sb] > m.shard_legs[sa];
      const LegId mover = move_b ? b : a;
      const std::size_t from = move_b ? sb : sa, to = move_b ? sa : sb;
      wake |= m.PushTo(to, ExpectLeg{mover});  // first, so the leg is awaited when it comes
      wake |= m.PushTo(from, MoveLeg{mover, to});
      wake |= m.PushTo(to, BridgeCmd{a, b});
      (move_b ? ib : ia)->second = to;
      m.moved.fetch_add(1, std::memory_order_relaxed);
      --m.shard_legs[from];
      ++m.shard_legs[to];
    }
  }
  m.WakeAll(wake);
  return true;
}

bool Engine::Unbridge(LegId leg) { return impl_->Post(UnbridgeCmd{leg}, leg, 0, false); }

bool Engine::Close(LegId leg) { return impl_->Post(CloseCmd{leg}, leg, 0, true); }

bool Engine::Mix(std::uint64_t mix, LegId caller, LegId agent, LegId supervisor, MixMode mode) {
  if (caller == agent || caller == supervisor || agent == supervisor) return false;
  return impl_->Post(MixCmd{mix, caller, agent, supervisor, mode}, caller, supervisor, false);
}

bool Engine::Unmix(std::uint64_t mix, LegId caller) {
  return impl_->Post(UnmixCmd{mix}, caller, 0, false);
}

bool Engine::Record(LegId leg, std::uint64_t recording, int channel) {
  if (options_.recorder == nullptr) return false;
  return impl_->Post(RecordCmd{leg, recording, channel}, leg, 0, false);
}

Stats Engine::stats() const {
  const Impl& m = *impl_;
  const auto get = [](const std::atomic<std::uint64_t>& a) {
    return a.load(std::memory_order_relaxed);
  };
  Stats s;
  s.threads = m.shards.size();
  s.legs = get(m.legs_open);
  s.commands_pending = m.pending.load(std::memory_order_relaxed);
  s.commands_refused = get(m.refused);
  s.legs_moved = get(m.moved);
  for (const auto& shard : m.shards) {
    const auto& c = shard->counters();
    s.packets_sent += get(c.sent);
    s.packets_received += get(c.received);
    s.packets_relayed += get(c.relayed);
    s.packets_dropped += get(c.dropped);
    s.late_ticks += get(c.late);
    s.srtp_refused += get(c.srtp_refused);
    s.io_uring_threads += c.io_uring.load(std::memory_order_relaxed) ? 1 : 0;
  }
  return s;
}

}  // namespace sb::media
