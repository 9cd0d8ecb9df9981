#pragma once
// One SIP leg as telephony holds it (telephony.h): a caller's, an agent's, a dialled customer's
// or a supervisor's, with what the call flow needs to know of it. Only telephony uses it.

#include <cstdint>
#include <optional>
#include <string>

#include "config/config.h"
#include "core/events.h"
#include "media/engine.h"
#include "media/sdes.h"
#include "sip/stack.h"
#include "store/store.h"

namespace sb::telephony::internal {

// What a caller's leg plays now (what its kPlayoutDone means).
enum class Playing : std::uint8_t { kNone, kHold, kPrompt, kAnnouncement, kFarewell };

struct Leg {
  sip::LegId sip = 0;
  media::LegId media = 0;
  bool caller = false;  // the customer's leg; else an agent's
  std::uint64_t contact = 0;
  // caller legs
  std::string number;        // the caller's number
  bool queued = false;       // Enqueue accepted
  bool connected = false;    // bridged to an agent
  bool gone = false;         // hung up or ended: waiting for its termination
  bool reported = false;     // the engine has been told the caller left
  bool enqueuing = false;    // the Enqueue is on its way: the leg waits for its reply
  bool terminated = false;   // the SIP leg is gone (kept only until the Enqueue's reply)
  sip::LegId agent_leg = 0;  // the bridged agent
  const config::NumberConfig* dialled = nullptr;
  std::string answer;         // our SDP answer, sent with the 200
  bool answered_200 = false;  // the 200 went out
  bool in_ivr = false;        // arrived: the controller has it in the IVR
  const config::IvrMenu* menu = nullptr;
  const config::IvrChoice* collecting = nullptr;  // digits being collected for this choice
  std::string digits;
  std::int64_t tries = 0;         // prompts replayed in this menu
  bool callback = false;          // the Enqueue on its way is followed by a RequestCallback
  bool callback_offered = false;  // waiting: the queue offered a callback, key 1 takes it
  std::optional<core::EndReason> turned_away;  // ended by the engine while the Enqueue was on
                                               // its way: its message plays on the reply
  Playing playing = Playing::kNone;
  std::uint64_t timer = 0;  // the armed timer's number (0: none); older timers do nothing
  // agent legs
  std::string agent;
  std::uint32_t offer = 0;
  bool answered = false;
  // the customer's leg of a callback (dialled through the trunk; `caller` is false)
  bool outbound = false;
  // every leg: our RTP port, our SDP's o= version and what we last answered to a re-offer
  // (hold.cc), and whether this leg's party holds the call (its last offer was sendonly,
  // inactive or to 0.0.0.0)
  std::uint16_t rtp_port = 0;
  std::uint64_t sdp_version = 1;
  std::string reanswer;
  bool held = false;
  std::int64_t hold_since_ms = 0;  // caller legs: the call is on hold since (0: it is not)
  bool callback_on_line = false;   // agent legs: a callback's offer to its caller on the line
  // caller legs: the SIP-side times and the end, stored when the leg is gone (call_detail.cc)
  store::CallDetail detail;
  std::string lang_dir;  // the sounds of the caller's language ([sip] languages), "" default
  bool language_known = false;
  std::uint32_t queue = 0;      // agent legs: the queue of the offer
  std::uint64_t recording = 0;  // both legs of a recorded bridge (recording.cc)
  bool supervising = false;     // a supervisor's phone (`agent` is the supervisor)
  // our offer's a=crypto when it was RTP/SAVP (agent and customer legs; secure_media.cc)
  std::optional<media::SdesCrypto> offered_crypto;
  bool srtp = false;  // the leg's media runs SRTP (set with its remote; hold.cc keeps it so)
  // blind transfers (transfer.cc)
  bool refer_pending = false;  // agent legs: its REFER waits for the Transfer's outcome
  bool forward = false;        // the leg dialled through the transfer trunk
  sip::LegId peer = 0;         // a caller transferred out <-> its forward leg; they end together
  bool early = false;  // dialled legs: bridged on the far end's early media (early_media.cc)
  // A caller transferred out: the queue it goes back to if the transfer fails ("": hang up)
  std::string return_queue;
  // attended transfers (consult.cc)
  bool consult = false;        // a consulted agent's leg, until the handover (`agent`: its agent)
  bool consulting = false;     // the first agent's own call to consult (`agent`: the first)
  sip::LegId consult_leg = 0;  // caller legs: the consulted agent's leg while one is going
  sip::LegId consult_via = 0;  // caller legs: the first agent's own call, when its phone called
  // the dialog's Call-ID and its peer's tag (what a Replaces names): consulting legs from
  // their INVITE, our outbound legs from their 2xx (OnDialog)
  std::string dialog_call_id;
  std::string dialog_tag;
};

}  // namespace sb::telephony::internal
