// switchboard serve CONFIG: start-up of the control loop (control_loop.h) on standard input:
// load and store the configuration, replay the stored event log into the engine, load the
// records for screen pops, then serve until the end of input.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config.h"
#include "core/engine.h"
#include "directory/import.h"
#include "server/commands.h"
#include "server/control_loop.h"
#include "server/progress.h"
#include "store/writer.h"

namespace sb::server {
namespace {

Time WallNow() { return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()); }

struct ServeArgs {
  std::string config, store;
  std::vector<std::string> records;
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

// Whether events written under the configuration `earlier_toml` replay under `now`: every agent
// and queue of the earlier one is still there, at the same position (ids are positions).
Status LogFits(const std::string& earlier_toml, const std::string& earlier_name,
               const core::EngineSettings& now) {
  auto earlier = config::EngineSettingsFromString(earlier_toml, earlier_name);
  if (!earlier.ok()) return Status::Ok();  // unreadable now (older format): replay decides
  auto first_change = [](const auto& before, const auto& after) -> std::string {
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (i >= after.size()) return "'" + before[i].name + "' is gone";
      if (before[i].name != after[i].name) {
        return "'" + before[i].name + "' is now '" + after[i].name + "'";
      }
    }
    return "";
  };
  if (auto why = first_change(earlier->agents, now.agents); !why.empty()) {
    return FailedPrecondition("the agents changed since " + earlier_name + ": agent " + why);
  }
  if (auto why = first_change(earlier->queues, now.queues); !why.empty()) {
    return FailedPrecondition("the queues changed since " + earlier_name + ": queue " + why);
  }
  return Status::Ok();
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
    auto previous =
        latest > 0 ? (*st)->LoadConfigVersion(latest) : Result<std::string>(std::string());
    if (previous.ok() && latest > 0 && *previous != text.str() && info->events > 0) {
      const std::string earlier = "configuration version " + std::to_string(latest);
      if (Status fits = LogFits(*previous, earlier, *settings); !fits.ok()) {
        std::fprintf(stderr,
                     "error: %s\nThe stored event log names agents and queues by position: they "
                     "may be added at the end, not removed, renamed or reordered. Restore the "
                     "earlier configuration (`switchboard store config --store %s --version "
                     "%lld > earlier.toml`) or serve on a new store.\n",
                     fits.message().c_str(), url.c_str(), static_cast<long long>(latest));
        return 2;
      }
    }
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
  auto hints = config::LoadRoutingHints(a.config);
  if (!hints.ok()) {
    std::fprintf(stderr, "error: %s\n", hints.status().message().c_str());
    return 2;
  }
  ControlLoop server(*settings, std::move(engine).value(), std::move(writer), next_contact,
                     std::move(rules), std::move(hints).value());
  for (const std::string& f : a.records) {
    auto r = directory::ImportFile(f, server.directory(), {}, ImportProgress(f));
    if (!r.ok()) {
      std::fprintf(stderr, "error: %s: %s\n", f.c_str(), r.status().message().c_str());
      return 2;
    }
    std::fprintf(stderr, "serve: %s: %zu records, %zu rejected\n", f.c_str(),
                 r->applied.inserted + r->applied.updated, r->rejected);
  }
  server.EnablePrefetch();
  return server.Run(STDIN_FILENO);
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
