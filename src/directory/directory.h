#pragma once
// Directory: the organization's records (people and partner organizations), searchable while
// they are being updated.
//
// Reads (FindById, FindByPhone, Search, AttributePartner, Pop) copy the current Snapshot's
// shared_ptr under a mutex held for that copy only (a writer holds it only to swap the pointer),
// so a read never waits for an import or a merge; the snapshot then answers on its own. A caller
// that needs several reads on one version takes snapshot() once. (std::atomic<shared_ptr> would
// do the same; libstdc++ 12 implements it with a spin bit whose unlock is relaxed, which
// Helgrind reports as a race, so a plain mutex it is.)
//
// Freeing a replaced snapshot can take long (hundreds of megabytes): the writer that replaced it
// waits briefly for readers to drop it and frees it itself, so readers do not pay for it.
//
// Writes (Upsert, Delete, and imports through import.h) build a new immutable segment outside
// any lock, then publish it: under a writers-only mutex the new snapshot is the old segments plus
// the new one, stored with one atomic swap. When the newest segment has grown to half the size
// of the one below it, the two are merged (an LSM-style size-tiered rule), so a snapshot has
// about log2(records) segments at most and an update of a few rows copies a few rows.
// The merge runs in the writer that published, also outside the readers' way.
//
// Thread safety: every method may be called from any thread. Ownership: the Directory owns the
// current snapshot; readers that hold one keep it (and its segments) alive after a swap.

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "directory/record.h"
#include "directory/schema.h"
#include "directory/snapshot.h"

namespace sb::directory {
namespace internal {
class Segment;
}

struct ApplyStats {
  std::size_t inserted = 0;  // upserts of ids that did not exist
  std::size_t updated = 0;   // upserts replacing a record (the record is replaced whole)
  std::size_t deleted = 0;
  std::size_t delete_missing = 0;  // deletes of ids that did not exist (not an error)
  std::uint64_t version = 0;       // of the snapshot published
};

class Directory {
 public:
  Directory();
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  // The current version. Never null.
  std::shared_ptr<const Snapshot> snapshot() const {
    std::lock_guard<std::mutex> lock(current_mu_);
    return current_;
  }

  std::optional<Record> FindById(std::string_view id) const { return snapshot()->FindById(id); }
  std::vector<Record> FindByPhone(std::string_view e164) const {
    return snapshot()->FindByPhone(e164);
  }
  std::vector<SearchHit> Search(std::string_view query, const SearchOptions& o = {}) const {
    return snapshot()->Search(query, o);
  }
  std::optional<Attribution> AttributePartner(std::string_view trunk, std::string_view caller_e164,
                                              std::string_view pin) const {
    return snapshot()->AttributePartner(trunk, caller_e164, pin);
  }
  ScreenPop Pop(const PopRequest& request) const { return snapshot()->Pop(request); }
  std::vector<Record> ContactsOf(std::string_view partner_id, std::size_t limit = 1000) const {
    return snapshot()->ContactsOf(partner_id, limit);
  }

  // Inserts or replaces records by id, all or none: InvalidArgument naming the first invalid
  // record (ValidateRecord) or a repeated id, and nothing is applied.
  Result<ApplyStats> Upsert(const std::vector<Record>& records, const ImportOptions& options = {});
  ApplyStats Delete(const std::vector<std::string>& ids);

  // Publishes a segment built by SegmentBuilder (import.cc), newer than everything before.
  ApplyStats Publish(std::shared_ptr<const internal::Segment> segment);

 private:
  std::mutex write_mu_;            // serialises writers; readers never take it
  mutable std::mutex current_mu_;  // guards current_; held for a pointer copy or swap only
  // Shared with readers that took it (and keep it alive until they drop it).
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace sb::directory
