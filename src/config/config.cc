#include "config/config.h"

#include <fstream>

#include "base/utf8.h"
#include "config/internal.h"
#include "config/toml_guard.h"

namespace sb::config {
namespace internal {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFound(path + ": cannot open the file; check the path");
  // Read no more than the guard accepts: the path may name /dev/zero or a pipe that never ends.
  std::string text;
  char buf[1 << 16];
  while (text.size() <= internal::kMaxTomlBytes && (f.read(buf, sizeof buf) || f.gcount() > 0)) {
    text.append(buf, static_cast<std::size_t>(f.gcount()));
  }
  return text;
}

Result<toml::table> Parse(std::string_view text, std::string_view name) {
  SB_RETURN_IF_ERROR(internal::CheckTomlShape(text, name));
  toml::parse_result r = toml::parse(text, name);
  if (!r) {
    const toml::parse_error& e = r.error();
    return InvalidArgument(std::string(name) + ":" + std::to_string(e.source().begin.line) + ":" +
                           std::to_string(e.source().begin.column) + ": TOML syntax: " +
                           Printable(e.description(), internal::kMaxMessageBytes));
  }
  return std::move(r).table();
}

}  // namespace internal
namespace {
using internal::Parse;
using internal::ReadFile;

// The validators quote names from the file (agents, queues) as they are.
Status Readable(const Status& s) {
  return s.ok() ? s : Status(s.code(), Printable(s.message(), internal::kMaxMessageBytes));
}

Status CheckTopKeys(const std::string& file, const toml::table& root, bool sim) {
  internal::Reader r(file, root, "");
  (void)sim;
  return r.OnlyKeys({"engine", "calendar", "queue", "agent", "agent_pool", "sim", "store",
                     "retention", "routing_hints", "sip", "trunk", "number", "phone", "recording"});
}

}  // namespace

Result<core::EngineSettings> EngineSettingsFromString(std::string_view toml,
                                                      std::string_view name) {
  SB_ASSIGN_OR_RETURN(toml::table root, Parse(toml, name));
  const std::string file(name);
  SB_RETURN_IF_ERROR(CheckTopKeys(file, root, false));
  core::EngineSettings s;
  SB_RETURN_IF_ERROR(internal::ReadEngine(file, root, &s));
  SB_RETURN_IF_ERROR(Readable(core::ValidateSettings(s)).WithContext(file));
  // The routing hints travel with the engine's settings: check-config checks them too.
  SB_RETURN_IF_ERROR(RoutingHintsFromString(toml, name).status());
  return s;
}

Result<sim::SimSettings> SimSettingsFromString(std::string_view toml, std::string_view name) {
  SB_ASSIGN_OR_RETURN(core::EngineSettings engine, EngineSettingsFromString(toml, name));
  SB_ASSIGN_OR_RETURN(toml::table root, Parse(toml, name));
  const std::string file(name);
  sim::SimSettings s;
  s.engine = std::move(engine);
  SB_RETURN_IF_ERROR(internal::ReadSim(file, root, &s));
  SB_RETURN_IF_ERROR(Readable(sim::ValidateSimSettings(s)).WithContext(file));
  return s;
}

Result<StoreConfig> StoreConfigFromString(std::string_view toml, std::string_view name) {
  SB_ASSIGN_OR_RETURN(toml::table root, Parse(toml, name));
  const std::string file(name);
  SB_RETURN_IF_ERROR(CheckTopKeys(file, root, false));
  StoreConfig c;
  if (const toml::node* n = root.get("store")) {
    const toml::table* t = n->as_table();
    if (t == nullptr) return InvalidArgument(file + ": [store] must be a table");
    internal::Reader r(file, *t, "store");
    SB_RETURN_IF_ERROR(r.OnlyKeys({"url", "buffer", "spill", "spill_max_mb", "commit_interval"}));
    SB_RETURN_IF_ERROR(r.String("url", &c.url));
    if (c.url.empty())
      return r.Error(r.Get("url"), "url", "expected a file name or a postgresql:// URL");
    SB_RETURN_IF_ERROR(r.Int("buffer", 1000, 100'000'000, &c.buffer));
    SB_RETURN_IF_ERROR(r.String("spill", &c.spill));
    SB_RETURN_IF_ERROR(r.Int("spill_max_mb", 1, 1'000'000, &c.spill_max_mb));
    SB_RETURN_IF_ERROR(r.Dur("commit_interval", &c.commit_interval));
    if (c.commit_interval < Duration(0) || c.commit_interval > std::chrono::milliseconds(100)) {
      return r.Error(r.Get("commit_interval"), "commit_interval",
                     "expected 0 (commit at once) to 100ms");
    }
  }
  if (const toml::node* n = root.get("retention")) {
    const toml::table* t = n->as_table();
    if (t == nullptr) return InvalidArgument(file + ": [retention] must be a table");
    internal::Reader r(file, *t, "retention");
    SB_RETURN_IF_ERROR(r.OnlyKeys({"events_days", "cdrs_days", "cases_days", "audit_days",
                                   "recordings_days", "purge_every"}));
    constexpr std::int64_t kMaxDays = 36500;
    SB_RETURN_IF_ERROR(r.Int("events_days", 0, kMaxDays, &c.events_days));
    SB_RETURN_IF_ERROR(r.Int("cdrs_days", 0, kMaxDays, &c.cdrs_days));
    SB_RETURN_IF_ERROR(r.Int("cases_days", 0, kMaxDays, &c.cases_days));
    SB_RETURN_IF_ERROR(r.Int("audit_days", 0, kMaxDays, &c.audit_days));
    SB_RETURN_IF_ERROR(r.Int("recordings_days", 0, kMaxDays, &c.recordings_days));
    SB_RETURN_IF_ERROR(r.Dur("purge_every", &c.purge_every));
    if (c.purge_every < std::chrono::minutes(1)) {
      return r.Error(r.Get("purge_every"), "purge_every", "expected at least 1m");
    }
  }
  Status s = internal::ForEachTable(file, root, "queue", [&](const toml::table& t) -> Status {
    internal::Reader r(file, t, "queue");
    std::string name;
    SB_RETURN_IF_ERROR(r.String("name", &name, true));
    if (r.Get("dispositions") == nullptr) return Status::Ok();
    internal::Reader named(file, t, "queue '" + name + "'");
    std::vector<std::string> codes;
    SB_RETURN_IF_ERROR(named.StringList("dispositions", &codes));
    for (const std::string& code : codes) {
      if (code.empty() || code.size() > 64) {
        return named.Error(named.Get("dispositions"), "dispositions",
                           "expected codes of 1 to 64 characters");
      }
    }
    c.dispositions[name] = std::move(codes);
    return Status::Ok();
  });
  SB_RETURN_IF_ERROR(s);
  return c;
}

Result<RoutingHintsConfig> RoutingHintsFromString(std::string_view toml, std::string_view name) {
  SB_ASSIGN_OR_RETURN(toml::table root, Parse(toml, name));
  const std::string file(name);
  SB_RETURN_IF_ERROR(CheckTopKeys(file, root, false));
  RoutingHintsConfig c;
  const toml::node* n = root.get("routing_hints");
  if (n == nullptr) return c;
  const toml::table* t = n->as_table();
  if (t == nullptr) return InvalidArgument(file + ": [routing_hints] must be a table");
  internal::Reader r(file, *t, "routing_hints");
  SB_RETURN_IF_ERROR(r.OnlyKeys({"segment_priority"}));
  if (const toml::node* sp = r.Get("segment_priority")) {
    const toml::table* st = sp->as_table();
    if (st == nullptr) return r.Error(sp, "segment_priority", "expected a table like { gold = 5 }");
    internal::Reader seg(file, *st, "routing_hints.segment_priority");
    for (const auto& [k, v] : *st) {
      std::int64_t p = 0;
      // A segment raises its callers' priority (callers without one have 0).
      SB_RETURN_IF_ERROR(seg.Int(k.str(), 0, 1000, &p));
      c.segment_priority[std::string(k.str())] = static_cast<std::int32_t>(p);
    }
  }
  return c;
}

Result<RoutingHintsConfig> LoadRoutingHints(const std::string& path) {
  SB_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return RoutingHintsFromString(text, path);
}

Result<StoreConfig> LoadStoreConfig(const std::string& path) {
  SB_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return StoreConfigFromString(text, path);
}

Result<core::EngineSettings> LoadEngineSettings(const std::string& path) {
  SB_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return EngineSettingsFromString(text, path);
}

Result<sim::SimSettings> LoadSimSettings(const std::string& path) {
  SB_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return SimSettingsFromString(text, path);
}

}  // namespace sb::config
