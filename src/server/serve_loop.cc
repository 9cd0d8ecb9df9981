#include "server/serve_loop.h"

#include <algorithm>
#include <csignal>

#include <boost/asio/post.hpp>

#include "server/log.h"
#include "server/memory.h"

namespace sb::server {
namespace {

Time WallNow() { return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()); }
Duration SteadyNow() {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch());
}

}  // namespace

ServeLoop::ServeLoop(control::Controller& controller, store::StoreWriter& writer,
                     ServeLoopOptions options)
    : ctl_(controller),
      writer_(writer),
      options_(std::move(options)),
      timer_(io_),
      stop_timer_(io_),
      checkpoint_timer_(io_),
      trim_timer_(io_),
      signals_(io_, SIGTERM, SIGINT, SIGHUP),
      clock_(controller.engine().now()) {}

Time ServeLoop::Now() { return clock_.Now(WallNow(), SteadyNow()); }

bool ServeLoop::Post(control::Command command, Done done) {
  if (stopping_.load()) return false;
  if (pending_.fetch_add(1) >= options_.max_pending) {
    pending_.fetch_sub(1);
    return false;
  }
  boost::asio::post(io_, [this, command = std::move(command), done = std::move(done)] {
    pending_.fetch_sub(1);
    const control::Reply reply = ctl_.Execute(command, Now());
    done(command, reply);
    Rearm();
  });
  return true;
}

void ServeLoop::PostTask(std::function<void()> task) {
  boost::asio::post(io_, [this, task = std::move(task)] {
    task();
    Rearm();
    if (stopping_.load()) CheckStopped();
  });
}

void ServeLoop::Rearm() {
  const Time deadline = ctl_.NextDeadline();
  if (deadline == armed_for_) return;
  armed_for_ = deadline;
  if (deadline == kNever) {
    timer_.cancel();
    return;
  }
  // The wait runs on the monotonic clock: a wall clock step cannot stretch or shrink it.
  const Duration left = std::max(Duration(0), deadline - Now());
  timer_.expires_after(left);
  timer_.async_wait([this, deadline](const boost::system::error_code& ec) {
    if (ec || deadline != armed_for_) return;  // cancelled or superseded
    OnTimer();
  });
}

void ServeLoop::OnTimer() {
  armed_for_ = kNever;
  ctl_.Tick(Now());
  Rearm();
}

void ServeLoop::RequestStop(std::string why) {
  boost::asio::post(io_, [this, why = std::move(why)] {
    if (stopping_.exchange(true)) return;
    checkpoint_timer_.cancel();
    trim_timer_.cancel();
    if (options_.on_checkpoint) options_.on_checkpoint();  // the next start replays nothing
    stop_target_ = writer_.health().posted;
    LogInfo("serve: stopping",
            {{"why", why}, {"writes_to_commit", std::to_string(stop_target_ - writer_.durable())}});
    stop_timer_.expires_after(options_.shutdown_timeout);
    stop_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      timed_out_ = true;
      LogError("serve: the store did not take every write in time; stopping anyway",
               {{"durable", std::to_string(writer_.durable())},
                {"posted", std::to_string(stop_target_)}});
      io_.stop();
    });
    CheckStopped();
  });
}

void ServeLoop::CheckStopped() {
  // Writes posted after the stop (case completions, the last CDRs) count too.
  stop_target_ = std::max(stop_target_, writer_.health().posted);
  if (writer_.durable() >= stop_target_) io_.stop();
}

void ServeLoop::ArmCheckpoint() {
  if (options_.checkpoint_every <= Duration(0) || !options_.on_checkpoint) return;
  checkpoint_timer_.expires_after(options_.checkpoint_every);
  checkpoint_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_.load()) return;
    options_.on_checkpoint();
    ArmCheckpoint();
  });
}

void ServeLoop::ArmTrim() {
  if (options_.trim_every <= Duration(0)) return;
  trim_timer_.expires_after(options_.trim_every);
  trim_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_.load()) return;
    // Freed memory in pieces smaller than a page stays held after a trim: trim again only once
    // `trim_above` more has been freed than the least seen since, not every time.
    freed_floor_ = std::min(freed_floor_, FreedBytes());
    const std::size_t before = ResidentBytes();
    if (const std::size_t freed = ReturnFreedMemory(freed_floor_ + options_.trim_above);
        freed > 0) {
      freed_floor_ = freed;
      LogInfo("serve: freed memory returned to the system",
              {{"freed_mb", std::to_string(freed >> 20)},
               {"rss_mb_before", std::to_string(before >> 20)},
               {"rss_mb_after", std::to_string(ResidentBytes() >> 20)}});
    }
    ArmTrim();
  });
}

int ServeLoop::Run() {
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [this, &on_signal](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          LogInfo("serve: SIGHUP, reloading the configuration");
          if (options_.on_reload) options_.on_reload();
          Rearm();
        } else {
          RequestStop(sig == SIGTERM ? "SIGTERM" : "SIGINT");
        }
        signals_.async_wait(on_signal);
      };
  signals_.async_wait(on_signal);
  Rearm();
  ArmCheckpoint();
  ArmTrim();
  io_.run();
  signals_.cancel();
  timer_.cancel();
  checkpoint_timer_.cancel();
  trim_timer_.cancel();
  const std::uint64_t durable = writer_.durable();
  const std::uint64_t posted = writer_.health().posted;
  if (timed_out_ || durable < posted) {
    LogError("serve: stopped with writes not yet durable",
             {{"durable", std::to_string(durable)}, {"posted", std::to_string(posted)}});
    return 3;
  }
  LogInfo("serve: stopped; every write is durable", {{"durable", std::to_string(durable)}});
  return 0;
}

}  // namespace sb::server
