// The control loop (control_loop.h): requests in, engine decisions, events and CDRs to the store.

#include "server/control_loop.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <unordered_map>

#include "directory/import.h"
#include "directory/prefetch.h"
#include "store/cdr_builder.h"

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

}  // namespace

class ControlLoop::Impl {
 public:
  Impl(core::EngineSettings settings, std::unique_ptr<core::Engine> engine,
       std::unique_ptr<store::StoreWriter> writer, std::uint64_t next_contact,
       cases::CaseRules rules)
      : settings_(std::move(settings)),
        engine_(std::move(engine)),
        writer_(std::move(writer)),
        next_contact_(next_contact),
        rules_(std::move(rules)) {}

  directory::Directory& directory() { return directory_; }

  int Run(int fd) {
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
      pollfd p{fd, POLLIN, 0};
      const int ready = poll(&p, 1, timeout_ms);
      Tick();
      if (ready <= 0) continue;
      const ssize_t n = read(fd, chunk, sizeof chunk);
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
  Out out_;
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

ControlLoop::ControlLoop(core::EngineSettings settings, std::unique_ptr<core::Engine> engine,
                         std::unique_ptr<store::StoreWriter> writer, std::uint64_t next_contact,
                         cases::CaseRules rules, config::RoutingHintsConfig hints)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(engine), std::move(writer),
                                   next_contact, std::move(rules))) {
  impl_->SetRoutingHints(std::move(hints));
}

ControlLoop::~ControlLoop() = default;

directory::Directory& ControlLoop::directory() { return impl_->directory(); }
void ControlLoop::EnablePrefetch() { impl_->EnablePrefetch(); }
int ControlLoop::Run(int fd) { return impl_->Run(fd); }

}  // namespace sb::server
