// switchboard serve CONFIG: the start-up of the server core (serve_loop.h, control/controller.h):
// load and store the configuration, replay the stored event log into the engine, load the
// records for screen pops, then serve until the end of input.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <csignal>
#include <mutex>
#include "config/config.h"
#include "core/engine.h"
#include "directory/import.h"

#include "control/controller.h"
#include "control/writer_recorder.h"
#include "directory/prefetch.h"
#include "server/commands.h"
#include "server/config_history.h"
#include "server/json_front.h"
#include "server/log.h"
#include "server/progress.h"
#include "server/serve_loop.h"
#include "server/startup.h"
#include "store/writer.h"
#include "telephony/telephony.h"

namespace sb::server {
namespace {

Time WallNow() { return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()); }

struct ServeArgs {
  std::string config, store;
  std::vector<std::string> records;
  std::string control;  // default: stdin, or none when the configuration has [sip]
  Duration shutdown_timeout = std::chrono::seconds(30);
  Duration checkpoint_every = std::chrono::minutes(5);
};

// [store] spill: where writes past the memory buffer go while the store is down.
std::string SpillPath(const config::StoreConfig& sc, const std::string& url) {
  if (sc.spill == "none") return "";
  if (!sc.spill.empty()) return sc.spill;
  if (url.starts_with("postgres")) return "switchboard.spill";
  return (url.starts_with("sqlite:") ? url.substr(7) : url) + ".spill";
}

void LogConfigChange(const char* what, const config::Placed& p, std::uint64_t version) {
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size() && i < 10; ++i) out += (i == 0 ? "" : ", ") + v[i];
    if (v.size() > 10) out += " and " + std::to_string(v.size() - 10) + " more";
    return out.empty() ? std::string("none") : out;
  };
  LogInfo(what, {{"version", std::to_string(version)},
                 {"added", join(p.added)},
                 {"removed", join(p.removed)},
                 {"renamed", join(p.renamed)}});
}

// Calls the writer's callbacks into the loop, for as long as the loop exists: the writer's thread
// may report durability while the loop is being taken down.
struct LoopBridge {
  std::mutex mu;
  ServeLoop* loop = nullptr;  // guarded by mu
  void Post(std::function<void()> task) {
    std::lock_guard lock(mu);
    if (loop) loop->PostTask(std::move(task));
  }
  void Set(ServeLoop* l) {
    std::lock_guard lock(mu);
    loop = l;
  }
};

int Serve(const ServeArgs& args) {
  ServeArgs a = args;
  if (!a.control.empty() && a.control != "stdin" && a.control != "none") {
    std::fprintf(stderr, "error: --control must be stdin or none (got '%s')\n", a.control.c_str());
    return 2;
  }
  auto settings = config::LoadEngineSettings(a.config);
  auto sc = config::LoadStoreConfig(a.config);
  if (!settings.ok() || !sc.ok()) {
    std::fprintf(stderr, "error: %s\nRun `switchboard check-config %s` after fixing it.\n",
                 (!settings.ok() ? settings.status() : sc.status()).message().c_str(),
                 a.config.c_str());
    return 2;
  }
  auto hints = config::LoadRoutingHints(a.config);
  if (!hints.ok()) {
    std::fprintf(stderr, "error: %s\n", hints.status().message().c_str());
    return 2;
  }
  auto phone = config::LoadTelephonyConfig(a.config, *settings);
  if (!phone.ok()) {
    std::fprintf(stderr, "error: %s\n", phone.status().message().c_str());
    return 2;
  }
  if (a.control.empty()) a.control = phone->enabled ? "none" : "stdin";
  const std::string url = a.store.empty() ? sc->url : a.store;
  auto st = store::OpenStore(url);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", RedactUrl(st.status().message()).c_str());
    return 2;
  }
  // Writes a stopped or crashed run spilled past its memory buffer go in before anything reads
  // the store.
  const std::string spill = SpillPath(*sc, url);
  if (!spill.empty()) {
    auto recovered = store::RecoverSpill(spill, **st);
    if (!recovered.ok()) {
      std::fprintf(stderr, "error: cannot commit the spill file %s: %s\n", spill.c_str(),
                   RedactUrl(recovered.status().message()).c_str());
      return 1;
    }
    if (*recovered > 0) {
      LogWarn("serve: committed the writes an earlier run spilled",
              {{"file", spill}, {"writes", std::to_string(*recovered)}});
    }
  }
  // Every configuration the server ran with is kept (who changed what, when), with its layout:
  // the ids of its agents and queues, which never change (config/layout.h).
  std::string file_text;
  {
    std::ifstream f(a.config, std::ios::binary);
    std::ostringstream text;
    text << f.rdbuf();
    file_text = text.str();
  }
  auto latest = LatestConfig(**st);
  if (!latest.ok()) {
    std::fprintf(stderr, "error: cannot read the stored configuration: %s\n",
                 latest.status().message().c_str());
    return 1;
  }
  auto placed = config::ApplyLayout(latest->layout, *settings);
  if (!placed.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", a.config.c_str(), placed.status().message().c_str());
    return 2;
  }
  *settings = placed->settings;  // ids from the layout: what telephony and the rules resolve
  // A first configuration is stored at once. A changed one is stored when it applies (a change
  // refused at start stores nothing), as the version after the latest.
  std::uint64_t file_version = latest->version;
  const bool changed =
      latest->version != 0 && (latest->text != file_text || latest->layout != placed->layout);
  if (latest->version == 0) {
    auto v = (*st)->SaveConfigVersion(ToMillis(WallNow()), "serve " + a.config, file_text,
                                      config::EncodeLayout(placed->layout));
    if (!v.ok()) {
      std::fprintf(stderr, "error: cannot record the configuration: %s\n",
                   v.status().message().c_str());
      return 1;
    }
    file_version = static_cast<std::uint64_t>(*v);
    LogInfo("serve: configuration stored", {{"version", std::to_string(file_version)}});
  } else if (changed) {
    file_version = latest->version + 1;
  }
  const core::SettingsResolver settings_of = [&](std::uint64_t v) -> Result<core::EngineSettings> {
    if (v == file_version || v == 0) return *settings;
    return SettingsOfVersion(**st, v);
  };
  // Rebuild the routing state: a restart continues where the last run stopped.
  auto rebuilt = Rebuild(**st, settings_of, changed ? latest->version : file_version, WallNow());
  if (!rebuilt.ok()) {
    std::fprintf(stderr, "error: %s\n", rebuilt.status().message().c_str());
    return 1;
  }
  if (!rebuilt->why_not.empty()) {
    LogWarn("serve: the latest checkpoint is not usable; replaying the whole log",
            {{"why", rebuilt->why_not}});
  }
  const std::size_t replayed = rebuilt->after.size();
  LogInfo("serve: routing state rebuilt",
          {{"store", RedactUrl(url)},
           {"from", rebuilt->from_checkpoint ? "checkpoint" : "the whole log"},
           {"events_replayed", std::to_string(replayed)},
           {"contacts_in_progress", std::to_string(rebuilt->engine->contacts())}});
  std::fprintf(stderr, "serve: %zu events replayed%s\n", replayed,
               rebuilt->from_checkpoint ? " after the checkpoint" : "");

  auto bridge = std::make_shared<LoopBridge>();
  store::WriterOptions wo;
  wo.max_buffered = static_cast<std::size_t>(sc->buffer);
  wo.spill_path = spill;
  wo.spill_max_bytes = static_cast<std::uint64_t>(sc->spill_max_mb) << 20;
  wo.retention =
      store::RetentionPolicy{static_cast<int>(sc->events_days), static_cast<int>(sc->cdrs_days),
                             static_cast<int>(sc->cases_days), static_cast<int>(sc->audit_days),
                             static_cast<int>(sc->recordings_days)};
  wo.purge_every = sc->purge_every;
  wo.commit_interval = sc->commit_interval;
  wo.log = [](const std::string& line) { LogLine("warn", line); };
  control::Controller* ctl_ptr = nullptr;  // set below; the callbacks run on the control thread
  wo.on_durable = [bridge, &ctl_ptr](std::uint64_t t) {
    bridge->Post([&ctl_ptr, t] {
      if (ctl_ptr) ctl_ptr->Durable(t);
    });
  };
  auto writer = std::make_unique<store::StoreWriter>(std::move(st).value(), wo);
  cases::CaseRules rules;
  for (const auto& [name, codes] : sc->dispositions) {
    const QueueId q = core::FindQueue(*settings, name);
    if (q.valid()) rules.dispositions[q.value] = codes;
  }
  control::WriterRecorder recorder(
      *writer, rules, [bridge](std::function<void()> t) { bridge->Post(std::move(t)); });
  control::ControllerOptions co;
  co.case_rules = rules;
  co.segment_priority = hints->segment_priority;
  control::Controller ctl(std::move(rebuilt->engine), recorder, rebuilt->next_contact, co);
  ctl_ptr = &ctl;
  if (rebuilt->from_checkpoint) {
    if (Status s = ctl.RestoreRegistries(rebuilt->checkpoint); !s.ok()) {
      LogWarn(
          "serve: the checkpoint's registries were not restored (callers of calls in "
          "progress are unknown)",
          {{"why", s.message()}});
    }
  }
  ctl.Seed(rebuilt->after);  // calls in progress get their CDR when they end
  rebuilt->after = {};
  rebuilt->checkpoint = {};
  ctl.set_config_version(rebuilt->config_version);
  if (rebuilt->config_version != file_version) {
    // The file changed while the server was stopped: the change applies now, like a SIGHUP.
    auto store_version = [&writer, &a, &file_text, &placed, file_version] {
      auto v = writer
                   ->Call([&](store::Store& s) {
                     return s.SaveConfigVersion(ToMillis(WallNow()), "serve " + a.config, file_text,
                                                config::EncodeLayout(placed->layout));
                   })
                   .get();
      if (!v.ok() || static_cast<std::uint64_t>(*v) != file_version) {
        std::fprintf(
            stderr, "error: cannot record the configuration: %s\n",
            v.ok() ? ("stored as " + std::to_string(*v)).c_str() : v.status().message().c_str());
        return false;
      }
      LogInfo("serve: configuration stored", {{"version", std::to_string(file_version)}});
      return true;
    };
    if (Status s = ctl.Reconfigure(*settings, file_version, WallNow(), store_version); !s.ok()) {
      if (s.code() == StatusCode::kUnavailable) return 1;
      std::fprintf(stderr,
                   "error: the configuration cannot apply to the stored state: %s\nRestore the "
                   "earlier configuration (`switchboard store config --store %s --version %llu "
                   "> earlier.toml`), start, and apply the change with SIGHUP when it can.\n",
                   s.message().c_str(), RedactUrl(url).c_str(),
                   static_cast<unsigned long long>(rebuilt->config_version));
      return 2;
    }
    LogConfigChange("serve: configuration applied at start", *placed, file_version);
  }
  // What the running engine's configuration is (SIGHUP compares the file with it).
  auto running = std::make_shared<ConfigVersion>();
  running->version = file_version;
  running->text = file_text;
  running->layout = placed->layout;

  directory::Directory directory;
  for (const std::string& f : a.records) {
    auto r = directory::ImportFile(f, directory, {}, ImportProgress(f));
    if (!r.ok()) {
      std::fprintf(stderr, "error: %s: %s\n", f.c_str(), r.status().message().c_str());
      return 2;
    }
    LogInfo("serve: records loaded",
            {{"file", f},
             {"records", std::to_string(r->applied.inserted + r->applied.updated)},
             {"rejected", std::to_string(r->rejected)}});
  }
  directory::Prefetcher prefetch(directory);
  ctl.SetPrefetcher(&prefetch);

  ServeLoopOptions lo;
  lo.shutdown_timeout = a.shutdown_timeout;
  // A checkpoint is written on the writer thread after everything posted before it, so it
  // covers exactly the events committed by then; one at a time (a slow store skips some).
  auto checkpoint_busy = std::make_shared<std::atomic<bool>>(false);
  lo.checkpoint_every = a.checkpoint_every;
  lo.on_checkpoint = [&ctl, &writer, checkpoint_busy] {
    if (checkpoint_busy->exchange(true)) {
      LogWarn("serve: the previous checkpoint is still being written; this one is skipped");
      return;
    }
    const auto started = std::chrono::steady_clock::now();
    std::string body = ctl.Checkpoint();
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    (void)writer->Submit(
        [body = std::move(body), at = ToMillis(WallNow()), took, checkpoint_busy](store::Store& s) {
          auto seq = s.SaveCheckpoint(at, body);
          checkpoint_busy->store(false);
          if (!seq.ok()) {
            LogWarn("serve: checkpoint not stored; the next one will be tried",
                    {{"error", seq.status().message()}});
            return;
          }
          LogInfo("serve: checkpoint stored", {{"seq", std::to_string(*seq)},
                                               {"bytes", std::to_string(body.size())},
                                               {"encode_us", std::to_string(took.count())}});
        });
  };
  lo.on_reload = [&ctl, &writer, &lo, running, path = a.config, wall = &WallNow] {
    // A bad file changes nothing. The routing hints apply at once; agents, queues, skills,
    // calendars and their settings through Reconfigure (refused, with the reason, while a removed
    // agent is busy or a removed queue has calls). [sip], [[phone]], [[number]] and dispositions
    // take a restart.
    // The file is read once: the text stored as the version is the one applied.
    std::ifstream f(path, std::ios::binary);
    std::ostringstream text;
    text << f.rdbuf();
    auto next = config::EngineSettingsFromString(text.str(), path);
    auto h = config::RoutingHintsFromString(text.str(), path);
    if (!f || !next.ok() || !h.ok()) {
      LogError("serve: reload refused; the running configuration is unchanged",
               {{"error", !f           ? "cannot read " + path
                          : !next.ok() ? next.status().message()
                                       : h.status().message()}});
      return;
    }
    ctl.SetSegmentPriority(h->segment_priority);
    auto placed = config::ApplyLayout(running->layout, std::move(next).value());
    if (!placed.ok()) {
      LogError("serve: reload refused; the running configuration is unchanged",
               {{"error", placed.status().message()}});
      return;
    }
    if (text.str() == running->text && placed->layout == running->layout) {
      LogInfo("serve: reloaded; the configuration is unchanged", {{"file", path}});
      return;
    }
    // The version is stored on the writer thread before the SettingsChanged that names it.
    const std::uint64_t version = running->version + 1;
    const std::string layout = config::EncodeLayout(placed->layout);
    auto store_version = [&writer, version, body = text.str(), layout, wall, path] {
      (void)writer->Submit([version, body, layout, at = ToMillis((*wall)()),
                            path](store::Store& s) {
        auto v = s.SaveConfigVersion(at, "serve SIGHUP " + path, body, layout);
        if (!v.ok() || static_cast<std::uint64_t>(*v) != version) {
          LogError("serve: the applied configuration was not stored as its version",
                   {{"version", std::to_string(version)},
                    {"error", v.ok() ? "stored as " + std::to_string(*v) : v.status().message()}});
        }
      });
      return true;  // stored in order before the SettingsChanged; a failure is logged there
    };
    if (Status st = ctl.Reconfigure(placed->settings, version, (*wall)(), store_version);
        !st.ok()) {
      LogError("serve: reload refused; the running configuration is unchanged",
               {{"error", st.message()}});
      return;
    }
    running->version = version;
    running->text = text.str();
    running->layout = placed->layout;
    LogConfigChange("serve: configuration applied", *placed, version);
    if (lo.on_checkpoint) lo.on_checkpoint();  // the next start need not replay the change
  };
  ServeLoop loop(ctl, *writer, lo);
  if (replayed > 0) lo.on_checkpoint();  // the next start replays none of what this one did
  bridge->Set(&loop);
  std::signal(SIGPIPE, SIG_IGN);  // a reader that went away is an EPIPE, not a dead server
  std::unique_ptr<JsonFrontEnd> front;
  if (a.control == "stdin") {
    front = std::make_unique<JsonFrontEnd>(loop, ctl.engine().settings(), STDOUT_FILENO);
    ctl.Subscribe(front.get());
    front->Start(STDIN_FILENO);
  }
  std::unique_ptr<telephony::Telephony> tel;
  if (phone->enabled) {
    // Calls in progress when the last run stopped are gone with its SIP dialogs and RTP: they
    // end as interrupted (their CDRs say so) before the first new call; callback requests stay.
    if (const std::size_t n = ctl.InterruptLive(WallNow()); n > 0) {
      LogWarn("serve: closed the calls the previous run left in progress, as interrupted",
              {{"contacts", std::to_string(n)}});
    }
    telephony::Hooks hooks;
    hooks.command = [&loop](control::Command c, std::function<void(const control::Reply&)> done) {
      return loop.Post(
          std::move(c),
          [done = std::move(done)](const control::Command&, const control::Reply& r) { done(r); });
    };
    hooks.task = [bridge](std::function<void()> t) { bridge->Post(std::move(t)); };
    hooks.after = [&loop](Duration d, std::function<void()> fn) {
      auto timer = std::make_shared<boost::asio::steady_timer>(loop.io(), d);
      timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
        if (!ec) fn();
      });
    };
    hooks.now = [] { return WallNow(); };
    hooks.record = [&writer](store::CallDetail d) {
      if (writer->Post(std::move(d)) == 0) {
        LogWarn("serve: a call detail record was refused: the store buffer and spill are full", {});
      }
    };
    hooks.log = [](const char* level, const std::string& msg,
                   std::vector<std::pair<std::string, std::string>> kv) {
      LogLine(level, msg, kv);
    };
    hooks.recorded = [&writer](const telephony::RecordingInfo& r) {
      store::Recording row{0,       r.contact, r.path,  r.started_ms, r.duration_ms,
                           r.bytes, r.queue,   r.agent, r.cut_short};
      (void)writer->Submit([row](store::Store& s) {
        if (auto id = s.AddRecording(row); !id.ok()) {
          LogWarn("serve: a recording's row was not stored (its file stays)",
                  {{"file", row.path}, {"why", id.status().message()}});
        }
      });
    };
    tel = std::make_unique<telephony::Telephony>(std::move(phone).value(), ctl, std::move(hooks));
    ctl.Subscribe(tel.get());
    ctl.SetSupervision(tel.get());
    ctl.SetNumberTransfers(tel.get());  // transfers to numbers go out through its trunk
    ctl.SetConsultations(tel.get());    // consultations call the consulted agent's phone
    if (Status s = tel->Start(); !s.ok()) {
      std::fprintf(stderr, "error: %s\n", s.message().c_str());
      bridge->Set(nullptr);
      return 2;
    }
  }
  LogInfo("serve: ready", {{"control", a.control},
                           {"agents", std::to_string(settings->agents.size())},
                           {"queues", std::to_string(settings->queues.size())}});
  int code = loop.Run();
  ctl.SetNumberTransfers(nullptr);
  ctl.SetConsultations(nullptr);
  if (tel) tel->Stop();  // hangs up the calls left; their tasks find no loop any more
  if (front) front->Stop();
  bridge->Set(nullptr);
  ctl.SetPrefetcher(nullptr);
  writer.reset();  // commits what is left (bounded by one retry cycle) and joins its thread
  if (front) (void)front->output().Drain(std::chrono::milliseconds(2000));
  return code;
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve", "Run the server core: routing, store, and the JSON-lines control front end");
  cmd->footer(
      "The routing engine runs on one event loop; events and CDRs go to the store, and a "
      "restart replays them.\n"
      "With --control stdin (the default) it reads one JSON request per line: login, logout, "
      "ready, not_ready, extend_wrap_up, arrive, ivr, enqueue, accept, decline, hangup, abandon, "
      "transfer, callback, callback_result, pop, case.open, status, position, supervise, "
      "supervise_end, consult, consult_answer, consult_cancel, consult_complete, e.g.\n"
      "  {\"op\":\"enqueue\",\"queue\":\"support\",\"caller\":\"+33612345678\"}\n"
      "Replies carry every event with its payload (agent, offer number, expiry); events caused "
      "by timers come as {\"event\":{...}} lines, stored cases as {\"op\":\"case.opened\"}, "
      "durability as {\"durable\":N}. Protocol: docs/design/control-protocol.md.\n"
      "Signals: SIGTERM/SIGINT stop it once the store has every write (exit 3 if it did not "
      "within --shutdown-timeout); SIGHUP applies the configuration file to the running engine "
      "(agents, queues, skills, calendars, routing hints; [sip] and phones take a restart). Logs "
      "are logfmt lines on "
      "standard error; store passwords are never printed.");
  cmd->add_option("CONFIG", a->config, "TOML configuration ([store] url, [retention], queues)")
      ->required();
  cmd->add_option("--store", a->store, "override [store] url");
  cmd->add_option("--records", a->records, "record files for screen pops (CSV or JSON Lines)");
  cmd->add_option("--control", a->control,
                  "stdin: JSON-lines requests on standard input, replies on standard output "
                  "(end of input stops the server); none: no front end (a daemon: SIGTERM "
                  "stops it). Default: stdin, or none when the configuration has [sip]");
  cmd->add_option_function<double>(
         "--shutdown-timeout",
         [a](double s) { a->shutdown_timeout = Duration(static_cast<std::int64_t>(s * 1000)); },
         "seconds to wait at stop for the store to take every write (default 30); the exit "
         "status is 3 when it did not")
      ->check(CLI::Range(0.0, 3600.0));
  cmd->add_option_function<double>(
         "--checkpoint-every",
         [a](double s) { a->checkpoint_every = Duration(static_cast<std::int64_t>(s * 1000)); },
         "seconds between checkpoints of the routing state (default 300; 0: only at start and "
         "stop); a restart loads the latest and replays only what followed")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->callback([a] { ExitCode() = Serve(*a); });
}

}  // namespace sb::server
