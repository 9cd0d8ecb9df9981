// Engine checkpoints (engine.h: Snapshot, Restore). Every field of the runtime state goes in;
// what BuildIndexes derives from the settings (members, slots, share classes) does not, and the
// ready lists and staffed counts are rebuilt from the agents' states, so the restored state is
// the one Replay would have built, field for field (snapshot_test.cc checks it by running both
// on and comparing their events).

#include <algorithm>
#include <queue>

#include "base/bytes.h"
#include "core/engine.h"
#include "core/internal/state.h"

namespace sb::core {
namespace {

// 2: queues' live offers. 3: callbacks' failed dials and retry times. 4: consultations (the
// contact's consulted agent, the consulted state). A 2 or a 3 is still read: its contacts have
// none of what came after.
constexpr std::string_view kMagic = "SBENGINE4";
constexpr std::string_view kMagic3 = "SBENGINE3";
constexpr std::string_view kMagic2 = "SBENGINE2";
static_assert(kMagic.size() == kMagic2.size() && kMagic.size() == kMagic3.size());

// std::priority_queue keeps its heap in the protected member `c`; copying the heap as it is
// keeps the pop order of equal timers exactly as in the original.
struct TimerHeap
    : std::priority_queue<internal::Timer, std::vector<internal::Timer>, std::greater<>> {
  static std::vector<internal::Timer>& Of(
      std::priority_queue<internal::Timer, std::vector<internal::Timer>, std::greater<>>& q) {
    return static_cast<TimerHeap&>(q).c;
  }
};

}  // namespace

namespace internal {

std::string EncodeState(const State& s) {
  std::string out;
  EncodeStateTo(s, out);
  return out;
}

std::size_t EncodedSizeHint(const State& s) {
  return 64 + s.agents.size() * 96 + s.contacts.size() * 112 + s.timers.size() * 24;
}

void EncodeStateTo(const State& s, std::string& out) {
  out.reserve(out.size() + EncodedSizeHint(s));
  ByteWriter w(out);
  out.append(kMagic);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(s.agents.size()));
  for (const auto& a : s.settings.agents) w.PutString(a.name);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(s.queues.size()));
  for (const auto& q : s.settings.queues) w.PutString(q.name);
  w.PutTime(s.now);
  w.Put(s.next_seq);
  for (const AgentRt& a : s.agents) {
    w.Put(a.state);
    w.PutTime(a.since);
    w.PutTime(a.ready_since);
    w.Put(a.contact.value);
    w.Put(a.reason);
    w.Put(a.pending);
    w.Put(a.contacts_today);
    w.Put(a.day);
    w.PutTime(a.wrap_started);
    w.PutTime(a.wrap_until);
    w.PutTime(a.wrap_limit);
    w.Put(a.wrap_seq);
  }
  for (const QueueRt& q : s.queues) {
    w.Put<std::uint32_t>(static_cast<std::uint32_t>(q.waiting.size()));
    for (ContactId c : q.waiting) w.Put(c.value);
    w.Put<std::uint32_t>(static_cast<std::uint32_t>(q.offered.size()));
    for (ContactId c : q.offered) w.Put(c.value);
    w.Put(q.round_robin_next);
    w.Put(q.handle_seconds);
    w.Put(q.answer_seconds);
    w.Put(q.abandons);
    w.Put(q.exposure_seconds);
  }
  // Contacts by id, so that equal states give equal bytes (the map's order is arbitrary).
  std::vector<const ContactRt*> contacts;
  contacts.reserve(s.contacts.size());
  for (const auto& [id, c] : s.contacts) contacts.push_back(&c);
  std::sort(contacts.begin(), contacts.end(),
            [](const auto* a, const auto* b) { return a->id < b->id; });
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(contacts.size()));
  for (const ContactRt* cp : contacts) {
    const ContactRt& c = *cp;
    const ContactId id = c.id;
    w.Put(id.value);
    w.Put(c.queue.value);
    w.Put(c.kind);
    w.Put(c.phase);
    w.Put(c.priority);
    w.PutTime(c.arrival);
    w.PutTime(c.queued_at);
    w.Put(c.seq);
    w.Put(c.entry);
    w.Put(c.relax_level);
    w.Put(c.offer);
    w.PutTime(c.offer_expires);
    w.PutTime(c.offered_at);
    w.Put<std::uint32_t>(static_cast<std::uint32_t>(c.ringing.size()));
    for (AgentId a : c.ringing) w.Put(a.value);
    w.Put(c.agent.value);
    w.PutTime(c.connected_at);
    w.Put<std::uint8_t>(c.callback_offered ? 1 : 0);
    w.Put(c.callback_failures);
    w.PutTime(c.retry_due);
    w.Put(c.consult.value);
    w.Put<std::uint8_t>(c.consult_answered ? 1 : 0);
  }
  auto timers = s.timers;  // a copy: the heap as it is
  const auto& heap = TimerHeap::Of(timers);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(heap.size()));
  for (const Timer& t : heap) {
    w.PutTime(t.at);
    w.Put(t.kind);
    w.Put(t.id);
    w.Put(t.seq);
  }
}

Status DecodeState(State& s, std::string_view bytes, bool check_names) {
  const bool v2 = bytes.substr(0, kMagic2.size()) == kMagic2;
  const bool v3 = bytes.substr(0, kMagic3.size()) == kMagic3;
  if (bytes.substr(0, kMagic.size()) != kMagic && !v2 && !v3) {
    return InvalidArgument("not an engine checkpoint (or one of an unknown version)");
  }
  ByteReader r(bytes.substr(kMagic.size()));  // every magic has the same length
  auto damaged = [] { return InvalidArgument("the checkpoint is damaged (truncated)"); };
  const std::uint32_t n_agents = r.GetCount(4);
  std::vector<std::string> agent_names(n_agents);
  for (auto& n : agent_names) n = r.GetString();
  const std::uint32_t n_queues = r.GetCount(4);
  std::vector<std::string> queue_names(n_queues);
  for (auto& n : queue_names) n = r.GetString();
  if (!r.ok()) return damaged();
  // The log and the checkpoint name agents and queues by id: the settings may add some at the
  // end, nothing else; a restore under the settings the checkpoint was taken with finds the same
  // names (a reconfiguration, which may rename, does not check them).
  const EngineSettings& settings = s.settings;
  if (n_agents > settings.agents.size() || n_queues > settings.queues.size()) {
    return InvalidArgument("the checkpoint has agents or queues the configuration lacks");
  }
  for (std::uint32_t i = 0; i < n_agents && check_names; ++i) {
    if (settings.agents[i].name != agent_names[i]) {
      return InvalidArgument("agent " + std::to_string(i) + " was '" + agent_names[i] +
                             "' in the checkpoint and is '" + settings.agents[i].name + "' now");
    }
  }
  for (std::uint32_t i = 0; i < n_queues && check_names; ++i) {
    if (settings.queues[i].name != queue_names[i]) {
      return InvalidArgument("queue " + std::to_string(i) + " was '" + queue_names[i] +
                             "' in the checkpoint and is '" + settings.queues[i].name + "' now");
    }
  }
  s.now = r.GetTime();
  s.next_seq = r.Get<std::uint64_t>();
  for (std::uint32_t i = 0; i < n_agents; ++i) {
    AgentRt& a = s.agents[i];
    a.state = r.Get<AgentState>();
    a.since = r.GetTime();
    a.ready_since = r.GetTime();
    a.contact = ContactId{r.Get<std::uint64_t>()};
    a.reason = r.Get<std::uint8_t>();
    a.pending = r.Get<std::int16_t>();
    a.contacts_today = r.Get<std::uint32_t>();
    a.day = r.Get<std::int64_t>();
    a.wrap_started = r.GetTime();
    a.wrap_until = r.GetTime();
    a.wrap_limit = r.GetTime();
    a.wrap_seq = r.Get<std::uint32_t>();
    const AgentState last = v2 || v3 ? AgentState::kNotReady : AgentState::kConsulted;
    if (static_cast<int>(a.state) > static_cast<int>(last)) {
      return InvalidArgument("the checkpoint is damaged (agent state)");
    }
  }
  std::vector<std::vector<ContactId>> waiting(n_queues), offered(n_queues);
  for (std::uint32_t i = 0; i < n_queues; ++i) {
    QueueRt& q = s.queues[i];
    const std::uint32_t n = r.GetCount(8);
    waiting[i].reserve(n);
    for (std::uint32_t k = 0; k < n; ++k) waiting[i].push_back(ContactId{r.Get<std::uint64_t>()});
    const std::uint32_t m = r.GetCount(8);
    offered[i].reserve(m);
    for (std::uint32_t k = 0; k < m; ++k) offered[i].push_back(ContactId{r.Get<std::uint64_t>()});
    q.round_robin_next = r.Get<std::uint32_t>();
    q.handle_seconds = r.Get<double>();
    q.answer_seconds = r.Get<double>();
    q.abandons = r.Get<double>();
    q.exposure_seconds = r.Get<double>();
  }
  const std::uint32_t n_contacts = r.GetCount(64);
  s.contacts.reserve(n_contacts);
  for (std::uint32_t k = 0; k < n_contacts && r.ok(); ++k) {
    ContactRt c;
    c.id = ContactId{r.Get<std::uint64_t>()};
    c.queue = QueueId{r.Get<std::uint32_t>()};
    c.kind = r.Get<ContactKind>();
    c.phase = r.Get<ContactPhase>();
    c.priority = r.Get<std::int32_t>();
    c.arrival = r.GetTime();
    c.queued_at = r.GetTime();
    c.seq = r.Get<std::uint64_t>();
    c.entry = r.Get<std::uint32_t>();
    c.relax_level = r.Get<std::uint16_t>();
    c.offer = r.Get<std::uint32_t>();
    c.offer_expires = r.GetTime();
    c.offered_at = r.GetTime();
    const std::uint32_t ringing = r.GetCount(4);
    for (std::uint32_t j = 0; j < ringing; ++j) {
      const AgentId a{r.Get<std::uint32_t>()};
      if (a.value >= n_agents) return InvalidArgument("the checkpoint is damaged (ringing agent)");
      c.ringing.push_back(a);
    }
    c.agent = AgentId{r.Get<std::uint32_t>()};
    c.connected_at = r.GetTime();
    c.callback_offered = r.Get<std::uint8_t>() != 0;
    if (!v2) {
      c.callback_failures = r.Get<std::uint16_t>();
      c.retry_due = r.GetTime();
    }
    if (!v2 && !v3) {
      c.consult = AgentId{r.Get<std::uint32_t>()};
      c.consult_answered = r.Get<std::uint8_t>() != 0;
    }
    if (c.queue.value >= n_queues || (c.consult.valid() && c.consult.value >= n_agents) ||
        (c.consult.valid() && c.phase != ContactPhase::kConnected) ||
        static_cast<int>(c.phase) > static_cast<int>(ContactPhase::kRetrying) ||
        (c.phase == ContactPhase::kRetrying && c.kind != ContactKind::kCallback) ||
        static_cast<int>(c.kind) > 1 || (c.agent.valid() && c.agent.value >= n_agents) ||
        c.relax_level > s.settings.queues[c.queue.value].relax.size()) {
      return InvalidArgument("the checkpoint is damaged (contact " + std::to_string(c.id.value) +
                             ")");
    }
    if (!s.contacts.emplace(c.id, std::move(c)).second) {
      return InvalidArgument("the checkpoint is damaged (a contact twice)");
    }
  }
  std::vector<Timer>& heap = TimerHeap::Of(s.timers);
  const std::uint32_t n_timers = r.GetCount(21);
  heap.reserve(n_timers);
  for (std::uint32_t k = 0; k < n_timers; ++k) {
    Timer t;
    t.at = r.GetTime();
    t.kind = r.Get<TimerKind>();
    t.id = r.Get<std::uint64_t>();
    t.seq = r.Get<std::uint32_t>();
    if (static_cast<int>(t.kind) > static_cast<int>(TimerKind::kCallbackRetry)) {
      return InvalidArgument("the checkpoint is damaged (timer)");
    }
    heap.push_back(t);
  }
  if (!r.ok() || !r.done()) return damaged();
  // Cross-references: every id an agent, a queue or a timer names must exist.
  for (std::uint32_t i = 0; i < n_queues; ++i) {
    for (ContactId id : waiting[i]) {
      auto it = s.contacts.find(id);
      if (it == s.contacts.end() || it->second.queue.value != i) {
        return InvalidArgument("the checkpoint is damaged (queue " + std::to_string(i) + ")");
      }
    }
    for (ContactId id : offered[i]) {
      if (!s.contacts.count(id)) {
        return InvalidArgument("the checkpoint is damaged (offers of queue " + std::to_string(i) +
                               ")");
      }
    }
    s.waiting_total += waiting[i].size();
    s.queues[i].waiting = std::move(waiting[i]);
    s.queues[i].offered = std::move(offered[i]);
  }
  for (std::uint32_t i = 0; i < n_agents; ++i) {
    const AgentRt& a = s.agents[i];
    const bool busy = a.state == AgentState::kReserved || a.state == AgentState::kOnContact ||
                      a.state == AgentState::kConsulted;
    if (busy && !s.contacts.count(a.contact)) {
      return InvalidArgument("the checkpoint is damaged (agent " + std::to_string(i) + ")");
    }
    if (a.state == AgentState::kConsulted && s.contacts.at(a.contact).consult != AgentId{i}) {
      return InvalidArgument("the checkpoint is damaged (agent " + std::to_string(i) + ")");
    }
  }
  for (const Timer& t : heap) {
    const bool agent_timer = t.kind == TimerKind::kWrapUp;
    if (agent_timer && t.id >= n_agents) return InvalidArgument("the checkpoint is damaged");
  }
  // Derived indexes: ready lists and staffed counts follow from the agents' states.
  for (std::uint32_t i = 0; i < n_agents; ++i) {
    AgentStateChanged(s, AgentId{i}, AgentState::kLoggedOut, false);
  }
  return Status::Ok();
}

}  // namespace internal

std::string Engine::Snapshot() const { return internal::EncodeState(*state_); }

void Engine::SnapshotTo(std::string& out) const { internal::EncodeStateTo(*state_, out); }

std::size_t Engine::SnapshotSizeHint() const { return internal::EncodedSizeHint(*state_); }

Result<std::unique_ptr<Engine>> Engine::Restore(EngineSettings settings, std::string_view bytes,
                                                std::span<const Event> after,
                                                const SettingsResolver* resolver) {
  SB_ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine, Create(std::move(settings), Time{}));
  SB_RETURN_IF_ERROR(internal::DecodeState(*engine->state_, bytes, true));
  SB_RETURN_IF_ERROR(ApplyAll(*engine->state_, after, resolver));
  return engine;
}

}  // namespace sb::core
