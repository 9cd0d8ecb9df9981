// sofia-sip nua behind sip::Stack (stack.h): the SIP thread, its command queue and the mapping
// between nua handles and our leg ids. Everything that touches nua runs on the SIP thread.

#include "sip/stack_impl.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>
#include <optional>
#include <vector>

#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/tport_tag.h>

#include "sip/tls_dir.h"

namespace sb::sip {

using internal::Cmd;
using internal::FromHeader;
using internal::kProbeScanMs;
using internal::Leg;
using internal::Op;

// `"display" <sip:user@host>`, the display name quoted (RFC 3261 quoted-string).
std::string internal::FromHeader(const std::string& display, const std::string& user,
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

bool Stack::Impl::Push(Cmd c) {
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

void Stack::Impl::OnShutdownTimer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
  su_root_break(reinterpret_cast<Impl*>(arg)->root);
}

int Stack::Impl::OnWake(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg) {
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

Leg* Stack::Impl::Find(LegId id) {
  auto it = legs.find(id);
  return it == legs.end() ? nullptr : &it->second;
}

void Stack::Impl::Run(Cmd& c) {
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
    case Op::kAnswerReoffer:
      return AnswerReoffer(c);
    case Op::kRefer:
      return RunRefer(c);
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

void Stack::Impl::StartProbe(const Cmd& c) {
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
void Stack::Impl::FinishProbe(std::uint64_t id, int status) {
  auto it = probes.find(id);
  if (it == probes.end()) return;
  nua_handle_t* nh = it->second.nh;
  probes.erase(it);
  n_probes.store(probes.size(), std::memory_order_relaxed);
  nua_handle_bind(nh, nullptr);
  nua_handle_destroy(nh);
  self.listener_.OnOptionsResult(id, status);
}

void Stack::Impl::OnProbeTimer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
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

std::string Stack::Impl::HostForUri() const {
  const std::string& h = self.options_.listen;
  if (h == "*" || h.empty()) return "switchboard.invalid";
  if (h.find(':') != std::string::npos) return "[" + h + "]";
  return h;
}

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
    const std::string supported = Impl::SupportedFeatures(options_);
    // TLS: sofia-sip reads the key and certificate from a directory while nua_create binds the
    // transports; the directory (tls_dir.h) is removed once it returns.
    std::optional<TlsDir> tls;
    std::string sips_url;
    if (options_.tls_port != 0) {
      auto dir = TlsDir::Make(options_.tls_certificate, options_.tls_key);
      if (!dir.ok()) {
        su_root_destroy(m.root);
        m.root = nullptr;
        started.set_value(dir.status());
        return;
      }
      tls.emplace(std::move(*dir));
      sips_url = "sips:" + host + ":" + std::to_string(options_.tls_port);
    }
    // Session timers (stack_session.cc): refreshed by UPDATE without SDP when we refresh, since a
    // re-INVITE without SDP would need an answer in the ACK, which nua cannot give without its
    // media engine. UPDATE is ours to answer (NUTAG_APPL_METHOD below), like a re-INVITE.
    m.nua = nua_create(
        m.root, &Impl::OnNua, &m, NUTAG_URL(url.c_str()),
        TAG_IF(tls.has_value(), NUTAG_SIPS_URL(sips_url.c_str())),
        TAG_IF(tls.has_value(), TPTAG_CERTIFICATE(tls ? tls->path().c_str() : "")),
        TAG_IF(tls.has_value(), TPTAG_TLS_VERSION(0)),  // any TLS version OpenSSL allows
        NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOACK(1), NUTAG_AUTOALERT(0), NUTAG_ENABLEINVITE(1),
        NUTAG_USER_AGENT(options_.user_agent.c_str()),
        NUTAG_ALLOW("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK"),
        SIPTAG_SUPPORTED_STR(supported.c_str()), NUTAG_SESSION_TIMER(options_.session_expires),
        NUTAG_MIN_SE(options_.min_se), NUTAG_SESSION_REFRESHER(nua_any_refresher),
        NUTAG_UPDATE_REFRESH(1), NTATAG_MAXSIZE(65536), TAG_END());
    tls.reset();
    if (!m.nua) {
      su_root_destroy(m.root);
      m.root = nullptr;
      started.set_value(Unavailable("sip: cannot listen on " + url +
                                    (sips_url.empty() ? "" : " and " + sips_url) +
                                    " (in use, or not an address of this machine)"));
      return;
    }
    // The registrar is ours: nua hands REGISTER over instead of answering 405.
    nua_set_params(m.nua, NUTAG_ALLOW("REGISTER"), NUTAG_APPL_METHOD("REGISTER"),
                   NUTAG_APPL_METHOD("UPDATE"), TAG_END());
    // REFER too: the call flow decides whether a transfer's target is allowed (refer.cc).
    nua_set_params(m.nua, NUTAG_ALLOW("REFER"), NUTAG_APPL_METHOD("REFER"), TAG_END());
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
bool Stack::AnswerRefer(LegId leg, int status) {
  return impl_->Push(Cmd{Op::kRefer, leg, status, {}, {}, {}});
}
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
