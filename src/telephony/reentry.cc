// A caller whose contact ended in the center while its call goes on comes back as a new contact
// on the same SIP call (telephony.h): after a transfer out that did not connect (ReturnCaller,
// into the queue the agent answered it from) and after a transfer to one of our own numbers
// with an IVR menu (EnterNumber: the menu plays as for a new call to that number). The first
// contact's call details are stored then, ended by the agent; the new contact gets its own.
// Telephony holds no state for it beyond the caller's leg, which waits for the new contact's
// Enqueue or Arrive reply like a new call's (enqueuing).

#include <algorithm>

#include "telephony/telephony.h"

namespace sb::telephony {

void Telephony::RenewContact(Leg& caller, std::string_view cause) {
  // The SIP call's own details (its Call-ID, INVITE and our 200) carry over to the new contact.
  store::CallDetail next;
  next.call_id = caller.detail.call_id;
  next.trunk = caller.detail.trunk;
  next.source = caller.detail.source;
  next.caller = caller.detail.caller;
  next.dialled = caller.detail.dialled;
  next.invite_ms = caller.detail.invite_ms;
  next.answered_ms = caller.detail.answered_ms;
  next.status = caller.detail.status;
  if (caller.hold_since_ms != 0) {  // a hold still on ends with the first contact's bridge
    caller.detail.hold_ms += std::max<std::int64_t>(0, NowMs() - caller.hold_since_ms);
    caller.hold_since_ms = 0;
  }
  NoteEnd(caller, "agent", cause);
  RecordDetail(caller);
  caller.detail = std::move(next);
  caller.contact = 0;
  caller.reported = false;
  caller.queued = false;
  caller.connected = false;
  caller.in_ivr = false;
  caller.menu = nullptr;
  caller.collecting = nullptr;
  caller.digits.clear();
  caller.callback = false;
  caller.callback_offered = false;
  caller.turned_away.reset();
  caller.enqueuing = true;
  Disarm(caller);
  media_->Unbridge(caller.media);
}

void Telephony::ReturnCaller(Leg& caller) {
  if (caller.gone) return;
  if (caller.return_queue.empty()) {
    Log("info", "telephony: hanging up the caller of a failed transfer (on_failure = hangup)",
        {{"contact", std::to_string(caller.contact)}});
    return End(caller);
  }
  const std::uint64_t old = caller.contact;
  RenewContact(caller, "transferred_out");
  PlayHold(caller);
  ++stats_.transfers_returned;
  Log("info", "telephony: transfer out failed; the caller goes back to its queue",
      {{"contact", std::to_string(old)}, {"queue", caller.return_queue}});
  control::Enqueue e;
  e.queue = caller.return_queue;
  e.caller = caller.number;
  e.handle = std::to_string(caller.sip);
  const sip::LegId id = caller.sip;
  const bool posted = hooks_.command(
      std::move(e), [this, id](const control::Reply& r) { Reentered(id, false, r); });
  if (!posted) {
    caller.enqueuing = false;
    End(caller);
  }
}

void Telephony::EnterNumber(Leg& caller, const config::NumberConfig& number) {
  const std::uint64_t old = caller.contact;
  RenewContact(caller, "transferred");
  caller.dialled = &number;  // its menu and its announcements from now on
  const bool ivr = !number.ivr.empty();
  ++stats_.transfers_local;
  Log("info", "telephony: transferred to a number of ours; the caller enters it as a new contact",
      {{"contact", std::to_string(old)},
       {"number", number.number},
       {ivr ? "ivr" : "queue", ivr ? number.ivr : number.queue}});
  const sip::LegId id = caller.sip;
  control::Command command;
  if (ivr) {
    media_->Play(caller.media, {}, false);  // silence until the menu's prompt
    caller.playing = Playing::kNone;
    command = control::Arrive{caller.number, caller.detail.trunk, std::to_string(id)};
  } else {
    PlayHold(caller);
    control::Enqueue e;
    e.queue = number.queue;
    e.caller = caller.number;
    e.handle = std::to_string(id);
    command = std::move(e);
  }
  const bool posted = hooks_.command(
      std::move(command), [this, id, ivr](const control::Reply& r) { Reentered(id, ivr, r); });
  if (!posted) {
    caller.enqueuing = false;
    End(caller);
  }
}

void Telephony::Reentered(sip::LegId id, bool ivr, const control::Reply& r) {
  Leg* l = Find(id);
  if (!l) return;
  l->enqueuing = false;
  if (l->terminated) return AbandonEnded(id, r);  // the caller hung up meanwhile
  if (!r.status.ok()) {
    Log("warn", "telephony: the caller could not enter again as a new contact; hanging up",
        {{"why", r.status.message()}});
    return End(*l);
  }
  l->contact = r.contact;
  if (ivr) {
    l->in_ivr = true;
  } else {
    l->queued = true;
    l->detail.queued_ms = NowMs();
  }
  caller_of_contact_[r.contact] = id;
  if (l->gone) return CallerLeft(*l);
  if (l->turned_away) return TurnAway(*l, *l->turned_away);
  if (ivr) return EnterFirstMenu(id, 20);
  if (l->connected) return;  // offered and answered while the reply was on its way
  if (QueuedAsCallback(r) && CanCallBack(l->number)) return TakenAsCallback(*l);
  Waiting(*l);
}

}  // namespace sb::telephony
