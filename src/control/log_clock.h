#pragma once
// LogClock: the time the server stamps events with. It follows the wall clock forward but never
// goes backwards: between readings it advances by what the monotonic clock measured, so a step
// of the wall clock backwards (an NTP correction, an operator's mistake) neither freezes timers
// nor makes time go backwards in the log, and a step forwards is followed at once.
// Pure: the caller passes both readings (the server reads the clocks; tests pass numbers).

#include <algorithm>

#include "base/time.h"

namespace sb::control {

class LogClock {
 public:
  // `floor`: the log's latest time (the engine's now after a replay); log time starts there.
  explicit LogClock(Time floor = kTimeZero) : last_(floor) {}

  // `wall`: the wall clock now; `steady`: the monotonic clock now (any fixed origin).
  Time Now(Time wall, Duration steady) {
    if (started_) {
      last_ = std::max(last_ + std::max(Duration(0), steady - last_steady_), wall);
    } else {
      last_ = std::max(last_, wall);
      started_ = true;
    }
    last_steady_ = steady;
    return last_;
  }

 private:
  Time last_;
  Duration last_steady_{0};
  bool started_ = false;
};

}  // namespace sb::control
