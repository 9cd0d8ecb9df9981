#include "server/startup.h"

#include "control/controller.h"

namespace sb::server {
namespace {

std::vector<core::Event> Events(std::vector<store::StoredEvent>&& stored, std::uint64_t* next) {
  std::vector<core::Event> out;
  out.reserve(stored.size());
  for (store::StoredEvent& e : stored) {
    *next = std::max(*next, control::ContactOf(e.event) + 1);
    out.push_back(std::move(e.event));
  }
  stored.clear();
  return out;
}

// The version in force after `events`, which start under `base`.
std::uint64_t VersionAfter(const std::vector<core::Event>& events, std::uint64_t base) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (const auto* c = std::get_if<core::SettingsChanged>(&*it)) return c->version;
  }
  return base;
}

Result<std::unique_ptr<core::Engine>> FromCheckpoint(const std::string& body,
                                                     const core::SettingsResolver& settings_of,
                                                     std::uint64_t latest,
                                                     const std::vector<core::Event>& after,
                                                     std::uint64_t* base) {
  SB_ASSIGN_OR_RETURN(std::string_view engine_bytes, control::Controller::EngineOf(body));
  SB_ASSIGN_OR_RETURN(std::uint64_t version, control::Controller::ConfigVersionOf(body));
  *base = version != 0 ? version : latest;
  SB_ASSIGN_OR_RETURN(core::EngineSettings settings, settings_of(*base));
  return core::Engine::Restore(std::move(settings), engine_bytes, after, &settings_of);
}

}  // namespace

Result<Rebuilt> Rebuild(store::Store& store, const core::SettingsResolver& settings_of,
                        std::uint64_t latest, Time now) {
  Rebuilt r;
  SB_ASSIGN_OR_RETURN(auto checkpoint, store.LoadLatestCheckpoint());
  if (checkpoint) {
    SB_ASSIGN_OR_RETURN(auto stored, store.ReadEventsAfter(checkpoint->seq));
    r.after = Events(std::move(stored), &r.next_contact);
    std::uint64_t base = latest;
    auto engine = FromCheckpoint(checkpoint->body, settings_of, latest, r.after, &base);
    if (engine.ok()) {
      r.engine = std::move(engine).value();
      r.checkpoint = std::move(checkpoint->body);
      r.from_checkpoint = true;
      r.config_version = VersionAfter(r.after, base);
      return r;
    }
    // A checkpoint of another configuration or a damaged one: the whole log still rebuilds it.
    r.why_not = "checkpoint " + std::to_string(checkpoint->id) + ": " + engine.status().message();
    r.after.clear();
    r.next_contact = 1;
  }
  SB_ASSIGN_OR_RETURN(auto stored, store.ReadEvents(kTimeZero, kNever));
  r.after = Events(std::move(stored), &r.next_contact);
  const Time start = r.after.empty() ? now : core::EventTime(r.after.front());
  // Every version stored after the log began has its SettingsChanged: the log starts under the
  // one before the first of them.
  std::uint64_t base = latest;
  for (const core::Event& e : r.after) {
    if (const auto* c = std::get_if<core::SettingsChanged>(&e)) {
      base = c->version > 1 ? c->version - 1 : latest;
      break;
    }
  }
  SB_ASSIGN_OR_RETURN(core::EngineSettings settings, settings_of(base));
  auto engine = r.after.empty()
                    ? core::Engine::Create(std::move(settings), start)
                    : core::Engine::Replay(std::move(settings), start, r.after, &settings_of);
  r.config_version = VersionAfter(r.after, base);
  if (!engine.ok()) {
    return engine.status().WithContext("cannot rebuild the routing state from " +
                                       std::to_string(r.after.size()) + " stored events");
  }
  r.engine = std::move(engine).value();
  return r;
}

}  // namespace sb::server
