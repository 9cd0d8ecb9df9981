// switchboard case: cases from the command line (the agent desktop uses the same CaseService).
//   case open --store URL --user LOGIN [--call ID] [--queue N] [--record ID]... [--notes TEXT]
//   case show NUMBER --store URL --user LOGIN          (audited as a view)
//   case set NUMBER --store URL --user LOGIN [--status S] [--disposition D] [--notes TEXT]
// Every command writes an audit row naming --user.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cases/confirmation.h"
#include "cases/service.h"
#include "config/config.h"
#include "server/commands.h"
#include "store/store.h"

namespace sb::server {
namespace {

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct CaseArgs {
  std::string store, config, user, number, notes, status, disposition;
  std::uint64_t call = 0;
  std::uint32_t queue = 0;
  std::vector<std::string> records;
  bool notes_set = false;
};

void PrintCase(const cases::Case& c) {
  std::printf("case %s (id %lld), %s, version %lld\n", c.header.confirmation.c_str(),
              static_cast<long long>(c.header.id),
              std::string(cases::CaseStatusName(c.status)).c_str(),
              static_cast<long long>(c.version));
  std::printf("  read back: %s\n", cases::Spoken(c.header.confirmation).c_str());
  std::printf("  opened %s by %s\n", FormatTime(FromMillis(c.header.opened_ms)).c_str(),
              c.header.opened_by.c_str());
  if (!c.disposition.empty()) std::printf("  disposition: %s\n", c.disposition.c_str());
  if (!c.notes.empty()) std::printf("  notes: %s\n", c.notes.c_str());
  for (const auto& f : c.followups) {
    std::printf("  follow-up %d: %s (due %s, %s)%s\n", f.number, f.task.c_str(),
                FormatTime(FromMillis(f.due_ms)).c_str(), f.assignee.c_str(),
                f.done ? " done" : "");
  }
  for (const auto& l : c.links) std::printf("  linked %s %s\n", l.kind.c_str(), l.ref.c_str());
  std::printf("  history:\n");
  for (const auto& e : c.history) {
    std::printf("    v%lld %s %s %s: '%s' -> '%s'\n", static_cast<long long>(e.version),
                FormatTime(FromMillis(e.at_ms)).c_str(), e.user.c_str(), e.field.c_str(),
                e.old_value.c_str(), e.new_value.c_str());
  }
}

int Fail(const Status& s) {
  std::fprintf(stderr, "error: %s\n", s.message().c_str());
  return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

// Disposition codes per queue id, from the configuration's queues.
Result<cases::CaseRules> Rules(const std::string& path) {
  cases::CaseRules rules;
  if (path.empty()) return rules;
  SB_ASSIGN_OR_RETURN(core::EngineSettings engine, config::LoadEngineSettings(path));
  SB_ASSIGN_OR_RETURN(config::StoreConfig sc, config::LoadStoreConfig(path));
  for (const auto& [name, codes] : sc.dispositions) {
    const QueueId q = core::FindQueue(engine, name);
    if (q.valid()) rules.dispositions[q.value] = codes;
  }
  return rules;
}

int Run(const CaseArgs& a, const std::string& what) {
  auto rules = Rules(a.config);
  if (!rules.ok()) return Fail(rules.status());
  auto st = store::OpenStore(a.store);
  if (!st.ok()) return Fail(st.status());
  cases::CaseService svc(**st, *rules);
  const std::int64_t now = NowMs();
  if (what == "open") {
    auto c = svc.Open(cases::OpenRequest{a.user, now, a.call, a.queue, a.records, a.notes});
    if (!c.ok()) return Fail(c.status());
    PrintCase(*c);
    return 0;
  }
  auto c = svc.FindByConfirmation(a.number, a.user, now, a.call);
  if (!c.ok()) return Fail(c.status());
  if (what == "show") {
    PrintCase(*c);
    return 0;
  }
  cases::ChangeRequest ch;
  ch.case_id = c->header.id;
  ch.base_version = c->version;
  ch.user = a.user;
  ch.at_ms = now;
  ch.call = a.call;
  if (!a.status.empty()) {
    auto s = cases::ParseCaseStatus(a.status);
    if (!s.ok()) return Fail(s.status());
    ch.status = *s;
  }
  if (!a.disposition.empty()) ch.disposition = a.disposition;
  if (a.notes_set) ch.notes = a.notes;
  ch.link_records = a.records;
  auto after = svc.Change(ch);
  if (!after.ok()) return Fail(after.status());
  PrintCase(*after);
  return 0;
}

}  // namespace

void RegisterCaseCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("case", "Open, show and change cases (audited)");
  cmd->require_subcommand(1);
  auto a = std::make_shared<CaseArgs>();
  auto common = [a](CLI::App* sub) {
    sub->add_option("--store", a->store, "the store: a SQLite file or postgresql://...")
        ->required();
    sub->add_option("--user", a->user, "who is doing this (written to the audit log)")->required();
    sub->add_option("--call", a->call, "the call this is done for, if any");
    sub->add_option("--config", a->config, "configuration whose queues list the dispositions");
  };
  auto* open = cmd->add_subcommand("open", "Open a case and print its confirmation number");
  common(open);
  open->add_option("--queue", a->queue, "queue id (for its dispositions)");
  open->add_option("--record", a->records, "a directory record the case concerns (repeatable)");
  open->add_option("--notes", a->notes, "first notes");
  open->callback([a] { ExitCode() = Run(*a, "open"); });

  auto* show = cmd->add_subcommand("show", "Show a case and its history");
  common(show);
  show->add_option("NUMBER", a->number, "confirmation number, e.g. K7Q-4821-X")->required();
  show->callback([a] { ExitCode() = Run(*a, "show"); });

  auto* set = cmd->add_subcommand("set", "Change a case's status, disposition or notes");
  common(set);
  set->add_option("NUMBER", a->number, "confirmation number")->required();
  set->add_option("--status", a->status, "open, pending or closed");
  set->add_option("--disposition", a->disposition, "disposition code");
  set->add_option("--notes", a->notes, "replace the notes")->each([a](const std::string&) {
    a->notes_set = true;
  });
  set->add_option("--record", a->records, "link a directory record (repeatable)");
  set->callback([a] { ExitCode() = Run(*a, "set"); });
}

}  // namespace sb::server
