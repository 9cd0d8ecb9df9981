#pragma once
// A queue's ready members, split by tier, each tier in (ready time, agent) order: the order
// longest idle ranks in (AgentBefore in engine_match.cc). A longest-idle decision reads its
// winner and the explanation's top four off the front, and every strategy stops at the first
// tier past the explanation's fourth.
//
// Agents mostly join a tier at the back (they became ready now) and leave it from the front
// (the longest idle is taken first), so each tier is a vector with a moving front: both are
// O(1), and a leave from the middle moves only the shorter side. Nothing is allocated once the
// vectors have grown to the queue's size.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "base/ids.h"
#include "base/time.h"

namespace sb::core::internal {

// A ready member, with what strategies need copied in, so a decision reads this list and the
// proficiency table but not the agents' records (fewer cache misses with thousands of agents).
struct ReadyEntry {
  std::uint32_t member_index = 0;
  AgentId agent;
  std::int8_t tier = 1;
  std::uint32_t contacts_today = 0;
  Time ready_since{};
};

// Order within a tier: idle longest first, then agent id.
inline bool ReadyBefore(const ReadyEntry& a, const ReadyEntry& b) {
  if (a.ready_since != b.ready_since) return a.ready_since < b.ready_since;
  return a.agent < b.agent;
}

class ReadyTier {
 public:
  explicit ReadyTier(std::int8_t tier) : tier_(tier) {}

  std::int8_t tier() const { return tier_; }
  const ReadyEntry* begin() const { return v_.data() + head_; }
  const ReadyEntry* end() const { return v_.data() + v_.size(); }
  std::size_t size() const { return v_.size() - head_; }
  std::size_t capacity() const { return v_.capacity(); }
  // Room for every member of the tier: joins never allocate afterwards (a full vector with room
  // at the front compacts instead of growing, and no agent is in a tier twice).
  void Reserve(std::size_t members) { v_.reserve(members); }

  void Insert(const ReadyEntry& e) {
    if (size() == 0) {
      v_.clear();
      head_ = 0;
    }
    if (size() == 0 || !ReadyBefore(e, v_.back())) {  // the usual case: ready from now on
      if (v_.size() == v_.capacity() && head_ > 0) Compact();
      v_.push_back(e);
      return;
    }
    const auto first = v_.begin() + static_cast<std::ptrdiff_t>(head_);
    const std::size_t pos =
        static_cast<std::size_t>(std::upper_bound(first, v_.end(), e, ReadyBefore) - v_.begin());
    // Shift the front part one place left when it is the shorter, or when the vector is full.
    if (head_ > 0 && (pos - head_ < size() / 2 || v_.size() == v_.capacity())) {
      std::move(v_.begin() + static_cast<std::ptrdiff_t>(head_),
                v_.begin() + static_cast<std::ptrdiff_t>(pos),
                v_.begin() + static_cast<std::ptrdiff_t>(head_ - 1));
      --head_;
      v_[pos - 1] = e;
    } else {
      v_.insert(v_.begin() + static_cast<std::ptrdiff_t>(pos), e);
    }
  }

  // Removes `agent`, which joined with `ready_since`; false if it is not there.
  bool Erase(AgentId agent, Time ready_since) {
    const ReadyEntry key{0, agent, tier_, 0, ready_since};
    auto it = std::lower_bound(v_.begin() + static_cast<std::ptrdiff_t>(head_), v_.end(), key,
                               ReadyBefore);
    if (it == v_.end() || it->agent != agent) return false;
    const std::size_t pos = static_cast<std::size_t>(it - v_.begin());
    if (pos - head_ < size() / 2) {  // shift the front part one place right
      std::move_backward(v_.begin() + static_cast<std::ptrdiff_t>(head_), it, it + 1);
      ++head_;
    } else {
      v_.erase(it);
    }
    return true;
  }

 private:
  void Compact() {
    v_.erase(v_.begin(), v_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }

  std::int8_t tier_;
  std::vector<ReadyEntry> v_;
  std::size_t head_ = 0;  // entries before it have left
};

// Every tier of one queue, lowest (first choice) first.
class ReadyList {
 public:
  // Called while the engine is built: the tiers its members have, in any order, repeated or not.
  void AddTier(std::int8_t tier) {
    auto it = std::lower_bound(tiers_.begin(), tiers_.end(), tier,
                               [](const ReadyTier& t, std::int8_t x) { return t.tier() < x; });
    if (it == tiers_.end() || it->tier() != tier) tiers_.insert(it, ReadyTier(tier));
  }
  // The slot of a tier AddTier saw; stable once the engine is built.
  std::uint32_t SlotOf(std::int8_t tier) const {
    for (std::uint32_t i = 0; i < tiers_.size(); ++i) {
      if (tiers_[i].tier() == tier) return i;
    }
    return 0;
  }

  const std::vector<ReadyTier>& tiers() const { return tiers_; }
  void Reserve(std::uint32_t slot, std::size_t members) { tiers_[slot].Reserve(members); }
  std::size_t size() const { return size_; }

  void Insert(std::uint32_t slot, const ReadyEntry& e) {
    tiers_[slot].Insert(e);
    ++size_;
  }
  bool Erase(std::uint32_t slot, AgentId agent, Time ready_since) {
    if (!tiers_[slot].Erase(agent, ready_since)) return false;
    --size_;
    return true;
  }

 private:
  std::vector<ReadyTier> tiers_;
  std::size_t size_ = 0;
};

}  // namespace sb::core::internal
