#pragma once
// KeyIndex: an immutable multimap from a 64-bit key to record slots, stored as two sorted
// parallel arrays (12 bytes an entry, no per-entry allocation). A look-up is a binary search:
// about 24 probes at 10 million entries, a few hundred nanoseconds to a microsecond or two.
// Keys are either exact (an E.164 number read as an integer) or a hash (ids, trunks, PINs), in
// which case the caller verifies each slot against the real string.
// Internal to the directory module. Build once, then read from any thread.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::directory::internal {

inline std::uint64_t HashKey(std::string_view s) { return std::hash<std::string_view>{}(s); }

// "+33123456789" as the integer 33123456789; 0 if not "+" and 1..15 digits.
inline std::uint64_t PhoneKey(std::string_view e164) {
  if (e164.size() < 2 || e164.size() > 16 || e164[0] != '+') return 0;
  std::uint64_t v = 0;
  for (char c : e164.substr(1)) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

class KeyIndex {
 public:
  KeyIndex() = default;
  // Takes (key, slot) pairs in any order.
  explicit KeyIndex(std::vector<std::pair<std::uint64_t, std::uint32_t>> pairs) {
    std::sort(pairs.begin(), pairs.end());
    keys_.reserve(pairs.size());
    slots_.reserve(pairs.size());
    for (const auto& [k, s] : pairs) {
      keys_.push_back(k);
      slots_.push_back(s);
    }
  }

  // Calls f(slot) for each slot stored under key, in slot order.
  template <typename F>
  void ForEach(std::uint64_t key, F&& f) const {
    auto it = std::lower_bound(keys_.begin(), keys_.end(), key);
    for (; it != keys_.end() && *it == key; ++it) {
      f(slots_[static_cast<std::size_t>(it - keys_.begin())]);
    }
  }

  std::size_t size() const { return keys_.size(); }
  std::size_t MemoryBytes() const {
    return keys_.capacity() * sizeof(std::uint64_t) + slots_.capacity() * sizeof(std::uint32_t);
  }

 private:
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> slots_;
};

}  // namespace sb::directory::internal
