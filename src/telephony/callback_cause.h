#pragma once
// Why a callback's dial failed, and whether dialling the same number again later can succeed:
// the trunk's final response to our INVITE read by its RFC 3261 meaning (§21; the table, with
// the reasons, is in docs/operations.md). A temporary failure (busy, no answer, a server that is
// down for now) is retried while the queue's callback_retries allow; a permanent one (the number
// does not exist, the trunk refuses the call, nothing we can offer is acceptable) ends the
// callback callback_unreached at once: every retry would fail the same way and would only keep
// an agent and a trunk channel busy.
//
// Pure: no state, any thread.

#include <string_view>

namespace sb::telephony {

struct CallbackCause {
  std::string_view cause;  // the call detail's callback_cause: "busy", "unreachable", ...
  bool permanent = false;  // not retried
};

// The class of a final SIP status (300-699) to a callback's INVITE. A status outside any known
// code is read as its class's x00 (RFC 3261 §8.1.3.2): 4xx permanent, 5xx temporary, 6xx like
// 600. 3xx (we follow no redirect) is permanent.
CallbackCause CauseOfStatus(int status);

}  // namespace sb::telephony
