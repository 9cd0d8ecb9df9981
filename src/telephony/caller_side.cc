// The caller's side of the call flow (telephony.h): sounds, IVR menus with DTMF and digit
// collection, the queue's hold music and announcements, and the messages before a hang-up.
// The legs, offers and bridges are in telephony.cc.

#include <algorithm>

#include "telephony/telephony.h"

namespace sb::telephony {

// --- clips and timers ---

Status Telephony::LoadClip(const std::string& path) {
  if (clips_.count(path)) return Status::Ok();
  auto clip = media::Clip::LoadWav(path);
  if (!clip.ok()) return clip.status();
  clips_[path] = *clip;
  return Status::Ok();
}

std::vector<std::shared_ptr<const media::Clip>> Telephony::Clips(
    const std::vector<std::string>& paths, Leg* leg) {
  if (leg) PickLanguage(*leg);
  std::vector<std::shared_ptr<const media::Clip>> out;
  for (const std::string& p : paths) {
    if (auto it = clips_.find(leg ? Localized(*leg, p) : p); it != clips_.end()) {
      out.push_back(it->second);
    }
  }
  return out;
}

std::shared_ptr<const media::Clip> Telephony::Sound(const std::string& name, Leg& leg) {
  auto it = clips_.find(Localized(leg, config_.sounds + "/" + name + ".wav"));
  return it == clips_.end() ? nullptr : it->second;
}

void Telephony::Arm(Leg& leg, Duration d, std::function<void(Leg&)> fn) {
  if (!hooks_.after) return;
  const std::uint64_t n = ++timers_;
  leg.timer = n;
  const sip::LegId id = leg.sip;
  hooks_.after(d, [this, id, n, fn = std::move(fn)] {
    Leg* l = Find(id);
    if (!l || l->timer != n || l->gone) return;
    l->timer = 0;
    fn(*l);
  });
}

void Telephony::PlayHold(Leg& leg) {
  leg.playing = Playing::kHold;
  media_->Play(leg.media, {hold_music_}, true);
}

void Telephony::PlayoutDone(Leg& leg) {
  switch (leg.playing) {
    case Playing::kPrompt:
      leg.playing = Playing::kNone;
      Arm(leg, leg.menu->timeout, [this](Leg& l) { IvrTimeout(l); });
      break;
    case Playing::kAnnouncement:
      PlayHold(leg);
      ArmAnnouncement(leg);
      break;
    case Playing::kFarewell:
      End(leg);
      break;
    default:
      break;
  }
}

// --- the IVR ---

void Telephony::EnterMenu(Leg& leg, const config::IvrMenu* menu) {
  leg.menu = menu;
  leg.tries = 0;
  leg.collecting = nullptr;
  leg.digits.clear();
  Prompt(leg, false);
}

void Telephony::Prompt(Leg& leg, bool after_invalid) {
  Disarm(leg);
  std::vector<std::shared_ptr<const media::Clip>> clips;
  if (after_invalid) clips = Clips(leg.menu->invalid, &leg);
  for (auto& c : Clips(leg.collecting ? leg.collecting->prompt : leg.menu->prompt, &leg)) {
    clips.push_back(std::move(c));
  }
  if (clips.empty()) {  // a collection without a prompt: the time-out runs at once
    leg.playing = Playing::kNone;
    media_->Play(leg.media, {}, false);
    Arm(leg, leg.menu->timeout, [this](Leg& l) { IvrTimeout(l); });
    return;
  }
  leg.playing = Playing::kPrompt;
  media_->Play(leg.media, std::move(clips), false);
}

void Telephony::Dtmf(Leg& leg, char digit) {
  if (digit == '1' && leg.callback_offered && leg.queued && !leg.connected && !leg.enqueuing &&
      leg.playing != Playing::kFarewell) {
    leg.callback_offered = false;  // taken: a second key does nothing
    return Callback(leg);
  }
  if (!leg.in_ivr || leg.enqueuing || leg.gone || !leg.menu) return;
  if (leg.collecting) {
    if (digit == '#') return FinishCollect(leg);
    if (!((digit >= '0' && digit <= '9') || digit == '*')) return;
    if (leg.playing == Playing::kPrompt) {  // typing over the prompt stops it
      leg.playing = Playing::kNone;
      media_->Play(leg.media, {}, false);
    }
    leg.digits += digit;
    if (static_cast<std::int64_t>(leg.digits.size()) >= leg.collecting->max_digits) {
      return FinishCollect(leg);
    }
    Arm(leg, leg.menu->timeout, [this](Leg& l) { IvrTimeout(l); });
    return;
  }
  auto it = leg.menu->choices.find(digit);
  if (it != leg.menu->choices.end()) return Choose(leg, it->second);
  Log("info", "telephony: IVR key not in the menu",
      {{"contact", std::to_string(leg.contact)}, {"menu", leg.menu->name}});
  if (++leg.tries > leg.menu->retries) return Fallback(leg);
  Prompt(leg, true);
}

void Telephony::IvrTimeout(Leg& leg) {
  if (!leg.in_ivr || leg.enqueuing) return;
  if (leg.collecting) return FinishCollect(leg);  // what was typed so far
  if (++leg.tries > leg.menu->retries) return Fallback(leg);
  Prompt(leg, false);
}

void Telephony::Fallback(Leg& leg) {
  if (leg.menu->has_fallback) return Choose(leg, leg.menu->fallback);
  Log("info", "telephony: no input in the IVR; hanging up",
      {{"contact", std::to_string(leg.contact)}, {"menu", leg.menu->name}});
  ++stats_.turned_away;
  Farewell(leg, config_.no_input_message);
}

void Telephony::Choose(Leg& leg, const config::IvrChoice& choice) {
  using Kind = config::IvrChoice::Kind;
  switch (choice.kind) {
    case Kind::kQueue:
      return StartEnqueue(leg, choice.target, false);
    case Kind::kCallback:
      if (!CanCallBack(leg.number)) {
        // Nobody could dial it: the caller is better off waiting than hung up on.
        Log("info",
            "telephony: callback not possible (no trunk dials callbacks, or no number to call "
            "back); the caller waits",
            {{"contact", std::to_string(leg.contact)}});
        return StartEnqueue(leg, choice.target, false);
      }
      return StartEnqueue(leg, choice.target, true);
    case Kind::kMenu:
      return EnterMenu(leg, menu_of_.at(choice.target));
    case Kind::kCollect:
      leg.collecting = &choice;
      leg.digits.clear();
      return Prompt(leg, false);
  }
}

void Telephony::FinishCollect(Leg& leg) {
  const config::IvrChoice& choice = *leg.collecting;
  leg.collecting = nullptr;
  if (!leg.digits.empty()) {
    control::IvrInput in;
    in.contact = leg.contact;
    if (choice.pin) {
      in.pin = leg.digits;
    } else {
      in.ivr_id = leg.digits;
    }
    // The digits themselves stay out of the log (a PIN, an account number).
    Log("info", "telephony: IVR input",
        {{"contact", std::to_string(leg.contact)},
         {"kind", choice.pin ? "pin" : "id"},
         {"digits", std::to_string(leg.digits.size())}});
    (void)hooks_.command(in, [this](const control::Reply& r) {
      if (!r.status.ok()) {
        Log("warn", "telephony: IVR input refused", {{"why", r.status.message()}});
      }
    });
    leg.digits.clear();
  }
  StartEnqueue(leg, choice.target, false);
}

void Telephony::StartEnqueue(Leg& leg, const std::string& queue, bool callback) {
  Disarm(leg);
  leg.in_ivr = false;
  leg.enqueuing = true;
  leg.callback = callback;
  leg.detail.ivr_exit_ms = NowMs();
  PlayHold(leg);
  control::Enqueue e;
  e.contact = leg.contact;
  e.queue = queue;
  const sip::LegId id = leg.sip;
  const bool posted = hooks_.command(e, [this, id](const control::Reply& r) {
    Leg* l = Find(id);
    if (!l) return;
    l->enqueuing = false;
    if (l->terminated) {  // gone meanwhile: queued or still in the IVR, it is abandoned
      (void)hooks_.command(control::Abandon{l->contact}, [](const control::Reply&) {});
      RecordDetail(*l);
      legs_.erase(id);
      return;
    }
    if (!r.status.ok()) {
      Log("warn", "telephony: call not queued", {{"why", r.status.message()}});
      l->in_ivr = true;  // the controller still has it there: the hang-up abandons it
      Farewell(*l, config_.closed_message);
      return;
    }
    l->queued = true;
    if (l->detail.queued_ms == 0) l->detail.queued_ms = NowMs();
    if (l->gone) {
      CallerLeft(*l);
      return;
    }
    if (l->turned_away) return TurnAway(*l, *l->turned_away);
    if (l->connected) return;
    // A full queue that takes callers as callbacks (when_full = callback) made it one already.
    if (QueuedAsCallback(r) && CanCallBack(l->number)) return TakenAsCallback(*l);
    if (l->callback) return Callback(*l);
    Waiting(*l);
  });
  if (!posted) {
    leg.enqueuing = false;
    leg.in_ivr = true;
    Farewell(leg, config_.closed_message);
  }
}

void Telephony::Callback(Leg& leg) {
  const sip::LegId id = leg.sip;
  (void)hooks_.command(control::RequestCallback{leg.contact}, [this, id](const control::Reply& r) {
    Leg* l = Find(id);
    if (!l || l->gone || l->connected || l->playing == Playing::kFarewell) return;
    if (!r.status.ok()) {  // e.g. an agent rings already: the caller waits
      Log("info", "telephony: callback not taken; the caller waits", {{"why", r.status.message()}});
      Waiting(*l);
      return;
    }
    TakenAsCallback(*l);
  });
}

bool Telephony::QueuedAsCallback(const control::Reply& r) {
  for (const core::Event& e : r.events) {
    const auto* q = std::get_if<core::ContactQueued>(&e);
    if (q && q->contact.value == r.contact && q->kind == core::ContactKind::kCallback) return true;
  }
  return false;
}

void Telephony::TakenAsCallback(Leg& leg) {
  // The contact is the engine's callback now: the caller's leg no longer stands for it.
  leg.reported = true;
  caller_of_contact_.erase(leg.contact);
  Farewell(leg, config_.callback_message);
}

void Telephony::OfferCallbackToCaller(std::uint64_t contact) {
  Leg* leg = CallerOf(contact);
  if (!leg || leg->gone || !leg->queued || leg->connected || leg->callback_offered ||
      leg->playing == Playing::kFarewell) {
    return;
  }
  if (!CanCallBack(leg->number)) {
    Log("info", "telephony: callback not offered (nothing could dial it); the caller waits",
        {{"contact", std::to_string(contact)}});
    return;
  }
  leg->callback_offered = true;
  auto clips = Clips(config_.callback_offer_message, leg);
  if (!clips.empty()) {  // else (its sounds missing) key 1 still takes it
    Disarm(*leg);        // the announcements' timer starts again after the offer
    leg->playing = Playing::kAnnouncement;
    media_->Play(leg->media, std::move(clips), false);
  }
  Log("info", "telephony: callback offered to a waiting caller (key 1)",
      {{"contact", std::to_string(contact)}});
}

void Telephony::Waiting(Leg& leg) {
  if (leg.playing != Playing::kHold) PlayHold(leg);
  ArmAnnouncement(leg);
}

// --- in the queue ---

void Telephony::ArmAnnouncement(Leg& leg) {
  const Duration every = leg.dialled ? leg.dialled->announce_every : Duration{0};
  if (every <= Duration{0} || leg.connected || !leg.queued) return;
  Arm(leg, every, [this](Leg& l) { Announce(l); });
}

void Telephony::Announce(Leg& leg) {
  if (leg.connected || !leg.queued || leg.playing != Playing::kHold) return;
  const sip::LegId id = leg.sip;
  const bool posted =
      hooks_.command(control::GetPosition{leg.contact}, [this, id](const control::Reply& r) {
        Leg* l = Find(id);
        if (!l || l->gone || l->connected || l->playing != Playing::kHold) return;
        std::vector<std::shared_ptr<const media::Clip>> clips;
        if (r.status.ok() && r.position) clips = Announcement(*r.position, *l);
        if (clips.empty()) return ArmAnnouncement(*l);
        ++stats_.announcements;
        std::size_t samples = 0;
        for (const auto& c : clips) samples += c->samples();
        Log("info", "telephony: announcement",
            {{"contact", std::to_string(l->contact)},
             {"position", std::to_string(r.position->position)},
             {"wait_s", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                           r.position->estimate.mean)
                                           .count())},
             {"ms", std::to_string(samples / 8)}});
        l->playing = Playing::kAnnouncement;
        media_->Play(l->media, std::move(clips), false);
      });
  if (!posted) ArmAnnouncement(leg);
}

void Telephony::SayNumber(std::uint32_t n, std::vector<std::shared_ptr<const media::Clip>>* out,
                          Leg& leg) {
  auto say = [&](const std::string& w) {
    if (auto c = Sound(w, leg)) out->push_back(std::move(c));
  };
  if (n >= 100) {
    say("digits/" + std::to_string(n / 100));
    say("digits/hundred");
    n %= 100;
    if (n == 0) return;
  }
  if (n <= 20) return say("digits/" + std::to_string(n));
  say("digits/" + std::to_string(n / 10 * 10));
  if (n % 10) say("digits/" + std::to_string(n % 10));
}

namespace {
// Minutes as a person would say a wait: 0 for "less than a minute", then 1..10, then by 5, by 10.
std::uint32_t SpokenMinutes(Duration wait) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(wait).count();
  if (s < 60) return 0;  // "less than a minute"
  const auto m = static_cast<std::uint32_t>((s + 30) / 60);
  if (m <= 10) return m;                                   // about 1 .. 10 minutes
  if (m <= 30) return (m + 2) / 5 * 5;                     // 15, 20, 25, 30
  return std::min<std::uint32_t>((m + 5) / 10 * 10, 120);  // 40, 50 ... two hours
}
}  // namespace

std::vector<std::shared_ptr<const media::Clip>> Telephony::Announcement(
    const control::PositionInfo& p, Leg& leg) {
  PickLanguage(leg);
  std::vector<std::shared_ptr<const media::Clip>> out;
  auto say = [&](const std::string& w) {
    if (auto c = Sound(w, leg)) out.push_back(std::move(c));
  };
  if (p.position == 0) {
    say("queue-youarenext");
  } else if (p.position < 999) {
    say("queue-thereare");  // "you are currently caller number"
    SayNumber(p.position + 1, &out, leg);
    say("queue-callswaiting");
  }
  const Duration mean = p.estimate.mean;
  if (mean > Duration{0} && mean <= std::chrono::hours(2)) {
    say("queue-holdtime");  // "the estimated hold time is currently"
    const std::uint32_t m = SpokenMinutes(mean);
    if (m == 0) {
      say("queue-less-than");
      say("digits/1");
      say("queue-minute");
    } else {
      SayNumber(m, &out, leg);
      say(m == 1 ? "queue-minute" : "queue-minutes");
    }
  }
  return out;
}

void Telephony::Farewell(Leg& leg, const std::vector<std::string>& paths) {
  Disarm(leg);
  auto clips = Clips(paths, &leg);
  if (clips.empty() || leg.connected) {
    End(leg);
    return;
  }
  std::size_t samples = 0;
  for (const auto& c : clips) samples += c->samples();
  // Hung up on kPlayoutDone; this only if that event never comes.
  const Duration fallback = std::min<Duration>(
      std::chrono::milliseconds(samples / 8) + std::chrono::seconds(3), std::chrono::minutes(2));
  leg.playing = Playing::kFarewell;
  media_->Play(leg.media, std::move(clips), false);
  Arm(leg, fallback, [this](Leg& l) { End(l); });
}

void Telephony::TurnAway(Leg& leg, core::EndReason reason) {
  ++stats_.turned_away;
  Answer(leg);
  Log("info", "telephony: the queue turned the caller away; playing its message",
      {{"contact", std::to_string(leg.contact)},
       {"reason", std::string(core::EndReasonName(reason))}});
  const std::vector<std::string>& message =
      reason == core::EndReason::kMessageClosed ? config_.closed_message
      : reason == core::EndReason::kMessageFull ? config_.full_message
                                                : config_.max_wait_message;
  Farewell(leg, message);
}

}  // namespace sb::telephony
