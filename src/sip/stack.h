#pragma once
// The SIP adapter: call legs over sofia-sip's nua, on a thread of its own. This header names no
// sofia-sip type, so the stack stays replaceable (docs/decisions/0001-sip-stack.md).
//
// nua runs with its media engine off (NUTAG_MEDIA_ENABLE(0)): the caller of this module writes
// and reads SDP bodies itself. What happens on the wire reaches a Listener, called on the SIP
// thread; what the application wants done (answer, invite, cancel, hang up) is queued through a
// bounded queue to that thread and wakes it through an eventfd registered in its su_root.
// SendOptions() sends an out-of-dialog OPTIONS (a qualify probe); its outcome comes back to the
// Listener like an Invite's. nua itself answers OPTIONS (200 with Allow), CANCEL (200, then 487 to
// the INVITE), unknown methods (405/501) and malformed requests (400), retransmits on UDP and ends
// a dialog whose ACK never comes.
//
// Thread safety: every public member function may be called from any thread; Listener callbacks
// run on the SIP thread and must not block (they post to the control loop).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "sip/replaces.h"

namespace sb::sip {

using LegId = std::uint64_t;  // never reused within a run

// A trunk whose calls must authenticate by digest (trunk_auth.h): from its `allow` addresses
// (any address when empty), as `user`, against `ha1` = MD5(user:realm:password).
struct TrunkAuth {
  std::string name;
  std::vector<std::string> allow;
  std::string user, ha1;
};

struct Options {
  std::string listen = "127.0.0.1";  // address to bind ("*" = every interface, v4 and v6)
  std::uint16_t port = 5060;         // UDP and TCP
  // TLS (sips:, transport=tls) on tls_port with this certificate and key (PEM files, checked by
  // the configuration; tls_dir.h says how sofia-sip gets them); 0: no TLS. Peers' certificates
  // are not verified (neither phones' nor trunks').
  std::uint16_t tls_port = 0;
  std::string tls_certificate, tls_key;
  std::string user_agent = "Switchboard";
  std::size_t max_legs = 20'000;      // inbound INVITEs past it get 503, outbound Invites fail
  std::size_t max_pending = 100'000;  // queued commands; past it a command is refused
  // The registrar: phones REGISTER as their user with digest authentication against HA1
  // (MD5(user:realm:password)); users without an entry get 403.
  std::string realm = "switchboard";
  std::unordered_map<std::string, std::string> ha1;  // user -> HA1 (lower-case hex)
  std::int64_t min_expires = 60, max_expires = 3600, default_expires = 3600;  // seconds
  // Failed authentications per source before it gets 403 without a challenge, for a minute.
  int max_auth_failures = 10;
  std::size_t max_probes = 20'000;  // OPTIONS in flight at once; past it SendOptions sends none
  // Session timers (RFC 4028, stack_session.cc) on every leg, inbound and outbound: the interval
  // we ask for (Session-Expires, seconds; 0: none, and "timer" is not in our Supported) and the
  // shortest we accept (Min-SE, at least 90 by the RFC; a shorter Session-Expires gets 422).
  unsigned session_expires = 1800;
  unsigned min_se = 90;
  // Calls from trunks: those that must authenticate, and the addresses trunks allow without
  // (never challenged). An INVITE that fails gets 401 or 403 here and never reaches the Listener.
  std::vector<TrunkAuth> trunk_auth;
  std::vector<std::string> open_sources;
};

// A new inbound call (the INVITE has been answered with 100 Trying).
struct Incoming {
  LegId leg = 0;
  std::string caller;   // the From URI's user part (the caller's number)
  std::string dialled;  // the Request-URI's user part (the number dialled)
  std::string source;   // the sender's IP address (numeric), for allow-lists
  std::uint16_t source_port = 0;
  std::string call_id;
  std::string from_tag;  // the From tag: with call_id, names the dialog (a Replaces, RFC 3891)
  std::string sdp;       // the offer, when the INVITE had one
  // The INVITE has 100rel in Require or Supported (RFC 3262): a 183 sent to it goes reliably
  // (nua retransmits it until the PRACK; with none in 32 s the INVITE is answered 504).
  bool reliable = false;
  std::string trunk;  // the trunk that authenticated the call by digest (empty: none asked)
};

// An outbound call (Stack::Invite).
struct Call {
  std::string target;        // the Request-URI (a SIP URI)
  std::string from_user;     // the From user: the number the called party sees
  std::string from_display;  // the From display name ("" for none); quoted by the stack
  std::string sdp;           // our offer
  // Digest credentials for the first 401/407 (answered once, through nua's client
  // authentication, in the challenge's realm); empty: a challenge fails the call with its
  // status. Kept on the SIP thread for the leg's life; never logged.
  std::string auth_user, auth_password;
};

class Listener {
 public:
  virtual ~Listener() = default;
  virtual void OnIncoming(const Incoming& call) = 0;
  // Inbound: the ACK to our 2xx arrived. Outbound: never.
  virtual void OnAck(LegId leg) = 0;
  // Outbound: a provisional response (180, 183); `sdp` is its body when it carries one (early
  // media: the far end's ringing tone or announcement, RFC 3960), else empty.
  virtual void OnProgress(LegId leg, int status, const std::string& sdp) = 0;
  // Outbound: 2xx (nua has sent the ACK); `sdp` is the answer.
  virtual void OnAnswered(LegId leg, const std::string& sdp) = 0;
  // Outbound, just before OnAnswered: the dialog as its peer knows it, the Call-ID and the
  // peer's (To) tag, what a Replaces naming it carries (RFC 3891). Not called when either is
  // missing or past kMaxCallIdBytes / kMaxTagBytes.
  virtual void OnDialog(LegId /*leg*/, const std::string& /*call_id*/, const std::string& /*tag*/) {
  }
  // Outbound: a final failure (486, 603, 408, 480, ...; 487 after our own CANCEL is not reported;
  // 401/407 when there are no credentials or they were refused).
  virtual void OnFailed(LegId leg, int status) = 0;
  // The peer ended the leg: BYE (either direction) or CANCEL (inbound, before the answer).
  virtual void OnHangup(LegId leg, bool cancelled) = 0;
  // The leg is gone (after any of the above, after our own End, or on a transport failure or a
  // missing ACK); its id is never used again.
  virtual void OnTerminated(LegId leg, int status) = 0;
  // The registrar: `user`'s phone is now at `contact` (a SIP URI), or no longer registered
  // (`contact` empty: unregistered or expired).
  virtual void OnRegistration(const std::string& /*user*/, const std::string& /*contact*/) {}
  // A REGISTER failed authentication (logged by the listener; the source is rate-limited).
  virtual void OnAuthFailed(const std::string& /*source*/, const std::string& /*user*/) {}
  // An INVITE from a trunk failed digest authentication (403; the source is rate-limited like a
  // REGISTER's, and once past its limit gets 403 without a challenge or a report): `user` as
  // the credentials named it (at most 64 bytes).
  virtual void OnTrunkAuthFailed(const std::string& /*source*/, const std::string& /*user*/) {}
  // The peer of an established leg asked, by REFER in its dialog (RFC 3515), to transfer the
  // other party of the call to `target` (the Refer-To URI's user part, 1 to 64 bytes). Nothing
  // is answered yet: Stack::AnswerRefer(leg, ...) answers it, once. A REFER out of dialog or
  // without a usable Refer-To is answered by the stack, as is one whose Replaces is malformed
  // (400).
  virtual void OnRefer(LegId /*leg*/, const std::string& /*target*/) {}
  // The same with a Replaces (RFC 3891) in the Refer-To URI: an attended transfer, the other
  // party of the call to take over the dialog `replaces` names (replaces.h). Answered like
  // OnRefer's (481 when no dialog matches).
  virtual void OnReferReplaces(LegId /*leg*/, const std::string& /*target*/,
                               const Replaces& /*replaces*/) {}
  // The outcome of SendOptions(probe, ...), once per accepted command (none after Stop): the final
  // response's status (any, 2xx to 6xx), 408 when none came within its time-out (the transaction is
  // dropped), 503 when nua reports a transport failure, or 0 when it was not sent (the stack is
  // stopping, or max_probes are in flight).
  // A key the peer sent in the leg's dialog by SIP INFO (application/dtmf-relay or
  // application/dtmf; info_dtmf.h). nua has answered the INFO 200, whatever its body.
  virtual void OnDtmf(LegId /*leg*/, char /*digit*/) {}
  // A new offer in the leg's established dialog: a re-INVITE or an UPDATE with SDP (hold,
  // resume, a phone that moved, a refresh with SDP). The request waits for
  // Stack::AnswerReoffer(leg, ...), which the listener must call once for each. One at a time
  // per leg (another meanwhile gets 500 with Retry-After); a re-INVITE or UPDATE without SDP
  // (a session refresh) is answered by the stack itself (200, our SDP again for a re-INVITE).
  virtual void OnReoffer(LegId leg, const std::string& sdp) = 0;
  // The session timer (RFC 4028) ended the leg: the peer did not refresh in time, or our own
  // refresh failed with 408 or 481 (`status`). The stack has sent the BYE; OnTerminated follows.
  virtual void OnSessionExpired(LegId /*leg*/, int /*status*/) {}
  virtual void OnOptionsResult(std::uint64_t /*probe*/, int /*status*/) {}
};

struct Stats {
  std::uint64_t legs = 0;  // alive now
  std::uint64_t inbound = 0, outbound = 0;
  std::uint64_t refused_busy = 0;      // 503: max_legs reached
  std::uint64_t commands_refused = 0;  // the queue was full
  std::uint64_t registrations = 0;     // phones registered now
  std::uint64_t auth_failures = 0;     // since start
  std::uint64_t probes = 0;            // OPTIONS in flight now
};

class Stack {
 public:
  Stack(Options options, Listener& listener);
  ~Stack();  // stops the thread (a graceful nua shutdown, bounded)
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Binds the transports and starts the SIP thread; fails (naming the address) when it cannot.
  Status Start();
  void Stop();

  // A fresh id for an outbound leg.
  LegId NewLeg() { return next_leg_.fetch_add(1); }

  // Commands (queued; false when the queue is full or the stack is stopped).
  // Answers an inbound INVITE: 18x, 2xx (with `sdp`), or a final failure.
  bool Respond(LegId leg, int status, std::string sdp = {});
  // Places an outbound call (see Call).
  bool Invite(LegId leg, Call call);
  // Ends a leg however its state asks: 480 to an unanswered inbound INVITE, CANCEL to a ringing
  // outbound one (and, when a 2xx crosses the CANCEL, ACK then BYE), BYE to an established one.
  bool End(LegId leg);
  // Answers the offer Listener::OnReoffer reported: `status` 200 with our answer `sdp`, or a
  // failure (488 for an offer we cannot take: the session stays as it was).
  bool AnswerReoffer(LegId leg, int status, std::string sdp = {});
  // Sends an OPTIONS to `uri` (a SIP URI) as probe `probe` (an id from NewLeg()); the outcome
  // reaches Listener::OnOptionsResult within about `timeout` (at least 100 ms).
  bool SendOptions(std::uint64_t probe, std::string uri, std::chrono::milliseconds timeout);
  // Answers the leg's pending REFER (Listener::OnRefer): a 2xx status accepts it (202, then a
  // NOTIFY with message/sipfrag "SIP/2.0 200 OK" that ends the implicit subscription: the
  // transfer is done); any other (403, 404, 480...) refuses it and the call stays as it was.
  bool AnswerRefer(LegId leg, int status);

  Stats stats() const;
  const Options& options() const { return options_; }

 private:
  struct Impl;
  Options options_;
  Listener& listener_;
  std::atomic<LegId> next_leg_{1};
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::sip
