#pragma once
// The start-up of `serve`: the routing state rebuilt from the store. From the latest checkpoint
// and the events after it when there is a usable one (start-up time and memory stay flat as the
// log grows), else from the whole log.

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "core/engine.h"
#include "store/store.h"

namespace sb::server {

struct Rebuilt {
  std::unique_ptr<core::Engine> engine;
  std::string checkpoint;          // the checkpoint restored from (its registries), or empty
  std::vector<core::Event> after;  // the events replayed, for Controller::Seed
  std::uint64_t next_contact = 1;  // above every contact id the events name
  bool from_checkpoint = false;
  std::string why_not;               // why a checkpoint present was not used
  std::uint64_t config_version = 0;  // the configuration version the rebuilt engine runs
};

// `settings_of` gives the settings of a stored configuration version. The engine starts from
// the version its checkpoint was taken under (or, replaying the whole log, the one before the
// log's first SettingsChanged), `latest` for checkpoints and logs older than versions, and
// follows every SettingsChanged after it.
Result<Rebuilt> Rebuild(store::Store& store, const core::SettingsResolver& settings_of,
                        std::uint64_t latest, Time now);

}  // namespace sb::server
