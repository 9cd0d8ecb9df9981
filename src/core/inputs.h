#pragma once
// The engine's inputs: what the outside world (telephony, the agent desktop, the simulator)
// tells the routing core. Each carries its time; the engine never reads a clock. An input that
// is invalid in the current state is refused with a Status and changes nothing.

#include <cstdint>
#include <variant>

#include "base/ids.h"
#include "base/time.h"
#include "core/events.h"

namespace sb::core {

struct Tick {
  Time at;
};  // time passes: offers expire, requirements relax, wrap-ups end
struct Login {
  Time at;
  AgentId agent;
};
// Logout and SetNotReady asked while ringing, on a contact or in wrap-up wait for the contact and
// its wrap-up to end (AgentNotReadyPending). SetReady in wrap-up ends the wrap-up (and starts a
// pending not-ready or logout, if one was asked).
struct Logout {
  Time at;
  AgentId agent;
};
struct SetReady {
  Time at;
  AgentId agent;
};
struct SetNotReady {
  Time at;
  AgentId agent;
  std::uint8_t reason;
};
struct ExtendWrapUp {
  Time at;
  AgentId agent;
  Duration extra;
};

struct Enqueue {
  Time at;
  ContactId contact;
  QueueId queue;
  std::int32_t priority = 0;  // higher is served first within the queue
};
struct RequestCallback {
  Time at;
  ContactId contact;
};  // keeps the contact's place
// The caller hung up while waiting or ringing. For a callback request (asked for, or made one by
// a queue's fallback) this changes nothing and returns OK: the callback keeps its place.
struct Abandon {
  Time at;
  ContactId contact;
};
struct Accept {
  Time at;
  ContactId contact;
  AgentId agent;
  std::uint32_t offer;
};
struct Decline {
  Time at;
  ContactId contact;
  AgentId agent;
  std::uint32_t offer;
};
// A connected contact ended: agent to wrap-up (a consultation going ends first, ConsultEnded
// kContactEnded).
struct Hangup {
  Time at;
  ContactId contact;
};
struct Transfer {
  Time at;
  ContactId contact;
  QueueId to;
};
// How a callback's dial went. Not reached: while its queue's callback_retries allow, a
// CallbackRetry (the contact is dialled again later), else it ends kCallbackUnreached; a
// `permanent` failure (the number does not exist or cannot be dialled, so another try would fail
// the same way) ends it at once. Refused unless the contact is a callback being dialled.
struct CallbackResult {
  Time at;
  ContactId contact;
  bool reached;
  bool permanent = false;
};
// The server lost the contact: it stopped or crashed while the call was in progress, and the
// call's SIP dialog and media went with it. Ends it whatever its phase (waiting, ringing,
// connected) with EndReason::kInterrupted; a connected agent goes to wrap-up, ringing agents are
// freed. A callback request that is waiting keeps its place: nothing of it was lost (OK, no
// change).
struct Interrupt {
  Time at;
  ContactId contact;
};

// A connected contact was transferred to a number outside the center (a blind transfer through
// a trunk): it ends with EndReason::kTransferredOut and its agent goes to wrap-up, as after a
// Hangup. Refused unless connected.
struct TransferOut {
  Time at;
  ContactId contact;
};

// An attended transfer. `agent`, connected to the call `contact`, consults another agent: the
// ready agent `target`, or (target invalid) the longest-idle ready member of `queue` at its best
// tier. Refused unless the contact is a call connected to `agent` with no consultation going, and
// the target is ready. The caller stays connected to `agent` (on hold) until ConsultComplete.
struct Consult {
  Time at;
  ContactId contact;
  AgentId agent;
  AgentId target;
  QueueId queue;
};
// The consulted agent answered. Refused unless a consultation of the contact rings.
struct ConsultAnswer {
  Time at;
  ContactId contact;
};
// The consultation ends, nothing changes for the caller: the consulting agent went back to it
// (declined = false), or the consulted agent refused or did not answer (declined = true).
struct ConsultCancel {
  Time at;
  ContactId contact;
  bool declined = false;
};
// The handover: the caller is connected to the consulted agent, the consulting agent goes to
// wrap-up. Refused unless the consulted agent answered.
struct ConsultComplete {
  Time at;
  ContactId contact;
};

using Input =
    std::variant<Tick, Login, Logout, SetReady, SetNotReady, ExtendWrapUp, Enqueue, RequestCallback,
                 Abandon, Accept, Decline, Hangup, Transfer, CallbackResult, Interrupt, TransferOut,
                 Consult, ConsultAnswer, ConsultCancel, ConsultComplete>;

Time InputTime(const Input& in);

}  // namespace sb::core
