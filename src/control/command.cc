#include "control/command.h"

#include <type_traits>

namespace sb::control {

std::string_view CommandName(const Command& c) {
  static constexpr std::string_view kNames[] = {
      "login",         "logout",    "ready",          "not_ready",      "extend_wrap_up",
      "arrive",        "ivr",       "enqueue",        "accept",         "decline",
      "hangup",        "abandon",   "transfer",       "callback",       "callback_result",
      "pop",           "case.open", "status",         "position",       "supervise",
      "supervise_end", "consult",   "consult_answer", "consult_cancel", "consult_complete"};
  static_assert(std::size(kNames) == std::variant_size_v<Command>);
  return kNames[c.index()];
}

}  // namespace sb::control
