#include "control/validate.h"

#include <string>
#include <type_traits>

#include "store/store.h"

namespace sb::control {

Status CheckField(std::string_view field, std::string_view value, std::size_t max_bytes,
                  bool required, bool multiline) {
  if (required && value.empty()) return InvalidArgument(std::string(field) + ": is required");
  if (value.size() > max_bytes) {
    return InvalidArgument(std::string(field) + ": " + std::to_string(value.size()) +
                           " bytes long; at most " + std::to_string(max_bytes));
  }
  if (!store::ValidUtf8(value)) return InvalidArgument(std::string(field) + ": not valid UTF-8");
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      if (multiline && (c == '\n' || c == '\t' || c == '\r')) continue;
      return InvalidArgument(std::string(field) + ": holds a control character (byte " +
                             std::to_string(c) + ")");
    }
  }
  return Status::Ok();
}

Status CheckCaller(std::string_view field, std::string_view value) {
  SB_RETURN_IF_ERROR(CheckField(field, value, kMaxCallerBytes, false));
  for (const char c : value) {
    const bool ok = (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-' || c == '.' ||
                    c == '(' || c == ')' || c == '/' || c == '*' || c == '#';
    if (!ok) {
      return InvalidArgument(std::string(field) + ": '" + std::string(1, c) +
                             "' is not part of a phone number (digits, +, spaces, -.()/*#)");
    }
  }
  return Status::Ok();
}

Status CheckNumber(std::string_view field, std::string_view value) {
  if (value.empty()) return InvalidArgument(std::string(field) + ": is required");
  SB_RETURN_IF_ERROR(CheckCaller(field, value));
  for (const char c : value) {
    if (c >= '0' && c <= '9') return Status::Ok();
  }
  return InvalidArgument(std::string(field) + ": has no digit");
}

Status CheckRange(std::string_view field, std::int64_t value, std::int64_t lo, std::int64_t hi) {
  if (value < lo || value > hi) {
    return OutOfRange(std::string(field) + ": " + std::to_string(value) + " is outside " +
                      std::to_string(lo) + ".." + std::to_string(hi));
  }
  return Status::Ok();
}

namespace {

Status CheckContact(std::uint64_t contact) {
  if (contact == 0) return InvalidArgument("contact: is required (the id given on arrival)");
  return Status::Ok();
}

Status CheckAgent(std::string_view agent) {
  return CheckField("agent", agent, kMaxNameBytes, true);
}

}  // namespace

Status Validate(const Command& command) {
  return std::visit(
      [](const auto& c) -> Status {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, Login>) {
          SB_RETURN_IF_ERROR(CheckAgent(c.agent));
          return CheckField("device", c.device, kMaxHandleBytes, false);
        } else if constexpr (std::is_same_v<T, Logout> || std::is_same_v<T, Ready>) {
          return CheckAgent(c.agent);
        } else if constexpr (std::is_same_v<T, NotReady>) {
          SB_RETURN_IF_ERROR(CheckAgent(c.agent));
          return CheckRange("reason", c.reason, 0, kMaxReason);
        } else if constexpr (std::is_same_v<T, ExtendWrapUp>) {
          SB_RETURN_IF_ERROR(CheckAgent(c.agent));
          return CheckRange("seconds", c.seconds, 1, kMaxWrapUpExtensionSeconds);
        } else if constexpr (std::is_same_v<T, Arrive>) {
          SB_RETURN_IF_ERROR(CheckCaller("caller", c.caller));
          SB_RETURN_IF_ERROR(CheckField("trunk", c.trunk, kMaxNameBytes, false));
          return CheckField("handle", c.handle, kMaxHandleBytes, false);
        } else if constexpr (std::is_same_v<T, IvrInput>) {
          SB_RETURN_IF_ERROR(CheckContact(c.contact));
          if (c.ivr_id) SB_RETURN_IF_ERROR(CheckField("ivr_id", *c.ivr_id, kMaxIdBytes, false));
          if (c.pin) SB_RETURN_IF_ERROR(CheckField("pin", *c.pin, kMaxIdBytes, false));
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, Enqueue>) {
          SB_RETURN_IF_ERROR(CheckField("queue", c.queue, kMaxNameBytes, true));
          SB_RETURN_IF_ERROR(CheckCaller("caller", c.caller));
          SB_RETURN_IF_ERROR(CheckField("ivr_id", c.ivr_id, kMaxIdBytes, false));
          SB_RETURN_IF_ERROR(CheckField("handle", c.handle, kMaxHandleBytes, false));
          return CheckRange("priority", c.priority, -kMaxPriority, kMaxPriority);
        } else if constexpr (std::is_same_v<T, Accept> || std::is_same_v<T, Decline>) {
          SB_RETURN_IF_ERROR(CheckContact(c.contact));
          SB_RETURN_IF_ERROR(CheckAgent(c.agent));
          return CheckRange("offer", c.offer, 1, kMaxOffer);
        } else if constexpr (std::is_same_v<T, Transfer>) {
          SB_RETURN_IF_ERROR(CheckContact(c.contact));
          if (c.queue.empty() == c.number.empty()) {
            return InvalidArgument(
                "queue, number: give exactly one (a queue, or a number outside)");
          }
          if (!c.number.empty()) return CheckNumber("number", c.number);
          return CheckField("queue", c.queue, kMaxNameBytes, true);
        } else if constexpr (std::is_same_v<T, Pop>) {
          SB_RETURN_IF_ERROR(CheckContact(c.contact));
          return CheckField("user", c.user, kMaxNameBytes, true);
        } else if constexpr (std::is_same_v<T, OpenCase>) {
          SB_RETURN_IF_ERROR(CheckField("user", c.user, kMaxNameBytes, true));
          return CheckField("notes", c.notes, kMaxNotesBytes, false, /*multiline=*/true);
        } else if constexpr (std::is_same_v<T, GetStatus>) {
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, Supervise>) {
          SB_RETURN_IF_ERROR(CheckField("supervisor", c.supervisor, kMaxNameBytes, true));
          SB_RETURN_IF_ERROR(CheckAgent(c.agent));
          if (c.mode != "listen" && c.mode != "whisper" && c.mode != "barge") {
            return InvalidArgument("mode: expected listen, whisper or barge");
          }
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, Consult>) {
          SB_RETURN_IF_ERROR(CheckContact(c.contact));
          SB_RETURN_IF_ERROR(CheckAgent(c.agent));
          if (c.target.empty() == c.queue.empty()) {
            return InvalidArgument("target, queue: give exactly one (an agent, or a queue)");
          }
          if (!c.target.empty()) return CheckField("target", c.target, kMaxNameBytes, true);
          return CheckField("queue", c.queue, kMaxNameBytes, true);
        } else if constexpr (std::is_same_v<T, SuperviseEnd>) {
          return CheckField("supervisor", c.supervisor, kMaxNameBytes, true);
        } else {  // Hangup, Abandon, RequestCallback, CallbackResult, GetPosition, Consult*
          return CheckContact(c.contact);
        }
      },
      command);
}

}  // namespace sb::control
