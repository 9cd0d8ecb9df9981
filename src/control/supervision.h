#pragma once
// Supervision's way out of the control module: `supervise` and `supervise_end` are control
// commands (command.h), but what they do is SIP and media (a call to the supervisor's phone, a
// mix), so the Controller hands them to the handler telephony registers (Controller::
// SetSupervision). Without one (no [sip]) they are refused. Called on the control thread.

#include <string>
#include <string_view>

#include "base/status.h"

namespace sb::control {

class SupervisionHandler {
 public:
  virtual ~SupervisionHandler() = default;
  // Starts `supervisor` listening, whispering or barging ("listen", "whisper", "barge") on
  // `agent`'s live call, or changes the mode of its supervision of `agent`. Errors: the agent
  // is in no call, the supervisor has no phone or supervises someone else, a bad mode.
  virtual Status Supervise(const std::string& supervisor, const std::string& agent,
                           std::string_view mode) = 0;
  // Ends `supervisor`'s supervision (its phone is hung up); kNotFound if it has none.
  virtual Status EndSupervision(const std::string& supervisor) = 0;
};

}  // namespace sb::control
