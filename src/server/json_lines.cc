// The JSON-lines protocol (json_lines.h): requests to Commands, Replies and events to lines.

#include "server/json_lines.h"

#include <nlohmann/json.hpp>
#include <set>

#include "eventlog/eventlog.h"
#include "store/store.h"

namespace sb::server {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Reads the fields of one request object, remembering which were used, so that an unknown
// (misspelt) field is refused rather than silently ignored.
class Fields {
 public:
  explicit Fields(const json& j) : j_(j) {}

  Status String(const char* name, std::string* out, bool required = false) {
    used_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) {
      return required ? InvalidArgument(std::string(name) + ": is required") : Status::Ok();
    }
    if (!it->is_string()) return InvalidArgument(std::string(name) + ": must be a string");
    *out = it->get_ref<const std::string&>();
    return Status::Ok();
  }
  Status OptString(const char* name, std::optional<std::string>* out) {
    std::string s;
    used_.insert(name);
    if (j_.find(name) == j_.end()) return Status::Ok();
    SB_RETURN_IF_ERROR(String(name, &s));
    *out = std::move(s);
    return Status::Ok();
  }
  // An integer in [lo, hi]; JSON numbers with a fraction or an exponent are refused.
  Status Int(const char* name, std::int64_t* out, std::int64_t lo, std::int64_t hi,
             bool required = false) {
    used_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) {
      return required ? InvalidArgument(std::string(name) + ": is required") : Status::Ok();
    }
    const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    if (it->is_number_unsigned()) {
      const auto v = it->get<std::uint64_t>();
      if (v > static_cast<std::uint64_t>(hi)) {
        return OutOfRange(std::string(name) + ": " + std::to_string(v) + " is outside " + range);
      }
      *out = static_cast<std::int64_t>(v);
    } else if (it->is_number_integer()) {
      *out = it->get<std::int64_t>();
    } else if (it->is_number_float()) {
      return InvalidArgument(std::string(name) + ": must be a whole number in " + range + " (got " +
                             Dump(*it) + ")");
    } else {
      return InvalidArgument(std::string(name) + ": must be a number in " + range);
    }
    if (*out < lo || *out > hi) {
      return OutOfRange(std::string(name) + ": " + std::to_string(*out) + " is outside " + range);
    }
    return Status::Ok();
  }
  Status Contact(std::uint64_t* out, bool required = true) {
    std::int64_t v = 0;
    SB_RETURN_IF_ERROR(Int("contact", &v, required ? 1 : 0, INT64_MAX, required));
    *out = static_cast<std::uint64_t>(v);
    return Status::Ok();
  }
  Status Bool(const char* name, bool* out, bool required = true) {
    used_.insert(name);
    auto it = j_.find(name);
    if (it == j_.end() && !required) return Status::Ok();
    if (it == j_.end()) return InvalidArgument(std::string(name) + ": is required");
    if (!it->is_boolean()) return InvalidArgument(std::string(name) + ": must be true or false");
    *out = it->get<bool>();
    return Status::Ok();
  }
  Status NoOthers() const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (it.key() != "op" && !used_.count(it.key())) {
        return InvalidArgument(store::SanitizeText(it.key(), 64) + ": unknown field");
      }
    }
    return Status::Ok();
  }

 private:
  const json& j_;
  std::set<std::string> used_;
};

Result<control::Command> Build(const std::string& op, Fields& f) {
  using namespace control;
  auto agent_cmd = [&](auto cmd) -> Result<Command> {
    SB_RETURN_IF_ERROR(f.String("agent", &cmd.agent, true));
    return Command{std::move(cmd)};
  };
  if (op == "login") {
    Login c;
    SB_RETURN_IF_ERROR(f.String("agent", &c.agent, true));
    SB_RETURN_IF_ERROR(f.String("device", &c.device));
    return Command{c};
  }
  if (op == "logout") return agent_cmd(Logout{});
  if (op == "ready") return agent_cmd(Ready{});
  if (op == "not_ready") {
    NotReady c;
    SB_RETURN_IF_ERROR(f.String("agent", &c.agent, true));
    SB_RETURN_IF_ERROR(f.Int("reason", &c.reason, 0, 254));
    return Command{c};
  }
  if (op == "extend_wrap_up") {
    ExtendWrapUp c;
    SB_RETURN_IF_ERROR(f.String("agent", &c.agent, true));
    SB_RETURN_IF_ERROR(f.Int("seconds", &c.seconds, 1, 86'400, true));
    return Command{c};
  }
  if (op == "arrive") {
    Arrive c;
    SB_RETURN_IF_ERROR(f.String("caller", &c.caller));
    SB_RETURN_IF_ERROR(f.String("trunk", &c.trunk));
    SB_RETURN_IF_ERROR(f.String("handle", &c.handle));
    return Command{c};
  }
  if (op == "ivr") {
    IvrInput c;
    SB_RETURN_IF_ERROR(f.Contact(&c.contact));
    SB_RETURN_IF_ERROR(f.OptString("ivr_id", &c.ivr_id));
    SB_RETURN_IF_ERROR(f.OptString("pin", &c.pin));
    return Command{c};
  }
  if (op == "enqueue") {
    Enqueue c;
    SB_RETURN_IF_ERROR(f.Contact(&c.contact, false));
    SB_RETURN_IF_ERROR(f.String("queue", &c.queue, true));
    SB_RETURN_IF_ERROR(f.String("caller", &c.caller));
    SB_RETURN_IF_ERROR(f.String("ivr_id", &c.ivr_id));
    SB_RETURN_IF_ERROR(f.String("handle", &c.handle));
    SB_RETURN_IF_ERROR(f.Int("priority", &c.priority, -1'000'000, 1'000'000));
    return Command{c};
  }
  if (op == "accept" || op == "decline") {
    Accept c;
    SB_RETURN_IF_ERROR(f.Contact(&c.contact));
    SB_RETURN_IF_ERROR(f.String("agent", &c.agent, true));
    SB_RETURN_IF_ERROR(f.Int("offer", &c.offer, 1, 0xffffffffLL, true));
    if (op == "accept") return Command{c};
    return Command{Decline{c.contact, c.agent, c.offer}};
  }
  auto contact_cmd = [&](auto cmd) -> Result<Command> {
    SB_RETURN_IF_ERROR(f.Contact(&cmd.contact));
    return Command{std::move(cmd)};
  };
  if (op == "hangup") return contact_cmd(Hangup{});
  if (op == "abandon") return contact_cmd(Abandon{});
  if (op == "callback") return contact_cmd(RequestCallback{});
  if (op == "position") return contact_cmd(GetPosition{});
  if (op == "transfer") {
    Transfer c;
    SB_RETURN_IF_ERROR(f.Contact(&c.contact));
    SB_RETURN_IF_ERROR(f.String("queue", &c.queue));
    SB_RETURN_IF_ERROR(f.String("number", &c.number));
    return Command{c};
  }
  if (op == "callback_result") {
    CallbackResult c;
    SB_RETURN_IF_ERROR(f.Contact(&c.contact));
    SB_RETURN_IF_ERROR(f.Bool("reached", &c.reached));
    SB_RETURN_IF_ERROR(f.Bool("permanent", &c.permanent, false));
    return Command{c};
  }
  if (op == "pop") {
    Pop c;
    SB_RETURN_IF_ERROR(f.Contact(&c.contact));
    SB_RETURN_IF_ERROR(f.String("user", &c.user, true));
    return Command{c};
  }
  if (op == "case.open") {
    OpenCase c;
    SB_RETURN_IF_ERROR(f.Contact(&c.contact, false));
    SB_RETURN_IF_ERROR(f.String("user", &c.user, true));
    SB_RETURN_IF_ERROR(f.String("notes", &c.notes));
    return Command{c};
  }
  if (op == "status") return Command{GetStatus{}};
  if (op == "supervise") {
    Supervise c;
    SB_RETURN_IF_ERROR(f.String("supervisor", &c.supervisor, true));
    SB_RETURN_IF_ERROR(f.String("agent", &c.agent, true));
    SB_RETURN_IF_ERROR(f.String("mode", &c.mode, true));
    return Command{c};
  }
  if (op == "consult") {
    Consult c;
    SB_RETURN_IF_ERROR(f.Contact(&c.contact));
    SB_RETURN_IF_ERROR(f.String("agent", &c.agent, true));
    SB_RETURN_IF_ERROR(f.String("target", &c.target));
    SB_RETURN_IF_ERROR(f.String("queue", &c.queue));
    return Command{c};
  }
  if (op == "consult_answer") return contact_cmd(ConsultAnswer{});
  if (op == "consult_complete") return contact_cmd(ConsultComplete{});
  if (op == "consult_cancel") {
    ConsultCancel c;
    SB_RETURN_IF_ERROR(f.Contact(&c.contact));
    SB_RETURN_IF_ERROR(f.Bool("declined", &c.declined, false));
    return Command{c};
  }
  if (op == "supervise_end") {
    SuperviseEnd c;
    SB_RETURN_IF_ERROR(f.String("supervisor", &c.supervisor, true));
    return Command{c};
  }
  return InvalidArgument("op: unknown op '" + store::SanitizeText(op, 64) +
                         "'; see `switchboard serve --help`");
}

json Names(json j, const core::EngineSettings& s) {
  auto name = [&](const char* field, const char* as, bool agent) {
    auto it = j.find(field);
    if (it == j.end() || !it->is_number_unsigned()) return;
    const auto id = it->get<std::uint64_t>();
    if (agent && id < s.agents.size()) j[as] = s.agents[id].name;
    if (!agent && id < s.queues.size()) j[as] = s.queues[id].name;
  };
  name("agent", "agent_name", true);
  name("queue", "queue_name", false);
  name("from", "from_name", false);
  name("to", "to_name", false);
  name("target", "target_name", true);
  return j;
}

json EventJson(const core::Event& e, const core::EngineSettings& s) {
  return Names(json::parse(eventlog::Encode(e), nullptr, false), s);
}

json Estimate(const core::WaitEstimate& w) {
  return {{"mean_ms", w.mean.count()}, {"low_ms", w.low.count()}, {"high_ms", w.high.count()}};
}

}  // namespace

Result<control::Command> ParseRequest(std::string_view line) {
  if (line.size() > kMaxRequestBytes) {
    return InvalidArgument("request: " + std::to_string(line.size()) + " bytes long; at most " +
                           std::to_string(kMaxRequestBytes));
  }
  // No exceptions: a syntax error or a string that is not UTF-8 gives a discarded value.
  const json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded()) {
    return InvalidArgument(store::ValidUtf8(line) ? "bad JSON: not one JSON object"
                                                  : "bad JSON: the line is not valid UTF-8");
  }
  if (!j.is_object()) return InvalidArgument("bad JSON: expected an object with \"op\"");
  auto op = j.find("op");
  if (op == j.end() || !op->is_string()) {
    return InvalidArgument("op: expected an object with \"op\" naming the request");
  }
  Fields f(j);
  SB_ASSIGN_OR_RETURN(control::Command c, Build(op->get<std::string>(), f));
  SB_RETURN_IF_ERROR(f.NoOthers());
  return c;
}

std::string EncodeReply(const control::Command& command, const control::Reply& r,
                        const core::EngineSettings& settings) {
  json j{{"ok", r.status.ok()}, {"op", std::string(control::CommandName(command))}};
  if (!r.status.ok()) j["error"] = r.status.message();
  if (r.contact != 0) j["contact"] = r.contact;
  if (!r.events.empty() || std::holds_alternative<control::Enqueue>(command)) {
    json events = json::array();
    for (const core::Event& e : r.events) events.push_back(EventJson(e, settings));
    j["events"] = std::move(events);
  }
  if (r.ticket != 0) j["ticket"] = r.ticket;
  if (r.priority) j["priority"] = *r.priority;
  if (r.position) {
    j["position"] = r.position->position;
    j["expected_wait"] = Estimate(r.position->estimate);
  }
  if (r.info) {
    j["contacts"] = r.info->contacts;
    j["waiting"] = r.info->waiting;
    j["in_ivr"] = r.info->in_ivr;
    j["agents"] = r.info->agents;
    j["durable"] = r.info->durable;
    j["alarm"] = r.info->store_alarm;
    j["refused_no_store"] = r.info->refused_no_store;
    j["ivr_expired"] = r.info->ivr_expired;
  }
  if (r.pop) {
    json records = json::array();
    for (const auto& rec : r.pop->records) {
      records.push_back({{"id", rec.id}, {"name", rec.name}, {"language", rec.language}});
    }
    j["records"] = std::move(records);
    if (r.pop->partner) {
      j["partner"] = r.pop->partner->partner.id;
      json people = json::array();
      for (const auto& p : r.pop->partner_contacts) {
        people.push_back({{"id", p.id}, {"name", p.name}});
      }
      j["partner_contacts"] = std::move(people);
    }
  }
  return Dump(j);
}

std::string EncodeParseError(const Status& error, std::string_view line) {
  return Dump(
      {{"ok", false}, {"error", error.message()}, {"line", store::SanitizeText(line, 200)}});
}

std::string EncodeTimerEvent(const core::Event& e, const core::EngineSettings& settings) {
  return Dump({{"event", EventJson(e, settings)}});
}

std::string EncodeCaseOpened(std::uint64_t contact, const Result<cases::Case>& c) {
  if (!c.ok()) {
    return Dump({{"ok", false},
                 {"op", "case.opened"},
                 {"contact", contact},
                 {"error", c.status().message()}});
  }
  return Dump({{"ok", true},
               {"op", "case.opened"},
               {"contact", contact},
               {"case", c->header.id},
               {"confirmation", c->header.confirmation}});
}

std::string EncodeDurable(std::uint64_t ticket) { return Dump({{"durable", ticket}}); }

}  // namespace sb::server
