// switchboard check-config FILE: loads and validates a configuration, prints a summary.

#include <cstdio>

#include "config/config.h"
#include "server/commands.h"

namespace sb::server {

void RegisterCheckConfigCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("check-config", "Validate a configuration file and summarise it");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "TOML configuration (see docs/design/config.md)")->required();
  cmd->callback([file] {
    auto engine = config::LoadEngineSettings(*file);
    if (!engine.ok()) {
      std::fprintf(stderr, "error: %s\nFix the line named above and run check-config again.\n",
                   engine.status().message().c_str());
      ExitCode() = 2;
      return;
    }
    std::printf("%s: OK\n", file->c_str());
    for (const auto& q : engine->queues) {
      std::printf(
          "  queue %-16s strategy %-20s SL %.0f%% in %llds, calendar %s\n", q.name.c_str(),
          std::string(core::StrategyName(q.strategy)).c_str(), q.service_level_target * 100,
          static_cast<long long>(q.service_level_threshold.count() / 1000),
          engine->calendars.empty() ? "always" : engine->calendars[q.calendar].name.c_str());
    }
    std::printf("  %zu agents, %zu skills, %zu calendars\n", engine->agents.size(),
                engine->skills.size(), engine->calendars.size());
    auto st = config::LoadStoreConfig(*file);
    if (!st.ok()) {
      std::fprintf(stderr, "error: %s\n", st.status().message().c_str());
      ExitCode() = 2;
      return;
    }
    auto days = [](std::int64_t d) {
      return d == 0 ? std::string("forever") : std::to_string(d) + " days";
    };
    std::printf("  store: %s; keep events %s, CDRs %s, cases %s, audit %s, recordings %s\n",
                st->url.c_str(), days(st->events_days).c_str(), days(st->cdrs_days).c_str(),
                days(st->cases_days).c_str(), days(st->audit_days).c_str(),
                days(st->recordings_days).c_str());
    for (const auto& [queue, codes] : st->dispositions) {
      if (!core::FindQueue(*engine, queue).valid()) {
        std::fprintf(stderr, "error: %s: dispositions for unknown queue '%s'\n", file->c_str(),
                     queue.c_str());
        ExitCode() = 2;
        return;
      }
      std::printf("  queue %s: %zu disposition codes\n", queue.c_str(), codes.size());
    }
    auto tel = config::LoadTelephonyConfig(*file, *engine);
    if (!tel.ok()) {
      std::fprintf(stderr, "error: %s\nFix the line named above and run check-config again.\n",
                   tel.status().message().c_str());
      ExitCode() = 2;
      return;
    }
    if (tel->enabled) {
      std::size_t registering = 0;
      for (const auto& p : tel->phones) registering += p.ha1.empty() ? 0 : 1;
      std::printf(
          "  telephony: SIP on %s:%lld (UDP, TCP), RTP %s:%lld-%lld; %zu trunks, "
          "%zu numbers, %zu phones (%zu registering)\n",
          tel->listen.c_str(), static_cast<long long>(tel->port), tel->rtp_address.c_str(),
          static_cast<long long>(tel->rtp_min), static_cast<long long>(tel->rtp_max),
          tel->trunks.size(), tel->numbers.size(), tel->phones.size(), registering);
      const char* srtp = tel->srtp == config::SrtpMode::kRequired ? "required"
                         : tel->srtp == config::SrtpMode::kOff    ? "off"
                                                                  : "optional";
      if (tel->tls_port != 0) {
        std::printf("  TLS on port %lld (certificate %s, checked); SRTP %s\n",
                    static_cast<long long>(tel->tls_port), tel->tls_certificate.c_str(), srtp);
      } else {
        std::printf("  TLS off (no tls_certificate); SRTP %s\n", srtp);
      }
      // The trunk's name and where it dials; never its credentials.
      if (tel->callback_trunk >= 0) {
        const auto& t = tel->trunks[static_cast<std::size_t>(tel->callback_trunk)];
        std::printf("  callbacks: dialled through trunk '%s' (%s, %s)\n", t.name.c_str(),
                    t.outbound.c_str(),
                    t.username.empty() ? "no authentication" : "digest authentication");
      } else {
        std::printf("  callbacks: not dialled (no [[trunk]] with outbound)\n");
      }
    } else {
      std::printf("  telephony: off (no [sip] table)\n");
    }
    auto sim = config::LoadSimSettings(*file);
    if (sim.ok()) {
      double calls = 0;
      for (const auto& st : sim->streams) {
        for (double c : st.arrivals.calls) calls += c;
      }
      std::printf("  simulation: %zu streams, %.0f calls a day, %zu shifts\n", sim->streams.size(),
                  calls, sim->shifts.size());
    } else if (engine.ok()) {
      std::printf("  simulation: %s\n", sim.status().message().c_str());
    }
  });
}

}  // namespace sb::server
