// switchboard serve CONFIG: the routing core as a long-running process, driven by JSON lines on
// standard input (one request per line) and answering on standard output. It is the server's
// control loop without its network front ends: SIP telephony and the HTTP/WebSocket API will
// feed the same loop. What it does already:
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

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <fstream>
#include <sstream>
#include <map>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cases/service.h"
#include "config/config.h"
#include "core/engine.h"
#include "directory/import.h"
#include "directory/prefetch.h"
#include "eventlog/eventlog.h"
#include "server/commands.h"
#include "store/cdr_builder.h"
#include "store/writer.h"

namespace sb::server {
namespace {

using nlohmann::json;

Time WallNow() { return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()); }

// Standard output is shared by the control loop, the watermark thread and case completions.
class Out {
 public:
  void Line(const json& j) {
    const std::string s = j.dump();
    std::lock_guard lock(mu_);
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }

 private:
  std::mutex mu_;
};

struct ServeArgs {
  std::string config, store;
  std::vector<std::string> records;
};

class Server {
 public:
  Server(core::EngineSettings settings, std::unique_ptr<core::Engine> engine,
         std::unique_ptr<store::StoreWriter> writer, std::uint64_t next_contact, Out& out,
         cases::CaseRules rules)
      : settings_(std::move(settings)),
        engine_(std::move(engine)),
        writer_(std::move(writer)),
        next_contact_(next_contact),
        out_(out),
        rules_(std::move(rules)) {}

  directory::Directory& directory() { return directory_; }

  int Run() {
    std::atomic<bool> done{false};
    std::thread watermark([&] { Watermark(done); });
    std::thread completions([&] { Completions(done); });
    std::string buf;
    char chunk[65536];
    bool eof = false;
    while (!eof) {
      // Sleep until input arrives or the engine's next deadline, whichever is first.
      const Time deadline = engine_->NextDeadline();
      int timeout_ms = 1000;
      if (deadline != kNever) {
        const auto left = (deadline - WallNow()).count();
        timeout_ms = static_cast<int>(std::clamp<std::int64_t>(left, 0, 1000));
      }
      pollfd p{STDIN_FILENO, POLLIN, 0};
      const int ready = poll(&p, 1, timeout_ms);
      Tick();
      if (ready <= 0) continue;
      const ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
      if (n <= 0) {
        eof = true;
      } else {
        buf.append(chunk, static_cast<std::size_t>(n));
      }
      for (std::size_t nl; (nl = buf.find('\n')) != std::string::npos;) {
        const std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        if (line.find_first_not_of(" \t\r") != std::string::npos) Request(line);
      }
      if (buf.size() > (1 << 20)) {
        out_.Line({{"ok", false}, {"error", "request line longer than 1 MiB; dropped"}});
        buf.clear();
      }
    }
    // End of input: everything posted is committed before the process exits.
    writer_->WaitDurable(writer_->health().posted, std::chrono::minutes(1));
    done = true;
    watermark.join();
    completions.join();
    prefetch_.reset();
    writer_.reset();
    return 0;
  }

 private:
  void Tick() {
    std::vector<core::Event> events;
    const Time now = std::max(WallNow(), engine_->now());
    if (engine_->NextDeadline() > now) return;
    (void)engine_->Handle(core::Tick{now}, &events);
    Store(events);
  }

  // Posts events and finished CDRs; returns the last ticket (0 if none).
  std::uint64_t Store(const std::vector<core::Event>& events) {
    std::uint64_t last = 0;
    for (const core::Event& e : events) {
      last = std::max(last, writer_->Post(e));
      if (const auto* q = std::get_if<core::ContactQueued>(&e)) {
        queue_of_[q->contact.value] = q->queue.value;
      } else if (const auto* m = std::get_if<core::ContactMoved>(&e)) {
        queue_of_[m->contact.value] = m->to.value;
      } else if (const auto* a = std::get_if<core::OfferAccepted>(&e)) {
        OpenCaseForAnswer(a->contact.value, a->agent);  // every answered contact opens a case
      }
      std::string partner;
      if (const auto* end = std::get_if<core::ContactEnded>(&e)) {
        if (auto pop = Prefetched(end->contact.value); pop && pop->partner) {
          partner = pop->partner->partner.id;  // reports break calls down by partner
        }
        if (prefetch_) prefetch_->Forget(end->contact.value);
        queue_of_.erase(end->contact.value);
      }
      if (auto cdr = cdrs_.Add(e)) {
        if (auto it = callers_.find(cdr->contact); it != callers_.end()) {
          cdr->caller = it->second;
          callers_.erase(it);
        }
        cdr->partner = partner;
        last = std::max(last, writer_->Post(std::move(*cdr)));
      }
    }
    return last;
  }

  void Request(const std::string& line) {
    json req;
    try {
      req = json::parse(line);
    } catch (const json::exception& ex) {
      out_.Line({{"ok", false}, {"error", std::string("bad JSON: ") + ex.what()}});
      return;
    }
    if (!req.is_object() || !req.contains("op") || !req["op"].is_string()) {
      out_.Line({{"ok", false}, {"error", "expected an object with \"op\""}});
      return;
    }
    const std::string op = req["op"].get<std::string>();
    try {
      Dispatch(op, req);
    } catch (const json::exception& ex) {  // a field of the wrong type
      out_.Line({{"ok", false}, {"op", op}, {"error", std::string("bad request: ") + ex.what()}});
    }
  }

  AgentId Agent(const json& req) {
    return core::FindAgent(settings_, req.value("agent", std::string()));
  }

  void Dispatch(const std::string& op, const json& req) {
    const Time now = std::max(WallNow(), engine_->now());
    if (op == "status") {
      out_.Line({{"ok", true},
                 {"op", op},
                 {"contacts", engine_->contacts()},
                 {"waiting", engine_->waiting_total()},
                 {"durable", writer_->durable()},
                 {"alarm", writer_->health().alarm},
                 {"agents", AgentStates()}});
      return;
    }
    if (op == "pop") return Pop(req);
    if (op == "arrive" || op == "ivr") return Arrive(op, req);
    if (op == "case.open") return OpenCase(req);
    core::Input in;
    std::uint64_t contact = 0;
    std::optional<std::int32_t> enqueue_priority;
    if (op == "login" || op == "logout" || op == "ready" || op == "not_ready") {
      const AgentId a = Agent(req);
      if (!a.valid()) return Fail(op, "no agent named '" + req.value("agent", std::string()) + "'");
      if (op == "login") in = core::Login{now, a};
      if (op == "logout") in = core::Logout{now, a};
      if (op == "ready") in = core::SetReady{now, a};
      if (op == "not_ready") in = core::SetNotReady{now, a, req.value<std::uint8_t>("reason", 0)};
    } else if (op == "enqueue") {
      const QueueId q = core::FindQueue(settings_, req.value("queue", std::string()));
      if (!q.valid()) return Fail(op, "no queue named '" + req.value("queue", std::string()) + "'");
      std::int32_t priority = req.value<std::int32_t>("priority", 0);
      if (req.contains("contact")) {  // a call that arrived earlier and went through the IVR
        contact = req.at("contact").get<std::uint64_t>();
        if (arrived_.erase(contact) == 0) {
          return Fail(op, "contact " + std::to_string(contact) + " did not arrive (\"arrive\")");
        }
        // The record found while the caller was in the IVR feeds routing.
        if (auto pop = Prefetched(contact)) {
          const directory::RoutingHints hints = directory::HintsOf(*pop);
          if (auto it = hints_.segment_priority.find(hints.segment);
              !hints.segment.empty() && it != hints_.segment_priority.end()) {
            priority += it->second;
          }
        }
      } else {
        contact = next_contact_++;
        const std::string caller = req.value("caller", std::string());
        if (!caller.empty()) {
          callers_[contact] = caller;
          directory::PopRequest pop;
          pop.caller = caller;
          pop.ivr_id = req.value("ivr_id", std::string());
          if (prefetch_) prefetch_->Start(contact, pop);  // ready before an agent rings
        }
      }
      in = core::Enqueue{now, ContactId{contact}, q, priority};
      enqueue_priority = priority;
    } else if (op == "accept" || op == "decline") {
      const AgentId a = Agent(req);
      if (!a.valid()) return Fail(op, "no agent named '" + req.value("agent", std::string()) + "'");
      contact = req.at("contact").get<std::uint64_t>();
      const auto offer = req.value<std::uint32_t>("offer", 0);
      if (op == "accept") {
        in = core::Accept{now, ContactId{contact}, a, offer};
      } else {
        in = core::Decline{now, ContactId{contact}, a, offer};
      }
    } else if (op == "hangup" || op == "abandon") {
      contact = req.at("contact").get<std::uint64_t>();
      if (op == "abandon" && arrived_.erase(contact) > 0) {  // hung up in the IVR
        if (prefetch_) prefetch_->Forget(contact);
        callers_.erase(contact);
        out_.Line({{"ok", true}, {"op", op}, {"contact", contact}, {"events", json::array()}});
        return;
      }
      if (op == "hangup") {
        in = core::Hangup{now, ContactId{contact}};
      } else {
        in = core::Abandon{now, ContactId{contact}};
      }
    } else {
      return Fail(op, "unknown op; see `switchboard serve --help`");
    }
    std::vector<core::Event> events;
    Status s = engine_->Handle(in, &events);
    const std::uint64_t ticket = Store(events);
    json names = json::array();
    for (const core::Event& e : events) names.push_back(std::string(core::EventName(e)));
    json resp{{"ok", s.ok()}, {"op", op}, {"events", names}, {"ticket", ticket}};
    if (contact != 0) resp["contact"] = contact;
    if (enqueue_priority) resp["priority"] = *enqueue_priority;
    if (!s.ok()) resp["error"] = s.message();
    out_.Line(resp);
  }

  // A call arrives (the IVR starts): its number is known, so the screen-pop look-up starts now;
  // "ivr" adds what the caller typed (an id, a partner PIN) and looks up again.
  void Arrive(const std::string& op, const json& req) {
    std::uint64_t contact = 0;
    if (op == "arrive") {
      contact = next_contact_++;
      directory::PopRequest& pop = arrived_[contact];
      pop.caller = req.value("caller", std::string());
      pop.trunk = req.value("trunk", std::string());
      if (!pop.caller.empty()) callers_[contact] = pop.caller;
    } else {
      contact = req.at("contact").get<std::uint64_t>();
      if (!arrived_.count(contact)) {
        return Fail(op, "contact " + std::to_string(contact) + " is not in the IVR");
      }
    }
    directory::PopRequest& pop = arrived_[contact];
    if (req.contains("ivr_id")) pop.ivr_id = req.at("ivr_id").get<std::string>();
    if (req.contains("pin")) pop.pin = req.at("pin").get<std::string>();
    if (prefetch_) prefetch_->Start(contact, pop);
    out_.Line({{"ok", true}, {"op", op}, {"contact", contact}});
  }

  void Fail(const std::string& op, const std::string& why) {
    out_.Line({{"ok", false}, {"op", op}, {"error", why}});
  }

  // Agents per state, e.g. {"logged_out": 88, "ready": 12, "wrap_up": 8}.
  json AgentStates() const {
    std::map<std::string, int> n;
    for (std::uint32_t a = 0; a < settings_.agents.size(); ++a) {
      ++n[std::string(core::AgentStateName(engine_->agent_state(AgentId{a})))];
    }
    return n;
  }

  void Pop(const json& req) {
    const std::uint64_t contact = req.at("contact").get<std::uint64_t>();
    const std::string user = req.value("user", std::string());
    if (user.empty()) return Fail("pop", "a screen pop is for a user: give \"user\"");
    std::optional<directory::ScreenPop> pop;
    if (prefetch_) pop = prefetch_->Get(contact, std::chrono::milliseconds(0));
    if (!pop) return Fail("pop", "no screen pop for contact " + std::to_string(contact));
    const std::int64_t now = ToMillis(WallNow());
    json records = json::array();
    for (const auto& r : pop->records) {
      (void)writer_->Post(store::AuditEntry{0, now, user, "record.view", "record:" + r.id,
                                            contact, 0, "screen pop"});
      records.push_back({{"id", r.id}, {"name", r.name}, {"language", r.language}});
    }
    json resp{{"ok", true}, {"op", "pop"}, {"contact", contact}, {"records", records}};
    if (pop->partner) {
      resp["partner"] = pop->partner->partner.id;
      json people = json::array();
      for (const auto& r : pop->partner_contacts) {
        (void)writer_->Post(store::AuditEntry{0, now, user, "record.view", "record:" + r.id,
                                              contact, 0, "partner contact"});
        people.push_back({{"id", r.id}, {"name", r.name}});
      }
      resp["partner_contacts"] = people;
    }
    out_.Line(resp);
  }

  std::optional<directory::ScreenPop> Prefetched(std::uint64_t contact) {
    if (!prefetch_) return std::nullopt;
    return prefetch_->Get(contact, std::chrono::milliseconds(0));  // never waits
  }

  void OpenCase(const json& req) {
    cases::OpenRequest r;
    r.user = req.value("user", std::string());
    r.at_ms = ToMillis(WallNow());
    r.call = req.value<std::uint64_t>("contact", 0);
    r.notes = req.value("notes", std::string());
    if (auto it = queue_of_.find(r.call); it != queue_of_.end()) r.queue = it->second;
    Submit(std::move(r));
  }

  // The agent who answered opens the case, linked to the call and to the records of its screen
  // pop; the confirmation number is printed when the case is stored.
  void OpenCaseForAnswer(std::uint64_t contact, AgentId agent) {
    cases::OpenRequest r;
    r.user = settings_.agents[agent.value].name;
    r.at_ms = ToMillis(WallNow());
    r.call = contact;
    if (auto it = queue_of_.find(contact); it != queue_of_.end()) r.queue = it->second;
    if (auto pop = Prefetched(contact)) {
      for (const auto& rec : pop->records) r.records.push_back(rec.id);
    }
    Submit(std::move(r));
  }

  void Submit(cases::OpenRequest r) {
    const std::uint64_t call = r.call;
    auto rules = rules_;
    auto f = writer_->Call([r = std::move(r), rules](store::Store& s) {
      cases::CaseService svc(s, rules);
      return svc.Open(r);
    });
    std::lock_guard lock(pending_mu_);
    pending_.emplace_back(call, std::move(f));
  }

  // Prints case results as the writer completes them, in order, off the control thread.
  void Completions(std::atomic<bool>& done) {
    while (true) {
      std::future<Result<cases::Case>> f;
      std::uint64_t call = 0;
      {
        std::lock_guard lock(pending_mu_);
        if (!pending_.empty()) {
          call = pending_.front().first;
          f = std::move(pending_.front().second);
          pending_.pop_front();
        }
      }
      if (!f.valid()) {
        if (done) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      Result<cases::Case> c = f.get();
      if (c.ok()) {
        out_.Line({{"ok", true}, {"op", "case.open"}, {"case", c->header.id},
                   {"contact", call}, {"confirmation", c->header.confirmation}});
      } else {
        out_.Line({{"ok", false}, {"op", "case.open"}, {"error", c.status().message()}});
      }
    }
  }

  void Watermark(std::atomic<bool>& done) {
    std::uint64_t printed = 0;
    while (!done) {
      if (writer_->WaitDurable(printed + 1, std::chrono::milliseconds(50))) {
        printed = writer_->durable();
        out_.Line({{"durable", printed}});
      }
    }
    if (writer_->durable() > printed) out_.Line({{"durable", writer_->durable()}});
  }

 public:
  void EnablePrefetch() { prefetch_ = std::make_unique<directory::Prefetcher>(directory_); }
  void SetRoutingHints(config::RoutingHintsConfig hints) { hints_ = std::move(hints); }

 private:
  core::EngineSettings settings_;
  std::unique_ptr<core::Engine> engine_;
  std::unique_ptr<store::StoreWriter> writer_;
  std::uint64_t next_contact_;
  Out& out_;
  cases::CaseRules rules_;
  store::CdrBuilder cdrs_;
  std::unordered_map<std::uint64_t, std::string> callers_;
  directory::Directory directory_;
  std::unique_ptr<directory::Prefetcher> prefetch_;
  std::mutex pending_mu_;
  std::deque<std::pair<std::uint64_t, std::future<Result<cases::Case>>>> pending_;
  std::unordered_map<std::uint64_t, std::uint32_t> queue_of_;  // contact -> current queue
  std::unordered_map<std::uint64_t, directory::PopRequest> arrived_;  // in the IVR, not queued
  config::RoutingHintsConfig hints_;
};

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

int Serve(const ServeArgs& a) {
  auto settings = config::LoadEngineSettings(a.config);
  auto sc = config::LoadStoreConfig(a.config);
  if (!settings.ok() || !sc.ok()) {
    std::fprintf(stderr, "error: %s\nRun `switchboard check-config %s` after fixing it.\n",
                 (!settings.ok() ? settings.status() : sc.status()).message().c_str(),
                 a.config.c_str());
    return 2;
  }
  const std::string url = a.store.empty() ? sc->url : a.store;
  auto st = store::OpenStore(url);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.status().message().c_str());
    return 2;
  }
  // Every configuration the server ran with is kept (who changed what, when).
  {
    std::ifstream f(a.config, std::ios::binary);
    std::ostringstream text;
    text << f.rdbuf();
    auto info = (*st)->Info();
    const std::int64_t latest = info.ok() ? info->config_versions : 0;
    auto previous = latest > 0 ? (*st)->LoadConfigVersion(latest) : Result<std::string>(std::string());
    if (!previous.ok() || *previous != text.str()) {
      auto v = (*st)->SaveConfigVersion(ToMillis(WallNow()), "serve " + a.config, text.str());
      if (!v.ok()) {
        std::fprintf(stderr, "error: cannot record the configuration: %s\n",
                     v.status().message().c_str());
        return 1;
      }
      std::fprintf(stderr, "serve: configuration stored as version %lld\n",
                   static_cast<long long>(*v));
    }
  }
  // Rebuild the engine from the stored log: a restart continues where the last run stopped.
  auto stored = (*st)->ReadEvents(kTimeZero, kNever);
  if (!stored.ok()) {
    std::fprintf(stderr, "error: %s\n", stored.status().message().c_str());
    return 1;
  }
  std::vector<core::Event> log;
  log.reserve(stored->size());
  std::uint64_t next_contact = 1;
  for (store::StoredEvent& e : *stored) {
    next_contact = std::max(next_contact, ContactOf(e.event) + 1);
    log.push_back(std::move(e.event));
  }
  const Time start = log.empty() ? WallNow() : core::EventTime(log.front());
  auto engine = log.empty() ? core::Engine::Create(*settings, start)
                            : core::Engine::Replay(*settings, start, log);
  if (!engine.ok()) {
    std::fprintf(stderr, "error: cannot rebuild the routing state from %zu stored events: %s\n",
                 log.size(), engine.status().message().c_str());
    return 1;
  }
  std::fprintf(stderr, "serve: %s, %zu events replayed, %zu contacts in progress\n", url.c_str(),
               log.size(), (*engine)->contacts());
  store::WriterOptions wo;
  wo.max_buffered = static_cast<std::size_t>(sc->buffer);
  wo.retention = store::RetentionPolicy{static_cast<int>(sc->events_days),
                                        static_cast<int>(sc->cdrs_days),
                                        static_cast<int>(sc->cases_days),
                                        static_cast<int>(sc->audit_days),
                                        static_cast<int>(sc->recordings_days)};
  wo.purge_every = sc->purge_every;
  auto writer = std::make_unique<store::StoreWriter>(std::move(st).value(), wo);
  cases::CaseRules rules;
  for (const auto& [name, codes] : sc->dispositions) {
    const QueueId q = core::FindQueue(*settings, name);
    if (q.valid()) rules.dispositions[q.value] = codes;
  }
  Out out;
  Server server(*settings, std::move(engine).value(), std::move(writer), next_contact, out,
                std::move(rules));
  for (const std::string& f : a.records) {
    auto r = directory::ImportFile(f, server.directory());
    if (!r.ok()) {
      std::fprintf(stderr, "error: %s: %s\n", f.c_str(), r.status().message().c_str());
      return 2;
    }
    std::fprintf(stderr, "serve: %s: %zu records, %zu rejected\n", f.c_str(),
                 r->applied.inserted + r->applied.updated, r->rejected);
  }
  auto hints = config::LoadRoutingHints(a.config);
  if (!hints.ok()) {
    std::fprintf(stderr, "error: %s\n", hints.status().message().c_str());
    return 2;
  }
  server.SetRoutingHints(std::move(hints).value());
  server.EnablePrefetch();
  return server.Run();
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Run the routing core as a process driven by JSON lines on standard input (requests: "
      "login, logout, ready, not_ready, enqueue, accept, decline, hangup, abandon, pop, "
      "case.open, status); events and CDRs go to the store, a restart replays them");
  cmd->add_option("CONFIG", a->config, "TOML configuration ([store] url, [retention], queues)")
      ->required();
  cmd->add_option("--store", a->store, "override [store] url");
  cmd->add_option("--records", a->records, "record files for screen pops (CSV or JSON Lines)");
  cmd->callback([a] { ExitCode() = Serve(*a); });
}

}  // namespace sb::server
