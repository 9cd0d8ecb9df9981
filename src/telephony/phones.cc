// The agents' phones (telephony.h): registrations, which log in the agents of phones that
// follow them, and OPTIONS qualify: a phone that stops answering takes its ready agent out of
// routing, with a not-ready reason that says why, and brings it back when it answers again.

#include <algorithm>

#include "telephony/telephony.h"

namespace sb::telephony {
namespace {

constexpr const char* kUnreachableReason = "phone unreachable";  // core::EnsureReasons has it
constexpr int kUnreachableAfter = 2;                             // unanswered OPTIONS in a row
constexpr Duration kMaxProbeTimeout = std::chrono::seconds(5);

// 408 (also our own time-out), 503 (nua's transport failures) and nua's internal 9xx say
// nothing answered; any other response, even a 4xx or 5xx, comes from a living phone.
bool Unanswered(int status) { return status == 408 || status == 503 || status >= 700; }

}  // namespace

// --- SIP thread: registrations (posted to the control thread) ---

void Telephony::OnRegistration(const std::string& user, const std::string& contact) {
  hooks_.task([this, user, contact] {
    Log("info", contact.empty() ? "telephony: phone unregistered" : "telephony: phone registered",
        {{"agent", user}, {"contact", contact}});
    const bool was = registered_.contains(user);
    if (contact.empty()) {
      registered_.erase(user);
    } else {
      registered_[user] = contact;
    }
    if (!follows_registration_.contains(user) || was == !contact.empty()) return;
    // A phone that came or went takes its agent in or out of routing (the state says why: a
    // logout while on a call applies after it).
    if (contact.empty()) {
      (void)hooks_.command(control::Logout{user}, [](const control::Reply&) {});
    } else {
      (void)hooks_.command(control::Login{user, contact}, [](const control::Reply&) {});
      (void)hooks_.command(control::Ready{user}, [](const control::Reply&) {});
    }
  });
}

void Telephony::OnAuthFailed(const std::string& source, const std::string& user) {
  hooks_.task([this, source, user] {
    Log("warn", "telephony: REGISTER failed authentication", {{"from", source}, {"user", user}});
  });
}

std::optional<AgentId> Telephony::AgentIdOf(const std::string& name) {
  const auto& agents = ctl_.engine().settings().agents;
  auto valid = [&](std::uint32_t i) { return i < agents.size() && agents[i].name == name; };
  if (auto it = agent_ids_.find(name); it != agent_ids_.end() && valid(it->second)) {
    return AgentId(it->second);
  }
  // Missing, or a reconfiguration renumbered the agents: build the index again.
  agent_ids_.clear();
  for (std::uint32_t i = 0; i < agents.size(); ++i) agent_ids_.emplace(agents[i].name, i);
  if (auto it = agent_ids_.find(name); it != agent_ids_.end()) return AgentId(it->second);
  return std::nullopt;
}

void Telephony::OnOptionsResult(std::uint64_t probe, int status) {
  hooks_.task([this, probe, status] { Qualified(probe, status); });
}

void Telephony::QualifyRound() {
  if (!sip_) return;  // stopped
  // The answer must come before the next round (one probe per phone in flight).
  const Duration timeout = std::min(config_.qualify_every * 4 / 5, kMaxProbeTimeout);
  for (std::size_t i = 0; i < qualify_.size(); ++i) {
    Qualify& q = qualify_[i];
    if (q.probe) continue;
    std::string uri;
    if (auto r = registered_.find(q.agent); r != registered_.end()) {
      uri = r->second;
    } else if (auto c = contact_of_agent_.find(q.agent); c != contact_of_agent_.end()) {
      uri = c->second;
    }
    if (uri.empty()) {  // not registered (any more): nothing to ask; start afresh when it is
      q.failures = 0;
      if (q.unreachable) --stats_.phones_unreachable;
      q.unreachable = false;
      continue;
    }
    // A phone ringing or on a call shows it is there; its OPTIONS would only add traffic.
    if (auto id = AgentIdOf(q.agent)) {
      const core::AgentState st = ctl_.engine().agent_state(*id);
      if (st == core::AgentState::kReserved || st == core::AgentState::kOnContact) continue;
    }
    const std::uint64_t probe = sip_->NewLeg();
    if (!sip_->SendOptions(probe, uri,
                           std::chrono::duration_cast<std::chrono::milliseconds>(timeout))) {
      continue;  // the SIP queue is full: the next round tries again
    }
    q.probe = probe;
    q.uri = std::move(uri);
    probe_of_[probe] = i;
    ++stats_.qualify_sent;
  }
  hooks_.after(config_.qualify_every, [this] { QualifyRound(); });
}

void Telephony::Qualified(std::uint64_t probe, int status) {
  auto it = probe_of_.find(probe);
  if (it == probe_of_.end()) return;
  Qualify& q = qualify_[it->second];
  probe_of_.erase(it);
  q.probe = 0;
  if (status == 0) return;  // not sent
  if (Unanswered(status)) {
    ++q.failures;
    if (q.failures < kUnreachableAfter) return;
    if (!q.unreachable) {
      q.unreachable = true;
      ++stats_.phones_unreachable;
      Log("warn", "telephony: phone unreachable",
          {{"agent", q.agent},
           {"contact", q.uri},
           {"status", std::to_string(status)},
           {"unanswered", std::to_string(q.failures)}});
    }
    TakeOut(q);  // also when the agent became ready again while the phone stays silent
    return;
  }
  q.failures = 0;
  if (!q.unreachable) return;
  q.unreachable = false;
  --stats_.phones_unreachable;
  Log("info", "telephony: phone reachable again",
      {{"agent", q.agent}, {"contact", q.uri}, {"status", std::to_string(status)}});
  if (!q.took_out) return;
  q.took_out = false;
  auto id = AgentIdOf(q.agent);
  if (id && ctl_.engine().agent_state(*id) == core::AgentState::kNotReady) {
    (void)hooks_.command(control::Ready{q.agent}, [](const control::Reply&) {});
  }
}

void Telephony::TakeOut(Qualify& q) {
  auto id = AgentIdOf(q.agent);
  if (!id || ctl_.engine().agent_state(*id) != core::AgentState::kReady) return;
  const auto& reasons = ctl_.engine().settings().not_ready_reasons;
  auto r = std::find(reasons.begin(), reasons.end(), kUnreachableReason);
  if (r == reasons.end()) return;  // the engine always has it (EnsureReasons)
  Log("info", "telephony: agent set not ready", {{"agent", q.agent}, {"why", kUnreachableReason}});
  // q.took_out follows from the AgentNotReady this causes (QualifyAgentEvent).
  (void)hooks_.command(control::NotReady{q.agent, r - reasons.begin()},
                       [](const control::Reply&) {});
}

void Telephony::QualifyAgentEvent(const core::Event& event) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, core::AgentLoggedIn> ||
                      std::is_same_v<T, core::AgentLoggedOut> ||
                      std::is_same_v<T, core::AgentReady> ||
                      std::is_same_v<T, core::AgentNotReady> ||
                      std::is_same_v<T, core::AgentNotReadyPending>) {
          auto q = qualify_of_.find(AgentName(e.agent));
          if (q == qualify_of_.end()) return;
          bool ours = false;
          if constexpr (std::is_same_v<T, core::AgentNotReady> ||
                        std::is_same_v<T, core::AgentNotReadyPending>) {
            const auto& reasons = ctl_.engine().settings().not_ready_reasons;
            ours = e.reason < reasons.size() && reasons[e.reason] == kUnreachableReason;
          }
          // Taken out by us, or changed by someone else since (who then decides).
          qualify_[q->second].took_out = ours;
        }
      },
      event);
}

}  // namespace sb::telephony
