#pragma once
// A 4-ary min-heap for the simulator's calendar: half the depth of a binary heap, and the four
// children of a node share a cache line or two, which matters with thousands of pending
// happenings (every waiting caller's patience, every call's end). T needs operator>.

#include <cstddef>
#include <cstdint>
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

  // Bottom-up: the hole goes down to a leaf along the earliest children without comparing them
  // with `last` (which came from the bottom and almost always belongs near it), then `last`
  // moves up from there: one comparison per level fewer than the textbook sift-down.
  void pop() {
    const T last = v_.back();
    v_.pop_back();
    const std::size_t n = v_.size();
    if (n == 0) return;
    std::size_t i = 0;
    while (4 * i + 4 < n) {  // all four children exist
      const std::size_t c = 4 * i + 1;
      const std::size_t a = v_[c] > v_[c + 1] ? c + 1 : c;
      const std::size_t b = v_[c + 2] > v_[c + 3] ? c + 3 : c + 2;
      const std::size_t best = v_[a] > v_[b] ? b : a;
      v_[i] = v_[best];
      i = best;
    }
    if (4 * i + 1 < n) {  // a last node with fewer children
      std::size_t best = 4 * i + 1;
      for (std::size_t c = best + 1; c < n; ++c) {
        if (v_[best] > v_[c]) best = c;
      }
      v_[i] = v_[best];
      i = best;
    }
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!(v_[parent] > last)) break;
      v_[i] = v_[parent];
      i = parent;
    }
    v_[i] = last;
  }

 private:
  std::vector<T> v_;
};

}  // namespace sb::sim::internal

namespace sb::sim::internal {

// The simulator's calendar: what happens next, earliest first (T's operator>: time, then the
// order of scheduling). Happenings go to one of three lanes by how they are scheduled, so the
// big heap holds only what needs it:
//  - kFifo: a fixed delay after now (an agent answers after the ring time). Their times never
//    decrease, so a FIFO keeps them in order at O(1); one that would break the order goes to
//    the heap instead.
//  - kFew: a handful of entries (each arrival stream's next arrival): a heap a few entries deep.
//  - kMany: everything else (every caller's patience, every call's end).
template <typename T>
class Calendar {
 public:
  enum class Lane : std::uint8_t { kMany, kFew, kFifo };

  bool empty() const { return many_.empty() && few_.empty() && head_ == fifo_.size(); }
  const T& top() const {
    switch (Next()) {
      case Lane::kFew:
        return few_.top();
      case Lane::kFifo:
        return fifo_[head_];
      case Lane::kMany:
        break;
    }
    return many_.top();
  }
  void push(Lane lane, const T& x) {
    if (lane == Lane::kFifo && (head_ == fifo_.size() || !(fifo_.back() > x))) {
      if (head_ == fifo_.size()) {
        fifo_.clear();
        head_ = 0;
      } else if (fifo_.size() == fifo_.capacity() && head_ > 0) {
        fifo_.erase(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
      fifo_.push_back(x);
    } else if (lane == Lane::kFew) {
      few_.push(x);
    } else {
      many_.push(x);
    }
  }
  void pop() {
    switch (Next()) {
      case Lane::kFew:
        few_.pop();
        return;
      case Lane::kFifo:
        ++head_;
        return;
      case Lane::kMany:
        many_.pop();
        return;
    }
  }

 private:
  // The lane whose front is earliest (call only when not empty).
  Lane Next() const {
    Lane best = Lane::kMany;
    const T* front = many_.empty() ? nullptr : &many_.top();
    if (!few_.empty() && (front == nullptr || *front > few_.top())) {
      best = Lane::kFew;
      front = &few_.top();
    }
    if (head_ < fifo_.size() && (front == nullptr || *front > fifo_[head_])) best = Lane::kFifo;
    return best;
  }

  EventHeap<T> many_;
  EventHeap<T> few_;
  std::vector<T> fifo_;
  std::size_t head_ = 0;  // fifo_ entries before it have happened
};

}  // namespace sb::sim::internal
