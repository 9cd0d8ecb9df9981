#include "sim/replication.h"

#include <algorithm>
#include <cmath>

namespace sb::sim::internal {
Replication::Replication(const SimSettings& settings, std::unique_ptr<core::Engine> engine,
                         std::uint64_t seed, const RunOptions* options, bool first)
    : settings_(settings),
      engine_(std::move(engine)),
      sampler_(seed),
      options_(options),
      first_(first),
      end_(settings.start + settings.length),
      stats_(engine_->settings(), settings.report_interval, settings.start),
      baseline_hold_(settings.engine.queues.size(), 0.0),
      last_integrated_(settings.start) {
  const auto& reasons = engine_->settings().not_ready_reasons;
  break_reason_ = static_cast<std::uint8_t>(std::find(reasons.begin(), reasons.end(), "break") -
                                            reasons.begin());
  if (break_reason_ + 1u >= reasons.size()) break_reason_ = 0;
  break_over_.assign(settings.engine.agents.size(), false);
  const std::size_t n = static_cast<std::size_t>(
      (settings.length + settings.report_interval - Duration(1)) / settings.report_interval);
  result_.intervals.resize(n);
}

void Replication::Schedule(Time at, Happening what, std::uint64_t id, std::uint32_t aux) {
  using Lane = Calendar<Scheduled>::Lane;
  const Lane lane = what == Happening::kArrival  ? Lane::kFew
                    : what == Happening::kAnswer ? Lane::kFifo  // the ring time after an offer
                                                 : Lane::kMany;
  calendar_.push(lane, {at, seq_++, id, aux, what});
}

Time Replication::LocalOrigin(Time t, Duration period) const {
  // The profile's origin: local midnight, or local Monday midnight for weekly profiles.
  const Time local = settings_.zone.ToLocal(t);
  auto day = std::chrono::floor<std::chrono::days>(local);
  if (period == std::chrono::days(7)) {
    const unsigned iso = std::chrono::weekday(day).iso_encoding();
    day -= std::chrono::days(iso - 1);
  }
  return Time(day);  // in local reading
}

void Replication::ScheduleNextArrival(std::uint32_t stream, Time from) {
  const ArrivalProfile& p = settings_.streams[stream].arrivals;
  const Duration period = p.interval * static_cast<std::int64_t>(p.calls.size());
  Time t = from;
  // Piecewise-constant Poisson rate: draw within the current interval; past its end, start
  // afresh from the boundary (memorylessness makes this exact). Bounded: one lap of the profile.
  for (std::size_t step = 0; step <= p.calls.size() + 1 && t < end_; ++step) {
    const Time local = settings_.zone.ToLocal(t);
    const Duration into = (local - LocalOrigin(t, period)) % period;
    const std::size_t idx = static_cast<std::size_t>(into / p.interval);
    const Time boundary = t + (p.interval - into % p.interval);
    const double rate = p.calls[idx] / Seconds(p.interval);
    if (rate > 0) {
      // Compared in seconds first: a tiny rate draws gaps past the range of a Time.
      const double gap = sampler_.Exponential(rate);
      if (gap < Seconds(boundary - t)) {
        const Time next = t + FromSeconds(gap);
        if (next < end_) Schedule(next, Happening::kArrival, stream);
        return;
      }
    }
    t = boundary;
  }
}

void Replication::ScheduleShifts() {
  std::vector<core::PlannedDuty> plan;
  const Time forever = end_ + std::chrono::days(1);
  for (AgentId a : settings_.always_on) {
    Schedule(settings_.start, Happening::kShiftStart, a.value);
    plan.push_back({a, settings_.start, forever});
  }
  const auto first_day =
      std::chrono::floor<std::chrono::days>(settings_.zone.ToLocal(settings_.start));
  const auto days = std::chrono::ceil<std::chrono::days>(settings_.length).count() + 1;
  for (std::int64_t d = -1; d < days; ++d) {
    const auto local_day = first_day + std::chrono::days(d);
    const unsigned bit = std::chrono::weekday(local_day).iso_encoding() - 1;
    for (const Shift& sh : settings_.shifts) {
      if ((sh.days & (1u << bit)) == 0) continue;
      const Time local_start = Time(local_day) + std::chrono::minutes(sh.start_minute);
      const Time start =
          local_start - settings_.zone.OffsetAt(local_start - settings_.zone.OffsetAt(local_start));
      const Time end = start + std::chrono::minutes(sh.length_minutes);
      if (end <= settings_.start || start >= end_) continue;
      Schedule(std::max(start, settings_.start), Happening::kShiftStart, sh.agent.value);
      // On duty from the shift's start to its first break, between breaks, and after the last.
      Time on = std::max(start, settings_.start);
      for (const Break& b : sh.breaks) {
        const Time bs = start + std::chrono::minutes(b.start_minute);
        if (bs < settings_.start) continue;
        Schedule(bs, Happening::kBreakStart, sh.agent.value);
        Schedule(bs + std::chrono::minutes(b.length_minutes), Happening::kBreakEnd, sh.agent.value);
        plan.push_back({sh.agent, on, bs});
        on = std::max(on, bs + std::chrono::minutes(b.length_minutes));
      }
      plan.push_back({sh.agent, on, end});
      Schedule(end, Happening::kShiftEnd, sh.agent.value);
    }
  }
  if (settings_.plan_known) engine_->SetStaffingPlan(plan);
}

std::size_t Replication::IntervalOf(Time t) const {
  if (t < settings_.start) return 0;
  return std::min<std::size_t>(
      static_cast<std::size_t>((t - settings_.start) / settings_.report_interval),
      result_.intervals.size() - 1);
}

void Replication::Integrate(Time to) {
  // Time-weighted number of callers waiting, split over report intervals.
  Time from = last_integrated_;
  while (from < to) {
    const std::size_t i = IntervalOf(from);
    const Time iend = std::min(
        to, settings_.start + settings_.report_interval * static_cast<std::int64_t>(i + 1));
    const Time stop = iend > from ? iend : to;
    result_.intervals[i].mean_waiting +=
        static_cast<double>(engine_->waiting_total()) * Seconds(stop - from);
    from = stop;
  }
  last_integrated_ = to;
}

void Replication::Send(const core::Input& in, bool expect_ok) {
  out_.clear();
  Status st = engine_->Handle(in, &out_);
  if (!st.ok() && expect_ok) ++result_.rejected_inputs;
  for (const core::Event& e : out_) Observe(e);
  IntervalResult& row = result_.intervals[IntervalOf(core::InputTime(in))];
  row.max_waiting =
      std::max<std::int64_t>(row.max_waiting, static_cast<std::int64_t>(engine_->waiting_total()));
}

}  // namespace sb::sim::internal

namespace sb::sim::internal {

void Replication::Fire(const Scheduled& s) {
  const Time t = s.at;
  switch (s.what) {
    case Happening::kArrival: {
      const std::uint32_t stream = static_cast<std::uint32_t>(s.id);
      const Stream& st = settings_.streams[stream];
      const std::uint64_t id = next_contact_++;
      SimContact c;
      c.stream = stream;
      c.arrival = t;
      c.handle = sampler_.Draw(st.handle_time);
      c.baseline_seconds = baseline_hold_[st.queue.value];
      contacts_.Insert(id, c);
      const Duration patience = sampler_.Draw(st.patience);
      const std::uint64_t patience_seq = seq_++;  // its place among equal times, as always
      Send(core::Enqueue{t, ContactId{id}, st.queue, 0});
      // A caller offered an agent on arrival is answered after the ring time (simulated agents
      // answer every offer; if several ring, one wins), unless the offer times out first (in
      // the queue it was made in: an overflow on arrival may have moved the caller). When the
      // patience outlasts that, it can never run out: no timer for it. That is most calls in a
      // busy center, and it keeps the calendar small. The engine gets the same inputs at the
      // same times; only the count of simulator events differs.
      const SimContact* in = contacts_.Find(id);
      const bool answered_first = in != nullptr && in->offered && in->immediate &&
                                  patience > settings_.ring_time &&
                                  settings_.ring_time < in->first_offer_window;
      if (patience != Duration::max() && !answered_first) {
        calendar_.push(Calendar<Scheduled>::Lane::kMany,
                       {t + patience, patience_seq, id, 0, Happening::kPatience});
      }
      ScheduleNextArrival(stream, t);
      return;
    }
    case Happening::kPatience: {
      const SimContact* c = contacts_.Find(s.id);
      if (c == nullptr || c->answered) return;
      // A callback request ignores it (the engine keeps callbacks when the caller leaves).
      Send(core::Abandon{t, ContactId{s.id}}, false);
      return;
    }
    case Happening::kTakeCallback:
      Send(core::RequestCallback{t, ContactId{s.id}}, false);
      return;
    case Happening::kAnswer: {
      const AgentId agent{static_cast<std::uint32_t>(s.id >> 32)};
      const ContactId contact{s.id & 0xffffffffULL};
      // Ring-all: only the first agent's answer wins; the others are refused, as in life.
      Send(core::Accept{t, contact, agent, s.aux}, false);
      return;
    }
    case Happening::kHandleEnd:
      Send(core::Hangup{t, ContactId{s.id}});
      return;
    case Happening::kShiftStart: {
      const AgentId a{static_cast<std::uint32_t>(s.id)};
      Send(core::Login{t, a}, false);
      Send(core::SetReady{t, a}, false);
      return;
    }
    case Happening::kBreakStart:
    case Happening::kShiftEnd: {
      const AgentId a{static_cast<std::uint32_t>(s.id)};
      // A busy agent finishes the contact first (the engine keeps the request pending).
      if (engine_->agent_state(a) == core::AgentState::kLoggedOut) return;
      if (s.what == Happening::kBreakStart) break_over_[a.value] = false;
      if (s.what == Happening::kShiftEnd) {
        Send(core::Logout{t, a});
      } else {
        Send(core::SetNotReady{t, a, break_reason_});
      }
      return;
    }
    case Happening::kBreakEnd: {
      const AgentId a{static_cast<std::uint32_t>(s.id)};
      const core::AgentState st = engine_->agent_state(a);
      if (st == core::AgentState::kNotReady) {
        Send(core::SetReady{t, a});
      } else if (st != core::AgentState::kReady && st != core::AgentState::kLoggedOut) {
        break_over_[a.value] = true;  // still busy: the break has not begun
      }
      return;
    }
  }
}

void Replication::Observe(const core::Event& e) {
  stats_.Add(e);
  ++result_.engine_events;
  if (first_ && options_->events) options_->events(e);
  if (const auto* q = std::get_if<core::ContactQueued>(&e)) {
    SimContact* c = contacts_.Find(q->contact.value);
    if (c != nullptr && !c->estimated && q->kind == core::ContactKind::kCall) {
      c->estimated = true;
      c->estimate = q->estimate;
    }
  } else if (const auto* o = std::get_if<core::ContactOffered>(&e)) {
    SimContact* c = contacts_.Find(o->contact.value);
    if (c != nullptr && !c->offered) {
      c->offered = true;
      c->immediate = o->at == c->arrival;
      c->first_offer_window = o->expires - o->at;
    }
    Schedule(o->at + settings_.ring_time, Happening::kAnswer,
             (static_cast<std::uint64_t>(o->agent.value) << 32) | o->contact.value, o->offer);
  } else if (const auto* a = std::get_if<core::OfferAccepted>(&e)) {
    SimContact* found = contacts_.Find(a->contact.value);
    if (found == nullptr) return;
    SimContact& c = *found;
    c.answered = true;
    const double actual = Seconds(a->at - c.arrival);
    if (c.estimated) {
      IntervalResult& row = result_.intervals[IntervalOf(c.arrival)];
      const double est = Seconds(c.estimate.mean);
      const bool in_band = actual >= Seconds(c.estimate.low) && actual <= Seconds(c.estimate.high);
      row.estimate.Add(est - actual, in_band);
      result_.estimate.Add(est - actual, in_band);
      row.baseline.Add(c.baseline_seconds - actual, false);
      result_.baseline.Add(c.baseline_seconds - actual, false);
      if (!c.immediate) {
        result_.estimate_queued.Add(est - actual, in_band);
        result_.baseline_queued.Add(c.baseline_seconds - actual, false);
      }
    }
    // The PBX baseline: a running average of hold times, (old * 3 + new) / 4 per answered call.
    double& hold = baseline_hold_[settings_.streams[c.stream].queue.value];
    hold = (hold * 3 + actual) / 4;
    Schedule(a->at + c.handle, Happening::kHandleEnd, a->contact.value);
  } else if (const auto* cb = std::get_if<core::CallbackOffered>(&e)) {
    const SimContact* c = contacts_.Find(cb->contact.value);
    if (c != nullptr && sampler_.Uniform() < settings_.streams[c->stream].callback_share) {
      Schedule(cb->at, Happening::kTakeCallback, cb->contact.value);
    }
  } else if (const auto* nr = std::get_if<core::AgentNotReady>(&e)) {
    if (nr->reason == break_reason_ && break_over_[nr->agent.value]) {
      break_over_[nr->agent.value] = false;
      Schedule(nr->at, Happening::kBreakEnd, nr->agent.value);
    }
  } else if (const auto* end = std::get_if<core::ContactEnded>(&e)) {
    contacts_.Erase(end->contact.value);
  }
}

ReplicationResult Replication::Run() {
  ScheduleShifts();
  for (std::uint32_t i = 0; i < settings_.streams.size(); ++i)
    ScheduleNextArrival(i, settings_.start);
  const double total = Seconds(settings_.length);
  Time next_progress = settings_.start;
  const Duration progress_step = std::max<Duration>(settings_.length / 100, Duration(1));
  while (true) {
    const Time t_sim = calendar_.empty() ? kNever : calendar_.top().at;
    const Time t_engine = engine_->NextDeadline();
    const Time t = std::min(t_sim, t_engine);
    if (t >= end_) break;
    Integrate(t);
    if (options_->progress && t >= next_progress) {
      options_->progress(Seconds(t - settings_.start) / total);
      next_progress = t + progress_step;
    }
    if (t_engine <= t_sim) {
      Send(core::Tick{t_engine});
      continue;
    }
    const Scheduled s = calendar_.top();
    calendar_.pop();
    ++result_.sim_events;
    Fire(s);
  }
  Integrate(end_);
  stats_.Finish(end_);

  const auto rows = stats_.Intervals(false);
  for (IntervalResult& r : result_.intervals) r.mean_waiting /= Seconds(settings_.report_interval);
  for (std::size_t i = 0; i < result_.intervals.size(); ++i) {
    result_.intervals[i].stats.start =
        settings_.start + settings_.report_interval * static_cast<std::int64_t>(i);
  }
  for (const core::IntervalStats& row : rows) {
    if (row.start < settings_.start || row.start >= end_) continue;
    result_.intervals[IntervalOf(row.start)].stats.Merge(row);
  }
  result_.total = stats_.Total(QueueId{});
  for (std::uint32_t q = 0; q < settings_.engine.queues.size(); ++q) {
    result_.per_queue.push_back(stats_.Total(QueueId{q}));
  }
  result_.agents = stats_.Agents();
  if (options_->progress) options_->progress(1.0);
  return std::move(result_);
}

}  // namespace sb::sim::internal
