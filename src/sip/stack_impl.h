#pragma once
// Inside sip::Stack (stack.h): its SIP-thread state, shared by stack.cc (the command queue,
// the thread, probes) and stack_events.cc (what nua reports). Private to the sip module.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <thread>
#include <unordered_map>

#include <sofia-sip/nua.h>
#include <sofia-sip/su_wait.h>

#include "base/thread_annotations.h"
#include "sip/registrar.h"
#include "sip/stack.h"
#include "sip/trunk_auth.h"

namespace sb::sip::internal {

enum class Op : std::uint8_t { kRespond, kInvite, kEnd, kOptions, kStop, kAnswerReoffer, kRefer };

struct Cmd {
  Op op;
  LegId leg = 0;  // kOptions: the probe
  int status = 0;
  std::string sdp;
  Call call;                            // kInvite; kOptions: call.target
  std::chrono::milliseconds timeout{};  // kOptions
};

// An OPTIONS in flight (Stack::SendOptions).
struct Probe {
  nua_handle_t* nh = nullptr;
  std::chrono::steady_clock::time_point deadline;
};

constexpr unsigned kProbeScanMs = 100;  // how often probes past their time-out are dropped

struct Leg {
  LegId id = 0;
  nua_handle_t* nh = nullptr;
  bool inbound = false;
  bool final_sent = false;               // inbound: a final response went out
  bool answered = false;                 // a 2xx was sent or received
  bool ending = false;                   // we asked to end it
  bool hung_up = false;                  // the peer ended it (reported)
  std::string local_sdp;                 // what we offered or answered: a re-INVITE gets it again
  std::string auth_user, auth_password;  // outbound: for one digest challenge
  bool auth_tried = false;
  bool reliable = false;  // inbound: the INVITE asked for 100rel (Incoming::reliable)
  // A re-INVITE or UPDATE with an offer, saved until the listener answers it (stack_session.cc).
  nua_saved_event_t reoffer[1] = {nullptr};
  bool reoffer_pending = false;
  bool reoffer_update = false;  // the saved request is an UPDATE (else a re-INVITE)
  // A REFER in the leg's dialog waiting for Stack::AnswerRefer (refer.cc): at most one.
  bool refer_pending = false;
  nua_saved_event_t refer[1] = {};
  std::string refer_event;  // its Event header ("refer" or "refer;id=N"), for the NOTIFY
};

// `"display" <sip:user@host>`, the display name quoted (RFC 3261 quoted-string).
std::string FromHeader(const std::string& display, const std::string& user,
                       const std::string& host);

inline const char* UserOf(const url_t* u) { return u && u->url_user ? u->url_user : ""; }
// A message's body when it is SDP (a missing Content-Type is taken as SDP, as nua does); else "".
std::string SdpOf(const sip_t* sip);  // stack_session.cc

}  // namespace sb::sip::internal

namespace sb::sip {

struct Stack::Impl {
  using Cmd = internal::Cmd;
  using Leg = internal::Leg;
  using Op = internal::Op;
  using Probe = internal::Probe;

  Stack& self;
  su_home_t home[1] = {};
  su_root_t* root = nullptr;
  nua_t* nua = nullptr;
  int wake_fd = -1;
  su_wait_t wait[1] = {};
  std::thread thread;
  std::atomic<bool> running{false};
  bool shutting_down = false;
  su_timer_t* shutdown_timer = nullptr;
  bool shutdown_done = false;  // nua_destroy is only safe after a completed nua_shutdown

  Mutex mu;
  std::deque<Cmd> queue SB_GUARDED_BY(mu);
  bool stopped SB_GUARDED_BY(mu) = false;

  // SIP thread only.
  std::unordered_map<LegId, Leg> legs;
  Registrar registrar;
  TrunkAuthenticator trunk_auth;
  su_timer_t* expiry_timer = nullptr;
  std::unordered_map<std::uint64_t, Probe> probes;  // at most options.max_probes
  su_timer_t* probe_timer = nullptr;
  std::atomic<std::uint64_t> n_probes{0};
  std::atomic<std::uint64_t> n_legs{0}, n_in{0}, n_out{0}, n_busy{0}, n_refused{0};

  explicit Impl(Stack& s)
      : self(s),
        registrar(s.options_, s.listener_),
        trunk_auth(s.options_, registrar.nonces(), registrar.limiter()) {}

  bool Push(Cmd c);
  static void OnShutdownTimer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg);
  static int OnWake(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg);
  Leg* Find(LegId id);
  void Run(Cmd& c);
  void StartProbe(const Cmd& c);
  // The probe's outcome, once: its handle (and any transaction still running) is dropped.
  void FinishProbe(std::uint64_t id, int status);
  static void OnProbeTimer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg);
  std::string HostForUri() const;
  // Answers a 401/407 to an outbound INVITE with the leg's credentials, once: nua resends the
  // INVITE with an Authorization (or Proxy-Authorization) for the challenge's realm. False when
  // the leg has none, has tried already, or the challenge is not Digest.
  bool Authenticate(Leg& leg, nua_handle_t* nh, const sip_t* sip, int status);
  void Terminate(LegId id, int status);
  // The sender of the request being handled: numeric address and port.
  std::pair<std::string, std::uint16_t> Source();
  static void OnExpiryTimer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg);
  void OnIncomingInvite(nua_handle_t* nh, const sip_t* sip);
  // stack_session.cc: re-offers (re-INVITE, UPDATE) and the end of a session by its timer.
  void OnReofferRequest(Leg& leg, nua_handle_t* nh, const sip_t* sip, bool update);
  void AnswerReoffer(const Cmd& c);
  void DropReoffer(Leg& leg);  // the leg is going: the saved request is freed (nua answers it)
  // A session the timer ended (`status`: 408, or 481 to our refresh), reported once; the BYE
  // goes out unless nua sent it already (`bye_sent`: the peer did not refresh).
  void SessionExpired(Leg& leg, int status, bool bye_sent);
  // The session timer's tags for nua_create (Options::session_expires, min_se).
  static std::string SupportedFeatures(const Options& o);
  // Digest authentication of an INVITE from a trunk (trunk_auth.h): true when the call may go
  // on (`*trunk`: the trunk that authenticated it, or empty); false when it was answered (401,
  // 403) and its handle freed (trunk_invite.cc).
  bool AdmitTrunkInvite(nua_handle_t* nh, const sip_t* sip, const std::string& source,
                        std::string* trunk);
  // REFER in an agent's dialog (refer.cc).
  void OnRefer(LegId id, nua_handle_t* nh, const sip_t* sip, tagi_t tags[]);
  void RunRefer(Cmd& c);
  static void OnNua(nua_event_t event, int status, char const* /*phrase*/, nua_t* /*nua*/,
                    nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* hmagic, sip_t const* sip,
                    tagi_t tags[]);
};

}  // namespace sb::sip
