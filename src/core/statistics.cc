#include "core/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sb::core {
namespace {

constexpr std::uint32_t kAll = std::numeric_limits<std::uint32_t>::max();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool Busy(AgentState s) {
  return s == AgentState::kReserved || s == AgentState::kOnContact || s == AgentState::kWrapUp ||
         s == AgentState::kConsulted;
}

}  // namespace

double IntervalStats::ServiceLevel() const {
  const std::int64_t n = answered + abandoned;
  return n == 0 ? kNaN : static_cast<double>(answered_within) / static_cast<double>(n);
}
double IntervalStats::Asa() const {
  return answered == 0 ? kNaN : wait_answered_seconds / static_cast<double>(answered);
}
double IntervalStats::Aht() const {
  return handled == 0 ? kNaN : (talk_seconds + wrap_seconds) / static_cast<double>(handled);
}
double IntervalStats::Occupancy() const {
  const double t = busy_seconds + ready_seconds;
  return t <= 0 ? kNaN : busy_seconds / t;
}
void IntervalStats::Merge(const IntervalStats& o) {
  offered += o.offered;
  answered += o.answered;
  answered_within += o.answered_within;
  abandoned += o.abandoned;
  deflected += o.deflected;
  moved_out += o.moved_out;
  callback_retries += o.callback_retries;
  handled += o.handled;
  interrupted += o.interrupted;
  wait_answered_seconds += o.wait_answered_seconds;
  talk_seconds += o.talk_seconds;
  wrap_seconds += o.wrap_seconds;
  longest_wait = std::max(longest_wait, o.longest_wait);
  busy_seconds += o.busy_seconds;
  ready_seconds += o.ready_seconds;
}

double AgentStats::Occupancy() const {
  const double busy = seconds[static_cast<int>(AgentState::kReserved)] +
                      seconds[static_cast<int>(AgentState::kOnContact)] +
                      seconds[static_cast<int>(AgentState::kWrapUp)];
  const double t = busy + seconds[static_cast<int>(AgentState::kReady)];
  return t <= 0 ? kNaN : busy / t;
}

Statistics::Statistics(const EngineSettings& settings, Duration interval, Time start)
    : interval_(interval <= Duration{0} ? Duration(30min) : interval),
      agents_(settings.agents.size()),
      agent_state_(settings.agents.size(), AgentState::kLoggedOut),
      agent_since_(settings.agents.size(), start),
      started_(start != kTimeZero),
      last_row_(settings.agents.size()) {
  for (const QueueSettings& q : settings.queues) thresholds_.push_back(q.service_level_threshold);
  for (std::size_t i = 0; i < agents_.size(); ++i)
    agents_[i].agent = AgentId{static_cast<std::uint32_t>(i)};
}

IntervalStats& Statistics::RowSlow(Time t, QueueId q, std::size_t slot) {
  const std::int64_t ms = ToMillis(t);
  const std::int64_t idx = ms / interval_.count() - (ms < 0 ? 1 : 0);
  const std::pair<std::int64_t, std::uint32_t> key{idx, q.valid() ? q.value : kAll};
  // Rows of earlier intervals (a contact that arrived in one and ended in the next): a small
  // direct-mapped cache of row pointers (stable: unordered_map never moves its elements) saves
  // most hash lookups.
  RowCache& cached =
      row_cache_[(static_cast<std::size_t>(key.second) * 7 + static_cast<std::size_t>(idx)) %
                 row_cache_.size()];
  IntervalStats* row = cached.row;
  if (row == nullptr || cached.key != key) {
    row = &rows_[key];
    row->start = FromMillis(idx * interval_.count());
    row->queue = q;
    cached = {key, row};
  }
  if (ms >= 0 && idx > cur_idx_) {  // time moved on to a new interval
    cur_idx_ = idx;
    cur_lo_ = idx * interval_.count();
    cur_hi_ = cur_lo_ + interval_.count();
    cur_rows_.assign(thresholds_.size() + 1, nullptr);
  }
  if (idx == cur_idx_ && slot < cur_rows_.size()) cur_rows_[slot] = row;
  return *row;
}

void Statistics::AgentEnters(AgentId a, AgentState st, Time at) {
  if (a.value >= agents_.size()) return;
  const AgentState prev = agent_state_[a.value];
  Time from = agent_since_[a.value];
  agents_[a.value].seconds[static_cast<int>(prev)] += Seconds(at - from);
  // Split the span over the intervals it covers (all-queue rows only).
  if (prev == AgentState::kReady || Busy(prev)) {
    while (from < at) {
      IntervalStats& row = Row(from, QueueId{});
      const Time end = std::min(at, row.start + interval_);
      (Busy(prev) ? row.busy_seconds : row.ready_seconds) += Seconds(end - from);
      from = end;
    }
  }
  if (prev == AgentState::kWrapUp && last_row_[a.value].queue != nullptr) {
    const double wrap = Seconds(at - agent_since_[a.value]);
    last_row_[a.value].queue->wrap_seconds += wrap;
    last_row_[a.value].all->wrap_seconds += wrap;
  }
  agent_state_[a.value] = st;
  agent_since_[a.value] = at;
}

void Statistics::Add(const Event& event) {
  if (!started_) {
    started_ = true;
    std::fill(agent_since_.begin(), agent_since_.end(), EventTime(event));
  }
  // An agent added to the running engine (SettingsChanged) after these statistics began.
  const AgentId named = std::visit(
      [](const auto& e) {
        if constexpr (requires { e.agent; }) {
          return e.agent;
        } else {
          return AgentId{};
        }
      },
      event);
  if (named.valid() && named.value >= agents_.size() && named.value < (1u << 24)) {
    const std::size_t n = named.value + 1u;
    for (std::size_t i = agents_.size(); i < n; ++i) {
      agents_.push_back(AgentStats{AgentId{static_cast<std::uint32_t>(i)}});
    }
    agent_state_.resize(n, AgentState::kLoggedOut);
    agent_since_.resize(n, EventTime(event));
    last_row_.resize(n);
  } else if (named.valid() && named.value >= agents_.size()) {
    return;  // not an id any engine makes
  }
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, AgentLoggedIn> || std::is_same_v<T, AgentNotReady>) {
          AgentEnters(e.agent, AgentState::kNotReady, e.at);
        } else if constexpr (std::is_same_v<T, AgentLoggedOut>) {
          AgentEnters(e.agent, AgentState::kLoggedOut, e.at);
        } else if constexpr (std::is_same_v<T, AgentReady> || std::is_same_v<T, OfferCancelled>) {
          AgentEnters(e.agent, AgentState::kReady, e.at);
        } else if constexpr (std::is_same_v<T, ContactOffered>) {
          AgentEnters(e.agent, AgentState::kReserved, e.at);
        } else if constexpr (std::is_same_v<T, OfferTimedOut> || std::is_same_v<T, OfferDeclined>) {
          AgentEnters(e.agent, AgentState::kNotReady, e.at);
          if (e.agent.value < agents_.size()) ++agents_[e.agent.value].offers_missed;
        } else if constexpr (std::is_same_v<T, ConsultStarted>) {
          AgentEnters(e.target, AgentState::kConsulted, e.at);
        } else if constexpr (std::is_same_v<T, ConsultCompleted>) {
          // The handover: the consulted agent takes the call, the consulting one wraps it up.
          AgentEnters(e.target, AgentState::kOnContact, e.at);
          auto it = contacts_.find(e.contact);
          if (it == contacts_.end() || e.agent.value >= agents_.size()) return;
          AgentEnters(e.agent, AgentState::kWrapUp, e.at);
          last_row_[e.agent.value] = {&Row(it->second.arrival, it->second.queue),
                                      &Row(it->second.arrival, QueueId{})};
          ++agents_[e.agent.value].handled;
          it->second.agent = e.target;
        } else if constexpr (std::is_same_v<T, ContactQueued>) {
          contacts_[e.contact] = {e.queue, e.arrival, {}, {}, false};
          ++Row(e.arrival, e.queue).offered;
          ++Row(e.arrival, QueueId{}).offered;
        } else if constexpr (std::is_same_v<T, ContactMoved>) {
          auto it = contacts_.find(e.contact);
          if (it == contacts_.end()) return;
          ++Row(it->second.arrival, e.from).moved_out;
          if (e.agent.valid() && e.agent.value < agents_.size()) {
            AgentEnters(e.agent, AgentState::kWrapUp, e.at);
            last_row_[e.agent.value] = {&Row(it->second.arrival, e.from),
                                        &Row(it->second.arrival, QueueId{})};
            ++agents_[e.agent.value].handled;
          }
          it->second.queue = e.to;
          it->second.arrival = e.arrival;
          ++Row(e.arrival, e.to).offered;
        } else if constexpr (std::is_same_v<T, OfferAccepted>) {
          AgentEnters(e.agent, AgentState::kOnContact, e.at);
          auto it = contacts_.find(e.contact);
          if (it == contacts_.end()) return;
          it->second.answered_at = e.at;
          it->second.agent = e.agent;
          if (it->second.answered) return;  // a callback dialled again after a retry
          it->second.answered = true;
          const Duration wait = e.at - it->second.arrival;
          // A queue added after these statistics began has the default threshold.
          const std::size_t qi = it->second.queue.value;
          const bool within = wait <= (qi < thresholds_.size() ? thresholds_[qi] : Duration(20s));
          for (QueueId q : {it->second.queue, QueueId{}}) {
            IntervalStats& row = Row(it->second.arrival, q);
            ++row.answered;
            row.answered_within += within ? 1 : 0;
            row.wait_answered_seconds += Seconds(wait);
            row.longest_wait = std::max(row.longest_wait, wait);
          }
        } else if constexpr (std::is_same_v<T, CallbackRetry>) {
          AgentEnters(e.agent, AgentState::kReady, e.at);  // AgentReady follows, or a break
          auto it = contacts_.find(e.contact);
          if (it == contacts_.end()) return;
          ++Row(it->second.arrival, it->second.queue).callback_retries;
          ++Row(it->second.arrival, QueueId{}).callback_retries;
        } else if constexpr (std::is_same_v<T, ContactEnded>) {
          auto it = contacts_.find(e.contact);
          if (it == contacts_.end()) {  // deflected on arrival
            for (QueueId q : {e.queue, QueueId{}}) {
              ++Row(e.at, q).offered;
              ++Row(e.at, q).deflected;
            }
            return;
          }
          const ContactTrack t = it->second;
          contacts_.erase(it);
          const Duration wait = e.at - t.arrival;
          for (QueueId q : {t.queue, QueueId{}}) {
            IntervalStats& row = Row(t.arrival, q);
            switch (e.reason) {
              case EndReason::kAbandoned:
                ++row.abandoned;
                row.longest_wait = std::max(row.longest_wait, wait);
                break;
              case EndReason::kMessageClosed:
              case EndReason::kMessageFull:
              case EndReason::kMessageMaxWait:
                ++row.deflected;
                row.longest_wait = std::max(row.longest_wait, wait);
                break;
              case EndReason::kCompleted:
              case EndReason::kCallbackUnreached:
              case EndReason::kTransferredOut:  // the agent handled it, then sent it on
                ++row.handled;
                row.talk_seconds += Seconds(e.at - t.answered_at);
                break;
              case EndReason::kInterrupted:  // lost by the server: counted apart
                ++row.interrupted;
                if (e.agent.valid()) row.talk_seconds += Seconds(e.at - t.answered_at);
                break;
            }
          }
          if (e.agent.valid() && e.agent.value < agents_.size()) {
            AgentEnters(e.agent, AgentState::kWrapUp, e.at);
            last_row_[e.agent.value] = {&Row(t.arrival, t.queue), &Row(t.arrival, QueueId{})};
            ++agents_[e.agent.value].handled;
          }
        }
      },
      event);
}

void Statistics::Finish(Time end) {
  for (std::size_t a = 0; a < agents_.size(); ++a) {
    AgentEnters(AgentId{static_cast<std::uint32_t>(a)}, agent_state_[a],
                std::max(end, agent_since_[a]));
  }
}

std::vector<IntervalStats> Statistics::Intervals(bool per_queue) const {
  std::vector<IntervalStats> out;
  for (const auto& [key, row] : rows_) {
    if ((key.second == kAll) != per_queue) out.push_back(row);
  }
  std::sort(out.begin(), out.end(), [](const IntervalStats& a, const IntervalStats& b) {
    if (a.start != b.start) return a.start < b.start;
    return a.queue < b.queue;
  });
  return out;
}

IntervalStats Statistics::Total(QueueId queue) const {
  IntervalStats total;
  total.queue = queue;
  const std::uint32_t want = queue.valid() ? queue.value : kAll;
  for (const auto& [key, row] : rows_) {
    if (key.second == want) total.Merge(row);
  }
  for (const auto& [key, row] : rows_) {
    if (key.second == want && (total.start == Time{} || row.start < total.start))
      total.start = row.start;
  }
  return total;
}

}  // namespace sb::core
