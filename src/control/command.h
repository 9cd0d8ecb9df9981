#pragma once
// The control module's vocabulary: a typed Command for everything a front end (the JSON-lines
// adapter today, SIP telephony and the HTTP API next) can ask of the server, and the typed Reply
// it gets back. Agents and queues are named as in the configuration; contacts by the id the
// server gave them on arrival. Commands carry no time: the Controller is told the time it runs
// them at. Every field is checked at the front door (validate.h) before the engine sees it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "core/events.h"
#include "directory/snapshot.h"

namespace sb::control {

// --- agents ---
struct Login {
  std::string agent;
  std::string device;
};  // device: the agent's phone, if known
struct Logout {
  std::string agent;
};
struct Ready {
  std::string agent;
};
struct NotReady {
  std::string agent;
  std::int64_t reason = 0;
};  // 0..254
struct ExtendWrapUp {
  std::string agent;
  std::int64_t seconds = 0;
};  // 1..86,400

// --- contacts ---
// A call arrives and its IVR starts: the caller's number is known, so the screen-pop look-up
// starts now. `handle` is the front end's own reference (e.g. a SIP dialog id), kept in the
// registry and handed back with the contact's events.
struct Arrive {
  std::string caller;
  std::string trunk;
  std::string handle;
};
// What the caller typed in the IVR (an account or case id, a partner PIN): looked up again.
struct IvrInput {
  std::uint64_t contact = 0;
  std::optional<std::string> ivr_id;
  std::optional<std::string> pin;
};
// Into a queue: a contact that arrived (contact != 0), or a new one (contact == 0).
struct Enqueue {
  std::uint64_t contact = 0;
  std::string queue;
  std::string caller;         // new contacts only
  std::string ivr_id;         // new contacts only
  std::string handle;         // new contacts only
  std::int64_t priority = 0;  // -1,000,000..1,000,000; the record's segment may add to it
};
struct Accept {
  std::uint64_t contact = 0;
  std::string agent;
  std::int64_t offer = 0;
};
struct Decline {
  std::uint64_t contact = 0;
  std::string agent;
  std::int64_t offer = 0;
};
struct Hangup {
  std::uint64_t contact = 0;
};  // a connected call ended
struct Abandon {
  std::uint64_t contact = 0;
};  // the caller left (IVR, queue or ringing)
// A blind transfer: into another queue (keeping the caller's arrival where the queue says so),
// or, for a call connected to an agent, to a number outside (`number`, dialled through the
// trunk the phone system transfers through, when its allow-list lets it; the contact ends
// transferred_out). Exactly one of `queue` and `number`.
struct Transfer {
  std::uint64_t contact = 0;
  std::string queue;
  std::string number;
};
// An attended transfer (core::Consult): `agent`, connected to the call `contact`, consults
// `target` (an agent of the configuration, who must be ready) or the longest-idle ready member of
// `queue`: exactly one of the two. The caller waits on hold, connected to `agent`; the phone
// system (Consultations) calls the target. consult_answer says the target answered (telephony
// says so itself when its phone answers), consult_cancel ends the consultation with nothing
// changed for the caller (declined: the target refused), consult_complete hands the call over.
struct Consult {
  std::uint64_t contact = 0;
  std::string agent;
  std::string target;
  std::string queue;
};
struct ConsultAnswer {
  std::uint64_t contact = 0;
};
struct ConsultCancel {
  std::uint64_t contact = 0;
  bool declined = false;
};
struct ConsultComplete {
  std::uint64_t contact = 0;
};
struct RequestCallback {
  std::uint64_t contact = 0;
};
// core::CallbackResult: `permanent` when the number cannot be reached (not retried). A reached
// callback opens the call's case (the conversation starts now; its dials opened none).
struct CallbackResult {
  std::uint64_t contact = 0;
  bool reached = false;
  bool permanent = false;
};

// --- agent desktop ---
struct Pop {
  std::uint64_t contact = 0;
  std::string user;
};  // the screen pop, audited
struct OpenCase {
  std::uint64_t contact = 0;
  std::string user;
  std::string notes;
};

// --- queries ---
struct GetStatus {};
struct GetPosition {
  std::uint64_t contact = 0;
};  // place in queue and expected wait

// --- supervision (supervision.h) ---
// `supervisor` (an agent of the configuration, called on its phone) joins `agent`'s live call:
// mode "listen", "whisper" or "barge"; the same again with another mode changes it.
struct Supervise {
  std::string supervisor;
  std::string agent;
  std::string mode;
};
struct SuperviseEnd {
  std::string supervisor;
};

using Command = std::variant<Login, Logout, Ready, NotReady, ExtendWrapUp, Arrive, IvrInput,
                             Enqueue, Accept, Decline, Hangup, Abandon, Transfer, RequestCallback,
                             CallbackResult, Pop, OpenCase, GetStatus, GetPosition, Supervise,
                             SuperviseEnd, Consult, ConsultAnswer, ConsultCancel, ConsultComplete>;

// The command's name as the JSON-lines front end spells it ("login", "case.open", ...).
std::string_view CommandName(const Command& c);

struct PositionInfo {
  std::uint32_t position = 0;  // 0 = next to be served
  core::WaitEstimate estimate;
};

struct StatusInfo {
  std::size_t contacts = 0;  // in the engine (waiting, ringing, connected)
  std::size_t waiting = 0;
  std::size_t in_ivr = 0;             // arrived, not yet queued
  std::map<std::string, int> agents;  // state name -> agents in it
  std::uint64_t durable = 0;
  bool store_alarm = false;
  std::uint64_t refused_no_store = 0;  // contacts refused because nothing could be recorded
  std::uint64_t ivr_expired = 0;       // arrivals dropped after the IVR limit
};

struct Reply {
  Status status;                         // ok, or why not (the message names the field)
  std::uint64_t contact = 0;             // the contact concerned, 0 if none
  std::vector<core::Event> events;       // what the command caused, in order, with full payloads
  std::uint64_t ticket = 0;              // the last store ticket of those writes; durable once the
                                         // writer's watermark reaches it (0: nothing written)
  std::optional<std::int32_t> priority;  // Enqueue: the priority routed with
  std::optional<PositionInfo> position;
  std::optional<StatusInfo> info;
  std::optional<directory::ScreenPop> pop;
};

}  // namespace sb::control
