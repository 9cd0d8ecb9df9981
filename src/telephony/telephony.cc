// The call flow (telephony.h).

#include "telephony/telephony.h"

#include <algorithm>
#include <charconv>

#include "media/sdp.h"

namespace sb::telephony {
namespace {

constexpr const char* kDefaultHoldMusic = "/usr/share/asterisk/moh/macroform-cold_day.wav";

}  // namespace

std::shared_ptr<const media::Clip> MakeRingback();                   // callback.cc
void AddTrunks(const config::TelephonyConfig& c, sip::Options* so);  // trunks.cc
const config::TrunkConfig* TrunkOf(const config::TelephonyConfig& c, const sip::Incoming& call);

Telephony::Telephony(config::TelephonyConfig config, const control::Controller& controller,
                     Hooks hooks)
    : config_(std::move(config)), ctl_(controller), hooks_(std::move(hooks)) {
  for (const auto& n : config_.numbers) number_of_[n.number] = &n;
  for (const auto& m : config_.menus) menu_of_[m.name] = &m;
  for (const auto& p : config_.phones) {
    if (!p.contact.empty()) contact_of_agent_[p.agent] = p.contact;
    if (p.srtp) srtp_agents_.insert(p.agent);
    if (qualify_of_.emplace(p.agent, qualify_.size()).second) {
      Qualify q;
      q.agent = p.agent;
      qualify_.push_back(std::move(q));
    }
  }
  if (config_.callback_trunk >= 0 &&
      static_cast<std::size_t>(config_.callback_trunk) < config_.trunks.size()) {
    callback_trunk_ = &config_.trunks[static_cast<std::size_t>(config_.callback_trunk)];
  }
  if (config_.transfer_trunk >= 0 &&
      static_cast<std::size_t>(config_.transfer_trunk) < config_.trunks.size()) {
    transfer_trunk_ = &config_.trunks[static_cast<std::size_t>(config_.transfer_trunk)];
  }
}

Telephony::~Telephony() { Stop(); }

sip::LegId Telephony::LegOfHandle(const std::string& handle) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(handle.data(), handle.data() + handle.size(), v);
  return ec == std::errc() && p == handle.data() + handle.size() ? v : 0;
}

void Telephony::Log(const char* level, const std::string& msg,
                    std::vector<std::pair<std::string, std::string>> kv) const {
  if (hooks_.log) hooks_.log(level, msg, std::move(kv));
}

Status Telephony::Start() {
  const std::string music = config_.hold_music.empty() ? kDefaultHoldMusic : config_.hold_music;
  auto clip = media::Clip::LoadWav(music);
  if (!clip.ok()) {
    return clip.status().WithContext(
        "hold music (set [sip] hold_music, or install asterisk-moh-opsound-wav)");
  }
  hold_music_ = *clip;
  ringback_ = MakeRingback();
  // Prompts must load; a message that does not is skipped (the caller is hung up on at once).
  for (const auto& m : config_.menus) {
    std::vector<const std::vector<std::string>*> lists = {&m.prompt, &m.invalid};
    for (const auto& [key, c] : m.choices) lists.push_back(&c.prompt);
    if (m.has_fallback) lists.push_back(&m.fallback.prompt);
    for (const auto* list : lists) {
      for (const std::string& f : *list) {
        SB_RETURN_IF_ERROR(LoadClip(f).WithContext("[[sip.ivr]] '" + m.name + "'"));
      }
    }
  }
  for (const auto* list :
       {&config_.closed_message, &config_.full_message, &config_.max_wait_message,
        &config_.no_input_message, &config_.callback_message, &config_.callback_offer_message}) {
    for (const std::string& f : *list) {
      if (Status st = LoadClip(f); !st.ok()) {
        Log("warn", "telephony: a message's sound is missing; it is skipped",
            {{"file", f}, {"why", st.message()}});
      }
    }
  }
  bool announce = false;
  for (const auto& n : config_.numbers) announce = announce || n.announce_every > Duration{0};
  if (announce) {
    std::vector<std::string> words = {"queue-youarenext", "queue-thereare",  "queue-callswaiting",
                                      "queue-holdtime",   "queue-less-than", "queue-minute",
                                      "queue-minutes",    "digits/hundred"};
    for (int i = 0; i <= 20; ++i) words.push_back("digits/" + std::to_string(i));
    for (int i = 30; i <= 90; i += 10) words.push_back("digits/" + std::to_string(i));
    for (const std::string& w : words) {
      SB_RETURN_IF_ERROR(LoadClip(config_.sounds + "/" + w + ".wav")
                             .WithContext("announcements ([[number]] announce_every; [sip] sounds, "
                                          "or install asterisk-core-sounds-en-wav)"));
    }
  }

  LoadLanguages();

  SB_RETURN_IF_ERROR(StartRecorder());
  media::Options mo;
  mo.recorder = recorder_.get();
  mo.address = config_.rtp_address;
  mo.port_min = static_cast<std::uint16_t>(config_.rtp_min);
  mo.port_max = static_cast<std::uint16_t>(config_.rtp_max);
  mo.no_rtp_timeout = config_.no_rtp_timeout;
  mo.max_legs = static_cast<std::size_t>(config_.max_calls);
  mo.threads = static_cast<std::size_t>(config_.media_threads);
  mo.send = config_.media_io_uring ? media::SendMode::kAuto : media::SendMode::kSendmmsg;
  media_ = std::make_unique<media::Engine>(
      mo, [this](const media::Event& e) { hooks_.task([this, e] { MediaEvent(e); }); });
  SB_RETURN_IF_ERROR(media_->Start());

  sip::Options so;
  so.listen = config_.listen;
  so.port = static_cast<std::uint16_t>(config_.port);
  so.tls_port = static_cast<std::uint16_t>(config_.tls_port);
  so.tls_certificate = config_.tls_certificate;
  so.tls_key = config_.tls_key;
  so.max_legs = static_cast<std::size_t>(config_.max_calls);
  so.realm = config_.realm;
  so.session_expires = static_cast<unsigned>(config_.session_expires / std::chrono::seconds(1));
  for (const auto& p : config_.phones) {
    if (!p.ha1.empty()) so.ha1[p.agent] = p.ha1;
  }
  AddTrunks(config_, &so);  // which calls from trunks authenticate by digest
  sip_ = std::make_unique<sip::Stack>(so, *this);

  // Static phones: logged in (and ready when configured) before the first call can arrive.
  // Phones that only register: their agent is logged in while the phone is registered.
  for (const auto& p : config_.phones) {
    if (!p.ready) continue;
    if (p.contact.empty()) {
      follows_registration_.insert(p.agent);
      continue;
    }
    (void)hooks_.command(control::Login{p.agent, p.contact}, [](const control::Reply&) {});
    (void)hooks_.command(control::Ready{p.agent}, [](const control::Reply&) {});
  }
  SB_RETURN_IF_ERROR(sip_->Start());
  if (config_.qualify_every > Duration{0} && hooks_.after && !qualify_.empty()) {
    hooks_.after(config_.qualify_every, [this] { QualifyRound(); });
  }
  Log("info", "telephony: listening",
      {{"sip", config_.listen + ":" + std::to_string(config_.port)},
       {"tls", config_.tls_port ? std::to_string(config_.tls_port) : std::string("off")},
       {"rtp", config_.rtp_address + ":" + std::to_string(config_.rtp_min) + "-" +
                   std::to_string(config_.rtp_max)},
       {"media_threads", std::to_string(media_->stats().threads)},
       {"media_send", media_->stats().io_uring_threads > 0 ? "io_uring" : "sendmmsg"},
       {"numbers", std::to_string(config_.numbers.size())},
       {"phones", std::to_string(config_.phones.size())},
       {"qualify_every",
        config_.qualify_every > Duration{0}
            ? std::to_string(config_.qualify_every / std::chrono::milliseconds(1)) + "ms"
            : std::string("off")},
       {"callback_trunk", callback_trunk_ ? callback_trunk_->name : std::string("none")}});
  return Status::Ok();
}

void Telephony::Stop() {
  stopping_ = true;
  // Calls still up get their call details now, ended by the system: the SIP thread's last
  // reports find no control loop, and the store writer takes these before it closes.
  std::size_t recorded = 0;
  for (auto& [id, leg] : legs_) {
    if (!leg.caller || leg.contact == 0 || leg.detail.invite_ms == 0) continue;
    NoteEnd(leg, "system", "shutdown");
    RecordDetail(leg);
    ++recorded;
  }
  if (recorded > 0) {
    Log("info", "telephony: calls up at the stop hung up", {{"calls", std::to_string(recorded)}});
  }
  if (sip_) sip_->Stop();
  sip_.reset();
  media_.reset();
  recorder_.reset();  // finishes the recordings still running (cut short), reported at once
}

Stats Telephony::stats() const {
  Stats s = stats_;
  s.active_legs = legs_.size();
  return s;
}

// --- SIP thread -> control thread ---

void Telephony::OnIncoming(const sip::Incoming& call) {
  hooks_.task([this, call] { Incoming(call); });
}
void Telephony::OnAck(sip::LegId) {}
void Telephony::OnProgress(sip::LegId leg, int status, const std::string& sdp) {
  if (sdp.empty()) return;  // a plain 180: the party waiting hears our ringback
  hooks_.task([this, leg, status, sdp] { EarlyMedia(leg, status, sdp); });
}
void Telephony::OnAnswered(sip::LegId leg, const std::string& sdp) {
  hooks_.task([this, leg, sdp] { Answered(leg, sdp); });
}
void Telephony::OnDialog(sip::LegId leg, const std::string& call_id, const std::string& tag) {
  hooks_.task([this, leg, call_id, tag] {
    if (Leg* l = Find(leg)) {
      l->dialog_call_id = call_id;  // what a Replaces naming this call carries (consult.cc)
      l->dialog_tag = tag;
    }
  });
}
void Telephony::OnFailed(sip::LegId leg, int status) {
  hooks_.task([this, leg, status] { Failed(leg, status); });
}
void Telephony::OnHangup(sip::LegId leg, bool cancelled) {
  hooks_.task([this, leg, cancelled] { Hangup(leg, cancelled); });
}
void Telephony::OnTerminated(sip::LegId leg, int) {
  hooks_.task([this, leg] { Terminated(leg); });
}

void Telephony::OnDtmf(sip::LegId leg, char digit) {
  // A key by SIP INFO goes where an RFC 4733 key from the media engine goes.
  hooks_.task([this, leg, digit] {
    Leg* l = Find(leg);
    if (l && l->caller && !l->gone) Dtmf(*l, digit);
  });
}

// --- control thread ---

Telephony::Leg* Telephony::Find(sip::LegId id) {
  auto it = legs_.find(id);
  return it == legs_.end() ? nullptr : &it->second;
}

Telephony::Leg* Telephony::CallerOf(std::uint64_t contact) {
  auto it = caller_of_contact_.find(contact);
  return it == caller_of_contact_.end() ? nullptr : Find(it->second);
}

const std::string& Telephony::AgentName(AgentId id) const {
  return ctl_.engine().settings().agents[id.value].name;
}

void Telephony::Incoming(const sip::Incoming& call) {
  if (!sip_) return;
  auto refuse = [&](int status, const char* why) {
    ++stats_.refused;
    sip_->Respond(call.leg, status);
    Log("info", "telephony: call refused",
        {{"status", std::to_string(status)},
         {"why", why},
         {"from", call.source},
         {"dialled", call.dialled}});
  };
  // An agent's phone calling another agent during a call: a consultation (consult.cc).
  if (IncomingConsult(call)) return;
  const config::TrunkConfig* trunk = TrunkOf(config_, call);
  if (!trunk) return refuse(403, "the source is no configured trunk");
  auto number = number_of_.find(call.dialled);
  if (number == number_of_.end()) return refuse(404, "no [[number]] for the dialled number");
  auto offer = media::ParseSdp(call.sdp);
  if (!offer.ok()) return refuse(488, "no usable SDP offer");
  auto plan = PlanMedia(*offer, *trunk);  // G.711, SRTP by policy, the address family
  if (!plan.ok()) return refuse(488, plan.status().message().c_str());
  auto opened = media_->Open();
  if (!opened.ok()) return refuse(503, "no media port free");

  Leg& leg = legs_[call.leg];
  leg.sip = call.leg;
  leg.media = opened->leg;
  leg.caller = true;
  leg.number = call.caller.empty() ? "anonymous" : call.caller;
  leg.dialled = number->second;
  leg.detail.invite_ms = NowMs();
  leg.detail.call_id = call.call_id;
  leg.detail.trunk = trunk->name;
  leg.detail.source = call.source;
  leg.detail.caller = leg.number;
  leg.detail.dialled = call.dialled;
  by_media_[leg.media] = leg.sip;
  leg.srtp = plan->keys.has_value();
  media_->SetRemote(leg.media, media::Remote{offer->address, offer->port, plan->codec,
                                             offer->telephone_event_pt, std::move(plan->keys)});
  media::SdpLocal local;
  local.address = config_.rtp_address;
  local.port = opened->port;
  local.session_id = call.leg;
  local.version = 1;
  local.crypto = std::move(plan->local);
  leg.answer = media::WriteAnswer(local, plan->codec, *offer);
  leg.rtp_port = opened->port;
  // RFC 3262: a caller that asks for 100rel gets a reliable 183 with our answer (early media),
  // PRACKed before the 200 goes out (the SIP stack holds the 200 until then).
  if (call.reliable) sip_->Respond(call.leg, 183, leg.answer);

  const sip::LegId id = call.leg;
  const bool ivr = !leg.dialled->ivr.empty();
  control::Command command;
  if (ivr) {
    command = control::Arrive{leg.number, trunk->name, std::to_string(id)};
  } else {
    control::Enqueue e;
    e.queue = leg.dialled->queue;
    e.caller = leg.number;
    e.handle = std::to_string(id);
    command = std::move(e);
  }
  leg.enqueuing = true;
  const bool posted = hooks_.command(
      std::move(command), [this, id, ivr](const control::Reply& r) { Admitted(id, ivr, r); });
  if (!posted) {
    legs_.erase(id);
    by_media_.erase(opened->leg);
    media_->Close(opened->leg);
    return refuse(503, "the control loop is full");
  }
}

void Telephony::Admitted(sip::LegId id, bool ivr, const control::Reply& r) {
  Leg* l = Find(id);
  if (!l) return;
  l->enqueuing = false;
  if (l->terminated) return AbandonEnded(id, r);  // it ended (CANCEL, BYE) before the contact
  if (!r.status.ok()) {
    ++stats_.refused;
    Log("warn", ivr ? "telephony: call not admitted" : "telephony: call not queued",
        {{"why", r.status.message()}});
    End(*l);
    return;
  }
  l->contact = r.contact;
  if (ivr) {
    l->in_ivr = true;
  } else {
    l->queued = true;
    if (l->detail.queued_ms == 0) l->detail.queued_ms = NowMs();
  }
  caller_of_contact_[r.contact] = id;
  if (l->gone) {  // hung up while the command was on its way
    CallerLeft(*l);
    return;
  }
  Answer(*l);
  ++stats_.calls;
  if (l->turned_away) return TurnAway(*l, *l->turned_away);
  if (ivr) {
    ++stats_.ivr_calls;
    EnterFirstMenu(id, 20);
  } else if (l->connected) {
    return;
  } else if (QueuedAsCallback(r) && CanCallBack(l->number)) {
    TakenAsCallback(*l);  // a full queue made it a callback (when_full = callback)
  } else {
    Waiting(*l);
  }
}

void Telephony::AbandonEnded(sip::LegId id, const control::Reply& r) {
  Leg* l = Find(id);
  if (!l) return;
  if (r.status.ok()) {
    (void)hooks_.command(control::Abandon{r.contact}, [](const control::Reply&) {});
    l->contact = r.contact;
    RecordDetail(*l);
  }
  legs_.erase(id);
}

void Telephony::Answer(Leg& leg) {
  if (leg.answered_200) return;
  leg.answered_200 = true;
  leg.detail.answered_ms = NowMs();
  leg.detail.status = 200;
  sip_->Respond(leg.sip, 200, leg.answer);
}

// --- hang-ups and ends (the agents' offers, answers and failures are in agent_side.cc) ---

void Telephony::Hangup(sip::LegId id, bool cancelled) {
  Leg* leg = Find(id);
  if (!leg || leg->gone) return;
  leg->gone = true;
  if (leg->supervising) return SupervisorLegGone(*leg);
  if (leg->peer) return ForwardGone(*leg);
  if (leg->caller) {
    NoteEnd(*leg, "caller", cancelled ? "cancel" : "bye");
    CallerLeft(*leg);
    return;
  }
  if (leg->outbound) return CustomerGone(*leg);
  if (leg->consult) return ConsultLegGone(*leg);
  if (leg->consulting) return ConsultingLegGone(*leg);
  if (Dialout* d = DialoutOf(leg->contact); d && d->agent_leg == id) return AgentLeftCallback(*d);
  // The agent hung up a connected call: the engine ends the contact, and the caller is hung up
  // on its ContactEnded.
  Leg* caller = CallerOf(leg->contact);
  if (caller && caller->connected && caller->agent_leg == id && caller->consult_leg != 0) {
    return ConsultingAgentLeft(*caller);
  }
  if (caller && caller->connected && caller->agent_leg == id) {
    NoteEnd(*caller, "agent", "bye");
    (void)hooks_.command(control::Hangup{leg->contact}, [](const control::Reply&) {});
  }
}

void Telephony::CallerLeft(Leg& leg) {
  leg.gone = true;
  if (!(leg.queued || leg.in_ivr) || leg.reported) return;  // the Enqueue's reply reports it
  leg.reported = true;
  const std::uint64_t contact = leg.contact;
  if (leg.connected) {
    (void)hooks_.command(control::Hangup{contact}, [](const control::Reply&) {});
  } else {
    (void)hooks_.command(control::Abandon{contact}, [](const control::Reply&) {});
  }
}

void Telephony::Terminated(sip::LegId id) {
  auto it = legs_.find(id);
  if (it == legs_.end()) return;
  Leg& leg = it->second;
  if (leg.peer) ForwardGone(leg);
  if (leg.supervising) {
    SupervisorLegGone(leg);
  } else if (leg.caller) {
    if (leg.enqueuing) {
      // The contact is being created: its reply abandons it; until then the leg stays.
      leg.gone = true;
      leg.terminated = true;
      leg.detail.ended_ms = NowMs();
      if (media_) media_->Close(leg.media);
      by_media_.erase(leg.media);
      return;
    }
    if (!leg.gone || !leg.reported) CallerLeft(leg);  // a lost leg (no ACK, transport)
    RecordDetail(leg);
    if (leg.contact) caller_of_contact_.erase(leg.contact);
  } else if (leg.outbound) {
    if (!leg.gone) CustomerGone(leg);  // a lost leg
    CallbackLegGone(leg);
  } else {
    if (Dialout* d = DialoutOf(leg.contact); d && d->agent_leg == id && !leg.gone) {
      leg.gone = true;
      AgentLeftCallback(*d);
    }
    CallbackLegGone(leg);
    if (leg.consult) {
      if (!leg.gone) ConsultLegGone(leg);  // a lost leg
      if (Leg* c = CallerOf(leg.contact); c && c->consult_leg == id) c->consult_leg = 0;
    }
    if (leg.consulting) {
      if (!leg.gone) ConsultingLegGone(leg);
      if (Leg* c = CallerOf(leg.contact); c && c->consult_via == id) c->consult_via = 0;
    }
    auto a = agents_of_contact_.find(leg.contact);
    if (a != agents_of_contact_.end()) {
      std::erase(a->second, id);
      if (a->second.empty()) agents_of_contact_.erase(a);
    }
    Leg* caller = CallerOf(leg.contact);
    if (caller && caller->agent_leg == id && !leg.gone) {
      leg.gone = true;
      NoteEnd(*caller, "agent", "lost");
      (void)hooks_.command(control::Hangup{leg.contact}, [](const control::Reply&) {});
    }
  }
  StopRecording(leg);
  EndSupervisionsOf(id);
  if (media_) media_->Close(leg.media);
  by_media_.erase(leg.media);
  legs_.erase(it);
}

void Telephony::End(Leg& leg) {
  if (sip_) sip_->End(leg.sip);
  leg.gone = true;
}

}  // namespace sb::telephony
