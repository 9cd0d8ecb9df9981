#include "store/cdr_builder.h"

#include <type_traits>

namespace sb::store {

std::optional<Cdr> CdrBuilder::Add(const core::Event& e) {
  return std::visit(
      [&](const auto& ev) -> std::optional<Cdr> {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, core::ContactQueued>) {
          Cdr& c = open_[ev.contact.value];
          if (c.queued_ms == 0) {  // the first queueing; later ones are moves
            c.contact = ev.contact.value;
            if (c.arrival_ms == 0) c.arrival_ms = ToMillis(ev.arrival);
            c.queued_ms = ToMillis(ev.at);
          }
          c.queue = ev.queue.value;
        } else if constexpr (std::is_same_v<T, core::ContactMoved>) {
          auto it = open_.find(ev.contact.value);
          if (it != open_.end()) it->second.queue = ev.to.value;
        } else if constexpr (std::is_same_v<T, core::ContactOffered>) {
          auto it = open_.find(ev.contact.value);
          if (it != open_.end() && it->second.offered_ms == 0)
            it->second.offered_ms = ToMillis(ev.at);
          if (ev.kind == core::ContactKind::kCallback) {
            callback_offers_.insert(ev.contact.value);
          } else {
            callback_offers_.erase(ev.contact.value);
          }
        } else if constexpr (std::is_same_v<T, core::OfferAccepted>) {
          auto it = open_.find(ev.contact.value);
          if (it != open_.end()) {
            it->second.answered_ms = ToMillis(ev.at);
            it->second.agent = ev.agent.value;
            // The agent took a callback's offer: the customer is dialled (one attempt).
            if (callback_offers_.erase(ev.contact.value) != 0) ++it->second.callback_attempts;
          }
        } else if constexpr (std::is_same_v<T, core::ConsultCompleted>) {
          auto it = open_.find(ev.contact.value);
          if (it != open_.end()) {
            it->second.handover_ms = ToMillis(ev.at);
            it->second.handover_from = ev.agent.value;
            it->second.agent = ev.target.value;
          }
        } else if constexpr (std::is_same_v<T, core::ContactEnded>) {
          auto it = open_.find(ev.contact.value);
          callback_offers_.erase(ev.contact.value);
          if (it == open_.end()) return std::nullopt;  // began before the log we were given
          Cdr c = std::move(it->second);
          open_.erase(it);
          c.ended_ms = ToMillis(ev.at);
          c.queue = ev.queue.value;
          if (ev.agent.valid()) c.agent = ev.agent.value;
          c.outcome = std::string(core::EndReasonName(ev.reason));
          return c;
        }
        return std::nullopt;
      },
      e);
}

void CdrBuilder::Arrived(std::uint64_t contact, std::int64_t arrival_ms, std::int64_t ivr_ms) {
  Cdr& c = open_[contact];
  c.contact = contact;
  c.arrival_ms = arrival_ms;
  c.ivr_ms = ivr_ms;
}

std::optional<Cdr> CdrBuilder::Close(std::uint64_t contact, std::int64_t ended_ms,
                                     std::string outcome) {
  callback_offers_.erase(contact);
  auto it = open_.find(contact);
  if (it == open_.end()) return std::nullopt;
  Cdr c = std::move(it->second);
  open_.erase(it);
  c.ended_ms = ended_ms;
  c.outcome = std::move(outcome);
  return c;
}

void CdrBuilder::SetCallbackAttempts(std::uint64_t contact, std::int64_t attempts,
                                     bool not_dialling) {
  auto it = open_.find(contact);
  if (it == open_.end()) return;
  it->second.callback_attempts = attempts;
  if (not_dialling) callback_offers_.insert(contact);
}

}  // namespace sb::store
