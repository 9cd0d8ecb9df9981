#include "store/writer.h"

#include <algorithm>
#include <cstdio>

namespace sb::store {

StoreWriter::StoreWriter(std::unique_ptr<Store> store, WriterOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
  if (!options_.spill_path.empty()) {
    auto spill = SpillFile::Open(options_.spill_path);
    if (spill.ok() && (*spill)->pending() > 0) {
      // RecoverSpill() empties it before a start; records here were never handed a ticket.
      Log("store: the spill file " + options_.spill_path + " still holds " +
          std::to_string((*spill)->pending()) + " writes; they are committed first");
    }
    if (spill.ok()) {
      MutexLock lock(mu_);
      spill_ = std::move(spill).value();
      spilling_ = spill_->pending() > 0;
      spill_uncounted_ = spill_->pending();
    } else {
      Log("store: no spill file (" + spill.status().message() +
          "); writes past the memory buffer will be refused");
    }
  }
  thread_ = std::thread([this] { Run(); });
}

StoreWriter::~StoreWriter() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::uint64_t StoreWriter::Post(core::Event event) { return Enqueue(std::move(event)); }
std::uint64_t StoreWriter::Post(Cdr cdr) { return Enqueue(std::move(cdr)); }
std::uint64_t StoreWriter::Post(AuditEntry entry) { return Enqueue(std::move(entry)); }
std::uint64_t StoreWriter::Post(CallDetail call) { return Enqueue(std::move(call)); }

bool StoreWriter::Spill(Item& item) {
  if (!spill_ || spill_->bytes() >= options_.spill_max_bytes) return false;
  SpillRecord record;
  if (auto* e = std::get_if<core::Event>(&item)) record = std::move(*e);
  if (auto* c = std::get_if<Cdr>(&item)) record = std::move(*c);
  if (auto* a = std::get_if<AuditEntry>(&item)) record = std::move(*a);
  if (auto* c = std::get_if<CallDetail>(&item)) record = std::move(*c);
  if (Status s = spill_->Append(record); !s.ok()) {
    health_.last_error = s.message();
    return false;
  }
  if (spill_->pending() % 256 == 0) (void)spill_->Sync();
  ++health_.spilled_total;
  health_.spilled = spill_->pending();
  health_.spill_bytes = spill_->bytes();
  return true;
}

bool StoreWriter::SpillWork() const {
  return spill_ && (spill_->pending() > 0 || !spill_tasks_.empty());
}

std::uint64_t StoreWriter::Enqueue(Item item) {
  std::uint64_t ticket = 0;
  bool first_drop = false, first_spill = false, wake = false;
  {
    MutexLock lock(mu_);
    const bool task = std::holds_alternative<Task>(item);
    const bool full = queue_.size() + inflight_ >= options_.max_buffered;
    if (spilling_ && task) {
      ticket = ++health_.posted;
      spill_tasks_.emplace_back(spill_->appended(), std::move(std::get<Task>(item)));
    } else if ((spilling_ || full) && !task) {
      first_spill = !spilling_;
      if (Spill(item)) {
        spilling_ = true;
        ticket = ++health_.posted;
        health_.alarm = true;
      } else {
        first_spill = false;
        first_drop = health_.dropped++ == 0;
        health_.alarm = true;
      }
    } else {
      ticket = ++health_.posted;
      queue_.push_back(std::move(item));
      health_.buffered = queue_.size();
    }
    // The writer waits for work only when idle; in its commit interval it wakes by itself, and
    // a full batch wakes it at once.
    wake = ticket != 0 && (idle_ || queue_.size() >= options_.max_batch);
  }
  if (first_spill) {
    Log("store: write buffer full (" + std::to_string(options_.max_buffered) +
        " items): writes go to the spill file " + options_.spill_path +
        " until the store takes them");
  }
  if (first_drop) {
    Log("store: write buffer full (" + std::to_string(options_.max_buffered) + " items)" +
        (options_.spill_path.empty() ? std::string() : " and the spill file full or failing") +
        ": new writes are being dropped until the store is back");
  }
  if (wake) wake_.notify_one();
  return ticket;
}

bool StoreWriter::CanAccept() const {
  MutexLock lock(mu_);
  const bool spill_room = spill_ && spill_->bytes() < options_.spill_max_bytes;
  if (spilling_) return spill_room;
  return queue_.size() + inflight_ < options_.max_buffered || spill_room;
}

template <typename T>
void StoreWriter::AddChecked(T&& item, std::vector<std::decay_t<T>>& to, const char* kind,
                             WriteBatch& batch) {
  Status s = Validate(item);
  if (s.ok()) {
    to.push_back(std::forward<T>(item));
    return;
  }
  DeadLetter d{ToMillis(Now()), kind, SanitizeText(s.message(), 1024),
               SanitizeText(Describe(item), 4096)};
  std::uint64_t n = 0;
  {
    MutexLock lock(mu_);
    n = ++health_.dead_letters;
  }
  // One line per dead letter for the first hundred, then every thousandth: an operator sees it,
  // and a flood of bad writes cannot flood the log.
  if (n <= 100 || n % 1000 == 0) {
    Log("store: a " + std::string(kind) + " was refused (" + d.reason +
        ") and set aside as dead letter " + std::to_string(n) + "; the writes behind it go on");
  }
  batch.dead_letters.push_back(std::move(d));
}

std::uint64_t StoreWriter::durable() const {
  MutexLock lock(mu_);
  return health_.durable;
}

bool StoreWriter::WaitDurable(std::uint64_t ticket, Duration timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(mu_);
  while (health_.durable < ticket) {
    if (durable_cv_.wait_until(lock, until) == std::cv_status::timeout) {
      return health_.durable >= ticket;
    }
  }
  return true;
}

WriterHealth StoreWriter::health() const {
  MutexLock lock(mu_);
  return health_;
}

void StoreWriter::Log(const std::string& line) {
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

bool StoreWriter::CommitWithRetry(const WriteBatch& batch) {
  Duration wait = options_.first_retry;
  while (true) {
    Status s = store_->Commit(batch);
    MutexLock lock(mu_);
    if (s.ok()) {
      const bool was_alarmed = health_.alarm && health_.dropped == 0;
      if (health_.alarm) {
        health_.alarm = false;
        health_.last_error.clear();
        lock.unlock();
        Log(std::string("store: writes resumed") +
            (was_alarmed ? "" : "; some writes were dropped while the buffer was full"));
      }
      return true;
    }
    ++health_.failed_commits;
    const bool first = !health_.alarm || health_.last_error.empty();
    health_.alarm = true;
    health_.last_error = s.ToString();
    if (stopping_) {
      lock.unlock();
      Log("store: stopping with " + std::to_string(batch.size()) +
          " writes not committed: " + s.ToString());
      return false;
    }
    lock.unlock();
    if (first) {
      Log("store: commit failed, buffering writes and retrying: " + s.ToString());
    }
    // Re-check stop while waiting, so that shutdown is not held up by a dead store.
    lock.lock();
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!stopping_ && wake_.wait_until(lock, until) == std::cv_status::no_timeout) {
    }
    lock.unlock();
    wait = std::min(options_.max_retry, wait * 2);
  }
}

Time StoreWriter::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

void StoreWriter::MaybePurge() {
  if (!options_.retention) return;
  const Time now = Now();
  if (now < next_purge_) return;
  next_purge_ = now + options_.purge_every;
  auto r = store_->Purge(*options_.retention, now);
  if (!r.ok()) {
    Log("store: retention purge failed, will retry at the next interval: " + r.status().ToString());
    return;
  }
  {
    MutexLock lock(mu_);
    ++health_.purges;
  }
  if (r->events + r->cdrs + r->cases + r->audit + r->recordings > 0) {
    Log("store: retention purge removed " + std::to_string(r->events) + " events, " +
        std::to_string(r->cdrs) + " CDRs, " + std::to_string(r->cases) + " cases, " +
        std::to_string(r->audit) + " audit rows, " + std::to_string(r->recordings) + " recordings" +
        (r->recording_files_failed > 0
             ? " (" + std::to_string(r->recording_files_failed) + " files could not be deleted)"
             : std::string()));
  }
  if (options_.on_purge) options_.on_purge(*r);
}

bool StoreWriter::DrainSpill() {
  std::vector<SpillRecord> records;
  {
    MutexLock lock(mu_);
    if (!SpillWork()) return true;
    // A bounded batch (Post waits on this lock meanwhile) that stops at the next waiting task.
    std::uint64_t limit = std::min<std::size_t>(options_.max_batch, 2000);
    if (!spill_tasks_.empty()) {
      limit = std::min(limit, spill_tasks_.front().first - spill_->consumed());
    }
    auto peeked = spill_->Peek(static_cast<std::size_t>(limit));
    if (!peeked.ok()) {
      health_.alarm = true;
      health_.last_error = peeked.status().message();
      lock.unlock();
      Log("store: " + peeked.status().message() + "; the writes in it cannot be committed");
      return false;
    }
    records = std::move(peeked).value();
  }
  WriteBatch batch;
  for (SpillRecord& r : records) {
    if (auto* e = std::get_if<core::Event>(&r)) batch.events.push_back(std::move(*e));
    if (auto* c = std::get_if<Cdr>(&r)) AddChecked(std::move(*c), batch.cdrs, "cdr", batch);
    if (auto* a = std::get_if<AuditEntry>(&r))
      AddChecked(std::move(*a), batch.audit, "audit", batch);
    if (auto* c = std::get_if<CallDetail>(&r))
      AddChecked(std::move(*c), batch.calls, "call", batch);
  }
  if (!batch.empty() && !CommitWithRetry(batch)) return false;
  // Tasks that waited for these records run in their order, each after the records before it.
  std::deque<std::pair<std::uint64_t, Task>> due;
  bool drained = false;
  std::uint64_t now_durable = 0;
  {
    MutexLock lock(mu_);
    spill_->Advance(records.size());
    const std::uint64_t uncounted = std::min<std::uint64_t>(spill_uncounted_, records.size());
    spill_uncounted_ -= uncounted;
    health_.durable += records.size() - uncounted;
    ++health_.commits;
    while (!spill_tasks_.empty() && spill_tasks_.front().first <= spill_->consumed()) {
      due.push_back(std::move(spill_tasks_.front()));
      spill_tasks_.pop_front();
    }
    if (spill_->pending() == 0 && spill_tasks_.empty()) {
      if (Status s = spill_->Reset(); !s.ok()) health_.last_error = s.message();
      spilling_ = false;
      drained = true;
    }
    health_.spilled = spill_->pending();
    health_.spill_bytes = spill_->bytes();
    now_durable = health_.durable;
  }
  durable_cv_.notify_all();
  if (options_.on_durable) options_.on_durable(now_durable);
  for (auto& [at, task] : due) {
    task(*store_);
    {
      MutexLock lock(mu_);
      now_durable = ++health_.durable;
    }
    durable_cv_.notify_all();
    if (options_.on_durable) options_.on_durable(now_durable);
  }
  if (drained)
    Log("store: the spill file is committed and empty; writes are buffered in memory again");
  return true;
}

void StoreWriter::Run() {
  std::deque<Item> work;
  while (true) {
    MaybePurge();
    {
      MutexLock lock(mu_);
      idle_ = true;
      if (options_.retention) {
        // Sleep until work arrives or the next purge is due (by the wall clock).
        const auto until =
            std::chrono::steady_clock::now() + std::max(Duration(1), next_purge_ - Now());
        while (!stopping_ && queue_.empty() && !SpillWork() &&
               wake_.wait_until(lock, until) == std::cv_status::no_timeout) {
        }
      } else {
        while (!stopping_ && queue_.empty() && !SpillWork()) wake_.wait(lock);
      }
      idle_ = false;
      // Group commit: no sooner than commit_interval after the previous commit began, so that
      // what arrives meanwhile joins this one.
      if (options_.commit_interval > Duration(0) && !queue_.empty()) {
        const auto due = last_commit_ + options_.commit_interval;
        while (!stopping_ && queue_.size() < options_.max_batch &&
               std::chrono::steady_clock::now() < due) {
          wake_.wait_until(lock, due);
        }
      }
      last_commit_ = std::chrono::steady_clock::now();
      if (queue_.empty() && !SpillWork() && stopping_) {
        if (spill_) (void)spill_->Sync();
        return;
      }
      if (queue_.empty()) {  // the memory backlog is in: the spill file, in order
        lock.unlock();
        if (!DrainSpill()) {
          MutexLock relock(mu_);
          if (stopping_) {
            if (spill_) (void)spill_->Sync();
            return;  // what is left stays in the file for RecoverSpill
          }
        }
        continue;
      }
      // Take everything there is, up to one batch: this is the group in group commit.
      const std::size_t n = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < n; ++i) {
        work.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      inflight_ = work.size();
    }
    while (!work.empty()) {
      WriteBatch batch;
      std::uint64_t items = 0;
      while (!work.empty() && !std::holds_alternative<Task>(work.front())) {
        Item& it = work.front();
        if (auto* e = std::get_if<core::Event>(&it)) batch.events.push_back(std::move(*e));
        if (auto* c = std::get_if<Cdr>(&it)) AddChecked(std::move(*c), batch.cdrs, "cdr", batch);
        if (auto* a = std::get_if<AuditEntry>(&it)) {
          AddChecked(std::move(*a), batch.audit, "audit", batch);
        }
        if (auto* c = std::get_if<CallDetail>(&it)) {
          AddChecked(std::move(*c), batch.calls, "call", batch);
        }
        work.pop_front();
        ++items;
      }
      if (!batch.empty()) {
        if (!CommitWithRetry(batch)) {
          work.clear();
          return;
        }
      }
      MutexLock lock(mu_);
      // Tickets are handed out in queue order, so what is committed is always a prefix.
      if (items > 0) {
        health_.durable += items;
        ++health_.commits;
      }
      inflight_ = work.size();
      health_.buffered = queue_.size() + work.size();
      const std::uint64_t now_durable = health_.durable;
      lock.unlock();
      durable_cv_.notify_all();
      if (items > 0 && options_.on_durable) options_.on_durable(now_durable);
      if (!work.empty()) {  // a task, after everything before it is committed
        Task task = std::move(std::get<Task>(work.front()));
        work.pop_front();
        task(*store_);
        std::uint64_t after_task = 0;
        {
          MutexLock relock(mu_);
          after_task = ++health_.durable;  // a task's ticket counts as done once it ran
        }
        durable_cv_.notify_all();
        if (options_.on_durable) options_.on_durable(after_task);
      }
    }
  }
}

}  // namespace sb::store
