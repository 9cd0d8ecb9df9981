#pragma once
// One replication of a simulation: an engine, a sampler and a calendar of simulated happenings
// (arrivals, answers, hang-ups, patience running out, shifts and breaks). Internal to sim.

#include <vector>

#include "base/assert.h"
#include "core/engine.h"
#include "core/statistics.h"
#include "sim/event_heap.h"
#include "sim/random.h"
#include "sim/simulator.h"

namespace sb::sim::internal {

enum class Happening : std::uint8_t {
  kArrival,
  kPatience,
  kAnswer,
  kHandleEnd,
  kShiftStart,
  kBreakStart,
  kBreakEnd,
  kShiftEnd,
  kTakeCallback,
};

// 32 bytes, so two fit a cache line in the calendar's heap.
struct Scheduled {
  Time at;
  std::uint64_t seq;  // FIFO among equal times: runs are reproducible
  std::uint64_t id;   // stream, contact or agent
  std::uint32_t aux;  // offer number of an answer
  Happening what;
  bool operator>(const Scheduled& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

static_assert(sizeof(Scheduled) == 32);

struct SimContact {
  std::uint32_t stream = 0;
  Time arrival{};
  Duration handle{0};
  bool answered = false;
  bool estimated = false;
  bool offered = false;
  bool immediate = false;          // an agent was free on arrival: no announcement would be played
  Duration first_offer_window{0};  // the first offer's timeout (in the queue it was made in)
  core::WaitEstimate estimate;
  double baseline_seconds = 0;
};

// The contacts alive in a replication. Ids are handed out in sequence and contacts end roughly
// in arrival order, so a ring over the id range (dropping ended contacts from its front, growing
// by doubling when a long-lived contact holds the front) replaces a hash map: a lookup is a mask.
class ContactTable {
 public:
  // `id` must be the next id in sequence (one more than the last inserted).
  void Insert(std::uint64_t id, const SimContact& c) {
    if (count_ == 0) base_ = id;
    SB_CHECK(id == base_ + count_, "contact ids are inserted in sequence");
    if (count_ == slots_.size()) Grow();
    Slot& s = slots_[id & mask_];
    s.contact = c;
    s.alive = true;
    ++count_;
  }
  SimContact* Find(std::uint64_t id) {
    if (id - base_ >= count_) return nullptr;  // also catches id < base_ (unsigned wrap)
    Slot& s = slots_[id & mask_];
    return s.alive ? &s.contact : nullptr;
  }
  void Erase(std::uint64_t id) {
    if (id - base_ >= count_) return;
    slots_[id & mask_].alive = false;
    while (count_ > 0 && !slots_[base_ & mask_].alive) {
      ++base_;
      --count_;
    }
  }

 private:
  struct Slot {
    SimContact contact;
    bool alive = false;
  };
  void Grow() {
    std::vector<Slot> bigger(slots_.empty() ? 1024 : slots_.size() * 2);
    const std::uint64_t mask = bigger.size() - 1;
    for (std::uint64_t id = base_; id < base_ + count_; ++id)
      bigger[id & mask] = slots_[id & mask_];
    slots_ = std::move(bigger);
    mask_ = mask;
  }
  std::vector<Slot> slots_;
  std::uint64_t mask_ = 0;
  std::uint64_t base_ = 0;
  std::uint64_t count_ = 0;
};

class Replication {
 public:
  Replication(const SimSettings& settings, std::unique_ptr<core::Engine> engine, std::uint64_t seed,
              const RunOptions* options, bool first);
  ReplicationResult Run();

 private:
  void Schedule(Time at, Happening what, std::uint64_t id, std::uint32_t aux = 0);
  void ScheduleShifts();
  void ScheduleNextArrival(std::uint32_t stream, Time from);
  Time LocalOrigin(Time t, Duration period) const;
  void Fire(const Scheduled& s);
  void Send(const core::Input& in, bool expect_ok = true);
  void Observe(const core::Event& e);
  void Integrate(Time to);
  std::size_t IntervalOf(Time t) const;

  const SimSettings& settings_;
  std::unique_ptr<core::Engine> engine_;
  Sampler sampler_;
  const RunOptions* options_;
  bool first_;
  Time end_;
  Calendar<Scheduled> calendar_;
  std::uint64_t seq_ = 0;
  std::uint64_t next_contact_ = 1;
  ContactTable contacts_;
  std::vector<core::Event> out_;
  core::Statistics stats_;
  std::vector<double> baseline_hold_;  // per queue: Asterisk-style average hold time
  std::uint8_t break_reason_ = 0;
  // Per agent: its break's end came while the break still waited for a contact (and its
  // wrap-up) to finish; the break then ends as soon as it begins.
  std::vector<bool> break_over_;
  Time last_integrated_;
  ReplicationResult result_;
};

}  // namespace sb::sim::internal
