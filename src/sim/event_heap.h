#pragma once
// A 4-ary min-heap for the simulator's calendar: half the depth of a binary heap, and the four
// children of a node share a cache line or two, which matters with thousands of pending
// happenings (every waiting caller's patience, every call's end). T needs operator>.

#include <cstddef>
#include <utility>
#include <vector>

namespace sb::sim::internal {

template <typename T>
class EventHeap {
 public:
  bool empty() const { return v_.empty(); }
  std::size_t size() const { return v_.size(); }
  const T& top() const { return v_.front(); }

  void push(const T& x) {
    std::size_t i = v_.size();
    v_.push_back(x);
    while (i > 0) {  // move the hole up while the parent is later
      const std::size_t parent = (i - 1) / 4;
      if (!(v_[parent] > x)) break;
      v_[i] = v_[parent];
      i = parent;
    }
    v_[i] = x;
  }

  void pop() {
    const T last = v_.back();
    v_.pop_back();
    if (v_.empty()) return;
    const std::size_t n = v_.size();
    std::size_t i = 0;
    while (true) {  // move the hole down to the earliest child while it is earlier than `last`
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + 4 < n ? first + 4 : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        if (v_[best] > v_[c]) best = c;
      }
      if (!(last > v_[best])) break;
      v_[i] = v_[best];
      i = best;
    }
    v_[i] = last;
  }

 private:
  std::vector<T> v_;
};

}  // namespace sb::sim::internal
