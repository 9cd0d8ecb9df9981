// What the engine's events and the media engine's events do to the calls (telephony.h).

#include "telephony/telephony.h"

namespace sb::telephony {

void Telephony::EndAgentAndCustomerLegs(std::uint64_t contact) {
  if (auto a = agents_of_contact_.find(contact); a != agents_of_contact_.end()) {
    for (sip::LegId id : a->second) {
      if (Leg* leg = Find(id); leg && !leg->gone) End(*leg);
    }
  }
  if (Dialout* d = DialoutOf(contact)) {
    d->reported = true;  // the engine has its outcome
    if (Leg* customer = Find(d->customer_leg); customer && !customer->gone) End(*customer);
  }
}

void Telephony::EndContact(const core::ContactEnded& e, const control::ContactContext* ctx) {
  if (e.reason == core::EndReason::kTransferredOut && ctx && !ctx->transfer_to.empty()) {
    return TransferredOut(e, *ctx);
  }
  const std::uint64_t contact = e.contact.value;
  EndAgentAndCustomerLegs(contact);
  if (ctx && ctx->callback_attempts > 0) {
    RecordCallbackOutcome(contact, ctx->callback_attempts, e.reason);
  }
  Leg* caller = CallerOf(contact);
  if (!caller && ctx) {  // ended in the Enqueue's own reply (a closed or full queue)
    caller = Find(LegOfHandle(ctx->handle));
    if (caller && caller->caller && caller->enqueuing) {
      caller->contact = contact;
      caller_of_contact_[contact] = caller->sip;
    } else {
      caller = nullptr;
    }
  }
  if (!caller) return;
  caller->reported = true;  // the engine knows: it ended the contact
  NoteEnd(*caller, "system", core::EndReasonName(e.reason));
  StopRecording(*caller);  // now, not when the caller's BYE is answered
  if (caller->gone || caller->playing == Playing::kFarewell) return;
  const bool message = e.reason == core::EndReason::kMessageClosed ||
                       e.reason == core::EndReason::kMessageFull ||
                       e.reason == core::EndReason::kMessageMaxWait;
  if (message && !caller->connected) {
    if (caller->enqueuing) {
      caller->turned_away = e.reason;  // the reply plays the message
    } else {
      TurnAway(*caller, e.reason);
    }
    return;
  }
  End(*caller);
}

void Telephony::MediaEvent(const media::Event& e) {
  auto it = by_media_.find(e.leg);
  if (it == by_media_.end()) return;
  Leg* leg = Find(it->second);
  if (!leg || leg->gone) return;
  switch (e.kind) {
    case media::Event::Kind::kRtpTimeout:
      Log("info", "telephony: no RTP; hanging up", {{"leg", std::to_string(leg->sip)}});
      if (Leg* caller = leg->caller ? leg : CallerOf(leg->contact)) {
        NoteEnd(*caller, "system", "no_rtp");
      }
      sip_->End(leg->sip);
      Hangup(leg->sip);
      break;
    case media::Event::Kind::kDtmf:
      if (leg->caller) Dtmf(*leg, e.digit);
      break;
    case media::Event::Kind::kPlayoutDone:
      if (leg->caller) PlayoutDone(*leg);
      break;
  }
}

void Telephony::OnEvent(const core::Event& event, control::Cause,
                        const control::ContactContext* ctx) {
  if (!sip_) return;
  QualifyAgentEvent(event);
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, core::ContactOffered>) {
          Offer(e, ctx);
        } else if constexpr (std::is_same_v<T, core::OfferCancelled> ||
                             std::is_same_v<T, core::OfferTimedOut> ||
                             std::is_same_v<T, core::OfferDeclined>) {
          EndAgentLeg(e.contact.value, e.agent);
        } else if constexpr (std::is_same_v<T, core::ContactEnded>) {
          EndContact(e, ctx);
        } else if constexpr (std::is_same_v<T, core::CallbackRetry>) {
          // This attempt is over; the engine offers the callback again when it is due.
          Log("info", "telephony: callback to be dialled again",
              {{"contact", std::to_string(e.contact.value)},
               {"failed_attempt", std::to_string(e.attempt)},
               {"in_seconds", std::to_string((e.due - e.at).count() / 1000)}});
          EndAgentAndCustomerLegs(e.contact.value);
        } else if constexpr (std::is_same_v<T, core::CallbackOffered>) {
          OfferCallbackToCaller(e.contact.value);
        } else if constexpr (std::is_same_v<T, core::ContactMoved>) {
          if (e.reason == core::MoveReason::kTransfer) TransferMoved(e);
        } else if constexpr (std::is_same_v<T, core::ConsultStarted>) {
          StartConsult(e);
        } else if constexpr (std::is_same_v<T, core::ConsultEnded>) {
          EndConsult(e);
        } else if constexpr (std::is_same_v<T, core::ConsultCompleted>) {
          CompleteConsult(e);
        }
      },
      event);
}

}  // namespace sb::telephony
