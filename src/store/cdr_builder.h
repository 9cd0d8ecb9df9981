#pragma once
// Folds the engine's events into call detail records: one Cdr per contact, complete when the
// contact ends. The server feeds it every event and posts the finished CDRs to the store writer;
// reports can also rebuild CDRs from a stored event log. Thread safety: none (one thread).

#include <optional>
#include <unordered_map>

#include "core/events.h"
#include "store/store.h"

namespace sb::store {

class CdrBuilder {
 public:
  // Returns the finished CDR when `e` ends a contact.
  std::optional<Cdr> Add(const core::Event& e);
  // Contacts seen but not yet ended.
  std::size_t open() const { return open_.size(); }

 private:
  std::unordered_map<std::uint64_t, Cdr> open_;
};

}  // namespace sb::store
