// Checks that need the whole configuration: overflow cycles between queues.

#include <cinttypes>
#include <cstdio>

#include "config/internal.h"

namespace sb::config::internal {
namespace {

// The first cycle among `edges` (of one kind): the edge that closes it and the queues around
// it, starting at that edge's source; `closing` is null if there is none.
struct Cycle {
  const OverflowEdge* closing = nullptr;
  std::vector<std::uint32_t> queues;
};

Cycle FindCycle(std::size_t n, const std::vector<const OverflowEdge*>& edges) {
  std::vector<std::vector<const OverflowEdge*>> next(n);
  for (const OverflowEdge* e : edges) next[e->from].push_back(e);
  std::vector<int> color(n, 0);  // 0 new, 1 on the path, 2 done
  std::vector<std::pair<std::uint32_t, std::size_t>> path;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (color[root] != 0) continue;
    path.push_back({root, 0});
    color[root] = 1;
    while (!path.empty()) {
      auto& [node, edge] = path.back();
      if (edge == next[node].size()) {
        color[node] = 2;
        path.pop_back();
        continue;
      }
      const OverflowEdge* e = next[node][edge++];
      if (color[e->to] == 1) {
        Cycle c{e, {node}};
        std::size_t i = 0;
        while (path[i].first != e->to) ++i;
        for (; i + 1 < path.size(); ++i) c.queues.push_back(path[i].first);
        return c;  // node, to, ..., the queue before node
      }
      if (color[e->to] == 0) {
        color[e->to] = 1;
        path.push_back({e->to, 0});
      }
    }
  }
  return {};
}

}  // namespace

Status CheckOverflowCycles(const core::EngineSettings& s, const std::vector<OverflowEdge>& edges) {
  for (bool waited : {false, true}) {
    std::vector<const OverflowEdge*> kind;
    for (const OverflowEdge& e : edges) {
      if (e.waited == waited) kind.push_back(&e);
    }
    const Cycle c = FindCycle(s.queues.size(), kind);
    if (c.closing == nullptr) continue;
    std::string around;
    for (std::uint32_t q : c.queues) around += s.queues[q].name + " -> ";
    around += s.queues[c.queues.front()].name;
    return InvalidArgument(
        c.closing->at + ": overflows back to queue '" + s.queues[c.closing->from].name + "' (" +
        around + "); " +
        (waited ? "a caller would be moved round the circle for ever; end it with a queue that "
                  "keeps the caller"
                : "end the chain with a message or callback"));
  }
  return Status::Ok();
}

std::string DurationText(Duration d) {
  const std::int64_t ms = d.count();
  char buf[32];
  if (ms % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%" PRId64 "s", ms / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRId64 "ms", ms);
  }
  return buf;
}

}  // namespace sb::config::internal
