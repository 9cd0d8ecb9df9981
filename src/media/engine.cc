// The engine's API, on callers' threads: sockets are bound here so the caller can write its SDP at
// once, and every other request becomes a command for the media thread (media_loop.cc). The
// queue is a mutex-guarded deque rather than a lock-free ring: it is touched once per command,
// never per packet, and the lock is held only for a push or for swapping the queue out.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "media/engine_impl.h"

namespace sb::media {

Engine::Impl::~Impl() {
  for (auto& [id, leg] : legs) close(leg.fd);
  {
    MutexLock lock(mu);
    for (auto& c : queue) {
      if (auto* add = std::get_if<AddLeg>(&c)) close(add->fd);
    }
  }
  for (int fd : {wake_fd, epoll_fd, timer_fd}) {
    if (fd >= 0) close(fd);
  }
}

bool Engine::Impl::Post(Command c, LegId a, LegId b, bool closing) {
  bool was_empty;
  {
    MutexLock lock(mu);
    if (!live.contains(a) || (b != 0 && !live.contains(b))) return false;
    if (queue.size() >= options.max_pending_commands) {
      refused.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (closing) {
      live.erase(a);
      legs_open.fetch_sub(1, std::memory_order_relaxed);
    }
    was_empty = queue.empty();
    queue.push_back(std::move(c));
  }
  // One wake-up per batch of commands: the media thread drains the whole queue when it wakes.
  if (was_empty && wake_fd >= 0) {
    const std::uint64_t one = 1;
    (void)write(wake_fd, &one, sizeof one);
  }
  return true;
}

Engine::Engine(Options options, std::function<void(const Event&)> on_event)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_, std::move(on_event))) {
  Impl& m = *impl_;
  const auto local = ParseAddress(options_.address, 0);
  if (!local) {
    m.init = InvalidArgument("media: address '" + options_.address + "' is not an IP address");
    return;
  }
  m.local = *local;
  m.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  m.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  m.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (m.wake_fd < 0 || m.epoll_fd < 0 || m.timer_fd < 0) {
    m.init =
        Unavailable(std::string("media: cannot create the event fds: ") + std::strerror(errno));
  }
}

Engine::~Engine() {
  if (impl_->thread.joinable()) {
    impl_->stopping.store(true, std::memory_order_release);
    const std::uint64_t one = 1;
    (void)write(impl_->wake_fd, &one, sizeof one);
    impl_->thread.join();
  }
}

Status Engine::Start() {
  Impl& m = *impl_;
  SB_RETURN_IF_ERROR(m.init);
  if (m.thread.joinable()) return FailedPrecondition("media: engine already started");
  for (auto [fd, tag] : {std::pair{m.wake_fd, kWakeTag}, std::pair{m.timer_fd, kTimerTag}}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    if (epoll_ctl(m.epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      return Unavailable(std::string("media: epoll_ctl: ") + std::strerror(errno));
    }
  }
  // Timeouts are checked a few times per timeout, at most once a second.
  m.timeout_period = std::clamp<Duration>(options_.no_rtp_timeout / 4, kTick, 1s);
  // The first deadline is absolute and the period fixed, so ticks never drift.
  // (steady_clock is CLOCK_MONOTONIC on Linux, so `next_tick` and the timer share one clock.)
  m.next_tick = Clock::now() + kTick;
  const auto since = m.next_tick.time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  const timespec first{static_cast<time_t>(secs.count()),
                       static_cast<long>(std::chrono::nanoseconds(since - secs).count())};
  const itimerspec spec{{0, std::chrono::nanoseconds(kTick).count()}, first};
  if (timerfd_settime(m.timer_fd, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
    return Unavailable(std::string("media: timerfd_settime: ") + std::strerror(errno));
  }
  m.next_timeout_check = Clock::now() + m.timeout_period;
  m.thread = std::thread([&m] { m.Run(); });
  return Status::Ok();
}

Result<Engine::Opened> Engine::Open() {
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
    m.live.insert(id);
  }
  auto bound = BindEvenPort(m.local, options_.port_min, options_.port_max, m.port_cursor);
  if (bound.ok() && m.Post(AddLeg{id, bound->fd}, id, 0, false)) {
    m.legs_open.fetch_add(1, std::memory_order_relaxed);
    return Opened{id, bound->port};
  }
  MutexLock lock(m.mu);
  m.live.erase(id);
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
  return impl_->Post(SetRemoteCmd{leg, std::move(remote), to}, leg, 0, false);
}

bool Engine::Play(LegId leg, std::vector<std::shared_ptr<const Clip>> clips, bool loop) {
  return impl_->Post(PlayCmd{leg, std::move(clips), loop}, leg, 0, false);
}

bool Engine::Bridge(LegId a, LegId b) {
  return a != b && impl_->Post(BridgeCmd{a, b}, a, b, false);
}

bool Engine::Unbridge(LegId leg) { return impl_->Post(UnbridgeCmd{leg}, leg, 0, false); }

bool Engine::Close(LegId leg) { return impl_->Post(CloseCmd{leg}, leg, 0, true); }

Stats Engine::stats() const {
  const Impl& m = *impl_;
  const auto get = [](const std::atomic<std::uint64_t>& a) {
    return a.load(std::memory_order_relaxed);
  };
  Stats s;
  s.legs = get(m.legs_open);
  s.packets_sent = get(m.sent);
  s.packets_received = get(m.received);
  s.packets_relayed = get(m.relayed);
  s.packets_dropped = get(m.dropped);
  s.commands_refused = get(m.refused);
  s.late_ticks = get(m.late);
  return s;
}

}  // namespace sb::media
