// switchboard explain LOG --contact ID [--config FILE]: the story of one contact from an event
// log: where it queued, every routing decision with the candidates considered, the rule that
// applied and why the winner won, and how it ended.

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <fstream>

#include "config/config.h"
#include "core/settings.h"
#include "eventlog/eventlog.h"
#include "server/commands.h"

namespace sb::server {
namespace {

struct Names {
  const core::EngineSettings* s = nullptr;
  std::string Agent(AgentId a) const {
    if (!a.valid()) return "-";
    return s && a.value < s->agents.size() ? s->agents[a.value].name
                                           : "agent#" + std::to_string(a.value);
  }
  std::string Queue(QueueId q) const {
    if (!q.valid()) return "-";
    return s && q.value < s->queues.size() ? s->queues[q.value].name
                                           : "queue#" + std::to_string(q.value);
  }
};

std::string Why(const core::Explanation& w, const Names& n) {
  std::string out;
  char buf[256];
  const bool by_contact = w.rule == core::Rule::kContactForAgent;
  std::snprintf(
      buf, sizeof buf,
      "rule %s, strategy %s, relax level %u: %u candidates, %u excluded by skills\n",
      std::string(core::RuleName(w.rule)).c_str(),
      std::string(core::StrategyName(static_cast<core::StrategyKind>(w.strategy))).c_str(),
      w.relax_level, w.considered, w.excluded);
  out += buf;
  for (int i = 0; i < w.shown; ++i) {
    const core::RankedCandidate& c = w.top[i];
    if (by_contact) {
      std::snprintf(
          buf, sizeof buf, "      %s contact %" PRIu64 " in %s: tier %d, weighted wait %.0f s\n",
          i == 0 ? "->" : "  ", c.contact.value, n.Queue(c.queue).c_str(), c.tier, c.score);
    } else {
      std::snprintf(buf, sizeof buf,
                    "      %s %s: tier %d, proficiency %d, idle %d s, score %.4f\n",
                    i == 0 ? "->" : "  ", n.Agent(c.agent).c_str(), c.tier, c.proficiency,
                    c.idle_seconds, c.score);
    }
    out += buf;
  }
  if (w.shown > 1) {
    out += by_contact
               ? "      winner: lowest tier, then the longest wait weighted by queue priority\n"
               : "      winner: lowest tier, then the highest score, then the longest idle\n";
  }
  return out;
}

}  // namespace

void RegisterExplainCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "explain", "Explain every routing decision about one contact from an event log");
  auto log = std::make_shared<std::string>();
  auto cfg = std::make_shared<std::string>();
  auto contact = std::make_shared<std::uint64_t>(0);
  cmd->add_option("LOG", *log, "event log (JSON Lines, e.g. from `switchboard sim --events`)")
      ->required();
  cmd->add_option("--contact", *contact, "contact id")->required();
  cmd->add_option("--config", *cfg, "configuration, to print names instead of ids");
  cmd->callback([log, cfg, contact] {
    std::ifstream in(*log);
    if (!in) {
      std::fprintf(stderr, "error: cannot open %s\n", log->c_str());
      ExitCode() = 2;
      return;
    }
    auto events = eventlog::ReadAll(in, *log);
    if (!events.ok()) {
      std::fprintf(stderr, "error: %s\n", events.status().message().c_str());
      ExitCode() = 2;
      return;
    }
    Names names;
    Result<core::EngineSettings> settings{InvalidArgument("no configuration")};
    if (!cfg->empty()) {
      settings = config::LoadEngineSettings(*cfg);
      if (!settings.ok()) {
        std::fprintf(stderr, "error: %s\n", settings.status().message().c_str());
        ExitCode() = 2;
        return;
      }
      names.s = &*settings;
    }
    int shown = 0;
    for (const core::Event& e : *events) {
      const ContactId id = std::visit(
          [](const auto& v) -> ContactId {
            if constexpr (requires { v.contact; })
              return v.contact;
            else
              return ContactId{};
          },
          e);
      const core::ContactOffered* o = std::get_if<core::ContactOffered>(&e);
      const bool about = id.value == *contact ||
                         (o && o->why.rule == core::Rule::kContactForAgent &&
                          std::any_of(o->why.top.begin(), o->why.top.begin() + o->why.shown,
                                      [&](const auto& c) { return c.contact.value == *contact; }));
      if (!about) continue;
      ++shown;
      std::string line = FormatTime(core::EventTime(e)) + "  " + std::string(core::EventName(e));
      if (const auto* q = std::get_if<core::ContactQueued>(&e)) {
        line += " in " + names.Queue(q->queue) + " at position " + std::to_string(q->position) +
                ", expected wait " + std::to_string(q->estimate.mean.count() / 1000) +
                " s (80% band " + std::to_string(q->estimate.low.count() / 1000) + "-" +
                std::to_string(q->estimate.high.count() / 1000) + " s)";
      } else if (o) {
        line += (o->contact.value == *contact ? " to "
                                              : " (another contact, this one considered) to ") +
                names.Agent(o->agent) + " from " + names.Queue(o->queue) + ", offer " +
                std::to_string(o->offer) + "\n    " + Why(o->why, names);
      } else if (const auto* m = std::get_if<core::ContactMoved>(&e)) {
        line += " from " + names.Queue(m->from) + " to " + names.Queue(m->to) + " (" +
                std::string(core::MoveReasonName(m->reason)) + ")";
      } else if (const auto* end = std::get_if<core::ContactEnded>(&e)) {
        line += ": " + std::string(core::EndReasonName(end->reason)) +
                (end->agent.valid() ? " by " + names.Agent(end->agent) : "");
      } else if (const auto* a = std::get_if<core::OfferAccepted>(&e)) {
        line += " by " + names.Agent(a->agent);
      } else if (const auto* r = std::get_if<core::CallbackRetry>(&e)) {
        line += ": dial " + std::to_string(r->attempt) + " by " + names.Agent(r->agent) +
                " reached nobody; dialled again from " + FormatTime(r->due);
      } else if (const auto* t = std::get_if<core::OfferTimedOut>(&e)) {
        line += ": " + names.Agent(t->agent) + " did not answer";
      }
      std::printf("%s\n", line.c_str());
    }
    if (shown == 0) {
      std::fprintf(stderr,
                   "no events about contact %" PRIu64 " in %s; ids are in ContactQueued lines\n",
                   *contact, log->c_str());
      ExitCode() = 1;
    }
  });
}

}  // namespace sb::server
