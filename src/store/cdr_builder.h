#pragma once
// Folds the engine's events into call detail records: one Cdr per contact, complete when the
// contact ends. The server feeds it every event and posts the finished CDRs to the store writer;
// reports can also rebuild CDRs from a stored event log. Thread safety: none (one thread).

#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/events.h"
#include "store/store.h"

namespace sb::store {

class CdrBuilder {
 public:
  // Returns the finished CDR when `e` ends a contact.
  std::optional<Cdr> Add(const core::Event& e);
  // A call arrived (before the engine saw it): its CDR starts now, so a call turned away on
  // arrival (queue closed or full) or one that leaves in the IVR still gets one. `ivr_ms` is 0
  // when it went straight to a queue.
  void Arrived(std::uint64_t contact, std::int64_t arrival_ms, std::int64_t ivr_ms);
  // Ends a call the engine never saw (it left in the IVR); nullopt if it is not open.
  std::optional<Cdr> Close(std::uint64_t contact, std::int64_t ended_ms, std::string outcome);
  // Contacts seen but not yet ended.
  std::size_t open() const { return open_.size(); }
  // The CDRs being built, and putting them back (a checkpoint of the server carries them).
  const std::unordered_map<std::uint64_t, Cdr>& open_cdrs() const { return open_; }
  void Restore(std::vector<Cdr> open) {
    for (Cdr& c : open) open_[c.contact] = std::move(c);
  }
  // Sets an open CDR's callback attempts (a checkpoint that does not carry them: the engine's
  // count replaces them), and whether the callback waits or rings an agent (not dialled now: its
  // next accept is a dial); nothing if it is not open.
  void SetCallbackAttempts(std::uint64_t contact, std::int64_t attempts, bool not_dialling);

 private:
  std::unordered_map<std::uint64_t, Cdr> open_;
  // Contacts whose live offer is a callback's: its accept is a dial (<= open contacts).
  std::unordered_set<std::uint64_t> callback_offers_;
};

}  // namespace sb::store
