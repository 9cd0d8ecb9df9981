// Transfers (controller.h). Blind: into another queue through the engine's Transfer, or to a
// number outside through the phone system (NumberTransfers), which the engine records as the
// contact ending transferred_out. Attended: a consultation (the engine's Consult), which the
// phone system (Consultations) is asked about first.

#include "control/controller.h"

namespace sb::control {

Reply Controller::TransferContact(const Transfer& t, Time now) {
  if (!t.number.empty() && number_transfers_) {
    // A number of our own with a queue: the same move as a REFER to it.
    if (std::string queue = number_transfers_->QueueOfNumber(t.number); !queue.empty()) {
      return TransferContact(Transfer{t.contact, std::move(queue), {}}, now);
    }
  }
  if (t.number.empty()) {
    auto q = FindQueue(t.queue);
    if (!q.ok()) {
      Reply r;
      r.status = q.status();
      r.contact = t.contact;
      return r;
    }
    return Apply(core::Transfer{now, ContactId{t.contact}, *q}, t.contact);
  }
  Reply r;
  r.contact = t.contact;
  auto it = contacts_.find(t.contact);
  if (it == contacts_.end() || it->second.in_ivr) {
    r.status = NotFound("contact " + std::to_string(t.contact) + " is not connected to an agent");
    return r;
  }
  if (!number_transfers_) {
    r.status = FailedPrecondition(
        "number: transfers to numbers need the phone system ([sip] with a transfer trunk)");
    return r;
  }
  // The engine refuses what is not connected: asked first, so that the phone system is only
  // asked about calls in progress.
  if (!engine_->connected(ContactId{t.contact})) {
    r.status = FailedPrecondition("contact " + std::to_string(t.contact) +
                                  " is not connected to an agent");
    return r;
  }
  if (Status s = number_transfers_->CanTransferOut(t.contact, t.number); !s.ok()) {
    r.status = std::move(s);
    return r;
  }
  it->second.transfer_to = t.number;
  r = Apply(core::TransferOut{now, ContactId{t.contact}}, t.contact);
  // Ended: the registry entry is gone with its ContactEnded; refused: it stays as it was.
  if (auto again = contacts_.find(t.contact); again != contacts_.end()) {
    again->second.transfer_to.clear();
  }
  return r;
}

Reply Controller::ConsultFor(const Consult& c, Time now) {
  Reply r;
  r.contact = c.contact;
  auto agent = FindAgent(c.agent);
  if (!agent.ok()) {
    r.status = agent.status();
    return r;
  }
  core::Consult in{now, ContactId{c.contact}, *agent, AgentId{}, QueueId{}};
  if (!c.target.empty()) {
    auto target = FindAgent(c.target);
    if (!target.ok()) {
      r.status = InvalidArgument("target: no agent named '" + c.target + "'");
      return r;
    }
    in.target = *target;
  } else {
    auto q = FindQueue(c.queue);
    if (!q.ok()) {
      r.status = q.status();
      return r;
    }
    in.queue = *q;
  }
  // The engine refuses what is not connected to that agent: asked first, so that the phone
  // system is only asked about calls in progress.
  if (!engine_->connected(ContactId{c.contact})) {
    r.status = FailedPrecondition("contact " + std::to_string(c.contact) +
                                  " is not connected to an agent");
    return r;
  }
  if (consultations_) {
    if (Status s = consultations_->CanConsult(c.contact, c.target); !s.ok()) {
      r.status = std::move(s);
      return r;
    }
  }
  return Apply(in, c.contact);
}

}  // namespace sb::control
