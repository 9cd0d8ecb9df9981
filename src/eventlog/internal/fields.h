#pragma once
// Internal to eventlog: the fields of each event, in the order the encoder writes them, listed
// once for the encoder (eventlog.cc) and the decoder (decode.cc), so the two cannot drift apart.
// A visitor W declares `template <class T> using Ref` (const T& to write, T& to read) and
// `void Field(const char* name, Ref<T> value)`.

#include "core/events.h"

namespace sb::eventlog::internal {

template <class T, class W>
using Ref = typename W::template Ref<T>;

// clang-format off
#define SB_F(x) w.Field(#x, v.x)
template <class W> void Fields(W& w, Ref<core::AgentLoggedIn, W> v) { SB_F(at); SB_F(agent); }
template <class W> void Fields(W& w, Ref<core::AgentLoggedOut, W> v) { SB_F(at); SB_F(agent); }
template <class W> void Fields(W& w, Ref<core::AgentReady, W> v) { SB_F(at); SB_F(agent); }
template <class W> void Fields(W& w, Ref<core::AgentNotReady, W> v) {
  SB_F(at); SB_F(agent); SB_F(reason);
}
template <class W> void Fields(W& w, Ref<core::WrapUpExtended, W> v) {
  SB_F(at); SB_F(agent); SB_F(until);
}
template <class W> void Fields(W& w, Ref<core::AgentNotReadyPending, W> v) {
  SB_F(at); SB_F(agent); SB_F(reason);
}
template <class W> void Fields(W& w, Ref<core::ContactQueued, W> v) {
  SB_F(at); SB_F(contact); SB_F(queue); SB_F(requested); SB_F(kind); SB_F(priority);
  SB_F(arrival); SB_F(position); SB_F(estimate);
}
template <class W> void Fields(W& w, Ref<core::ContactMoved, W> v) {
  SB_F(at); SB_F(contact); SB_F(from); SB_F(to); SB_F(reason); SB_F(arrival); SB_F(agent);
  SB_F(wrap_until);
}
template <class W> void Fields(W& w, Ref<core::RequirementRelaxed, W> v) {
  SB_F(at); SB_F(contact); SB_F(queue); SB_F(level);
}
template <class W> void Fields(W& w, Ref<core::CallbackOffered, W> v) {
  SB_F(at); SB_F(contact); SB_F(queue); SB_F(cause);
}
template <class W> void Fields(W& w, Ref<core::CallbackRequested, W> v) {
  SB_F(at); SB_F(contact);
}
template <class W> void Fields(W& w, Ref<core::ContactOffered, W> v) {
  SB_F(at); SB_F(contact); SB_F(agent); SB_F(queue); SB_F(offer); SB_F(expires); SB_F(kind);
  SB_F(why);
}
template <class W> void Fields(W& w, Ref<core::OfferAccepted, W> v) {
  SB_F(at); SB_F(contact); SB_F(agent);
}
template <class W> void Fields(W& w, Ref<core::OfferCancelled, W> v) {
  SB_F(at); SB_F(contact); SB_F(agent);
}
template <class W> void Fields(W& w, Ref<core::OfferTimedOut, W> v) {
  SB_F(at); SB_F(contact); SB_F(agent);
}
template <class W> void Fields(W& w, Ref<core::OfferDeclined, W> v) {
  SB_F(at); SB_F(contact); SB_F(agent);
}
template <class W> void Fields(W& w, Ref<core::ContactEnded, W> v) {
  SB_F(at); SB_F(contact); SB_F(queue); SB_F(agent); SB_F(reason); SB_F(wrap_until);
}
template <class W> void Fields(W& w, Ref<core::CallbackRetry, W> v) {
  SB_F(at); SB_F(contact); SB_F(queue); SB_F(agent); SB_F(attempt); SB_F(due);
}
template <class W> void Fields(W& w, Ref<core::CallbackRetryDue, W> v) {
  SB_F(at); SB_F(contact); SB_F(queue);
}
template <class W> void Fields(W& w, Ref<core::SettingsChanged, W> v) {
  SB_F(at); SB_F(version);
}
template <class W> void Fields(W& w, Ref<core::ConsultStarted, W> v) {
  SB_F(at); SB_F(contact); SB_F(agent); SB_F(target); SB_F(via);
}
template <class W> void Fields(W& w, Ref<core::ConsultAnswered, W> v) {
  SB_F(at); SB_F(contact); SB_F(target);
}
template <class W> void Fields(W& w, Ref<core::ConsultEnded, W> v) {
  SB_F(at); SB_F(contact); SB_F(target); SB_F(reason);
}
template <class W> void Fields(W& w, Ref<core::ConsultCompleted, W> v) {
  SB_F(at); SB_F(contact); SB_F(agent); SB_F(target); SB_F(wrap_until);
}
template <class W> void Fields(W& w, Ref<core::WaitEstimate, W> v) {
  SB_F(mean); SB_F(low); SB_F(high);
}
template <class W> void Fields(W& w, Ref<core::RankedCandidate, W> v) {
  SB_F(agent); SB_F(contact); SB_F(queue); SB_F(tier); SB_F(proficiency); SB_F(idle_seconds);
  SB_F(score);
}
// Explanation::top is not a plain field: only `shown` entries are written.
template <class W> void Fields(W& w, Ref<core::Explanation, W> v) {
  SB_F(rule); SB_F(strategy); SB_F(relax_level); SB_F(considered); SB_F(excluded); SB_F(shown);
}
#undef SB_F
// clang-format on

}  // namespace sb::eventlog::internal
