#pragma once
// The store writer: one thread that owns the Store and commits what the other threads post, in
// groups (one transaction per drain of the queue), so that the routing thread never waits on
// disk and a thousand events cost one fsync.
//
// When the store fails (disk full, PostgreSQL stopped), posted writes stay buffered, up to
// `max_buffered` items; the writer raises an alarm (a log line and health().alarm) and retries
// with back-off until the store is back, then commits the backlog in order and clears the alarm.
// Past the bound, writes spill to a local append-only file (`spill_path`, spill.h) up to
// `spill_max_bytes`, and every write after them goes there too, so the order holds; once the
// store is back and the memory backlog is in, the spill is committed in order, then emptied.
// Tasks posted meanwhile run once what was posted before them is committed. Only when the spill
// is full or cannot be written are new writes refused (Post returns 0, health().dropped counts
// them) so memory stays bounded and routing goes on; nothing already committed is ever lost.
// A spill left by a crash is committed by RecoverSpill() before the next start reads the store.
//
// A write that fails the store's validation (text too long, not UTF-8) would fail every retry
// and block every write behind it: it is set aside instead, as a DeadLetter committed in the
// same transaction as its neighbours, with a log line (health().dead_letters counts them).
//
// Thread safety: Post*, Call, durable, WaitDurable and health may be called from any thread.
// The Store is touched only by the writer thread. Ownership: the writer owns the store.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>

#include "base/thread_annotations.h"
#include "store/spill.h"
#include "store/store.h"

namespace sb::store {

struct WriterOptions {
  std::size_t max_buffered = 1'000'000;  // items waiting; past it Post refuses
  std::size_t max_batch = 20'000;        // items per transaction
  // The least time between the starts of two commits. Under load the writes that arrive
  // meanwhile share one transaction (one fsync); a write after a quiet spell commits at once,
  // so it costs nothing when idle and bounds the commits to 1 / interval a second. A full batch
  // or a stop does not wait.
  Duration commit_interval = Duration(0);
  Duration first_retry = Duration(50);
  Duration max_retry = Duration(2000);
  // Alarm and recovery messages; stderr when empty.
  std::function<void(const std::string&)> log;
  // Retention: when set, the writer purges expired data every `purge_every` (first one at
  // start) and logs what each purge removed (the store also audits it).
  std::optional<RetentionPolicy> retention;
  Duration purge_every = std::chrono::hours(1);
  std::function<Time()> clock;  // the wall clock when empty; tests set it
  std::function<void(const PurgeReport&)> on_purge;
  // Called on the writer thread each time the durability watermark moves, with the new value;
  // the server posts it to its event loop (no thread polls for it).
  std::function<void(std::uint64_t durable)> on_durable;
  // Writes past max_buffered go to this file (empty: none; they are refused).
  std::string spill_path;
  std::uint64_t spill_max_bytes = std::uint64_t{1} << 30;
};

struct WriterHealth {
  bool alarm = false;         // the last commit failed and writes are buffered
  std::string last_error;     // why, while alarmed
  std::uint64_t posted = 0;   // tickets handed out
  std::uint64_t durable = 0;  // highest ticket committed
  std::uint64_t dropped = 0;  // refused because the buffer was full
  std::uint64_t failed_commits = 0;
  std::uint64_t commits = 0;
  std::size_t buffered = 0;
  std::uint64_t purges = 0;
  std::uint64_t dead_letters = 0;  // writes refused by validation, set aside (DeadLetter)
  std::uint64_t spilled = 0;       // writes in the spill file, not yet committed
  std::uint64_t spill_bytes = 0;
  std::uint64_t spilled_total = 0;  // writes that ever went through the spill file
};

class StoreWriter {
 public:
  StoreWriter(std::unique_ptr<Store> store, WriterOptions options);
  // Commits what is buffered (trying for as long as the store keeps failing up to one retry
  // cycle), then stops the thread.
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Queue a write; returns its ticket (1, 2, 3...), or 0 if refused because the buffer is full.
  // Never blocks on the store.
  std::uint64_t Post(core::Event event);
  std::uint64_t Post(Cdr cdr);
  std::uint64_t Post(AuditEntry entry);
  std::uint64_t Post(CallDetail call);

  // Runs `task` on the writer thread, after everything posted before it is committed; the
  // future carries its result. For request/response work: cases, reads by the API.
  template <typename F>
  auto Call(F task) -> std::future<decltype(task(std::declval<Store&>()))> {
    using R = decltype(task(std::declval<Store&>()));
    auto p = std::make_shared<std::packaged_task<R(Store&)>>(std::move(task));
    auto f = p->get_future();
    Enqueue(Task([p](Store& s) { (*p)(s); }));
    return f;
  }

  // Runs `task` on the writer thread after everything posted before it; no result. Takes a
  // ticket like a write. Tasks are never refused (they are few: cases, reads).
  std::uint64_t Submit(std::function<void(Store&)> task) { return Enqueue(Task(std::move(task))); }
  // Whether a Post now would be accepted (the buffer has room).
  bool CanAccept() const;

  // The highest ticket whose write is committed (durable on disk or in PostgreSQL).
  std::uint64_t durable() const;
  // Waits until `ticket` is durable; false on timeout. Not for the control thread.
  bool WaitDurable(std::uint64_t ticket, Duration timeout);
  WriterHealth health() const;

 private:
  using Task = std::function<void(Store&)>;
  using Item = std::variant<core::Event, Cdr, AuditEntry, CallDetail, Task>;
  std::uint64_t Enqueue(Item item);
  // Puts a write in the spill file (under mu_); false if it cannot.
  bool Spill(Item& item) SB_REQUIRES(mu_);
  bool SpillWork() const SB_REQUIRES(mu_);
  // Commits one batch of the spill file and runs the tasks that were waiting for it.
  bool DrainSpill();
  void Run();
  // Commits `batch` until it succeeds or the writer is stopping; true if committed.
  bool CommitWithRetry(const WriteBatch& batch);
  // Adds a CDR or audit row to `batch`, or a dead letter in its place if it is invalid.
  template <typename T>
  void AddChecked(T&& item, std::vector<std::decay_t<T>>& to, const char* kind, WriteBatch& batch);
  void Log(const std::string& line);
  void MaybePurge();
  Time Now() const;

  std::unique_ptr<Store> store_;
  WriterOptions options_;
  mutable Mutex mu_;
  std::condition_variable_any wake_;  // writer: work or stop
  std::condition_variable_any durable_cv_;
  std::deque<Item> queue_ SB_GUARDED_BY(mu_);
  std::size_t inflight_ SB_GUARDED_BY(mu_) = 0;  // taken by the writer, not yet committed
  bool stopping_ SB_GUARDED_BY(mu_) = false;
  // The writer sleeps on wake_ for new work: Enqueue wakes it only then, not during the commit
  // interval (a wake-up per write would cost a system call on the poster's thread).
  bool idle_ SB_GUARDED_BY(mu_) = false;
  std::chrono::steady_clock::time_point last_commit_;  // writer thread only
  WriterHealth health_ SB_GUARDED_BY(mu_);
  std::unique_ptr<SpillFile> spill_ SB_GUARDED_BY(mu_);
  bool spilling_ SB_GUARDED_BY(mu_) = false;  // writes go to the spill file until it is drained
  std::uint64_t spill_uncounted_ SB_GUARDED_BY(mu_) = 0;  // records of an earlier run: no ticket
  // Tasks posted while spilling, with the number of spill records posted before each.
  std::deque<std::pair<std::uint64_t, Task>> spill_tasks_ SB_GUARDED_BY(mu_);
  Time next_purge_{};  // writer thread only
  std::thread thread_;
};

}  // namespace sb::store
