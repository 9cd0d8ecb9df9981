// The JSON-lines commands of `serve`, end to end in process: every line of the input is parsed
// as a request and, when it parses, run by a Controller over a small center (time moving on a
// little each line, timers fired), its reply encoded. Bugs: a sanitizer report, a reply that is
// not valid UTF-8 JSON, or a refused command that still wrote to the store.

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "control/controller.h"
#include "control/testing/memory_recorder.h"
#include "server/json_lines.h"

namespace {

sb::core::EngineSettings Center() {
  sb::core::EngineSettings s;
  s.skills = {"fr"};
  for (const char* name : {"sales", "support"}) {
    sb::core::QueueSettings q;
    q.name = name;
    q.offer_timeout = std::chrono::seconds(2);
    q.wrap_up = std::chrono::seconds(1);
    q.max_length = 5;
    s.queues.push_back(q);
  }
  s.queues[1].strategy = sb::core::StrategyKind::kRingAll;
  for (const char* name : {"a1", "a2", "a3"}) {
    sb::core::AgentSettings a;
    a.name = name;
    a.queues = {{sb::QueueId{0}, 1}, {sb::QueueId{1}, 2}};
    a.skills = {{sb::SkillId{0}, 3}};
    s.agents.push_back(a);
  }
  return s;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sb::core::EngineSettings settings = Center();
  sb::control::testing::MemoryRecorder rec;
  sb::Time now = sb::FromMillis(1'795'420'800'000);
  auto engine = sb::core::Engine::Create(settings, now);
  if (!engine.ok()) return 0;
  sb::control::ControllerOptions options;
  options.max_contacts = 16;
  options.ivr_limit = std::chrono::seconds(30);
  sb::control::Controller ctl(std::move(engine).value(), rec, 1, options);
  std::string_view in(reinterpret_cast<const char*>(data), size);
  int lines = 0;
  while (!in.empty() && lines++ < 200) {
    const std::size_t nl = in.find('\n');
    const std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    now += std::chrono::milliseconds(700);
    ctl.Tick(now);
    auto cmd = sb::server::ParseRequest(line);
    std::string out;
    if (!cmd.ok()) {
      out = sb::server::EncodeParseError(cmd.status(), line);
    } else {
      const std::uint64_t before = rec.tickets;
      const sb::control::Reply r = ctl.Execute(*cmd, now);
      // A command refused at the front door writes nothing (the engine may still have fired
      // deadlines first; those go out as timer events, before the command).
      if (r.status.code() == sb::StatusCode::kInvalidArgument && r.events.empty()) {
        Check(r.ticket == 0 || rec.tickets == before);
      }
      out = sb::server::EncodeReply(*cmd, r, settings);
    }
    Check(!nlohmann::json::parse(out, nullptr, false).is_discarded());
  }
  return 0;
}
