// Layouts (layout.h): stable ids for agents and queues across configuration versions.

#include "config/layout.h"

#include <unordered_map>
#include <unordered_set>

namespace sb::config {
namespace {

bool Printable(std::string_view name) {
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return !name.empty();
}

// Ids for one kind (agents or queues): where each loaded entry (by position) goes.
struct Assigned {
  std::vector<std::uint32_t> id_of;  // by position in the file
  std::vector<Layout::Entry> layout;
};

template <typename T>
Result<Assigned> Assign(const char* kind, const std::vector<Layout::Entry>& previous,
                        const std::vector<T>& loaded, Placed* report) {
  std::unordered_map<std::string_view, std::uint32_t> known;
  for (std::uint32_t id = 0; id < previous.size(); ++id) known.emplace(previous[id].name, id);
  std::unordered_set<std::string_view> names;
  for (const T& item : loaded) names.insert(item.name);
  Assigned out;
  out.layout = previous;
  std::vector<bool> claimed(previous.size(), false);
  const std::string k(kind);
  for (const T& item : loaded) {
    if (!Printable(item.name)) {
      return InvalidArgument(k + " name '" + item.name + "' is empty or has control characters");
    }
    std::uint32_t id = 0;
    const auto self = known.find(item.name);
    const auto old = item.renamed_from.empty() ? known.end() : known.find(item.renamed_from);
    if (self != known.end()) {
      if (old != known.end() && old->second != self->second) {
        return InvalidArgument(k + " '" + item.name + "': renamed_from = \"" + item.renamed_from +
                               "\", but '" + item.name +
                               "' exists already; remove renamed_from or one of the two");
      }
      id = self->second;  // (a renamed_from left in the file after its rename applies is fine)
    } else if (old != known.end()) {
      if (names.count(item.renamed_from) != 0) {
        return InvalidArgument(k + " '" + item.name + "': renamed_from = \"" + item.renamed_from +
                               "\", but the configuration still has '" + item.renamed_from + "'");
      }
      id = old->second;
      if (claimed[id]) {
        return InvalidArgument(k + " '" + item.name + "': '" + item.renamed_from +
                               "' is renamed twice");
      }
      report->renamed.push_back(k + " " + item.renamed_from + " -> " + item.name);
      out.layout[id].name = item.name;
    } else {
      id = static_cast<std::uint32_t>(out.layout.size());
      out.layout.push_back({item.name, false});
      claimed.push_back(false);
      report->added.push_back(k + " " + item.name);
    }
    if (id < previous.size() && previous[id].removed) report->added.push_back(k + " " + item.name);
    claimed[id] = true;
    out.layout[id].removed = false;
    out.id_of.push_back(id);
  }
  for (std::uint32_t id = 0; id < previous.size(); ++id) {
    if (claimed[id]) continue;
    if (!previous[id].removed) report->removed.push_back(k + " " + previous[id].name);
    out.layout[id].removed = true;
  }
  return out;
}

}  // namespace

std::string EncodeLayout(const Layout& layout) {
  std::string out;
  for (const auto& [kind, entries] :
       {std::pair{"agent", &layout.agents}, {"queue", &layout.queues}}) {
    for (const Layout::Entry& e : *entries) {
      out += e.removed ? "removed-" : "";
      out += kind;
      out += ' ';
      out += e.name;
      out += '\n';
    }
  }
  return out;
}

Result<Layout> DecodeLayout(std::string_view text) {
  Layout out;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      return InvalidArgument("layout line " + std::to_string(line) + " has no end");
    }
    std::string_view l = text.substr(0, end);
    text.remove_prefix(end + 1);
    const bool removed = l.starts_with("removed-");
    if (removed) l.remove_prefix(8);
    std::vector<Layout::Entry>* to = nullptr;
    if (l.starts_with("agent ")) {
      to = &out.agents;
    } else if (l.starts_with("queue ")) {
      to = &out.queues;
    }
    if (to == nullptr || !Printable(l.substr(6))) {
      return InvalidArgument("layout line " + std::to_string(line) +
                             ": expected \"agent NAME\" or \"queue NAME\"");
    }
    to->push_back({std::string(l.substr(6)), removed});
  }
  return out;
}

Layout LayoutOf(const core::EngineSettings& settings) {
  Layout out;
  for (const auto& a : settings.agents) out.agents.push_back({a.name, a.retired});
  for (const auto& q : settings.queues) out.queues.push_back({q.name, q.retired});
  return out;
}

Result<Placed> ApplyLayout(const Layout& previous, core::EngineSettings settings) {
  Placed out;
  SB_ASSIGN_OR_RETURN(Assigned queues, Assign("queue", previous.queues, settings.queues, &out));
  SB_ASSIGN_OR_RETURN(Assigned agents, Assign("agent", previous.agents, settings.agents, &out));
  auto remap = [&](QueueId& q) {
    if (q.valid() && q.value < queues.id_of.size()) q = QueueId{queues.id_of[q.value]};
  };
  for (core::QueueSettings& q : settings.queues) {
    for (core::RelaxStep& step : q.relax) remap(step.queue);
    for (core::Fallback* f : {&q.when_closed, &q.when_full, &q.when_max_wait}) remap(f->queue);
  }
  for (core::AgentSettings& a : settings.agents) {
    for (core::QueueMembership& m : a.queues) remap(m.queue);
  }
  core::EngineSettings placed = settings;
  placed.queues.assign(queues.layout.size(), core::QueueSettings{});
  for (std::size_t id = 0; id < queues.layout.size(); ++id) {
    placed.queues[id].name = queues.layout[id].name;
    placed.queues[id].retired = true;
  }
  for (std::size_t i = 0; i < settings.queues.size(); ++i) {
    placed.queues[queues.id_of[i]] = std::move(settings.queues[i]);
  }
  placed.agents.assign(agents.layout.size(), core::AgentSettings{});
  for (std::size_t id = 0; id < agents.layout.size(); ++id) {
    placed.agents[id].name = agents.layout[id].name;
    placed.agents[id].retired = true;
  }
  for (std::size_t i = 0; i < settings.agents.size(); ++i) {
    placed.agents[agents.id_of[i]] = std::move(settings.agents[i]);
  }
  out.settings = std::move(placed);
  out.layout.agents = std::move(agents.layout);
  out.layout.queues = std::move(queues.layout);
  return out;
}

}  // namespace sb::config
