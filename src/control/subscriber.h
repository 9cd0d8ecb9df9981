#pragma once
// The event bus: every event the engine produces, whether a command caused it or a timer did,
// reaches every subscriber, in order, after the controller's own bookkeeping (store, cases,
// pre-fetch). The JSON-lines front end, telephony and the WebSocket stream subscribe; the engine
// and the controller do not know who listens.
//
// Thread safety: subscribers are called on the control thread and must not block it (a slow
// consumer keeps its own bounded queue). A subscriber must outlive its subscription.

#include <cstdint>
#include <string>

#include "base/result.h"
#include "cases/case.h"
#include "core/events.h"

namespace sb::control {

enum class Cause : std::uint8_t {
  kCommand,  // a front end's command caused it: it is also in that command's Reply
  kTimer,    // a deadline: an offer after wrap-up, a re-offer after a ring timeout, a relax step
};

// What the registry knows of the contact an event is about (empty strings when nothing).
struct ContactContext {
  std::uint64_t contact = 0;
  std::string caller;
  std::string trunk;
  std::string handle;  // the front end's reference for the contact (e.g. a SIP dialog)
  // A ContactEnded transferred_out: the number the contact is transferred to (NumberTransfers).
  std::string transfer_to;
  // A ContactEnded of a callback: how many times its customer was dialled (Cdr::callback_attempts).
  std::uint32_t callback_attempts = 0;
};

// Who carries out transfers to numbers outside (Transfer with `number`): the phone system.
// Without one, such a transfer is refused. Called on the control thread.
class NumberTransfers {
 public:
  virtual ~NumberTransfers() = default;
  // Whether the connected contact `contact` can be transferred to `number` now (a call this
  // front end carries, a destination its rules allow); the Status's message says why not. On OK
  // the engine ends the contact transferred_out, and the implementation dials the number when
  // that ContactEnded reaches it (ContactContext::transfer_to).
  virtual Status CanTransferOut(std::uint64_t contact, const std::string& number) = 0;
  // The queue `number` leads to when it is one of the phone system's own numbers with a queue
  // (a [[number]]), "" for any other: a Transfer to it moves the contact into that queue, as a
  // Transfer with `queue` does (keeping the arrival), without asking CanTransferOut.
  virtual std::string QueueOfNumber(const std::string& /*number*/) const { return {}; }
};

// Who carries out consultations (attended transfers, Consult): the phone system, which calls the
// consulted agent, puts the caller on hold and bridges the caller over on completion. Without
// one, the engine alone follows them (a front end that carries its calls itself reports the
// answer with consult_answer). Called on the control thread.
class Consultations {
 public:
  virtual ~Consultations() = default;
  // Whether the connected contact `contact` can be the subject of a consultation now (a call this
  // front end carries, nobody supervising it; `target`, when named, has a phone); the Status's
  // message says why not. On OK the engine starts the consultation, and the implementation calls
  // the consulted agent when ConsultStarted reaches it.
  virtual Status CanConsult(std::uint64_t contact, const std::string& target) = 0;
};

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // `contact` is null for agent events.
  virtual void OnEvent(const core::Event& event, Cause cause, const ContactContext* contact) = 0;
  // A case opened for a contact (on answer or by command) was stored, or was refused.
  virtual void OnCaseOpened(std::uint64_t /*contact*/, const Result<cases::Case>& /*result*/) {}
  // Durability moved: every ticket up to `ticket` is committed.
  virtual void OnDurable(std::uint64_t /*ticket*/) {}
};

}  // namespace sb::control
