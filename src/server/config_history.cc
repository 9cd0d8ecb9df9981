#include "server/config_history.h"

#include "config/config.h"

namespace sb::server {
namespace {

Result<ConfigVersion> Load(store::Store& store, std::uint64_t version) {
  ConfigVersion out;
  out.version = version;
  const auto v = static_cast<std::int64_t>(version);
  SB_ASSIGN_OR_RETURN(out.text, store.LoadConfigVersion(v));
  SB_ASSIGN_OR_RETURN(std::string layout, store.LoadConfigLayout(v));
  const std::string name = "configuration version " + std::to_string(version);
  if (layout.empty()) {
    SB_ASSIGN_OR_RETURN(auto settings, config::EngineSettingsFromString(out.text, name));
    out.layout = config::LayoutOf(settings);
  } else {
    auto decoded = config::DecodeLayout(layout);
    if (!decoded.ok()) return decoded.status().WithContext(name);
    out.layout = std::move(decoded).value();
  }
  return out;
}

}  // namespace

Result<ConfigVersion> LatestConfig(store::Store& store) {
  SB_ASSIGN_OR_RETURN(std::int64_t latest, store.LatestConfigVersion());
  if (latest <= 0) return ConfigVersion{};
  return Load(store, static_cast<std::uint64_t>(latest));
}

Result<core::EngineSettings> SettingsOfVersion(store::Store& store, std::uint64_t version) {
  SB_ASSIGN_OR_RETURN(ConfigVersion v, Load(store, version));
  const std::string name = "configuration version " + std::to_string(version);
  SB_ASSIGN_OR_RETURN(auto settings, config::EngineSettingsFromString(v.text, name));
  // Every name of the version is in its own layout: nothing is added, the ids are exact.
  SB_ASSIGN_OR_RETURN(config::Placed placed, config::ApplyLayout(v.layout, std::move(settings)));
  if (placed.layout != v.layout) {
    return InvalidArgument(name + ": its layout does not match its text");
  }
  return std::move(placed.settings);
}

}  // namespace sb::server
