// switchboard store: look after the store.
//   store info    --store URL                 schema version and row counts
//   store config  --store URL [--version N]   a configuration the server ran with
//   store purge   --store URL --*-days N      apply retention now; prints what it removed
//   store drill   --store URL --events N      a burst of event and case writes through the
//                                             group-commit writer, printing each acknowledgement
//   store check-drill --store URL --acks F    checks that every acknowledged write is there
// The drill is how the SIGKILL test proves "acknowledged = durable"; run it on a scratch store.

#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <string>

#include "cases/service.h"
#include "server/commands.h"
#include "store/store.h"
#include "store/writer.h"

namespace sb::server {
namespace {

Time Now() { return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()); }

Result<std::unique_ptr<store::Store>> Open(const std::string& url) {
  auto s = store::OpenStore(url);
  if (!s.ok()) std::fprintf(stderr, "error: %s\n", s.status().message().c_str());
  return s;
}

int Info(const std::string& url) {
  auto s = Open(url);
  if (!s.ok()) return 2;
  auto info = (*s)->Info();
  if (!info.ok()) {
    std::fprintf(stderr, "error: %s\n", info.status().message().c_str());
    return 1;
  }
  std::printf(
      "store            %s\nschema version   %d\nevents           %lld\n"
      "CDRs             %lld\ncall details     %lld\ncases            %lld\naudit rows       %lld\n"
      "users            %lld\nconfig versions  %lld\ndead letters     %lld\n",
      info->where.c_str(), info->schema_version, static_cast<long long>(info->events),
      static_cast<long long>(info->cdrs), static_cast<long long>(info->call_details),
      static_cast<long long>(info->cases), static_cast<long long>(info->audit),
      static_cast<long long>(info->users), static_cast<long long>(info->config_versions),
      static_cast<long long>(info->dead_letters));
  std::printf("recordings       %lld\n", static_cast<long long>(info->recordings));
  if (info->dead_letters > 0) {
    std::printf(
        "(dead letters are writes the store refused; they are kept, not lost: read them "
        "with SELECT * FROM dead_letters)\n");
  }
  return 0;
}

// Prints a stored configuration (the latest when version is 0).
int Config(const std::string& url, std::int64_t version) {
  auto s = Open(url);
  if (!s.ok()) return 2;
  if (version <= 0) {
    auto info = (*s)->Info();
    if (!info.ok()) {
      std::fprintf(stderr, "error: %s\n", info.status().message().c_str());
      return 1;
    }
    version = info->config_versions;
    if (version == 0) {
      std::fprintf(stderr,
                   "error: no configuration is stored yet (`switchboard serve` stores "
                   "the one it runs with)\n");
      return 1;
    }
  }
  auto text = (*s)->LoadConfigVersion(version);
  if (!text.ok()) {
    std::fprintf(stderr, "error: %s\n", text.status().message().c_str());
    return 1;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}

int Purge(const std::string& url, const store::RetentionPolicy& p) {
  auto s = Open(url);
  if (!s.ok()) return 2;
  auto r = (*s)->Purge(p, Now());
  if (!r.ok()) {
    std::fprintf(stderr, "error: %s\n", r.status().message().c_str());
    return 1;
  }
  std::printf("purged: %lld events, %lld CDRs, %lld cases, %lld audit rows, %lld recordings\n",
              static_cast<long long>(r->events), static_cast<long long>(r->cdrs),
              static_cast<long long>(r->cases), static_cast<long long>(r->audit),
              static_cast<long long>(r->recordings));
  if (r->recording_files_failed > 0) {
    std::printf("recording files that could not be deleted (gone already?): %lld\n",
                static_cast<long long>(r->recording_files_failed));
  }
  return 0;
}

// Writes `events` AgentReady events (agent i % 100, one millisecond apart) and a case every
// 100 events; prints "event N" when the first N events are durable and "case NUMBER" when a
// case is, flushing each line so that a killer sees exactly what was acknowledged.
int Drill(const std::string& url, int events) {
  auto s = Open(url);
  if (!s.ok()) return 2;
  auto last = (*s)->LastEventSeq();
  if (!last.ok() || *last != 0) {
    std::fprintf(stderr, "error: the drill needs an empty store; %s has events\n", url.c_str());
    return 2;
  }
  store::StoreWriter writer(std::move(s).value(), store::WriterOptions{});
  const std::int64_t t0 = 1748822400000;              // 2025-06-02T00:00Z
  std::deque<std::pair<std::uint64_t, int>> pending;  // (ticket, events written up to it)
  int acked = 0;
  auto report = [&] {
    const std::uint64_t durable = writer.durable();
    int upto = acked;
    while (!pending.empty() && pending.front().first <= durable) {
      upto = pending.front().second;
      pending.pop_front();
    }
    if (upto > acked) {
      acked = upto;
      std::printf("event %d\n", acked);
      std::fflush(stdout);
    }
  };
  for (int i = 1; i <= events; ++i) {
    const std::uint64_t ticket = writer.Post(
        core::AgentReady{FromMillis(t0 + i), AgentId{static_cast<std::uint32_t>(i % 100)}});
    if (ticket == 0) {
      std::fprintf(stderr, "error: write buffer full\n");
      return 1;
    }
    pending.emplace_back(ticket, i);
    if (i % 100 == 0) {
      auto opened = writer
                        .Call([i, t0](store::Store& st) {
                          cases::CaseService svc(st, {});
                          return svc.Open(cases::OpenRequest{
                              "drill", t0 + i, static_cast<std::uint64_t>(i), 0, {}, "drill case"});
                        })
                        .get();
      if (!opened.ok()) {
        std::fprintf(stderr, "error: %s\n", opened.status().message().c_str());
        return 1;
      }
      report();
      std::printf("case %s\n", opened->header.confirmation.c_str());
      std::fflush(stdout);
    }
  }
  writer.WaitDurable(writer.health().posted, std::chrono::minutes(5));
  report();
  return 0;
}

int CheckDrill(const std::string& url, const std::string& acks) {
  std::ifstream in(acks);
  if (!in) {
    std::fprintf(stderr, "error: cannot read %s\n", acks.c_str());
    return 2;
  }
  auto s = Open(url);
  if (!s.ok()) return 2;
  int acked_events = 0, acked_cases = 0, missing = 0;
  std::string kind, value;
  while (in >> kind >> value) {
    if (kind == "event") {
      acked_events = std::max(acked_events, std::atoi(value.c_str()));
    } else if (kind == "case") {
      ++acked_cases;
      if (!(*s)->LoadCaseByConfirmation(value).ok()) {
        std::printf("missing case %s\n", value.c_str());
        ++missing;
      }
    }
  }
  auto stored = (*s)->ReadEvents(kTimeZero, kNever);
  if (!stored.ok()) {
    std::fprintf(stderr, "error: %s\n", stored.status().message().c_str());
    return 1;
  }
  // The log must be the drill's events 1..n in order, with no gap, n >= what was acknowledged.
  std::int64_t expect = 1;
  for (const store::StoredEvent& e : *stored) {
    const auto* r = std::get_if<core::AgentReady>(&e.event);
    if (e.seq != expect || r == nullptr || r->agent.value != expect % 100) {
      std::printf("event %lld is not the drill's event %lld\n", static_cast<long long>(e.seq),
                  static_cast<long long>(expect));
      return 1;
    }
    ++expect;
  }
  const long long have = expect - 1;
  std::printf("acknowledged: %d events, %d cases; stored: %lld events\n", acked_events, acked_cases,
              have);
  if (have < acked_events) {
    std::printf("LOST: %lld acknowledged events are missing\n", acked_events - have);
    return 1;
  }
  if (missing > 0) {
    std::printf("LOST: %d acknowledged cases are missing\n", missing);
    return 1;
  }
  std::printf("ok: every acknowledged write is there\n");
  return 0;
}

}  // namespace

void RegisterStoreCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("store", "Inspect and maintain the store (SQLite or PostgreSQL)");
  cmd->require_subcommand(1);
  auto url = std::make_shared<std::string>();
  const char* url_help = "the store: a SQLite file, sqlite:PATH, or postgresql://user@host/db";

  auto* info = cmd->add_subcommand("info", "Schema version and row counts");
  info->add_option("--store", *url, url_help)->required();
  info->callback([url] { ExitCode() = Info(*url); });

  auto version = std::make_shared<std::int64_t>(0);
  auto* config = cmd->add_subcommand(
      "config", "Print a configuration the server ran with (every change is kept as a version)");
  config->add_option("--store", *url, url_help)->required();
  config->add_option("--version", *version, "which version (default: the latest)");
  config->callback([url, version] { ExitCode() = Config(*url, *version); });

  auto policy = std::make_shared<store::RetentionPolicy>();
  auto* purge = cmd->add_subcommand("purge", "Delete data older than its retention period now");
  purge->add_option("--store", *url, url_help)->required();
  purge->add_option("--events-days", policy->events_days,
                    "keep the event log this many days (0: forever)");
  purge->add_option("--cdrs-days", policy->cdrs_days, "keep call detail records this many days");
  purge->add_option("--cases-days", policy->cases_days,
                    "keep cases this many days after their last edit");
  purge->add_option("--audit-days", policy->audit_days, "keep audit rows this many days");
  purge->add_option("--recordings-days", policy->recordings_days,
                    "keep call recordings (rows and WAV files) this many days");
  purge->callback([url, policy] { ExitCode() = Purge(*url, *policy); });

  auto n = std::make_shared<int>(100000);
  auto* drill = cmd->add_subcommand(
      "drill", "Durability drill: write a burst of events and cases, printing acknowledgements");
  drill->add_option("--store", *url, "an empty scratch store")->required();
  drill->add_option("--events", *n, "how many events (a case every 100)");
  drill->callback([url, n] { ExitCode() = Drill(*url, *n); });

  auto acks = std::make_shared<std::string>();
  auto* check =
      cmd->add_subcommand("check-drill", "Check that every acknowledged drill write is stored");
  check->add_option("--store", *url, url_help)->required();
  check->add_option("--acks", *acks, "the drill's standard output")->required();
  check->callback([url, acks] { ExitCode() = CheckDrill(*url, *acks); });
}

}  // namespace sb::server
