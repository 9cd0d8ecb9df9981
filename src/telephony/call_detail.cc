// Call details (telephony.h, store::CallDetail): the SIP-side times of a caller's leg and who
// ended it, stored when the leg is gone.

#include <algorithm>
#include <chrono>

#include "telephony/telephony.h"

namespace sb::telephony {

std::int64_t Telephony::NowMs() const {
  if (hooks_.now) return ToMillis(hooks_.now());
  return ToMillis(std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()));
}

void Telephony::NoteEnd(Leg& caller, const char* by, std::string_view cause) {
  if (!caller.caller || !caller.detail.ended_by.empty()) return;
  caller.detail.ended_by = by;
  caller.detail.cause = cause;
}

void Telephony::RecordDetail(Leg& caller) {
  store::CallDetail& d = caller.detail;
  if (!caller.caller || d.invite_ms == 0) return;  // once: a recorded leg's invite_ms is cleared
  if (d.ended_ms == 0) d.ended_ms = NowMs();
  if (caller.hold_since_ms != 0) {  // still on hold when the call ended
    d.hold_ms += std::max<std::int64_t>(0, d.ended_ms - caller.hold_since_ms);
    caller.hold_since_ms = 0;
  }
  NoteEnd(caller, "system", "lost");  // nobody said: no ACK, a transport failure
  if (d.status == 0) d.status = d.cause == "cancel" ? 487 : 480;
  if (caller.contact == 0 || !hooks_.record) return;
  d.contact = caller.contact;
  hooks_.record(std::move(d));
  d = store::CallDetail{};
}

}  // namespace sb::telephony
