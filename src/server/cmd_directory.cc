// switchboard import / lookup: the organization's records from the command line.
//   import FILE... [--rejects OUT] [--free-form COL]...
//       loads CSV or JSON Lines files into a directory as the server does at start, with a
//       progress bar, and reports rows, rejects (with line numbers) and memory.
//   lookup --records FILE... --store URL --user LOGIN (--phone N | --id ID | --name TEXT)
//          [--call ID] [--kind person|partner] [--partner ID] [--limit N]
//       a screen pop or a search; every look-up writes an audit row (who, when, what, for which
//       call) to the store before anything is shown.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "directory/directory.h"
#include "directory/import.h"
#include "server/commands.h"
#include "server/progress.h"
#include "store/store.h"

namespace sb::server {
namespace {

struct DirArgs {
  std::vector<std::string> files, free_form;
  std::string rejects, store, user, phone, id, name, kind, partner;
  std::uint64_t call = 0;
  std::size_t limit = 10;
};

// Loads every file; prints a summary per file. False if a file could not be read at all.
bool Load(const DirArgs& a, directory::Directory& dir, bool verbose, std::ostream* rejects) {
  directory::ImportOptions opts;
  opts.free_form_columns = a.free_form;
  for (const std::string& f : a.files) {
    const directory::ProgressFn progress = verbose ? ImportProgress(f) : nullptr;
    auto r = directory::ImportFile(f, dir, opts, progress);
    if (!r.ok()) {
      std::fprintf(stderr, "error: %s: %s\n", f.c_str(), r.status().message().c_str());
      return false;
    }
    if (verbose) {
      std::printf("%s: %zu rows: %zu inserted, %zu updated, %zu deleted, %zu rejected\n", f.c_str(),
                  r->rows, r->applied.inserted, r->applied.updated, r->applied.deleted,
                  r->rejected);
    }
    if (r->rejected > 0) {
      if (rejects != nullptr) {
        *rejects << f << ":\n";
        directory::WriteRejects(*r, *rejects);
      } else if (verbose) {
        std::printf("  first rejects (all of them with --rejects FILE):\n");
        directory::ImportReport head = *r;
        if (head.rejects.size() > 5) head.rejects.resize(5);
        head.rejected = head.rejects.size();
        std::ostringstream out;
        directory::WriteRejects(head, out);
        std::printf("%s", out.str().c_str());
      }
    }
  }
  return true;
}

void PrintRecord(const directory::Record& r, double score) {
  std::printf("%-12s %-8s %-28s", r.id.c_str(), std::string(directory::KindName(r.kind)).c_str(),
              r.name.c_str());
  if (score > 0) std::printf(" score %.3f", score);
  for (const std::string& p : r.phones) std::printf(" %s", p.c_str());
  if (!r.organization.empty()) std::printf(" org=%s", r.organization.c_str());
  if (!r.partner_id.empty()) std::printf(" partner=%s", r.partner_id.c_str());
  if (!r.language.empty()) std::printf(" lang=%s", r.language.c_str());
  std::printf("\n");
}

int Import(const DirArgs& a) {
  directory::Directory dir;
  std::ofstream rejects;
  if (!a.rejects.empty()) {
    rejects.open(a.rejects);
    if (!rejects) {
      std::fprintf(stderr, "error: cannot write %s\n", a.rejects.c_str());
      return 2;
    }
  }
  if (!Load(a, dir, true, rejects.is_open() ? &rejects : nullptr)) return 2;
  auto snap = dir.snapshot();
  std::printf("directory: %zu records, %.1f MiB in memory\n", snap->record_count(),
              static_cast<double>(snap->MemoryBytes()) / (1024.0 * 1024.0));
  return 0;
}

int Lookup(const DirArgs& a) {
  const int ways = !a.phone.empty() + !a.id.empty() + !a.name.empty();
  if (ways != 1) {
    std::fprintf(stderr, "error: give exactly one of --phone, --id or --name\n");
    return 2;
  }
  // The audit row is written before anything is shown: no store, no look-up.
  auto st = store::OpenStore(a.store);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.status().message().c_str());
    return 2;
  }
  directory::Directory dir;
  if (!Load(a, dir, false, nullptr)) return 2;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  store::WriteBatch audit;
  std::vector<std::pair<directory::Record, double>> shown;
  std::optional<directory::Attribution> partner;
  std::vector<directory::Record> partner_contacts;
  if (!a.name.empty()) {
    directory::SearchOptions o;
    o.limit = a.limit;
    if (!a.kind.empty()) {
      o.kind = directory::ParseKind(a.kind);
      if (!o.kind) {
        std::fprintf(stderr, "error: --kind must be person or partner\n");
        return 2;
      }
    }
    o.partner_id = a.partner;
    for (auto& hit : dir.Search(a.name, o)) shown.emplace_back(std::move(hit.record), hit.score);
    audit.audit.push_back(store::AuditEntry{
        0, now, a.user, "record.search", "search", a.call, 0,
        "name \"" + a.name + "\" -> " + std::to_string(shown.size()) + " results"});
  } else {
    directory::PopRequest req;
    req.caller = a.phone;
    req.ivr_id = a.id;
    req.max_records = a.limit;
    directory::ScreenPop pop = dir.Pop(req);
    for (auto& r : pop.records) shown.emplace_back(std::move(r), 0.0);
    partner = pop.partner;
    partner_contacts = std::move(pop.partner_contacts);
  }
  for (const auto& [r, score] : shown) {
    audit.audit.push_back(store::AuditEntry{0, now, a.user, "record.view", "record:" + r.id, a.call,
                                            0, a.name.empty() ? "screen pop" : "search"});
  }
  if (partner) {
    audit.audit.push_back(store::AuditEntry{0, now, a.user, "record.view",
                                            "record:" + partner->partner.id, a.call, 0,
                                            "partner of the call"});
  }
  for (const auto& r : partner_contacts) {
    audit.audit.push_back(store::AuditEntry{0, now, a.user, "record.view", "record:" + r.id, a.call,
                                            0, "partner contact"});
  }
  if (Status s = (*st)->Commit(audit); !s.ok()) {
    std::fprintf(stderr, "error: the look-up could not be audited, so nothing is shown: %s\n",
                 s.message().c_str());
    return 1;
  }
  if (shown.empty()) std::printf("no matching record\n");
  for (const auto& [r, score] : shown) PrintRecord(r, score);
  if (partner) {
    std::printf("partner: ");
    PrintRecord(partner->partner, 0);
    for (const auto& r : partner_contacts) {
      std::printf("  contact: ");
      PrintRecord(r, 0);
    }
  }
  return 0;
}

}  // namespace

void RegisterDirectoryCommands(CLI::App& app) {
  auto a = std::make_shared<DirArgs>();
  auto* imp = app.add_subcommand("import", "Load and check records (CSV or JSON Lines)");
  imp->add_option("FILE", a->files, "record files; .jsonl/.ndjson are JSON Lines, others CSV")
      ->required();
  imp->add_option("--rejects", a->rejects, "write every rejected row (line and reason) here");
  imp->add_option("--free-form", a->free_form,
                  "accept this extra column as a free-form field (repeatable; x_* always are)");
  imp->callback([a] { ExitCode() = Import(*a); });

  auto* look = app.add_subcommand("lookup", "Screen pop or name search in the records (audited)");
  look->add_option("--records", a->files, "record files to load")->required();
  look->add_option("--store", a->store, "the store the audit row goes to")->required();
  look->add_option("--user", a->user, "who is looking (written to the audit log)")->required();
  look->add_option("--call", a->call, "the call the look-up is for");
  look->add_option("--phone", a->phone, "caller number (screen pop)");
  look->add_option("--id", a->id, "an id typed in the IVR (screen pop)");
  look->add_option("--name", a->name, "a name, typos and missing accents forgiven");
  look->add_option("--kind", a->kind, "with --name: person or partner");
  look->add_option("--partner", a->partner, "with --name: only this partner's people");
  look->add_option("--limit", a->limit, "at most this many records");
  look->add_option("--free-form", a->free_form, "accept this extra column (repeatable)");
  look->callback([a] { ExitCode() = Lookup(*a); });
}

}  // namespace sb::server
