// sofia-sip nua behind sip::Stack (stack.h): the SIP thread, its command queue and the mapping
// between nua handles and our leg ids. Everything that touches nua runs on the SIP thread.

#include "sip/stack.h"

#include <netdb.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <strings.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_wait.h>

#include "base/thread_annotations.h"
#include "sip/info_dtmf.h"
#include "sip/registrar.h"

namespace sb::sip {
namespace {

enum class Op : std::uint8_t { kRespond, kInvite, kEnd, kOptions, kStop };

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
};

// `"display" <sip:user@host>`, the display name quoted (RFC 3261 quoted-string).
std::string FromHeader(const std::string& display, const std::string& user,
                       const std::string& host) {
  std::string out;
  if (!display.empty()) {
    out += '"';
    for (char c : display) {
      if (c == '\r' || c == '\n') continue;
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\" ";
  }
  return out + "<sip:" + user + "@" + host + ">";
}

const char* UserOf(const url_t* u) { return u && u->url_user ? u->url_user : ""; }

}  // namespace

struct Stack::Impl {
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
  su_timer_t* expiry_timer = nullptr;
  std::unordered_map<std::uint64_t, Probe> probes;  // at most options.max_probes
  su_timer_t* probe_timer = nullptr;
  std::atomic<std::uint64_t> n_probes{0};
  std::atomic<std::uint64_t> n_legs{0}, n_in{0}, n_out{0}, n_busy{0}, n_refused{0};

  explicit Impl(Stack& s) : self(s), registrar(s.options_, s.listener_) {}

  bool Push(Cmd c) {
    {
      MutexLock lock(mu);
      if (stopped || queue.size() >= self.options_.max_pending) {
        n_refused.fetch_add(1, std::memory_order_relaxed);
        return false;
      }
      queue.push_back(std::move(c));
    }
    const std::uint64_t one = 1;
    ssize_t w = ::write(wake_fd, &one, sizeof one);
    (void)w;  // EAGAIN only when the counter is saturated: the thread is awake anyway
    return true;
  }

  static void OnShutdownTimer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
    su_root_break(reinterpret_cast<Impl*>(arg)->root);
  }

  static int OnWake(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg) {
    auto* impl = reinterpret_cast<Impl*>(arg);
    std::uint64_t n = 0;
    ssize_t r = ::read(impl->wake_fd, &n, sizeof n);
    (void)r;
    std::deque<Cmd> batch;
    {
      MutexLock lock(impl->mu);
      batch.swap(impl->queue);
    }
    for (Cmd& c : batch) impl->Run(c);
    return 0;
  }

  Leg* Find(LegId id) {
    auto it = legs.find(id);
    return it == legs.end() ? nullptr : &it->second;
  }

  void Run(Cmd& c) {
    switch (c.op) {
      case Op::kStop:
        if (!shutting_down) {
          shutting_down = true;
          nua_shutdown(nua);
          // nua hangs up every call first; a peer that never answers must not hold the stop.
          shutdown_timer = su_timer_create(su_root_task(root), 3000);
          if (shutdown_timer) {
            su_timer_set(shutdown_timer, &Impl::OnShutdownTimer,
                         reinterpret_cast<su_timer_arg_t*>(this));
          }
        }
        return;
      case Op::kRespond: {
        Leg* leg = Find(c.leg);
        if (!leg || !leg->inbound || leg->final_sent) return;
        if (c.status >= 200) leg->final_sent = true;
        if (c.status >= 200 && c.status < 300) leg->answered = true;
        if (!c.sdp.empty()) leg->local_sdp = c.sdp;
        if (!c.sdp.empty()) {
          nua_respond(leg->nh, c.status, sip_status_phrase(c.status),
                      SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(c.sdp.c_str()),
                      TAG_END());
        } else {
          nua_respond(leg->nh, c.status, sip_status_phrase(c.status), TAG_END());
        }
        return;
      }
      case Op::kInvite: {
        if (shutting_down) return;
        if (legs.size() >= self.options_.max_legs) {
          self.listener_.OnFailed(c.leg, 503);
          self.listener_.OnTerminated(c.leg, 503);
          return;
        }
        const std::string from = FromHeader(c.call.from_display, c.call.from_user, HostForUri());
        nua_handle_t* nh = nua_handle(nua, nullptr, SIPTAG_TO_STR(c.call.target.c_str()),
                                      SIPTAG_FROM_STR(from.c_str()), TAG_END());
        if (!nh) {
          self.listener_.OnFailed(c.leg, 500);
          self.listener_.OnTerminated(c.leg, 500);
          return;
        }
        Leg& leg = legs[c.leg];
        leg.id = c.leg;
        leg.nh = nh;
        leg.local_sdp = c.call.sdp;
        leg.auth_user = std::move(c.call.auth_user);
        leg.auth_password = std::move(c.call.auth_password);
        nua_handle_bind(nh, reinterpret_cast<nua_hmagic_t*>(static_cast<std::uintptr_t>(c.leg)));
        n_legs.store(legs.size(), std::memory_order_relaxed);
        n_out.fetch_add(1, std::memory_order_relaxed);
        nua_invite(nh, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                   SIPTAG_PAYLOAD_STR(leg.local_sdp.c_str()), TAG_END());
        return;
      }
      case Op::kOptions:
        return StartProbe(c);
      case Op::kEnd: {
        Leg* leg = Find(c.leg);
        if (!leg || leg->ending) return;
        leg->ending = true;
        if (leg->hung_up) return;  // the peer already ended it; nua finishes the dialog
        if (leg->inbound && !leg->final_sent) {
          leg->final_sent = true;
          nua_respond(leg->nh, 480, sip_status_phrase(480), TAG_END());
        } else if (!leg->inbound && !leg->answered) {
          nua_cancel(leg->nh, TAG_END());
        } else {
          nua_bye(leg->nh, TAG_END());
        }
        return;
      }
    }
  }

  void StartProbe(const Cmd& c) {
    if (shutting_down || probes.size() >= self.options_.max_probes || probes.contains(c.leg)) {
      self.listener_.OnOptionsResult(c.leg, 0);
      return;
    }
    const std::string from = "<sip:switchboard@" + HostForUri() + ">";
    nua_handle_t* nh = nua_handle(nua, nullptr, SIPTAG_TO_STR(c.call.target.c_str()),
                                  SIPTAG_FROM_STR(from.c_str()), TAG_END());
    if (!nh) {
      self.listener_.OnOptionsResult(c.leg, 0);
      return;
    }
    nua_handle_bind(nh, reinterpret_cast<nua_hmagic_t*>(static_cast<std::uintptr_t>(c.leg)));
    const auto timeout = std::max(c.timeout, std::chrono::milliseconds(kProbeScanMs));
    probes[c.leg] = Probe{nh, std::chrono::steady_clock::now() + timeout};
    n_probes.store(probes.size(), std::memory_order_relaxed);
    nua_options(nh, TAG_END());
  }

  // The probe's outcome, once: its handle (and any transaction still running) is dropped.
  void FinishProbe(std::uint64_t id, int status) {
    auto it = probes.find(id);
    if (it == probes.end()) return;
    nua_handle_t* nh = it->second.nh;
    probes.erase(it);
    n_probes.store(probes.size(), std::memory_order_relaxed);
    nua_handle_bind(nh, nullptr);
    nua_handle_destroy(nh);
    self.listener_.OnOptionsResult(id, status);
  }

  static void OnProbeTimer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
    auto* impl = reinterpret_cast<Impl*>(arg);
    if (impl->probes.empty()) return;
    // UDP's timer F is 32 s: a qualify wants its answer sooner, so late probes count as 408.
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::uint64_t> late;
    for (const auto& [id, p] : impl->probes) {
      if (p.deadline <= now) late.push_back(id);
    }
    for (std::uint64_t id : late) impl->FinishProbe(id, 408);
  }

  std::string HostForUri() const {
    const std::string& h = self.options_.listen;
    if (h == "*" || h.empty()) return "switchboard.invalid";
    if (h.find(':') != std::string::npos) return "[" + h + "]";
    return h;
  }

  // Answers a 401/407 to an outbound INVITE with the leg's credentials, once: nua resends the
  // INVITE with an Authorization (or Proxy-Authorization) for the challenge's realm. False when
  // the leg has none, has tried already, or the challenge is not Digest.
  bool Authenticate(Leg& leg, nua_handle_t* nh, const sip_t* sip, int status) {
    if (leg.auth_user.empty() || leg.auth_tried || !sip) return false;
    const msg_auth_t* au = status == 401 ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
    for (; au; au = au->au_next) {
      if (au->au_scheme && strcasecmp(au->au_scheme, "Digest") == 0) break;
    }
    if (!au) return false;
    const char* realm = msg_params_find(au->au_params, "realm=");
    if (!realm || std::strlen(realm) > 256) return false;
    std::string quoted = realm;
    if (quoted.empty() || quoted.front() != '"') {
      if (quoted.find('"') != std::string::npos) return false;
      quoted = "\"" + quoted + "\"";
    }
    leg.auth_tried = true;
    // sofia-sip's credential format: scheme:"realm":user:password.
    std::string cred = "Digest:" + quoted + ":" + leg.auth_user + ":" + leg.auth_password;
    nua_authenticate(nh, NUTAG_AUTH(cred.c_str()), TAG_END());
    std::fill(cred.begin(), cred.end(), '\0');
    return true;
  }

  void Terminate(LegId id, int status) {
    auto it = legs.find(id);
    if (it == legs.end()) return;
    nua_handle_t* nh = it->second.nh;
    legs.erase(it);
    n_legs.store(legs.size(), std::memory_order_relaxed);
    nua_handle_bind(nh, nullptr);
    nua_handle_destroy(nh);
    self.listener_.OnTerminated(id, status);
  }

  // The sender of the request being handled: numeric address and port.
  std::pair<std::string, std::uint16_t> Source() {
    if (msg_t* msg = nua_current_request(nua)) {
      if (su_addrinfo_t* ai = msg_addrinfo(msg); ai && ai->ai_addr) {
        char host[NI_MAXHOST] = {0}, serv[NI_MAXSERV] = {0};
        if (getnameinfo(reinterpret_cast<const sockaddr*>(ai->ai_addr),
                        static_cast<socklen_t>(ai->ai_addrlen), host, sizeof host, serv,
                        sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
          return {host, static_cast<std::uint16_t>(std::atoi(serv))};
        }
      }
    }
    return {"", 0};
  }

  static void OnExpiryTimer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
    reinterpret_cast<Impl*>(arg)->registrar.Expire();
  }

  void OnIncomingInvite(nua_handle_t* nh, const sip_t* sip) {
    if (shutting_down || legs.size() >= self.options_.max_legs) {
      n_busy.fetch_add(1, std::memory_order_relaxed);
      nua_respond(nh, 503, sip_status_phrase(503), SIPTAG_RETRY_AFTER_STR("5"), TAG_END());
      nua_handle_destroy(nh);
      return;
    }
    Incoming in;
    in.leg = self.NewLeg();
    if (sip) {
      if (sip->sip_from) in.caller = UserOf(sip->sip_from->a_url);
      if (sip->sip_request) in.dialled = UserOf(sip->sip_request->rq_url);
      if (sip->sip_call_id && sip->sip_call_id->i_id) in.call_id = sip->sip_call_id->i_id;
      if (sip->sip_payload && sip->sip_payload->pl_data) {
        in.sdp.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
      }
    }
    if (msg_t* msg = nua_current_request(nua)) {
      if (su_addrinfo_t* ai = msg_addrinfo(msg); ai && ai->ai_addr) {
        char host[NI_MAXHOST] = {0}, serv[NI_MAXSERV] = {0};
        if (getnameinfo(reinterpret_cast<const sockaddr*>(ai->ai_addr),
                        static_cast<socklen_t>(ai->ai_addrlen), host, sizeof host, serv,
                        sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
          in.source = host;
          in.source_port = static_cast<std::uint16_t>(std::atoi(serv));
        }
      }
    }
    Leg& leg = legs[in.leg];
    leg.id = in.leg;
    leg.nh = nh;
    leg.inbound = true;
    nua_handle_bind(nh, reinterpret_cast<nua_hmagic_t*>(static_cast<std::uintptr_t>(in.leg)));
    n_legs.store(legs.size(), std::memory_order_relaxed);
    n_in.fetch_add(1, std::memory_order_relaxed);
    self.listener_.OnIncoming(in);
  }

  static void OnNua(nua_event_t event, int status, char const* /*phrase*/, nua_t* /*nua*/,
                    nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* hmagic, sip_t const* sip,
                    tagi_t tags[]) {
    auto* impl = static_cast<Impl*>(magic);
    const LegId id = static_cast<LegId>(reinterpret_cast<std::uintptr_t>(hmagic));
    Listener& l = impl->self.listener_;
    switch (event) {
      case nua_i_invite:
        if (id == 0) {
          impl->OnIncomingInvite(nh, sip);
        } else if (Leg* leg = impl->Find(id); leg && !leg->ending && !leg->hung_up) {
          // A re-INVITE (a session refresh, hold, resume): the call stays up with the media as
          // it is, and our SDP unchanged (same o= version). Hold is not mirrored yet.
          nua_respond(nh, 200, sip_status_phrase(200), SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                      SIPTAG_PAYLOAD_STR(leg->local_sdp.c_str()), TAG_END());
        } else {
          nua_respond(nh, 481, sip_status_phrase(481), TAG_END());
        }
        return;
      case nua_i_ack:
        if (id) l.OnAck(id);
        return;
      case nua_i_register:
        impl->registrar.Handle(impl->nua, nh, sip, impl->Source().first);
        return;
      case nua_i_cancel:
      case nua_i_bye:
        if (Leg* leg = impl->Find(id); leg && !leg->hung_up) {
          leg->hung_up = true;
          if (!leg->ending) l.OnHangup(id, event == nua_i_cancel);
        }
        return;
      case nua_r_invite: {
        Leg* leg = impl->Find(id);
        if (!leg) return;
        if (status < 200) {
          if (!leg->ending && status > 100) l.OnProgress(id, status);
        } else if (status < 300) {
          leg->answered = true;
          if (leg->ending) {
            // Our CANCEL crossed the 2xx: nua has ACKed it; end the call at once.
            nua_bye(nh, TAG_END());
          } else {
            std::string sdp;
            if (sip && sip->sip_payload && sip->sip_payload->pl_data) {
              sdp.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
            }
            l.OnAnswered(id, sdp);
          }
        } else if ((status == 401 || status == 407) && !leg->ending &&
                   impl->Authenticate(*leg, nh, sip, status)) {
          // nua sends the INVITE again, with our credentials.
        } else {
          if (!leg->ending) l.OnFailed(id, status);
          // A challenge we do not answer leaves nua waiting for credentials: end the leg here.
          if (status == 401 || status == 407) impl->Terminate(id, status);
        }
        return;
      }
      case nua_i_state: {
        int state = nua_callstate_init;
        tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
        if (state == nua_callstate_terminated && id) impl->Terminate(id, status);
        return;
      }
      case nua_i_terminated:
        if (id) impl->Terminate(id, status);
        return;
      case nua_r_shutdown:
        if (status >= 200) {
          impl->shutdown_done = true;
          su_root_break(impl->root);
        }
        return;
      case nua_r_options:
        if (id && status >= 200) impl->FinishProbe(id, status);
        return;
      case nua_i_info:
        if (id == 0) {
          if (nh) nua_handle_destroy(nh);  // out of dialog: nua answered it (481)
        } else if (Leg* leg = impl->Find(id); leg && !leg->ending && !leg->hung_up && sip) {
          std::string_view type, body;
          if (sip->sip_content_type && sip->sip_content_type->c_type) {
            type = sip->sip_content_type->c_type;
          }
          if (sip->sip_payload && sip->sip_payload->pl_data) {
            body = std::string_view(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
          }
          if (auto digit = DtmfFromInfo(type, body)) l.OnDtmf(id, *digit);
        }
        return;
      case nua_i_options:
      case nua_r_bye:
      case nua_r_cancel:
      case nua_i_active:
      default:
        // Out-of-dialog requests we did not ask for (MESSAGE, SUBSCRIBE...) have already been
        // answered by nua; a handle nua created for one is ours to free.
        if (id == 0 && nh && event != nua_r_shutdown && event != nua_i_error &&
            event != nua_r_set_params) {
          if (event == nua_i_options || event == nua_i_message || event == nua_i_subscribe ||
              event == nua_i_notify || event == nua_i_method || event == nua_i_publish ||
              event == nua_i_refer || event == nua_i_info) {
            nua_handle_destroy(nh);
          }
        }
        return;
    }
  }
};

Stack::Stack(Options options, Listener& listener)
    : options_(std::move(options)), listener_(listener), impl_(std::make_unique<Impl>(*this)) {}

Stack::~Stack() { Stop(); }

Status Stack::Start() {
  Impl& im = *impl_;
  if (im.running) return FailedPrecondition("sip: already started");
  im.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (im.wake_fd < 0) return Internal(std::string("sip: eventfd: ") + std::strerror(errno));
  std::promise<Status> started;
  auto result = started.get_future();
  im.thread = std::thread([this, &started] {
    Impl& m = *impl_;
    su_init();
    su_home_init(m.home);
    m.root = su_root_create(nullptr);
    if (!m.root) {
      started.set_value(Internal("sip: su_root_create failed"));
      return;
    }
    su_root_threading(m.root, 0);
    su_wait_create(m.wait, m.wake_fd, SU_WAIT_IN);
    su_root_register(m.root, m.wait, &Impl::OnWake, reinterpret_cast<su_wakeup_arg_t*>(&m), 0);
    const std::string host =
        options_.listen.find(':') != std::string::npos && options_.listen != "*"
            ? "[" + options_.listen + "]"
            : options_.listen;
    const std::string url = "sip:" + host + ":" + std::to_string(options_.port);
    m.nua = nua_create(
        m.root, &Impl::OnNua, &m, NUTAG_URL(url.c_str()), NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOACK(1),
        NUTAG_AUTOALERT(0), NUTAG_ENABLEINVITE(1), NUTAG_USER_AGENT(options_.user_agent.c_str()),
        NUTAG_ALLOW("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO"), NTATAG_MAXSIZE(65536), TAG_END());
    if (!m.nua) {
      su_root_destroy(m.root);
      m.root = nullptr;
      started.set_value(Unavailable("sip: cannot listen on " + url +
                                    " (in use, or not an address of this machine)"));
      return;
    }
    // The registrar is ours: nua hands REGISTER over instead of answering 405.
    nua_set_params(m.nua, NUTAG_ALLOW("REGISTER"), NUTAG_APPL_METHOD("REGISTER"), TAG_END());
    m.expiry_timer = su_timer_create(su_root_task(m.root), 1000);
    if (m.expiry_timer) {
      su_timer_set_interval(m.expiry_timer, &Impl::OnExpiryTimer,
                            reinterpret_cast<su_timer_arg_t*>(&m), 1000);
    }
    m.probe_timer = su_timer_create(su_root_task(m.root), kProbeScanMs);
    if (m.probe_timer) {
      su_timer_set_interval(m.probe_timer, &Impl::OnProbeTimer,
                            reinterpret_cast<su_timer_arg_t*>(&m), kProbeScanMs);
    }
    m.running = true;
    started.set_value(Status::Ok());
    su_root_run(m.root);
    if (m.shutdown_timer) su_timer_destroy(m.shutdown_timer);
    if (m.expiry_timer) su_timer_destroy(m.expiry_timer);
    if (m.probe_timer) su_timer_destroy(m.probe_timer);
    m.expiry_timer = nullptr;
    m.probe_timer = nullptr;
    m.probes.clear();  // their handles go with nua
    m.shutdown_timer = nullptr;
    m.legs.clear();                // nua frees the handles of calls it ended during the shutdown
    if (!m.shutdown_done) return;  // a peer never answered: the process is exiting, leave nua
    nua_destroy(m.nua);
    m.nua = nullptr;
    su_root_unregister(m.root, m.wait, &Impl::OnWake, reinterpret_cast<su_wakeup_arg_t*>(&m));
    su_root_destroy(m.root);
    m.root = nullptr;
    su_home_deinit(m.home);
    su_deinit();
  });
  Status s = result.get();
  if (!s.ok()) {
    im.thread.join();
    ::close(im.wake_fd);
    im.wake_fd = -1;
  }
  return s;
}

void Stack::Stop() {
  Impl& im = *impl_;
  if (!im.thread.joinable()) return;
  if (im.running) {
    im.Push(Cmd{Op::kStop, 0, 0, {}, {}, {}});
    {
      MutexLock lock(im.mu);
      im.stopped = true;
    }
  }
  im.thread.join();
  im.running = false;
  if (im.wake_fd >= 0) ::close(im.wake_fd);
  im.wake_fd = -1;
}

bool Stack::Respond(LegId leg, int status, std::string sdp) {
  return impl_->Push(Cmd{Op::kRespond, leg, status, std::move(sdp), {}, {}});
}
bool Stack::Invite(LegId leg, Call call) {
  return impl_->Push(Cmd{Op::kInvite, leg, 0, {}, std::move(call), {}});
}
bool Stack::End(LegId leg) { return impl_->Push(Cmd{Op::kEnd, leg, 0, {}, {}, {}}); }
bool Stack::SendOptions(std::uint64_t probe, std::string uri, std::chrono::milliseconds timeout) {
  Cmd c{Op::kOptions, probe, 0, {}, {}, timeout};
  c.call.target = std::move(uri);
  return impl_->Push(std::move(c));
}

Stats Stack::stats() const {
  const Impl& im = *impl_;
  return Stats{im.n_legs.load(),
               im.n_in.load(),
               im.n_out.load(),
               im.n_busy.load(),
               im.n_refused.load(),
               im.registrar.bindings(),
               im.registrar.auth_failures(),
               im.n_probes.load()};
}

}  // namespace sb::sip
