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

}  // namespace

Result<Rebuilt> Rebuild(store::Store& store, const core::EngineSettings& settings, Time now) {
  Rebuilt r;
  SB_ASSIGN_OR_RETURN(auto checkpoint, store.LoadLatestCheckpoint());
  if (checkpoint) {
    SB_ASSIGN_OR_RETURN(auto stored, store.ReadEventsAfter(checkpoint->seq));
    r.after = Events(std::move(stored), &r.next_contact);
    auto engine_bytes = control::Controller::EngineOf(checkpoint->body);
    auto engine = engine_bytes.ok() ? core::Engine::Restore(settings, *engine_bytes, r.after)
                                    : Result<std::unique_ptr<core::Engine>>(engine_bytes.status());
    if (engine.ok()) {
      r.engine = std::move(engine).value();
      r.checkpoint = std::move(checkpoint->body);
      r.from_checkpoint = true;
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
  auto engine = r.after.empty() ? core::Engine::Create(settings, start)
                                : core::Engine::Replay(settings, start, r.after);
  if (!engine.ok()) {
    return engine.status().WithContext("cannot rebuild the routing state from " +
                                       std::to_string(r.after.size()) + " stored events");
  }
  r.engine = std::move(engine).value();
  return r;
}

}  // namespace sb::server
