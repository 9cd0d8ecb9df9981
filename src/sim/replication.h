#pragma once
// One replication of a simulation: an engine, a sampler and a calendar of simulated happenings
// (arrivals, answers, hang-ups, patience running out, shifts and breaks). Internal to sim.

#include <queue>
#include <unordered_map>
#include <vector>

#include "core/engine.h"
#include "core/statistics.h"
#include "sim/random.h"
#include "sim/simulator.h"

namespace sb::sim::internal {

enum class Happening : std::uint8_t {
  kArrival, kPatience, kAnswer, kHandleEnd, kShiftStart, kBreakStart, kBreakEnd, kShiftEnd,
  kTakeCallback,
};

struct Scheduled {
  Time at;
  std::uint64_t seq;  // FIFO among equal times: runs are reproducible
  Happening what;
  std::uint64_t id;   // stream, contact or agent
  std::uint32_t aux;  // offer number of an answer
  bool operator>(const Scheduled& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct SimContact {
  std::uint32_t stream = 0;
  Time arrival{};
  Duration handle{0};
  bool answered = false;
  bool estimated = false;
  bool offered = false;
  bool immediate = false;  // an agent was free on arrival: no announcement would be played
  core::WaitEstimate estimate;
  double baseline_seconds = 0;
};

class Replication {
 public:
  Replication(const SimSettings& settings, std::unique_ptr<core::Engine> engine,
              std::uint64_t seed, const RunOptions* options, bool first);
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
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> calendar_;
  std::uint64_t seq_ = 0;
  std::uint64_t next_contact_ = 1;
  std::unordered_map<std::uint64_t, SimContact> contacts_;
  std::vector<core::Event> out_;
  core::Statistics stats_;
  std::vector<double> baseline_hold_;  // per queue: Asterisk-style average hold time
  std::uint8_t break_reason_ = 0;
  Time last_integrated_;
  ReplicationResult result_;
};

}  // namespace sb::sim::internal
