#include "core/events.h"

#include "core/inputs.h"

namespace sb::core {
namespace {

template <typename T>
constexpr std::string_view TypeName();
#define SB_EVENT_NAME(T)                     \
  template <>                                \
  constexpr std::string_view TypeName<T>() { \
    return #T;                               \
  }
SB_EVENT_NAME(AgentLoggedIn)
SB_EVENT_NAME(AgentLoggedOut)
SB_EVENT_NAME(AgentReady)
SB_EVENT_NAME(AgentNotReady)
SB_EVENT_NAME(WrapUpExtended)
SB_EVENT_NAME(AgentNotReadyPending)
SB_EVENT_NAME(ContactQueued)
SB_EVENT_NAME(ContactMoved)
SB_EVENT_NAME(RequirementRelaxed)
SB_EVENT_NAME(CallbackOffered)
SB_EVENT_NAME(CallbackRequested)
SB_EVENT_NAME(ContactOffered)
SB_EVENT_NAME(OfferAccepted)
SB_EVENT_NAME(OfferCancelled)
SB_EVENT_NAME(OfferTimedOut)
SB_EVENT_NAME(OfferDeclined)
SB_EVENT_NAME(ContactEnded)
SB_EVENT_NAME(SettingsChanged)
SB_EVENT_NAME(CallbackRetry)
SB_EVENT_NAME(CallbackRetryDue)
SB_EVENT_NAME(ConsultStarted)
SB_EVENT_NAME(ConsultAnswered)
SB_EVENT_NAME(ConsultEnded)
SB_EVENT_NAME(ConsultCompleted)
#undef SB_EVENT_NAME

}  // namespace

std::string_view EventName(const Event& e) {
  return std::visit([](const auto& v) { return TypeName<std::decay_t<decltype(v)>>(); }, e);
}

Time EventTime(const Event& e) {
  return std::visit([](const auto& v) { return v.at; }, e);
}

Time InputTime(const Input& in) {
  return std::visit([](const auto& v) { return v.at; }, in);
}

std::string_view AgentStateName(AgentState s) {
  switch (s) {
    case AgentState::kLoggedOut:
      return "logged out";
    case AgentState::kReady:
      return "ready";
    case AgentState::kReserved:
      return "reserved";
    case AgentState::kOnContact:
      return "on contact";
    case AgentState::kWrapUp:
      return "wrap-up";
    case AgentState::kNotReady:
      return "not ready";
    case AgentState::kConsulted:
      return "consulted";
  }
  return "unknown";
}

std::string_view EndReasonName(EndReason r) {
  switch (r) {
    case EndReason::kCompleted:
      return "completed";
    case EndReason::kAbandoned:
      return "abandoned";
    case EndReason::kMessageClosed:
      return "closed";
    case EndReason::kMessageFull:
      return "full";
    case EndReason::kMessageMaxWait:
      return "max_wait";
    case EndReason::kCallbackUnreached:
      return "callback_unreached";
    case EndReason::kInterrupted:
      return "interrupted";
    case EndReason::kTransferredOut:
      return "transferred_out";
  }
  return "unknown";
}

std::string_view ConsultEndName(ConsultEnd r) {
  switch (r) {
    case ConsultEnd::kCancelled:
      return "cancelled";
    case ConsultEnd::kDeclined:
      return "declined";
    case ConsultEnd::kContactEnded:
      return "contact_ended";
  }
  return "unknown";
}

std::string_view MoveReasonName(MoveReason r) {
  switch (r) {
    case MoveReason::kRelaxOverflow:
      return "relax_overflow";
    case MoveReason::kClosed:
      return "closed";
    case MoveReason::kFull:
      return "full";
    case MoveReason::kMaxWait:
      return "max_wait";
    case MoveReason::kTransfer:
      return "transfer";
  }
  return "unknown";
}

std::string_view RuleName(Rule r) {
  switch (r) {
    case Rule::kAgentForContact:
      return "agent_for_contact";
    case Rule::kContactForAgent:
      return "contact_for_agent";
    case Rule::kRingAll:
      return "ring_all";
  }
  return "unknown";
}

}  // namespace sb::core
