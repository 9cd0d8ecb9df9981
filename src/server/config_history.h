#pragma once
// The stored configuration versions as `serve` uses them: each version's text and layout (the
// ids of its agents and queues, config/layout.h), the settings of any version for a replay that
// meets SettingsChanged, and where a new file goes in the ids of the latest layout.

#include <cstdint>
#include <string>

#include "base/result.h"
#include "config/layout.h"
#include "core/engine.h"
#include "store/store.h"

namespace sb::server {

struct ConfigVersion {
  std::uint64_t version = 0;  // 0: none stored yet
  std::string text;
  config::Layout layout;
};

// The latest stored version (version 0 when the store has none). A version stored before
// layouts has the layout of its own text, by position.
Result<ConfigVersion> LatestConfig(store::Store& store);

// The engine settings of a stored version, with its ids.
Result<core::EngineSettings> SettingsOfVersion(store::Store& store, std::uint64_t version);

}  // namespace sb::server
