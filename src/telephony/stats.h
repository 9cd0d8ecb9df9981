#pragma once
// What telephony has done since it started (Telephony::stats(), on the control thread): counts
// of calls, offers, callbacks, transfers and media events, for logs, tests and the API.

#include <cstdint>

namespace sb::telephony {

struct Stats {
  std::uint64_t calls = 0;        // inbound INVITEs answered into a queue
  std::uint64_t refused = 0;      // 403/404/488/503 to an INVITE
  std::uint64_t offers = 0;       // INVITEs to agents
  std::uint64_t connected = 0;    // bridges
  std::uint64_t active_legs = 0;  // now
  std::uint64_t ivr_calls = 0;    // of `calls`: answered into an IVR menu
  std::uint64_t announcements = 0;
  std::uint64_t turned_away = 0;  // farewell messages (queue closed, full, max wait; no input)
  std::uint64_t callbacks_dialled = 0;    // INVITEs to the callback trunk
  std::uint64_t callbacks_connected = 0;  // of those: answered and bridged to the agent
  std::uint64_t qualify_sent = 0;         // OPTIONS to phones
  std::uint64_t phones_unreachable = 0;   // now
  std::uint64_t reoffers = 0;             // re-INVITEs and UPDATEs with SDP answered 200
  std::uint64_t holds = 0;                // of those: a party put the call on hold
  std::uint64_t sessions_expired = 0;     // legs ended by their session timer (RFC 4028)
  std::uint64_t recordings = 0;           // files completed (recording.cc)
  std::uint64_t recordings_failed = 0;    // not started or not written (disk, refused)
  std::uint64_t transfers = 0;            // connected calls moved to another queue
  std::uint64_t transfers_out = 0;        // INVITEs to the transfer trunk
  std::uint64_t transfers_out_connected = 0;
  std::uint64_t refers_refused = 0;
  std::uint64_t transfers_returned = 0;  // failed transfers out whose caller went back to queue
  std::uint64_t transfers_local = 0;     // transfers to an IVR number of ours (a new contact)
  std::uint64_t early_media = 0;    // dialled legs whose 18x brought the far end's audio (RFC 3960)
  std::uint64_t consultations = 0;  // consulted agents' phones called
  std::uint64_t handovers = 0;      // of those: calls handed over (ConsultCompleted)
};

}  // namespace sb::telephony
