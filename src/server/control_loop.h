#pragma once
// The server's control loop: the routing core as a long-running process, driven by JSON lines
// (one request per line) and answering on standard output. `switchboard serve` runs it on
// standard input; SIP telephony and the HTTP/WebSocket API will feed the same loop. What it does
// already (with the start-up in cmd_serve.cc):
//   - routes with core::Engine on the wall clock, firing timers (offer timeouts, relaxation,
//     wrap-up) at the engine's next deadline while it waits for input;
//   - stores every event and each call's CDR through the group-commit StoreWriter, and prints a
//     durability watermark {"durable": T} as tickets become durable: a request's response names
//     its tickets, so a client knows exactly what is safe;
//   - on start, rebuilds the engine's state by replaying the stored event log (a restart after a
//     crash resumes with the same agents, queues and waiting contacts);
//   - opens a case for every answered contact (and on request) through the writer thread, linked
//     to the call and its screen-pop records (the control loop never waits for it);
//   - fills each CDR's caller and partner (from the pre-fetched attribution);
//   - stores the configuration it runs with as a new version when it changed;
//   - pre-fetches the screen pop when a call with a caller number is queued, and hands it out
//     with the offer ("pop" requests), auditing each view;
//   - purges expired data on the [retention] schedule.
// Requests: {"op":"login"|"logout"|"ready","agent":"NAME"}, {"op":"not_ready","agent":..,
// "reason":N}, {"op":"arrive","caller":"+33...","trunk":".."} (the IVR starts; the screen-pop
// look-up starts), {"op":"ivr","contact":ID,"ivr_id":"..","pin":".."} (what the caller typed),
// {"op":"enqueue","contact":ID,"queue":"NAME"} (after the IVR: the record's segment may raise
// the priority, [routing_hints]), or {"op":"enqueue","queue":..,"caller":..,"priority":N},
// {"op":"accept"|"decline","contact":ID,"agent":"NAME","offer":N}, {"op":"hangup"|"abandon",
// "contact":ID}, {"op":"pop","contact":ID,"user":"LOGIN"}, {"op":"case.open","user":..,
// "contact":ID,"notes":".."}, {"op":"status"}. Bad lines get {"ok":false,"error":...}.
//
// Threads: Run() is the control thread (it alone touches the engine); the store's writer thread
// commits; two helper threads print durability watermarks and case confirmations.

#include <cstdint>
#include <memory>

#include "cases/service.h"
#include "config/config.h"
#include "core/engine.h"
#include "directory/directory.h"
#include "store/writer.h"

namespace sb::server {

class ControlLoop {
 public:
  // `engine` carries the state replayed from the store; new contacts are numbered from
  // `next_contact`.
  ControlLoop(core::EngineSettings settings, std::unique_ptr<core::Engine> engine,
              std::unique_ptr<store::StoreWriter> writer, std::uint64_t next_contact,
              cases::CaseRules rules, config::RoutingHintsConfig hints);
  ~ControlLoop();
  ControlLoop(const ControlLoop&) = delete;
  ControlLoop& operator=(const ControlLoop&) = delete;

  // The records screen pops are found in: fill it before EnablePrefetch().
  directory::Directory& directory();
  // Starts the screen-pop worker thread.
  void EnablePrefetch();
  // Serves requests read from `fd` until its end; everything posted is durable on return.
  // Returns the process exit code.
  int Run(int fd);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::server
