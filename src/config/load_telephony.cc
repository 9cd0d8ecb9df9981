// [sip], [[trunk]], [[number]] and [[phone]] -> config::TelephonyConfig (config.h).

#include <arpa/inet.h>

#include <set>

#include "config/config.h"
#include "config/internal.h"

namespace sb::config {
namespace {

bool IsNumericAddress(const std::string& a) {
  unsigned char buf[16];
  return inet_pton(AF_INET, a.c_str(), buf) == 1 || inet_pton(AF_INET6, a.c_str(), buf) == 1;
}

// What may stand in a SIP URI's user part or a dialled number without escaping.
bool IsDialString(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '+' || c == '*' || c == '#' || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string Replace(std::string s, std::string_view what, const std::string& with) {
  for (std::size_t at = s.find(what); at != std::string::npos;
       at = s.find(what, at + with.size())) {
    s.replace(at, what.size(), with);
  }
  return s;
}

Status ReadSip(internal::Reader& r, TelephonyConfig* c) {
  SB_RETURN_IF_ERROR(r.OnlyKeys({"listen", "port", "realm", "rtp_address", "rtp_ports",
                                 "no_rtp_timeout", "max_calls", "hold_music"}));
  SB_RETURN_IF_ERROR(r.String("realm", &c->realm));
  if (c->realm.empty() || c->realm.size() > 128 ||
      c->realm.find_first_of("\"\\\r\n") != std::string::npos) {
    return r.Error(r.Get("realm"), "realm", "expected 1 to 128 characters without quotes");
  }
  SB_RETURN_IF_ERROR(r.String("listen", &c->listen));
  if (c->listen != "*" && !IsNumericAddress(c->listen)) {
    return r.Error(r.Get("listen"), "listen", "expected a numeric IPv4 or IPv6 address, or \"*\"");
  }
  SB_RETURN_IF_ERROR(r.Int("port", 1, 65535, &c->port));
  SB_RETURN_IF_ERROR(r.String("rtp_address", &c->rtp_address));
  if (!IsNumericAddress(c->rtp_address)) {
    return r.Error(r.Get("rtp_address"), "rtp_address",
                   "expected a numeric IPv4 or IPv6 address of this machine");
  }
  std::string ports;
  SB_RETURN_IF_ERROR(r.String("rtp_ports", &ports));
  if (!ports.empty()) {
    unsigned lo = 0, hi = 0;
    char tail = 0;
    if (std::sscanf(ports.c_str(), "%u-%u%c", &lo, &hi, &tail) != 2 || lo < 1024 || hi > 65535 ||
        hi < lo + 2) {
      return r.Error(r.Get("rtp_ports"), "rtp_ports",
                     "expected a range like \"20000-29999\" within 1024-65535");
    }
    c->rtp_min = lo;
    c->rtp_max = hi;
  }
  SB_RETURN_IF_ERROR(r.Dur("no_rtp_timeout", &c->no_rtp_timeout));
  if (c->no_rtp_timeout < std::chrono::seconds(1)) {
    return r.Error(r.Get("no_rtp_timeout"), "no_rtp_timeout", "expected at least 1s");
  }
  SB_RETURN_IF_ERROR(r.Int("max_calls", 1, 1'000'000, &c->max_calls));
  SB_RETURN_IF_ERROR(r.String("hold_music", &c->hold_music));
  return Status::Ok();
}

}  // namespace

Result<TelephonyConfig> TelephonyConfigFromString(std::string_view toml, std::string_view name,
                                                  const core::EngineSettings& engine) {
  SB_ASSIGN_OR_RETURN(toml::table root, internal::Parse(toml, name));
  const std::string file(name);
  TelephonyConfig c;
  if (const toml::node* n = root.get("sip")) {
    const toml::table* t = n->as_table();
    if (t == nullptr) return InvalidArgument(file + ": [sip] must be a table");
    internal::Reader r(file, *t, "sip");
    SB_RETURN_IF_ERROR(ReadSip(r, &c));
    c.enabled = true;
  }
  std::set<std::string> trunks;
  SB_RETURN_IF_ERROR(internal::ForEachTable(file, root, "trunk", [&](const toml::table& t) {
    internal::Reader r(file, t, "trunk");
    SB_RETURN_IF_ERROR(r.OnlyKeys({"name", "allow"}));
    TrunkConfig tc;
    SB_RETURN_IF_ERROR(r.String("name", &tc.name, true));
    if (!trunks.insert(tc.name).second) {
      return r.Error(r.Get("name"), "name", "declared already; each trunk once");
    }
    SB_RETURN_IF_ERROR(r.StringList("allow", &tc.allow));
    if (tc.allow.empty()) {
      return r.Error(r.Get("allow"), "allow",
                     "expected the peer's addresses, e.g. [\"192.0.2.10\"] (digest authentication "
                     "of trunks is not built yet)");
    }
    for (const std::string& a : tc.allow) {
      if (!IsNumericAddress(a)) {
        return r.Error(r.Get("allow"), "allow", "expected numeric IP addresses, got \"" + a + "\"");
      }
    }
    c.trunks.push_back(std::move(tc));
    return Status::Ok();
  }));
  std::set<std::string> numbers;
  SB_RETURN_IF_ERROR(internal::ForEachTable(file, root, "number", [&](const toml::table& t) {
    internal::Reader r(file, t, "number");
    SB_RETURN_IF_ERROR(r.OnlyKeys({"number", "queue"}));
    NumberConfig nc;
    SB_RETURN_IF_ERROR(r.String("number", &nc.number, true));
    if (!IsDialString(nc.number)) {
      return r.Error(r.Get("number"), "number",
                     "expected 1 to 64 of 0-9 a-z A-Z + * # - _ . (the Request-URI user)");
    }
    if (!numbers.insert(nc.number).second) {
      return r.Error(r.Get("number"), "number", "declared already; each number once");
    }
    SB_RETURN_IF_ERROR(r.String("queue", &nc.queue, true));
    if (!core::FindQueue(engine, nc.queue).valid()) {
      return r.Error(r.Get("queue"), "queue", "no queue named '" + nc.queue + "'");
    }
    c.numbers.push_back(std::move(nc));
    return Status::Ok();
  }));
  std::set<std::string> phones;
  SB_RETURN_IF_ERROR(internal::ForEachTable(file, root, "phone", [&](const toml::table& t) {
    internal::Reader r(file, t, "phone");
    SB_RETURN_IF_ERROR(r.OnlyKeys({"agent", "prefix", "contact", "ports", "ha1", "ready"}));
    std::string agent, prefix, contact, ha1;
    bool ready = false;
    SB_RETURN_IF_ERROR(r.String("agent", &agent));
    SB_RETURN_IF_ERROR(r.String("prefix", &prefix));
    SB_RETURN_IF_ERROR(r.String("contact", &contact));
    SB_RETURN_IF_ERROR(r.String("ha1", &ha1));
    if (!ha1.empty()) {
      bool hex = ha1.size() == 32;
      for (char ch : ha1) hex = hex && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
      if (!hex) {
        return r.Error(r.Get("ha1"), "ha1",
                       "expected 32 lower-case hex digits: `switchboard phone-ha1 AGENT "
                       "--realm REALM` prints them from the password");
      }
      if (agent.empty()) {
        return r.Error(r.Get("ha1"), "ha1", "goes with agent = \"name\" (one per phone)");
      }
    }
    if (contact.empty() && ha1.empty()) {
      return r.Error(nullptr, "contact",
                     "give the phone's contact (a fixed address) or ha1 (it registers)");
    }
    SB_RETURN_IF_ERROR(r.Bool("ready", &ready));
    if (agent.empty() == prefix.empty()) {
      return r.Error(nullptr, "agent", "give either agent = \"name\" or prefix = \"pool-\"");
    }
    if (!contact.empty() && (contact.rfind("sip:", 0) != 0 || contact.size() > 256)) {
      return r.Error(r.Get("contact"), "contact",
                     "expected a SIP URI like \"sip:{agent}@192.0.2.20:5060\"");
    }
    std::vector<std::int64_t> ports;
    if (const toml::node* pn = r.Get("ports")) {
      const toml::array* arr = pn->as_array();
      if (arr == nullptr || arr->empty()) {
        return r.Error(pn, "ports", "expected a list of ports, e.g. [5070, 5071]");
      }
      for (const toml::node& p : *arr) {
        auto v = p.value<std::int64_t>();
        if (!v || *v < 1 || *v > 65535) return r.Error(pn, "ports", "expected ports 1-65535");
        ports.push_back(*v);
      }
    }
    const bool templated_port = contact.find("{port}") != std::string::npos;
    if (templated_port != !ports.empty()) {
      return r.Error(r.Get("contact"), "contact",
                     "{port} in the contact and a `ports` list go together");
    }
    std::size_t matched = 0;
    for (const core::AgentSettings& a : engine.agents) {
      const bool match = agent.empty() ? a.name.rfind(prefix, 0) == 0 : a.name == agent;
      if (!match) continue;
      if (!phones.insert(a.name).second) {
        return r.Error(nullptr, "agent", "agent '" + a.name + "' has a phone already");
      }
      if (!IsDialString(a.name)) {
        return r.Error(nullptr, "agent", "agent '" + a.name + "' cannot be a SIP user name");
      }
      PhoneConfig pc;
      pc.agent = a.name;
      pc.ready = ready;
      pc.ha1 = ha1;
      pc.contact = Replace(contact, "{agent}", a.name);
      if (templated_port) {
        pc.contact = Replace(pc.contact, "{port}", std::to_string(ports[matched % ports.size()]));
      }
      c.phones.push_back(std::move(pc));
      ++matched;
    }
    if (matched == 0) {
      return r.Error(nullptr, agent.empty() ? "prefix" : "agent",
                     "names no agent of the configuration");
    }
    return Status::Ok();
  }));
  if (c.enabled && c.numbers.empty()) {
    return InvalidArgument(file + ": [sip] is set but no [[number]] says where calls go");
  }
  return c;
}

Result<TelephonyConfig> LoadTelephonyConfig(const std::string& path,
                                            const core::EngineSettings& engine) {
  SB_ASSIGN_OR_RETURN(std::string text, internal::ReadFile(path));
  return TelephonyConfigFromString(text, path, engine);
}

}  // namespace sb::config
