// The callback failure table (callback_cause.h, docs/operations.md).

#include "telephony/callback_cause.h"

namespace sb::telephony {

CallbackCause CauseOfStatus(int status) {
  switch (status) {
    // Temporary: the customer or the way to them may be free later.
    case 486:  // Busy Here
    case 600:  // Busy Everywhere
      return {"busy", false};
    case 408:  // Request Timeout: nobody answered in the trunk's time
    case 480:  // Temporarily Unavailable: phone off, not registered now
    case 487:  // Request Terminated: our CANCEL (the ring time-out)
      return {"no_answer", false};
    case 603:  // Decline: the customer refused this call, "MAY indicate a better time to call"
      return {"declined", false};
    case 481:  // Call/Transaction Does Not Exist: a glitch of the trunk's, not of the number
    case 491:  // Request Pending
    case 500:  // Server Internal Error
    case 502:  // Bad Gateway
    case 503:  // Service Unavailable (often with Retry-After)
    case 504:  // Server Time-out
      return {"unavailable", false};
    // Permanent: the number is wrong or gone, or the trunk will not carry this call.
    case 404:  // Not Found
    case 410:  // Gone
    case 484:  // Address Incomplete
    case 485:  // Ambiguous
    case 604:  // Does Not Exist Anywhere
      return {"unreachable", true};
    case 401:  // Unauthorized / 407 Proxy Authentication Required: our credentials were
    case 407:  // answered already (once per leg), so the trunk refuses them
    case 402:  // Payment Required
    case 403:  // Forbidden: the trunk does not let us call that number
      return {"refused", true};
    case 488:  // Not Acceptable Here: our SDP (G.711, SRTP policy) does not suit the trunk
    case 606:  // Not Acceptable
    case 415:  // Unsupported Media Type
    case 406:  // Not Acceptable
      return {"not_acceptable", true};
    case 501:  // Not Implemented, 505 Version Not Supported, 513 Message Too Large: our
    case 505:  // request itself, which a retry would send again
    case 513:
      return {"failed", true};
    default:
      break;
  }
  if (status >= 500 && status < 600) return {"unavailable", false};  // as 500
  if (status >= 600 && status < 700) return {"busy", false};         // as 600
  return {"failed", true};  // 3xx (no redirect followed), other 4xx: the request itself fails
}

}  // namespace sb::telephony
