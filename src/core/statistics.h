#pragma once
// Contact-center statistics computed from the event log alone, so the live wallboard, the
// simulator and a report over last month's stored events all agree by construction.
//
// Definitions (the same words mean one thing everywhere in Switchboard):
//  offered          contacts that entered the queue (deflected on arrival included)
//  answered         offers accepted by an agent; abandoned: callers who hung up before that
//  service level    answered within the queue's threshold / (answered + abandoned); short
//                   abandons count as failures (erlang_a.sl_answered_within_t_over_offered)
//  ASA              mean wait of answered contacts, from the arrival that counts in the queue
//  AHT              mean of talk + wrap-up over handled contacts
//  occupancy        agent time reserved, on contact or in wrap-up / that plus time ready
// Contacts count in the interval of their arrival; agent time is split across intervals.
// Thread safety: none; feed it from one thread.

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/events.h"
#include "core/settings.h"

namespace sb::core {

struct IntervalStats {
  Time start{};
  QueueId queue;  // invalid: every queue together
  std::int64_t offered = 0;
  std::int64_t answered = 0;
  std::int64_t answered_within = 0;
  std::int64_t abandoned = 0;
  std::int64_t deflected = 0;    // message on arrival or after the maximum wait
  std::int64_t moved_out = 0;    // overflowed or transferred to another queue
  std::int64_t handled = 0;      // completed by an agent
  std::int64_t interrupted = 0;  // lost by the server (stopped or crashed during the contact)
  // Callback dials that reached nobody and were tried again later (CallbackRetry); a callback
  // answered (accepted by an agent) several times counts once in `answered`.
  std::int64_t callback_retries = 0;
  double wait_answered_seconds = 0;
  double talk_seconds = 0;
  double wrap_seconds = 0;
  Duration longest_wait{0};
  double busy_seconds = 0;   // agents reserved, on contact, wrap-up (all-queue rows only)
  double ready_seconds = 0;  // agents ready (all-queue rows only)

  double ServiceLevel() const;  // NaN when nothing was answered or abandoned
  double Asa() const;
  double Aht() const;
  double Occupancy() const;
  void Merge(const IntervalStats& o);
};

struct AgentStats {
  AgentId agent;
  std::int64_t handled = 0;
  std::int64_t offers_missed = 0;             // timed out or declined
  double seconds[7] = {0, 0, 0, 0, 0, 0, 0};  // by AgentState
  double Occupancy() const;
};

class Statistics {
 public:
  // Agent time counts from `start`, or from the first event when start is the epoch.
  Statistics(const EngineSettings& settings, Duration interval, Time start = kTimeZero);
  // Not copyable: the row cache points into this object's map. Moves keep the map's nodes.
  Statistics(const Statistics&) = delete;
  Statistics& operator=(const Statistics&) = delete;
  Statistics(Statistics&&) = default;
  Statistics& operator=(Statistics&&) = default;

  void Add(const Event& e);
  // Closes every open agent-state span at `end` (call once, at the end of the period).
  void Finish(Time end);

  // Rows sorted by start; per queue, or every queue together when `per_queue` is false.
  std::vector<IntervalStats> Intervals(bool per_queue) const;
  // Sum over all intervals, for one queue or (invalid id) every queue.
  IntervalStats Total(QueueId queue) const;
  std::vector<AgentStats> Agents() const { return agents_; }
  Duration interval() const { return interval_; }

 private:
  struct ContactTrack {
    QueueId queue;
    Time arrival{};
    Time answered_at{};
    AgentId agent;
    bool answered = false;  // accepted once already (a callback dialled again is not re-counted)
  };
  // The row of the interval holding `t`, for queue `q` (invalid: every queue), made if new.
  // Inline for the common case, an interval that is the latest one seen.
  IntervalStats& Row(Time t, QueueId q) {
    const std::int64_t ms = ToMillis(t);
    const std::size_t n = thresholds_.size();  // queues; slot n is every queue together
    const std::size_t slot = !q.valid() ? n : q.value < n ? q.value : SIZE_MAX;
    if (ms >= cur_lo_ && ms < cur_hi_ && slot < cur_rows_.size() && cur_rows_[slot] != nullptr) {
      return *cur_rows_[slot];
    }
    return RowSlow(t, q, slot);
  }
  IntervalStats& RowSlow(Time t, QueueId q, std::size_t slot);
  void AgentEnters(AgentId a, AgentState st, Time at);
  void ContactLeaves(ContactId c);

  std::vector<Duration> thresholds_;
  Duration interval_;
  struct KeyHash {
    std::size_t operator()(const std::pair<std::int64_t, std::uint32_t>& k) const noexcept {
      return std::hash<std::int64_t>{}(k.first * 1000003 + k.second);
    }
  };
  std::unordered_map<std::pair<std::int64_t, std::uint32_t>, IntervalStats, KeyHash> rows_;
  struct RowCache {
    std::pair<std::int64_t, std::uint32_t> key{};
    IntervalStats* row = nullptr;
  };
  std::array<RowCache, 64> row_cache_{};
  std::unordered_map<ContactId, ContactTrack> contacts_;
  std::vector<AgentStats> agents_;
  std::vector<AgentState> agent_state_;
  std::vector<Time> agent_since_;
  bool started_ = false;
  // Where each agent's wrap-up time goes: its last contact's queue row and all-queue row
  // (pointers into rows_, whose nodes never move).
  struct WrapRows {
    IntervalStats* queue = nullptr;
    IntervalStats* all = nullptr;
  };
  std::vector<WrapRows> last_row_;
  // The latest interval seen, its bounds in ms and its rows by queue (every queue last): most
  // calls fall in it, and finding them there costs neither a division nor a hash.
  std::int64_t cur_idx_ = -1, cur_lo_ = 0, cur_hi_ = 0;
  std::vector<IntervalStats*> cur_rows_;
};

}  // namespace sb::core
