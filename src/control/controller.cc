// The controller (controller.h): commands in, engine decisions, events to the store and the bus.

#include "control/controller.h"

#include <algorithm>
#include <type_traits>

#include "control/validate.h"

namespace sb::control {

namespace {

Reply Refused(Status s, std::uint64_t contact = 0) {
  Reply r;
  r.status = std::move(s);
  r.contact = contact;
  return r;
}

}  // namespace

std::uint64_t ContactOf(const core::Event& e) {
  return std::visit(
      [](const auto& v) -> std::uint64_t {
        if constexpr (requires { v.contact; }) {
          return v.contact.value;
        } else {
          return 0;
        }
      },
      e);
}

Controller::Controller(std::unique_ptr<core::Engine> engine, Recorder& recorder,
                       std::uint64_t next_contact, ControllerOptions options)
    : engine_(std::move(engine)),
      recorder_(recorder),
      next_contact_(std::max<std::uint64_t>(next_contact, 1)),
      options_(std::move(options)) {
  IndexNames();
  contacts_.reserve(std::min<std::size_t>(options_.max_contacts, 4096));
}

Reply Controller::Execute(const Command& command, Time now) {
  now = std::max(now, engine_->now());
  if (Status s = Validate(command); !s.ok()) {
    Reply r;
    r.status = std::move(s);
    return r;
  }
  // Deadlines that fell due before the command come first, as their own (timer) events.
  if (NextDeadline() <= now) Tick(now);
  return Run(command, now);
}

Reply Controller::Run(const Command& command, Time now) {
  return std::visit(
      [&](const auto& c) -> Reply {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, Login> || std::is_same_v<T, Logout> ||
                      std::is_same_v<T, Ready> || std::is_same_v<T, NotReady> ||
                      std::is_same_v<T, ExtendWrapUp>) {
          auto a = FindAgent(c.agent);
          if (!a.ok()) return Refused(a.status());
          if constexpr (std::is_same_v<T, Login>) {
            Reply r = Apply(core::Login{now, *a}, 0);
            if (r.status.ok() && !c.device.empty()) agents_[a->value].device = c.device;
            return r;
          } else if constexpr (std::is_same_v<T, Logout>) {
            return Apply(core::Logout{now, *a}, 0);
          } else if constexpr (std::is_same_v<T, Ready>) {
            return Apply(core::SetReady{now, *a}, 0);
          } else if constexpr (std::is_same_v<T, NotReady>) {
            return Apply(core::SetNotReady{now, *a, static_cast<std::uint8_t>(c.reason)}, 0);
          } else {
            return Apply(core::ExtendWrapUp{now, *a, std::chrono::seconds(c.seconds)}, 0);
          }
        } else if constexpr (std::is_same_v<T, Arrive>) {
          return ArriveContact(c, now);
        } else if constexpr (std::is_same_v<T, IvrInput>) {
          return Ivr(c);
        } else if constexpr (std::is_same_v<T, Enqueue>) {
          return EnqueueContact(c, now);
        } else if constexpr (std::is_same_v<T, Accept> || std::is_same_v<T, Decline>) {
          auto a = FindAgent(c.agent);
          if (!a.ok()) return Refused(a.status());
          const auto offer = static_cast<std::uint32_t>(c.offer);
          if constexpr (std::is_same_v<T, Accept>) {
            return Apply(core::Accept{now, ContactId{c.contact}, *a, offer}, c.contact);
          } else {
            return Apply(core::Decline{now, ContactId{c.contact}, *a, offer}, c.contact);
          }
        } else if constexpr (std::is_same_v<T, Hangup>) {
          return Apply(core::Hangup{now, ContactId{c.contact}}, c.contact);
        } else if constexpr (std::is_same_v<T, Abandon>) {
          return AbandonContact(c, now);
        } else if constexpr (std::is_same_v<T, Transfer>) {
          return TransferContact(c, now);
        } else if constexpr (std::is_same_v<T, RequestCallback>) {
          return Apply(core::RequestCallback{now, ContactId{c.contact}}, c.contact);
        } else if constexpr (std::is_same_v<T, CallbackResult>) {
          return CallbackReport(c, now);
        } else if constexpr (std::is_same_v<T, Pop>) {
          return PopFor(c, now);
        } else if constexpr (std::is_same_v<T, OpenCase>) {
          return Case(c, now);
        } else if constexpr (std::is_same_v<T, GetStatus>) {
          Reply r;
          r.info = Info();
          return r;
        } else if constexpr (std::is_same_v<T, Supervise> || std::is_same_v<T, SuperviseEnd>) {
          return Supervision(c);
        } else if constexpr (std::is_same_v<T, Consult>) {
          return ConsultFor(c, now);
        } else if constexpr (std::is_same_v<T, ConsultAnswer>) {
          return Apply(core::ConsultAnswer{now, ContactId{c.contact}}, c.contact);
        } else if constexpr (std::is_same_v<T, ConsultCancel>) {
          return Apply(core::ConsultCancel{now, ContactId{c.contact}, c.declined}, c.contact);
        } else if constexpr (std::is_same_v<T, ConsultComplete>) {
          return Apply(core::ConsultComplete{now, ContactId{c.contact}}, c.contact);
        } else {
          return Position(c);
        }
      },
      command);
}

Reply Controller::Supervision(const Command& c) {
  Reply r;
  const auto* s = std::get_if<Supervise>(&c);
  const std::string& supervisor = s ? s->supervisor : std::get<SuperviseEnd>(c).supervisor;
  if (auto a = FindAgent(supervisor); !a.ok()) {
    r.status = InvalidArgument("supervisor: no agent named '" + supervisor + "'");
  } else if (s && !FindAgent(s->agent).ok()) {
    r.status = FindAgent(s->agent).status();
  } else if (supervision_ == nullptr) {
    r.status = FailedPrecondition("supervision needs telephony (a [sip] table)");
  } else {
    r.status = s ? supervision_->Supervise(s->supervisor, s->agent, s->mode)
                 : supervision_->EndSupervision(supervisor);
  }
  return r;
}

Reply Controller::Apply(core::Input input, std::uint64_t contact) {
  scratch_.clear();
  Reply r;
  r.status = engine_->Handle(input, &scratch_);
  r.contact = contact;
  r.ticket = Publish(scratch_, Cause::kCommand);
  r.events = scratch_;
  return r;
}

Status Controller::CanAdmit() {
  if (!recorder_.CanRecord()) {
    ++refused_no_store_;
    return Unavailable("the store cannot record new calls now (its buffer is full); try later");
  }
  if (contacts_.size() >= options_.max_contacts) {
    ++refused_no_store_;
    return Unavailable("the server tracks its limit of " + std::to_string(options_.max_contacts) +
                       " contacts; try later");
  }
  return Status::Ok();
}

std::uint64_t Controller::Admit(LiveContact c) {
  const std::uint64_t id = next_contact_++;
  cdrs_.Arrived(id, ToMillis(c.arrived), c.in_ivr ? ToMillis(c.arrived) : 0);
  if (c.in_ivr) ivr_order_.emplace_back(c.arrived, id);
  contacts_.emplace(id, std::move(c));
  return id;
}

Reply Controller::ArriveContact(const Arrive& a, Time now) {
  Reply r;
  if (Status s = CanAdmit(); !s.ok()) {
    r.status = std::move(s);
    return r;
  }
  LiveContact c;
  c.caller = a.caller;
  c.trunk = a.trunk;
  c.handle = a.handle;
  c.arrived = now;
  c.in_ivr = true;
  r.contact = Admit(std::move(c));
  if (prefetch_) {
    directory::PopRequest pop;
    pop.caller = a.caller;
    pop.trunk = a.trunk;
    (void)prefetch_->Start(r.contact, std::move(pop));  // full: the pop is simply not ready
  }
  return r;
}

Reply Controller::Ivr(const IvrInput& i) {
  Reply r;
  r.contact = i.contact;
  auto it = contacts_.find(i.contact);
  if (it == contacts_.end() || !it->second.in_ivr) {
    r.status = FailedPrecondition("contact " + std::to_string(i.contact) + " is not in the IVR");
    return r;
  }
  LiveContact& c = it->second;
  if (i.ivr_id) c.ivr_id = *i.ivr_id;
  if (i.pin) c.pin = *i.pin;
  if (prefetch_) {
    directory::PopRequest pop;
    pop.caller = c.caller;
    pop.trunk = c.trunk;
    pop.ivr_id = c.ivr_id;
    pop.pin = c.pin;
    (void)prefetch_->Start(i.contact, std::move(pop));
  }
  return r;
}

Reply Controller::EnqueueContact(const Enqueue& e, Time now) {
  auto q = FindQueue(e.queue);
  if (!q.ok()) return Refused(q.status());
  std::int64_t priority = e.priority;
  std::uint64_t id = e.contact;
  if (id != 0) {  // a call that arrived earlier and went through the IVR
    auto it = contacts_.find(id);
    if (it == contacts_.end() || !it->second.in_ivr) {
      return Refused(FailedPrecondition("contact " + std::to_string(id) +
                                        " did not arrive (\"arrive\") or is already queued"),
                     id);
    }
    // The record found while the caller was in the IVR feeds routing.
    if (auto pop = Prefetched(id)) {
      const directory::RoutingHints hints = directory::HintsOf(*pop);
      if (auto h = options_.segment_priority.find(hints.segment);
          !hints.segment.empty() && h != options_.segment_priority.end()) {
        priority += h->second;  // both bounded far below int32 (validate.h, config)
      }
    }
    priority = std::clamp<std::int64_t>(priority, -2 * kMaxPriority, 2 * kMaxPriority);
    scratch_.clear();
    Reply r;
    r.contact = id;
    r.status = engine_->Handle(
        core::Enqueue{now, ContactId{id}, *q, static_cast<std::int32_t>(priority)}, &scratch_);
    if (r.status.ok()) it->second.in_ivr = false;
    r.ticket = Publish(scratch_, Cause::kCommand);
    r.events = scratch_;
    r.priority = static_cast<std::int32_t>(priority);
    return r;
  }
  if (Status s = CanAdmit(); !s.ok()) return Refused(std::move(s));
  LiveContact c;
  c.caller = e.caller;
  c.handle = e.handle;
  c.ivr_id = e.ivr_id;
  c.arrived = now;
  id = Admit(std::move(c));
  if (prefetch_ && (!e.caller.empty() || !e.ivr_id.empty())) {
    directory::PopRequest pop;
    pop.caller = e.caller;
    pop.ivr_id = e.ivr_id;
    (void)prefetch_->Start(id, std::move(pop));  // ready before an agent rings
  }
  Reply r = Apply(core::Enqueue{now, ContactId{id}, *q, static_cast<std::int32_t>(priority)}, id);
  if (!r.status.ok()) {  // refused: nothing of it stays
    (void)cdrs_.Close(id, 0, "");
    Ended(id);
  }
  r.priority = static_cast<std::int32_t>(priority);
  return r;
}

Reply Controller::AbandonContact(const Abandon& a, Time now) {
  auto it = contacts_.find(a.contact);
  if (it != contacts_.end() && it->second.in_ivr) {  // hung up in the IVR: the engine never saw it
    Reply r;
    r.contact = a.contact;
    if (auto cdr = cdrs_.Close(a.contact, ToMillis(now), "abandoned_in_ivr")) {
      cdr->caller = it->second.caller;
      r.ticket = recorder_.Append(std::move(*cdr));
    }
    Ended(a.contact);
    return r;
  }
  return Apply(core::Abandon{now, ContactId{a.contact}}, a.contact);
}

Reply Controller::PopFor(const Pop& p, Time now) {
  Reply r;
  r.contact = p.contact;
  auto pop = Prefetched(p.contact);
  if (!pop) {
    r.status = NotFound("no screen pop for contact " + std::to_string(p.contact));
    return r;
  }
  // Every record shown is audited first; a pop whose audit row was refused is not shown.
  const std::int64_t at = ToMillis(now);
  auto audit = [&](const directory::Record& rec, const char* why) {
    const std::uint64_t t = recorder_.Append(
        store::AuditEntry{0, at, p.user, "record.view", "record:" + rec.id, p.contact, 0, why});
    r.ticket = std::max(r.ticket, t);
    return t != 0;
  };
  for (const auto& rec : pop->records) {
    if (!audit(rec, "screen pop")) {
      r.status = Unavailable("the audit of this screen pop could not be recorded; not shown");
      return r;
    }
  }
  for (const auto& rec : pop->partner_contacts) {
    if (!audit(rec, "partner contact")) {
      r.status = Unavailable("the audit of this screen pop could not be recorded; not shown");
      return r;
    }
  }
  r.pop = std::move(pop);
  return r;
}

Reply Controller::Case(const OpenCase& c, Time now) {
  cases::OpenRequest req;
  req.user = c.user;
  req.at_ms = ToMillis(now);
  req.call = c.contact;
  req.notes = c.notes;
  if (const LiveContact* lc = contact(c.contact); lc && lc->queue.valid()) {
    req.queue = lc->queue.value;
  }
  const std::uint64_t call = c.contact;
  recorder_.OpenCase(std::move(req), [this, call](Result<cases::Case> r) { CaseOpened(call, r); });
  Reply r;
  r.contact = c.contact;
  return r;
}

void Controller::OpenCallCase(std::uint64_t id, AgentId agent, Time at, const LiveContact* lc) {
  // Linked to the call and its screen-pop records.
  cases::OpenRequest req;
  req.user = engine_->settings().agents[agent.value].name;
  req.at_ms = ToMillis(at);
  req.call = id;
  if (lc && lc->queue.valid()) req.queue = lc->queue.value;
  if (auto pop = Prefetched(id)) {
    for (const auto& rec : pop->records) req.records.push_back(rec.id);
  }
  recorder_.OpenCase(std::move(req), [this, id](Result<cases::Case> r) { CaseOpened(id, r); });
}

Reply Controller::CallbackReport(const CallbackResult& c, Time now) {
  const ContactId id{c.contact};
  const AgentId agent = engine_->agent_of(id);
  Reply r = Apply(core::CallbackResult{now, id, c.reached, c.permanent}, c.contact);
  // The customer answered: the conversation, and its case, start now (once: a reached
  // callback is connected until it ends).
  if (r.status.ok() && c.reached && agent.valid()) {
    OpenCallCase(c.contact, agent, now, contact(c.contact));
  }
  return r;
}

Reply Controller::Position(const GetPosition& p) {
  Reply r;
  r.contact = p.contact;
  auto pos = engine_->Position(ContactId{p.contact});
  if (!pos.ok()) {
    r.status = pos.status();
    return r;
  }
  auto est = engine_->EstimateWait(ContactId{p.contact});
  r.position = PositionInfo{*pos, est.ok() ? *est : core::WaitEstimate{}};
  return r;
}

void Controller::Tick(Time now) {
  now = std::max(now, engine_->now());
  ExpireIvr(now);
  if (engine_->NextDeadline() > now) return;
  scratch_.clear();
  (void)engine_->Handle(core::Tick{now}, &scratch_);  // a tick is never refused
  Publish(scratch_, Cause::kTimer);
}

Time Controller::NextDeadline() const {
  Time t = engine_->NextDeadline();
  if (!ivr_order_.empty()) t = std::min(t, ivr_order_.front().first + options_.ivr_limit);
  return t;
}

void Controller::ExpireIvr(Time now) {
  while (!ivr_order_.empty()) {
    const auto [arrived, id] = ivr_order_.front();
    auto it = contacts_.find(id);
    const bool waiting_in_ivr = it != contacts_.end() && it->second.in_ivr;
    if (waiting_in_ivr && arrived + options_.ivr_limit > now) return;
    ivr_order_.pop_front();
    if (!waiting_in_ivr) continue;
    ++ivr_expired_;
    if (auto cdr = cdrs_.Close(id, ToMillis(now), "ivr_expired")) {
      cdr->caller = it->second.caller;
      (void)recorder_.Append(std::move(*cdr));
    }
    Ended(id);
  }
}

void Controller::Ended(std::uint64_t contact) {
  if (prefetch_) prefetch_->Forget(contact);
  contacts_.erase(contact);
}

std::uint64_t Controller::Publish(const std::vector<core::Event>& events, Cause cause) {
  std::uint64_t last = 0;
  for (const core::Event& e : events) {
    last = std::max(last, recorder_.Append(e));
    const std::uint64_t id = ContactOf(e);
    auto it = id != 0 ? contacts_.find(id) : contacts_.end();
    LiveContact* lc = it != contacts_.end() ? &it->second : nullptr;
    if (const auto* q = std::get_if<core::ContactQueued>(&e); q && lc) {
      lc->queue = q->queue;
    } else if (const auto* m = std::get_if<core::ContactMoved>(&e); m && lc) {
      lc->queue = m->to;
    } else if (const auto* a = std::get_if<core::OfferAccepted>(&e)) {
      // Every answered call opens a case; a callback's accept only starts a dial, and its case
      // opens when the customer answers (CallbackReport), so retried dials open none.
      if (engine_->kind(a->contact) != core::ContactKind::kCallback) {
        OpenCallCase(id, a->agent, a->at, lc);
      }
    }
    std::string partner;
    if (std::holds_alternative<core::ContactEnded>(e)) {
      if (auto pop = Prefetched(id); pop && pop->partner) partner = pop->partner->partner.id;
    }
    std::uint32_t attempts = 0;
    if (auto cdr = cdrs_.Add(e)) {
      if (lc) cdr->caller = lc->caller;
      cdr->partner = partner;
      attempts = static_cast<std::uint32_t>(cdr->callback_attempts);
      last = std::max(last, recorder_.Append(std::move(*cdr)));
    }
    ContactContext ctx;
    if (lc) ctx = ContactContext{id, lc->caller, lc->trunk, lc->handle, lc->transfer_to};
    ctx.contact = id;
    ctx.callback_attempts = attempts;
    for (Subscriber* s : subscribers_) s->OnEvent(e, cause, id != 0 ? &ctx : nullptr);
    if (std::holds_alternative<core::ContactEnded>(e)) Ended(id);
  }
  return last;
}

std::optional<std::string> Controller::LanguageOf(std::uint64_t contact) const {
  if (!prefetch_) return std::string();
  auto pop = Prefetched(contact);
  if (!pop) return std::nullopt;
  return directory::HintsOf(*pop).language;
}

std::optional<directory::ScreenPop> Controller::Prefetched(std::uint64_t contact) const {
  if (!prefetch_) return std::nullopt;
  return prefetch_->Get(contact, std::chrono::milliseconds(0));  // never waits
}

void Controller::Durable(std::uint64_t ticket) {
  for (Subscriber* s : subscribers_) s->OnDurable(ticket);
}

void Controller::CaseOpened(std::uint64_t contact, const Result<cases::Case>& result) {
  for (Subscriber* s : subscribers_) s->OnCaseOpened(contact, result);
}

StatusInfo Controller::Info() const {
  StatusInfo i;
  i.contacts = engine_->contacts();
  i.waiting = engine_->waiting_total();
  for (const auto& [id, c] : contacts_) i.in_ivr += c.in_ivr ? 1 : 0;
  const auto& agents = engine_->settings().agents;
  for (std::uint32_t a = 0; a < agents.size(); ++a) {
    ++i.agents[std::string(core::AgentStateName(engine_->agent_state(AgentId{a})))];
  }
  i.durable = recorder_.durable();
  i.store_alarm = recorder_.alarm();
  i.refused_no_store = refused_no_store_;
  i.ivr_expired = ivr_expired_;
  return i;
}

}  // namespace sb::control
