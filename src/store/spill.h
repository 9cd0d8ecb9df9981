#pragma once
// The spill file: where the store writer puts writes past its memory bound while the store is
// down or slow, so that routing goes on recording instead of refusing new contacts. It is a local
// append-only file of records (an event, a CDR or an audit row each), committed to the store in
// order when it is back, then emptied. Each record is [u32 length][u64 checksum][payload]: a
// record torn by a crash is detected and dropped with the rest of the tail (it was never
// acknowledged as durable), never misread.
//
// Records are written with write(2): they survive the process being killed. A power cut may lose
// the last ones not yet flushed by the kernel; Sync() flushes (the writer calls it every 256
// records and when it stops).
//
// Thread safety: none; the writer guards it with its mutex.

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "base/result.h"
#include "core/events.h"
#include "store/store.h"

namespace sb::store {

using SpillRecord = std::variant<core::Event, Cdr, AuditEntry, CallDetail>;

class SpillFile {
 public:
  // Opens `path`, creating it if absent. Records left by an earlier run are kept (Pending()
  // counts them); a torn tail is cut off.
  static Result<std::unique_ptr<SpillFile>> Open(const std::string& path);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  Status Append(const SpillRecord& record);
  // Up to `max` records from the read position, in order; Advance() moves past them once they
  // are committed.
  Result<std::vector<SpillRecord>> Peek(std::size_t max);
  void Advance(std::size_t records);
  // Empties the file once every record was read and committed.
  Status Reset();
  Status Sync();

  std::uint64_t pending() const { return appended_ - consumed_; }  // records not yet committed
  std::uint64_t appended() const { return appended_; }             // since the last Reset
  std::uint64_t consumed() const { return consumed_; }
  std::uint64_t bytes() const { return end_; }
  const std::string& path() const { return path_; }

 private:
  SpillFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
  std::uint64_t end_ = 0;         // file size: where the next record goes
  std::uint64_t read_at_ = 0;     // offset of the first record not yet committed
  std::uint64_t peeked_end_ = 0;  // offset after the records of the last Peek
  std::vector<std::uint64_t> peeked_ends_;
  std::uint64_t appended_ = 0, consumed_ = 0;
};

// Commits every record a crashed run left in the spill file at `path` (if any) to `store`, in
// order, then empties the file. `serve` calls it before it rebuilds its state from the store.
// Returns the number of records committed.
Result<std::uint64_t> RecoverSpill(const std::string& path, Store& store);

}  // namespace sb::store
