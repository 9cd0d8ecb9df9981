// Supervision (telephony.h): `supervise` calls the supervisor's phone (the supervisor is an
// agent of the configuration; its phone is found as an offer's would be: registered, static
// [[phone]], or its Login device), and on answer the media engine mixes it into the agent's
// live call (media/mixer.h: listen, whisper, barge). A new mode on a live supervision changes
// the mix in place; `supervise_end`, the supervisor hanging up, or the call ending (either of
// its legs) ends the supervisor's leg. Supervision is media and SIP state only: the engine
// knows nothing of it, and the supervisor's own routing state is left as it is.

#include "media/sdp.h"
#include "telephony/telephony.h"

namespace sb::telephony {
namespace {

std::optional<media::MixMode> ModeOf(std::string_view m) {
  if (m == "listen") return media::MixMode::kListen;
  if (m == "whisper") return media::MixMode::kWhisper;
  if (m == "barge") return media::MixMode::kBarge;
  return std::nullopt;
}

}  // namespace

Status Telephony::Supervise(const std::string& supervisor, const std::string& agent,
                            std::string_view mode_name) {
  const auto mode = ModeOf(mode_name);
  if (!mode) return InvalidArgument("mode: expected listen, whisper or barge");
  if (!sip_ || !media_) return FailedPrecondition("supervision: telephony is not running");
  if (supervisor == agent) return InvalidArgument("supervisor: cannot supervise itself");
  if (auto it = supervisions_.find(supervisor); it != supervisions_.end()) {
    Supervision& s = it->second;
    if (s.agent != agent) {
      return FailedPrecondition("supervisor: '" + supervisor + "' supervises '" + s.agent +
                                "' already; supervise_end first");
    }
    s.mode = *mode;
    ApplyMix(s);
    Log("info", "telephony: supervision mode changed",
        {{"supervisor", supervisor}, {"agent", agent}, {"mode", std::string(mode_name)}});
    return Status::Ok();
  }
  Leg* caller = nullptr;
  Leg* agent_leg = nullptr;
  for (auto& [id, l] : legs_) {
    if (!l.caller || !l.connected || l.gone) continue;
    Leg* a = Find(l.agent_leg);
    if (a && a->agent == agent && !a->gone) {
      caller = &l;
      agent_leg = a;
      break;
    }
  }
  if (caller == nullptr) return FailedPrecondition("agent: '" + agent + "' is in no call now");
  if (caller->consult_leg != 0) {
    return FailedPrecondition("agent: '" + agent +
                              "' is in a consultation (attended transfer); no supervision until "
                              "it ends");
  }
  for (const auto& [id, l] : legs_) {
    if (!l.caller && l.agent == supervisor && !l.gone) {
      return FailedPrecondition("supervisor: '" + supervisor + "' is on a call");
    }
  }
  const auto sup_id = AgentIdOf(supervisor);
  if (!sup_id) return NotFound("supervisor: no agent named '" + supervisor + "'");
  const std::string uri = PhoneOf(*sup_id, supervisor);
  if (uri.rfind("sip:", 0) != 0) {
    return FailedPrecondition("supervisor: '" + supervisor + "' has no phone");
  }
  auto opened = media_->Open(caller->media);  // on the call's media thread: mixed there
  if (!opened.ok()) return opened.status();
  const sip::LegId id = sip_->NewLeg();
  Leg& leg = legs_[id];
  leg.sip = id;
  leg.media = opened->leg;
  leg.contact = caller->contact;
  leg.agent = supervisor;
  leg.supervising = true;
  by_media_[leg.media] = id;
  Supervision s;
  s.supervisor = supervisor;
  s.agent = agent;
  s.mode = *mode;
  s.leg = id;
  s.caller = caller->sip;
  s.agent_leg = agent_leg->sip;
  supervisions_[supervisor] = s;
  sip::Call call;
  call.target = uri;
  call.from_user = agent;
  call.from_display = "Supervise";
  call.sdp = OfferSdp(leg, opened->port, SrtpToAgent(supervisor));
  if (!sip_->Invite(id, std::move(call))) {
    supervisions_.erase(supervisor);
    by_media_.erase(leg.media);
    media_->Close(leg.media);
    legs_.erase(id);
    return Unavailable("supervision: the SIP queue is full");
  }
  Log("info", "telephony: calling the supervisor",
      {{"supervisor", supervisor}, {"agent", agent}, {"mode", std::string(mode_name)}});
  return Status::Ok();
}

Status Telephony::EndSupervision(const std::string& supervisor) {
  auto it = supervisions_.find(supervisor);
  if (it == supervisions_.end()) {
    return NotFound("supervisor: '" + supervisor + "' supervises nobody");
  }
  EndSupervisor(it->second, "supervise_end");
  return Status::Ok();
}

void Telephony::ApplyMix(Supervision& s) {
  if (s.mix == 0) return;  // not answered yet: the mode applies at the answer
  Leg* caller = Find(s.caller);
  Leg* agent = Find(s.agent_leg);
  Leg* sup = Find(s.leg);
  if (!caller || !agent || !sup) return;
  media_->Mix(s.mix, caller->media, agent->media, sup->media, s.mode);
}

void Telephony::EndSupervisor(Supervision& s, const char* why) {
  Log("info", "telephony: supervision ended",
      {{"supervisor", s.supervisor}, {"agent", s.agent}, {"why", why}});
  if (Leg* caller = Find(s.caller); caller && s.mix != 0 && media_) {
    media_->Unmix(s.mix, caller->media);
  }
  if (Leg* sup = Find(s.leg); sup && !sup->gone) End(*sup);
  supervisions_.erase(s.supervisor);  // `s` is gone from here
}

Telephony::Supervision* Telephony::SupervisionOf(const Leg& supervisor_leg) {
  auto it = supervisions_.find(supervisor_leg.agent);
  return it != supervisions_.end() && it->second.leg == supervisor_leg.sip ? &it->second : nullptr;
}

void Telephony::SupervisorAnswered(Leg& leg, const std::string& sdp) {
  leg.answered = true;
  Supervision* s = SupervisionOf(leg);
  auto remote = RemoteOfAnswer(leg, sdp);  // G.711, SRTP as we offered, our address family
  if (!s || !remote.ok()) {
    if (s) {
      Log("warn", "telephony: the supervisor's answer has no usable SDP",
          {{"why", remote.ok() ? std::string("no supervision") : remote.status().message()}});
      return EndSupervisor(*s, "no usable SDP");
    }
    return End(leg);
  }
  leg.srtp = remote->srtp.has_value();
  media_->SetRemote(leg.media, std::move(*remote));
  s->mix = ++next_mix_;
  ApplyMix(*s);
  Log("info", "telephony: supervisor connected", {{"supervisor", s->supervisor}});
}

void Telephony::SupervisorFailed(Leg& leg, int status) {
  leg.gone = true;
  if (Supervision* s = SupervisionOf(leg)) {
    Log("info", "telephony: the supervisor's phone did not answer",
        {{"supervisor", s->supervisor}, {"status", std::to_string(status)}});
    supervisions_.erase(s->supervisor);
  }
}

void Telephony::SupervisorLegGone(Leg& leg) {
  if (Supervision* s = SupervisionOf(leg)) EndSupervisor(*s, "the supervisor hung up");
}

void Telephony::EndSupervisionsOf(sip::LegId call_leg) {
  // At most one supervision per supervisor, and few at once: a scan is cheap.
  for (auto it = supervisions_.begin(); it != supervisions_.end();) {
    Supervision& s = (it++)->second;
    if (s.caller == call_leg || s.agent_leg == call_leg) EndSupervisor(s, "the call ended");
  }
}

}  // namespace sb::telephony
