#pragma once
// A short list of agents with room for two inline: the agents ringing for one contact. Almost
// every offer rings one agent, so the common case allocates nothing; ring-all spills to the heap.

#include <algorithm>
#include <array>
#include <vector>

#include "base/ids.h"

namespace sb::core::internal {

class AgentList {
 public:
  const AgentId* begin() const { return spill_.empty() ? inline_.data() : spill_.data(); }
  const AgentId* end() const { return begin() + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool contains(AgentId a) const { return std::find(begin(), end(), a) != end(); }

  void push_back(AgentId a) {
    if (spill_.empty() && size_ < inline_.size()) {
      inline_[size_++] = a;
      return;
    }
    if (spill_.empty()) spill_.assign(inline_.begin(), inline_.begin() + size_);
    spill_.push_back(a);
    ++size_;
  }
  void remove(AgentId a) {
    AgentId* first = spill_.empty() ? inline_.data() : spill_.data();
    AgentId* last = first + size_;
    AgentId* it = std::find(first, last, a);
    if (it == last) return;
    std::move(it + 1, last, it);
    --size_;
    if (!spill_.empty()) spill_.pop_back();
  }
  void clear() {
    size_ = 0;
    spill_.clear();
  }

 private:
  std::array<AgentId, 2> inline_{};
  std::vector<AgentId> spill_;  // used once more than two agents ring
  std::size_t size_ = 0;
};

}  // namespace sb::core::internal
