// The controller's changes that come from outside its commands: new settings on the running
// engine (a SIGHUP, or a start with a changed file) and the calls a restart lost.

#include <algorithm>

#include "control/controller.h"

namespace sb::control {

void Controller::IndexNames() {
  const core::EngineSettings& s = engine_->settings();
  agents_.resize(s.agents.size());
  agent_by_name_.clear();
  queue_by_name_.clear();
  for (std::uint32_t a = 0; a < s.agents.size(); ++a) {
    if (!s.agents[a].retired) agent_by_name_[s.agents[a].name] = AgentId{a};
  }
  for (std::uint32_t q = 0; q < s.queues.size(); ++q) {
    if (!s.queues[q].retired) queue_by_name_[s.queues[q].name] = QueueId{q};
  }
}

Status Controller::Reconfigure(core::EngineSettings next, std::uint64_t version, Time now,
                               const std::function<bool()>& before_publish) {
  now = std::max(now, engine_->now());
  scratch_.clear();
  const Status st = engine_->Reconfigure(std::move(next), version, now, &scratch_);
  if (st.ok()) {
    config_version_ = version;
    IndexNames();
    if (before_publish && !before_publish()) {
      scratch_.clear();
      return Status(StatusCode::kUnavailable, "configuration version " + std::to_string(version) +
                                                  " could not be stored; nothing was recorded");
    }
  }
  std::vector<core::Event> events;
  events.swap(scratch_);
  if (!events.empty()) (void)Publish(events, Cause::kTimer);
  return st;
}

const LiveContact* Controller::contact(std::uint64_t id) const {
  auto it = contacts_.find(id);
  return it == contacts_.end() ? nullptr : &it->second;
}

std::vector<std::uint64_t> Controller::LiveContacts() const {
  std::vector<std::uint64_t> ids;
  ids.reserve(contacts_.size());
  for (const auto& [id, c] : contacts_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<AgentId> Controller::FindAgent(const std::string& name) const {
  auto it = agent_by_name_.find(name);
  if (it == agent_by_name_.end()) return NotFound("agent: no agent named '" + name + "'");
  return it->second;
}

Result<QueueId> Controller::FindQueue(const std::string& name) const {
  auto it = queue_by_name_.find(name);
  if (it == queue_by_name_.end()) return NotFound("queue: no queue named '" + name + "'");
  return it->second;
}

std::size_t Controller::InterruptLive(Time now) {
  now = std::max(now, engine_->now());
  if (NextDeadline() <= now) Tick(now);
  std::size_t ended = 0;
  for (std::uint64_t id : LiveContacts()) {
    auto it = contacts_.find(id);
    if (it == contacts_.end()) continue;
    if (it->second.in_ivr) {
      if (auto cdr = cdrs_.Close(id, ToMillis(now), "interrupted_in_ivr")) {
        cdr->caller = it->second.caller;
        (void)recorder_.Append(std::move(*cdr));
      }
      Ended(id);
      ++ended;
      continue;
    }
    const std::size_t before = contacts_.size();
    const Reply r = Apply(core::Interrupt{now, ContactId{id}}, id);
    if (r.status.ok() && contacts_.size() < before) ++ended;
  }
  return ended;
}

}  // namespace sb::control
