// Contacts entering, moving between and leaving queues: opening hours, maximum length,
// fallbacks (message, overflow, callback) and transfers.

#include <algorithm>

#include "core/internal/state.h"

namespace sb::core::internal {
namespace {

constexpr int kMaxOverflowDepth = 16;  // settings forbid cycles; this guards the recursion anyway

bool IsOpen(const State& s, QueueId q, Time at) {
  if (s.settings.calendars.empty()) return true;
  return s.settings.calendars[s.settings.queues[q.value].calendar].IsOpen(at);
}

// Where a contact with this priority and arrival would stand (service order; new ones last
// among equals).
std::uint32_t PositionFor(const State& s, QueueId q, std::int32_t priority, Time arrival) {
  const auto& w = s.queues[q.value].waiting;
  auto it = std::partition_point(w.begin(), w.end(), [&](ContactId id) {
    const ContactRt& o = s.contacts.at(id);
    return o.priority > priority || (o.priority == priority && o.arrival <= arrival);
  });
  return static_cast<std::uint32_t>(it - w.begin());
}

bool Full(const State& s, QueueId q, ContactKind kind) {
  const int max_length = s.settings.queues[q.value].max_length;
  return max_length > 0 && kind == ContactKind::kCall &&
         s.queues[q.value].waiting.size() >= static_cast<std::size_t>(max_length);
}

EndReason MessageReason(DeflectCause cause) {
  switch (cause) {
    case DeflectCause::kClosed:
      return EndReason::kMessageClosed;
    case DeflectCause::kFull:
      return EndReason::kMessageFull;
    case DeflectCause::kMaxWait:
      return EndReason::kMessageMaxWait;
  }
  return EndReason::kMessageClosed;
}

void Queue(State& s, ContactId id, QueueId q, std::int32_t priority, Time arrival, ContactKind kind,
           QueueId requested) {
  const std::uint32_t position = PositionFor(s, q, priority, arrival);
  Emit(s, ContactQueued{s.now, id, q, requested, kind, priority, arrival, position,
                        EstimateAt(s, q, position)});
  MatchContact(s, id);
}

}  // namespace

void QueueContact(State& s, ContactId id, QueueId q, std::int32_t priority, Time arrival,
                  ContactKind kind, QueueId requested, int depth) {
  const QueueSettings& qs = s.settings.queues[q.value];
  const Fallback* fallback = nullptr;
  DeflectCause cause = DeflectCause::kClosed;
  if (!IsOpen(s, q, s.now)) {
    fallback = &qs.when_closed;
  } else if (Full(s, q, kind)) {
    fallback = &qs.when_full;
    cause = DeflectCause::kFull;
  }
  if (fallback == nullptr) return Queue(s, id, q, priority, arrival, kind, requested);

  switch (fallback->action) {
    case Fallback::Action::kOverflowQueue:
      if (depth < kMaxOverflowDepth) {
        return QueueContact(s, id, fallback->queue, priority, arrival, kind, requested, depth + 1);
      }
      break;
    case Fallback::Action::kOfferCallback:
      // The IVR has offered the callback already: the caller leaves a number and hangs up.
      return Queue(s, id, q, priority, arrival, ContactKind::kCallback, requested);
    case Fallback::Action::kMessage:
      break;
  }
  Emit(s, ContactEnded{s.now, id, q, AgentId{}, MessageReason(cause), s.now});
}

QueueId MoveTarget(const State& s, QueueId from, QueueId to, ContactKind kind) {
  for (int depth = 0; depth < kMaxOverflowDepth; ++depth) {
    if (to == from) return QueueId{};
    const QueueSettings& qs = s.settings.queues[to.value];
    const Fallback* fallback = nullptr;
    if (!IsOpen(s, to, s.now)) {
      fallback = &qs.when_closed;
    } else if (Full(s, to, kind)) {
      fallback = &qs.when_full;
    } else {
      return to;
    }
    // A message or a callback offer ends or converts a new arrival; a caller already waiting
    // here is better off keeping its place.
    if (fallback->action != Fallback::Action::kOverflowQueue) return QueueId{};
    to = fallback->queue;
  }
  return QueueId{};
}

bool TryMove(State& s, ContactRt& c, QueueId to, MoveReason reason) {
  const QueueId target = MoveTarget(s, c.queue, to, c.kind);
  if (!target.valid()) return false;
  MoveContact(s, c, target, reason, AgentId{}, s.now);
  return true;
}

void MoveContact(State& s, ContactRt& c, QueueId to, MoveReason reason, AgentId agent,
                 Time wrap_until) {
  const Time arrival = s.settings.queues[to.value].transfer_keeps_arrival ? c.arrival : s.now;
  const ContactId id = c.id;
  Emit(s, ContactMoved{s.now, id, c.queue, to, reason, arrival, agent, wrap_until});
  if (agent.valid() && wrap_until <= s.now) FreeAgent(s, agent);
  MatchContact(s, id);
}

void ApplyFallback(State& s, ContactRt& c, const Fallback& f, DeflectCause cause) {
  switch (f.action) {
    case Fallback::Action::kMessage:
      Emit(s, ContactEnded{s.now, c.id, c.queue, AgentId{}, MessageReason(cause), s.now});
      return;
    case Fallback::Action::kOverflowQueue:
      TryMove(s, c, f.queue, MoveReason::kMaxWait);  // or it stays (see MoveTarget)
      return;
    case Fallback::Action::kOfferCallback:
      if (!c.callback_offered && c.kind == ContactKind::kCall) {
        Emit(s, CallbackOffered{s.now, c.id, c.queue, cause});
      }
      return;
  }
}

}  // namespace sb::core::internal
