#pragma once
// Layouts: the stable ids of agents and queues. The event log names agents and queues by id, so
// an id, once given, belongs to that agent or queue for the life of the store: the layout of
// each stored configuration version lists every name by id, those removed included. A new
// configuration is put into the ids of the previous layout (ApplyLayout): a name keeps its id
// (or, with `renamed_from`, the id of its old name), a new name takes the next id, and a name no
// longer in the file keeps its id as a retired entry. Reordering the file changes nothing.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "core/settings.h"

namespace sb::config {

struct Layout {
  struct Entry {
    std::string name;
    bool removed = false;
    bool operator==(const Entry&) const = default;
  };
  std::vector<Entry> agents;  // by id
  std::vector<Entry> queues;  // by id
  bool operator==(const Layout&) const = default;
};

// Text for the store, one line per id in id order: "agent NAME", "queue NAME", or for removed
// ones "removed-agent NAME", "removed-queue NAME".
std::string EncodeLayout(const Layout& layout);
// InvalidArgument naming the line when the text is not a layout. "" is the empty layout.
Result<Layout> DecodeLayout(std::string_view text);

// The layout of settings as they are (ids = positions): what a version stored before layouts
// had.
Layout LayoutOf(const core::EngineSettings& settings);

struct Placed {
  core::EngineSettings settings;                     // ids from the layout; removed entries retired
  Layout layout;                                     // the previous layout, renamed and extended
  std::vector<std::string> added, removed, renamed;  // for the log: "agent a4", "queue x -> y"
};

// Puts `settings` (as loaded: ids = positions in the file) into the ids of `previous`.
// InvalidArgument when a `renamed_from` names something the previous layout has but the new name
// is also known already, or two entries claim the same old name.
Result<Placed> ApplyLayout(const Layout& previous, core::EngineSettings settings);

}  // namespace sb::config
