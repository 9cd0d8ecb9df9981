// Blind transfers (controller.h): into another queue through the engine's Transfer, or to a
// number outside through the phone system (NumberTransfers), which the engine records as the
// contact ending transferred_out.

#include "control/controller.h"

namespace sb::control {

Reply Controller::TransferContact(const Transfer& t, Time now) {
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

}  // namespace sb::control
