#pragma once
// ServeLoop: the control thread of `switchboard serve`. One Boost.Asio io_context runs the
// Controller: a steady (monotonic) timer on its next deadline, commands posted by front ends
// from any thread through a bounded queue with a completion callback, durability and case
// completions posted back by the store writer, and SIGTERM/SIGINT (stop: flush the store within
// a bounded time) and SIGHUP (reload, through the `on_reload` hook). Event times come from a
// LogClock, so a wall clock stepping backwards neither freezes timers nor reverses the log.
//
// Thread safety: Post, PostTask and RequestStop may be called from any thread; everything else
// (and every callback) runs on the thread that called Run().

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>

#include "control/controller.h"
#include "control/log_clock.h"
#include "store/writer.h"

namespace sb::server {

struct ServeLoopOptions {
  std::size_t max_pending = 10'000;  // commands posted, not yet run; Post refuses past it
  Duration shutdown_timeout = std::chrono::seconds(30);  // for the store to become durable
  std::function<void()> on_reload;                       // SIGHUP, on the control thread
  // Checkpoints: every `checkpoint_every` (0: never) and once at a clean stop, on the control
  // thread (the hook posts the write to the store).
  Duration checkpoint_every{0};
  std::function<void()> on_checkpoint;
  // Memory: every `trim_every` (0: never), when the C library holds more than `trim_above`
  // bytes freed but not returned (a load peak that has passed), they go back to the system
  // (glibc's malloc_trim), so the server's RSS follows its load down as well as up; once more
  // only after `trim_above` more has been freed (what cannot be returned is not retried).
  Duration trim_every = std::chrono::seconds(30);
  std::size_t trim_above = std::size_t{16} << 20;
};

class ServeLoop {
 public:
  using Done = std::function<void(const control::Command&, const control::Reply&)>;

  ServeLoop(control::Controller& controller, store::StoreWriter& writer, ServeLoopOptions options);

  boost::asio::io_context& io() { return io_; }
  // Runs `command` on the control thread; `done` gets its reply there. False (and `done` is not
  // called) when max_pending commands are already waiting.
  bool Post(control::Command command, Done done);
  std::size_t pending() const { return pending_.load(); }
  // Runs `task` on the control thread (the writer's callbacks use this).
  void PostTask(std::function<void()> task);
  // Stops accepting commands and stops once everything posted to the store is durable, or
  // after shutdown_timeout. From any thread.
  void RequestStop(std::string why);

  // Serves until stopped; returns the exit status: 0 when everything acknowledged became
  // durable, 3 when the store did not take it all in time.
  int Run();

  Time Now();  // log time, on the control thread

 private:
  void Rearm();
  void OnTimer();
  void CheckStopped();
  void ArmCheckpoint();
  void ArmTrim();
  std::size_t freed_floor_ = 0;  // the least freed memory seen since the last trim

  control::Controller& ctl_;
  store::StoreWriter& writer_;
  ServeLoopOptions options_;
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer stop_timer_;
  boost::asio::steady_timer checkpoint_timer_;
  boost::asio::steady_timer trim_timer_;
  boost::asio::signal_set signals_;
  control::LogClock clock_;
  Time armed_for_ = kNever;
  std::atomic<std::size_t> pending_{0};
  std::atomic<bool> stopping_{false};
  std::uint64_t stop_target_ = 0;  // the ticket that must be durable before the loop ends
  bool timed_out_ = false;
};

}  // namespace sb::server
