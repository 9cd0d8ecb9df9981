#include "config/config.h"

#include <fstream>
#include <sstream>

#include "config/internal.h"

namespace sb::config {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFound(path + ": cannot open the file; check the path");
  std::ostringstream ss;
  ss << f.rdbuf();
  if (ss.str().size() > 64 * 1024 * 1024) return InvalidArgument(path + ": larger than 64 MiB");
  return ss.str();
}

Result<toml::table> Parse(std::string_view text, std::string_view name) {
  toml::parse_result r = toml::parse(text, name);
  if (!r) {
    const toml::parse_error& e = r.error();
    return InvalidArgument(std::string(name) + ":" + std::to_string(e.source().begin.line) + ":" +
                           std::to_string(e.source().begin.column) + ": TOML syntax: " +
                           std::string(e.description()));
  }
  return std::move(r).table();
}

Status CheckTopKeys(const std::string& file, const toml::table& root, bool sim) {
  internal::Reader r(file, root, "");
  if (sim) return r.OnlyKeys({"engine", "calendar", "queue", "agent", "agent_pool", "sim"});
  return r.OnlyKeys({"engine", "calendar", "queue", "agent", "agent_pool", "sim"});
}

}  // namespace

Result<core::EngineSettings> EngineSettingsFromString(std::string_view toml, std::string_view name) {
  SB_ASSIGN_OR_RETURN(toml::table root, Parse(toml, name));
  const std::string file(name);
  SB_RETURN_IF_ERROR(CheckTopKeys(file, root, false));
  core::EngineSettings s;
  SB_RETURN_IF_ERROR(internal::ReadEngine(file, root, &s));
  SB_RETURN_IF_ERROR(core::ValidateSettings(s).WithContext(file));
  return s;
}

Result<sim::SimSettings> SimSettingsFromString(std::string_view toml, std::string_view name) {
  SB_ASSIGN_OR_RETURN(core::EngineSettings engine, EngineSettingsFromString(toml, name));
  SB_ASSIGN_OR_RETURN(toml::table root, Parse(toml, name));
  const std::string file(name);
  sim::SimSettings s;
  s.engine = std::move(engine);
  SB_RETURN_IF_ERROR(internal::ReadSim(file, root, &s));
  SB_RETURN_IF_ERROR(sim::ValidateSimSettings(s).WithContext(file));
  return s;
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
