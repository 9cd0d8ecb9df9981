// Engine: construction, replay, queries. Input handling is in engine_inputs.cc.

#include "core/engine.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "core/internal/state.h"

namespace sb::core {
namespace internal {

// Reasons the engine itself uses (and telephony's "phone unreachable", for a phone that stopped
// answering OPTIONS); appended when the configuration does not name them, and "logged in"
// always last (AgentLoggedIn relies on it).
void EnsureReasons(std::vector<std::string>& reasons) {
  for (const char* r : {"no answer", "declined", "phone unreachable"}) {
    if (std::find(reasons.begin(), reasons.end(), r) == reasons.end()) reasons.push_back(r);
  }
  reasons.erase(std::remove(reasons.begin(), reasons.end(), "logged in"), reasons.end());
  reasons.push_back("logged in");
}

}  // namespace internal
namespace {

// Whether `e` can be applied to `s`: every id it names exists (a log written under another
// configuration may name agents or queues this one lacks), and the contact it is about is live,
// or, for ContactQueued, not live yet. Apply() trusts its events; replay checks them first.
Status CheckReplayable(const internal::State& s, const Event& e) {
  const std::size_t n_agents = s.agents.size(), n_queues = s.queues.size();
  auto agent_ok = [&](AgentId a, bool required) {
    return a.valid() ? a.value < n_agents : !required;
  };
  auto queue_ok = [&](QueueId q) { return q.valid() && q.value < n_queues; };
  return std::visit(
      [&](const auto& v) -> Status {
        using T = std::decay_t<decltype(v)>;
        if constexpr (requires { v.agent; }) {
          constexpr bool optional =
              std::is_same_v<T, ContactMoved> || std::is_same_v<T, ContactEnded>;
          if (!agent_ok(v.agent, !optional)) {
            return InvalidArgument("unknown agent " + std::to_string(v.agent.value) + " (the " +
                                   "configuration has " + std::to_string(n_agents) + ")");
          }
        }
        if constexpr (requires { v.target; }) {
          if (!agent_ok(v.target, true)) {
            return InvalidArgument("unknown agent " + std::to_string(v.target.value) + " (the " +
                                   "configuration has " + std::to_string(n_agents) + ")");
          }
        }
        if constexpr (std::is_same_v<T, ConsultStarted>) {
          if (v.via.valid() && v.via.value >= n_queues) return InvalidArgument("unknown queue");
        }
        if constexpr (std::is_same_v<T, AgentNotReady> || std::is_same_v<T, AgentNotReadyPending>) {
          const bool logout = std::is_same_v<T, AgentNotReadyPending> && v.reason == kPendingLogout;
          if (!logout && v.reason >= s.settings.not_ready_reasons.size()) {
            return InvalidArgument("unknown not-ready reason " + std::to_string(v.reason));
          }
        }
        bool queues_ok = true;
        if constexpr (requires { v.queue; }) {
          // ContactEnded of a contact deflected on arrival names the queue it asked for.
          queues_ok = queues_ok && queue_ok(v.queue);
        }
        if constexpr (requires { v.from; }) {
          queues_ok = queues_ok && queue_ok(v.from) && queue_ok(v.to);
        }
        if (!queues_ok) {
          return InvalidArgument("unknown queue (the configuration has " +
                                 std::to_string(n_queues) + ")");
        }
        if constexpr (requires { v.contact; }) {
          const auto it = s.contacts.find(v.contact);
          const bool live = it != s.contacts.end();
          const std::string name = "contact " + std::to_string(v.contact.value);
          if constexpr (std::is_same_v<T, ContactQueued>) {
            if (live) return InvalidArgument(name + " is queued twice");
          } else if constexpr (!std::is_same_v<T, ContactEnded>) {
            if (!live) return InvalidArgument(name + " is not in progress");
          }
          // Apply() moves a callback out of its queue and back by phase: a log that has them
          // out of order must not put a contact in a waiting list twice.
          if constexpr (std::is_same_v<T, CallbackRetry>) {
            const internal::ContactRt& c = it->second;
            if (c.phase != internal::ContactPhase::kConnected || c.kind != ContactKind::kCallback ||
                c.agent != v.agent || v.queue != c.queue) {
              return InvalidArgument(name + " is not a callback being dialled by that agent");
            }
          }
          if constexpr (std::is_same_v<T, CallbackRetryDue>) {
            if (it->second.phase != internal::ContactPhase::kRetrying ||
                v.queue != it->second.queue) {
              return InvalidArgument(name + " is not waiting for a callback retry");
            }
          }
          if constexpr (std::is_same_v<T, ConsultStarted>) {
            if (it->second.phase != internal::ContactPhase::kConnected ||
                it->second.consult.valid()) {
              return InvalidArgument(name + " is not connected, or already in a consultation");
            }
          } else if constexpr (std::is_same_v<T, ConsultAnswered> ||
                               std::is_same_v<T, ConsultEnded> ||
                               std::is_same_v<T, ConsultCompleted>) {
            if (it->second.consult != v.target) {
              return InvalidArgument(name + " is not in a consultation of that agent");
            }
          }
          if constexpr (std::is_same_v<T, RequirementRelaxed>) {
            if (v.level > s.settings.queues[it->second.queue.value].relax.size()) {
              return InvalidArgument(name + ": relax level " + std::to_string(v.level) +
                                     " is beyond its queue's steps");
            }
          }
        }
        return Status::Ok();
      },
      e);
}

}  // namespace

Engine::Engine(std::unique_ptr<internal::State> state) : state_(std::move(state)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Create(EngineSettings settings, Time start) {
  SB_RETURN_IF_ERROR(ValidateSettings(settings));
  internal::EnsureReasons(settings.not_ready_reasons);
  if (settings.not_ready_reasons.size() > 250) {
    return InvalidArgument("at most 250 not-ready reasons");
  }
  auto state = std::make_unique<internal::State>();
  state->settings = std::move(settings);
  state->now = start;
  internal::BuildIndexes(*state);
  return std::unique_ptr<Engine>(new Engine(std::move(state)));
}

Result<std::unique_ptr<Engine>> Engine::Replay(EngineSettings settings, Time start,
                                               std::span<const Event> events,
                                               const SettingsResolver* resolver) {
  SB_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Create(std::move(settings), start));
  SB_RETURN_IF_ERROR(ApplyAll(*engine->state_, events, resolver));
  return engine;
}

Status Engine::ApplyAll(internal::State& s, std::span<const Event> events,
                        const SettingsResolver* resolver) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto where = [&] {
      return "event " + std::to_string(i) + " (" + std::string(EventName(events[i])) + ")";
    };
    if (EventTime(events[i]) < s.now)
      return OutOfRange(where() + " is earlier than the one before it");
    if (Status st = CheckReplayable(s, events[i]); !st.ok()) {
      return InvalidArgument(where() + ": " + st.message());
    }
    if (const auto* change = std::get_if<SettingsChanged>(&events[i])) {
      if (resolver == nullptr) {
        return InvalidArgument(where() + ": the log changes to configuration version " +
                               std::to_string(change->version) + ", which this replay lacks");
      }
      auto next = (*resolver)(change->version);
      if (!next.ok()) return InvalidArgument(where() + ": " + next.status().message());
      EngineSettings settings = std::move(next).value();
      if (Status st = internal::PrepareSuccessor(s, settings, false); !st.ok()) {
        return InvalidArgument(where() + ": configuration version " +
                               std::to_string(change->version) + ": " + st.message());
      }
      s.incoming = &settings;
      internal::Apply(s, events[i]);
      continue;
    }
    internal::Apply(s, events[i]);
  }
  return Status::Ok();
}

Time Engine::NextDeadline() const {
  // Drops stale timers from the top; they carry no state, so this is not a logical change.
  auto& timers = state_->timers;
  while (!timers.empty() && !internal::TimerLive(*state_, timers.top())) timers.pop();
  return timers.empty() ? kNever : timers.top().at;
}

Time Engine::now() const { return state_->now; }

Result<std::uint32_t> Engine::Position(ContactId id) const {
  auto it = state_->contacts.find(id);
  if (it == state_->contacts.end()) return NotFound("no contact " + std::to_string(id.value));
  if (it->second.phase != internal::ContactPhase::kWaiting) {
    return FailedPrecondition("contact " + std::to_string(id.value) + " is not waiting");
  }
  const auto& w = state_->queues[it->second.queue.value].waiting;
  return static_cast<std::uint32_t>(std::find(w.begin(), w.end(), id) - w.begin());
}

Result<WaitEstimate> Engine::EstimateWait(ContactId id) const {
  SB_ASSIGN_OR_RETURN(std::uint32_t position, Position(id));
  return internal::EstimateAt(*state_, state_->contacts.at(id).queue, position);
}

void Engine::SetStaffingPlan(std::span<const PlannedDuty> plan) {
  internal::SetStaffingPlan(*state_, plan);
}

AgentState Engine::agent_state(AgentId a) const {
  return a.value < state_->agents.size() ? state_->agents[a.value].state : AgentState::kLoggedOut;
}

std::size_t Engine::waiting(QueueId q) const {
  return q.value < state_->queues.size() ? state_->queues[q.value].waiting.size() : 0;
}

std::size_t Engine::waiting_total() const { return state_->waiting_total; }

std::size_t Engine::contacts() const { return state_->contacts.size(); }

bool Engine::connected(ContactId contact) const {
  auto it = state_->contacts.find(contact);
  return it != state_->contacts.end() && it->second.phase == internal::ContactPhase::kConnected;
}

ContactKind Engine::kind(ContactId contact) const {
  auto it = state_->contacts.find(contact);
  return it == state_->contacts.end() ? ContactKind::kCall : it->second.kind;
}

AgentId Engine::agent_of(ContactId contact) const {
  auto it = state_->contacts.find(contact);
  return it == state_->contacts.end() ? AgentId{} : it->second.agent;
}

std::uint32_t Engine::callback_attempts(ContactId contact) const {
  auto it = state_->contacts.find(contact);
  if (it == state_->contacts.end() || it->second.kind != ContactKind::kCallback) return 0;
  const internal::ContactRt& c = it->second;
  return c.callback_failures + (c.phase == internal::ContactPhase::kConnected ? 1u : 0u);
}

const EngineSettings& Engine::settings() const { return state_->settings; }

std::string Engine::StateDigest() const {
  const internal::State& s = *state_;
  std::string out;
  char buf[256];
  auto ms = [](Time t) { return static_cast<long long>(ToMillis(t)); };
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    const internal::AgentRt& a = s.agents[i];
    std::snprintf(buf, sizeof buf, "A%zu %d %lld %lld c%" PRIu64 " r%d p%d n%u w%lld\n", i,
                  static_cast<int>(a.state), ms(a.since), ms(a.ready_since), a.contact.value,
                  a.reason, a.pending, a.contacts_today, ms(a.wrap_until));
    out += buf;
  }
  for (std::size_t i = 0; i < s.queues.size(); ++i) {
    const internal::QueueRt& q = s.queues[i];
    std::snprintf(buf, sizeof buf, "Q%zu rr%u h%a an%a ab%a ex%a :", i, q.round_robin_next,
                  q.handle_seconds, q.answer_seconds, q.abandons, q.exposure_seconds);
    out += buf;
    for (ContactId c : q.waiting) out += " " + std::to_string(c.value);
    out += "\n";
  }
  std::vector<ContactId> ids;
  for (const auto& [id, c] : s.contacts) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (ContactId id : ids) {
    const internal::ContactRt& c = s.contacts.at(id);
    std::snprintf(buf, sizeof buf,
                  "C%" PRIu64
                  " q%u k%d p%d pr%d a%lld qa%lld l%u o%u ag%u cb%d f%u d%lld cs%u/%d r",
                  id.value, c.queue.value, static_cast<int>(c.kind), static_cast<int>(c.phase),
                  c.priority, ms(c.arrival), ms(c.queued_at), c.relax_level, c.offer, c.agent.value,
                  c.callback_offered ? 1 : 0, static_cast<unsigned>(c.callback_failures),
                  ms(c.retry_due), c.consult.value, c.consult_answered ? 1 : 0);
    out += buf;
    for (AgentId a : c.ringing) out += " " + std::to_string(a.value);
    out += "\n";
  }
  std::snprintf(buf, sizeof buf, "next %lld\n", ms(NextDeadline()));
  out += buf;
  return out;
}

}  // namespace sb::core
