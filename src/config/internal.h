#pragma once
// Internal to config: the readers of each section.

#include <functional>

#include "config/reader.h"
#include "core/settings.h"
#include "sim/settings.h"

namespace sb::config::internal {

// Calls `fn` for each table of the array of tables `key` ([[key]]); error if `key` is not one.
Status ForEachTable(const std::string& file, const toml::table& root, std::string_view key,
                    const std::function<Status(const toml::table&)>& fn);

Status ReadEngine(const std::string& file, const toml::table& root, core::EngineSettings* s);
Status ReadQueue(const std::string& file, const toml::table& t, const core::EngineSettings& s,
                 core::QueueSettings* q);
// `pool`: an [[agent_pool]] (name from `prefix`, `count` read by the caller).
Status ReadAgent(const std::string& file, const toml::table& t, const core::EngineSettings& s,
                 bool pool, core::AgentSettings* a);
Status ReadSim(const std::string& file, const toml::table& root, sim::SimSettings* s);

}  // namespace sb::config::internal
