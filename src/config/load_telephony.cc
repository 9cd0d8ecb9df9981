// [sip], [[trunk]], [[number]] and [[phone]] -> config::TelephonyConfig (config.h).

#include <set>

#include "base/utf8.h"
#include "config/config.h"
#include "config/internal.h"

namespace sb::config {
namespace {

using internal::IsDialString;
using internal::IsNumericAddress;

std::string Replace(std::string s, std::string_view what, const std::string& with) {
  for (std::size_t at = s.find(what); at != std::string::npos;
       at = s.find(what, at + with.size())) {
    s.replace(at, what.size(), with);
  }
  return s;
}

constexpr std::size_t kMaxClips = 16;  // WAV files in one prompt or message
constexpr std::size_t kMaxPath = 1024;

}  // namespace

Status internal::SoundList(const internal::Reader& r, std::string_view key,
                           const std::string& sounds, std::vector<std::string>* out) {
  SB_RETURN_IF_ERROR(r.StringList(key, out));
  if (r.Get(key) == nullptr) return Status::Ok();
  if (out->empty() || out->size() > kMaxClips) {
    return r.Error(r.Get(key), key,
                   "expected 1 to " + std::to_string(kMaxClips) + " WAV files, played in order");
  }
  for (std::string& f : *out) {
    if (f.empty() || f.size() > kMaxPath || f.find('\0') != std::string::npos) {
      return r.Error(r.Get(key), key, "expected file names of 1 to 1024 characters");
    }
    if (f[0] != '/') f = sounds + "/" + f;
  }
  return Status::Ok();
}

namespace {

Status ReadSip(internal::Reader& r, TelephonyConfig* c) {
  SB_RETURN_IF_ERROR(r.OnlyKeys({"listen",
                                 "port",
                                 "realm",
                                 "rtp_address",
                                 "rtp_ports",
                                 "no_rtp_timeout",
                                 "max_calls",
                                 "media_threads",
                                 "media_send",
                                 "hold_music",
                                 "sounds",
                                 "closed_message",
                                 "full_message",
                                 "max_wait_message",
                                 "no_input_message",
                                 "callback_message",
                                 "callback_offer_message",
                                 "callback_trunk",
                                 "qualify_every",
                                 "session_expires",
                                 "ivr",
                                 "languages",
                                 "tls_port",
                                 "tls_certificate",
                                 "tls_key",
                                 "srtp",
                                 "transfer"}));
  SB_RETURN_IF_ERROR(internal::ReadLanguages(r, c));
  SB_RETURN_IF_ERROR(r.String("sounds", &c->sounds));
  if (c->sounds.empty() || c->sounds.size() > kMaxPath || c->sounds[0] != '/') {
    return r.Error(r.Get("sounds"), "sounds", "expected an absolute directory");
  }
  while (c->sounds.size() > 1 && c->sounds.back() == '/') c->sounds.pop_back();
  const std::string& d = c->sounds;
  c->closed_message = {d + "/all-circuits-busy-now.wav", d + "/please-try-call-later.wav"};
  c->full_message = c->closed_message;
  c->max_wait_message = {d + "/sorry.wav", d + "/please-try-call-later.wav"};
  c->no_input_message = {d + "/goodbye.wav"};
  c->callback_message = {d + "/auth-thankyou.wav", d + "/goodbye.wav"};
  c->callback_offer_message = {d + "/vm-press.wav", d + "/digits/1.wav", d + "/vm-tocallback.wav"};
  SB_RETURN_IF_ERROR(SoundList(r, "closed_message", d, &c->closed_message));
  SB_RETURN_IF_ERROR(SoundList(r, "full_message", d, &c->full_message));
  SB_RETURN_IF_ERROR(SoundList(r, "max_wait_message", d, &c->max_wait_message));
  SB_RETURN_IF_ERROR(SoundList(r, "no_input_message", d, &c->no_input_message));
  SB_RETURN_IF_ERROR(SoundList(r, "callback_message", d, &c->callback_message));
  SB_RETURN_IF_ERROR(SoundList(r, "callback_offer_message", d, &c->callback_offer_message));
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
  SB_RETURN_IF_ERROR(r.Dur("qualify_every", &c->qualify_every));
  if (c->qualify_every != Duration{0} &&
      (c->qualify_every < std::chrono::seconds(1) || c->qualify_every > std::chrono::hours(1))) {
    return r.Error(r.Get("qualify_every"), "qualify_every",
                   "expected 0 (off) or 1s to 1h between OPTIONS to each phone");
  }
  SB_RETURN_IF_ERROR(r.Dur("session_expires", &c->session_expires));
  if (c->session_expires != Duration{0} &&
      (c->session_expires < std::chrono::seconds(90) ||
       c->session_expires > std::chrono::hours(24) ||
       c->session_expires % std::chrono::seconds(1) != Duration{0})) {
    return r.Error(r.Get("session_expires"), "session_expires",
                   "expected 0 (off) or whole seconds from 90s (RFC 4028's smallest) to 24h");
  }
  SB_RETURN_IF_ERROR(r.Int("max_calls", 1, 1'000'000, &c->max_calls));
  SB_RETURN_IF_ERROR(r.Int("media_threads", 0, 8, &c->media_threads));
  if (const toml::node* n = r.Get("media_send")) {
    const std::string v = n->value<std::string>().value_or("");
    if (v != "auto" && v != "sendmmsg") {
      return r.Error(n, "media_send",
                     "expected \"auto\" (io_uring where the kernel allows it, else sendmmsg) or "
                     "\"sendmmsg\"");
    }
    c->media_io_uring = v == "auto";
  }
  SB_RETURN_IF_ERROR(r.String("hold_music", &c->hold_music));
  SB_RETURN_IF_ERROR(internal::ReadSipSecurity(r, c));
  return Status::Ok();
}

// [sip] callback_trunk names a trunk with `outbound`; without it, the first such trunk.
Status ChooseCallbackTrunk(const std::string& file, const toml::table& root, TelephonyConfig* c) {
  const toml::table* sip = root.get("sip") ? root.get("sip")->as_table() : nullptr;
  std::string name;
  if (sip) {
    internal::Reader r(file, *sip, "sip");
    SB_RETURN_IF_ERROR(r.String("callback_trunk", &name));
    if (r.Get("callback_trunk")) {
      for (std::size_t i = 0; i < c->trunks.size(); ++i) {
        if (c->trunks[i].name != name) continue;
        if (c->trunks[i].outbound.empty()) {
          return r.Error(r.Get("callback_trunk"), "callback_trunk",
                         "trunk '" + name + "' has no outbound = \"sip:host:port\"");
        }
        c->callback_trunk = static_cast<int>(i);
        return Status::Ok();
      }
      return r.Error(r.Get("callback_trunk"), "callback_trunk",
                     "no [[trunk]] named '" + name + "'");
    }
  }
  for (std::size_t i = 0; i < c->trunks.size(); ++i) {
    if (!c->trunks[i].outbound.empty()) {
      c->callback_trunk = static_cast<int>(i);
      break;
    }
  }
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
    SB_RETURN_IF_ERROR(internal::ReadMenus(file, *t, &c, engine));
    c.enabled = true;
  }
  std::set<std::string> trunks;
  SB_RETURN_IF_ERROR(internal::ForEachTable(file, root, "trunk", [&](const toml::table& t) {
    internal::Reader r(file, t, "trunk");
    TrunkConfig tc;
    SB_RETURN_IF_ERROR(internal::ReadTrunk(r, &tc));
    if (!tc.outbound.empty() && tc.ring_timeout >= c.no_rtp_timeout) {
      // The customer's leg receives no RTP while it rings: the no-RTP time-out would end it.
      return r.Error(r.Get("ring_timeout"), "ring_timeout",
                     "must be shorter than [sip] no_rtp_timeout (" +
                         internal::DurationText(c.no_rtp_timeout) + ")");
    }
    if (!trunks.insert(tc.name).second) {
      return r.Error(r.Get("name"), "name", "declared already; each trunk once");
    }
    c.trunks.push_back(std::move(tc));
    return Status::Ok();
  }));
  SB_RETURN_IF_ERROR(ChooseCallbackTrunk(file, root, &c));
  SB_RETURN_IF_ERROR(internal::ReadTransfer(file, root, &c));
  std::set<std::string> numbers;
  SB_RETURN_IF_ERROR(internal::ForEachTable(file, root, "number", [&](const toml::table& t) {
    internal::Reader r(file, t, "number");
    SB_RETURN_IF_ERROR(r.OnlyKeys({"number", "queue", "ivr", "announce_every"}));
    NumberConfig nc;
    SB_RETURN_IF_ERROR(r.String("number", &nc.number, true));
    if (!IsDialString(nc.number)) {
      return r.Error(r.Get("number"), "number",
                     "expected 1 to 64 of 0-9 a-z A-Z + * # - _ . (the Request-URI user)");
    }
    if (!numbers.insert(nc.number).second) {
      return r.Error(r.Get("number"), "number", "declared already; each number once");
    }
    if ((r.Get("queue") == nullptr) == (r.Get("ivr") == nullptr)) {
      return r.Error(nullptr, "queue",
                     "give either queue = \"name\" or ivr = \"menu\" (where its calls go)");
    }
    if (r.Get("queue")) {
      SB_RETURN_IF_ERROR(r.String("queue", &nc.queue, true));
      if (!core::FindQueue(engine, nc.queue).valid()) {
        return r.Error(r.Get("queue"), "queue", "no queue named '" + nc.queue + "'");
      }
    } else {
      SB_RETURN_IF_ERROR(r.String("ivr", &nc.ivr, true));
      bool known = false;
      for (const IvrMenu& m : c.menus) known = known || m.name == nc.ivr;
      if (!known) {
        return r.Error(r.Get("ivr"), "ivr", "no [[sip.ivr]] menu named '" + nc.ivr + "'");
      }
    }
    SB_RETURN_IF_ERROR(r.Dur("announce_every", &nc.announce_every));
    if (nc.announce_every != Duration{0} && (nc.announce_every < std::chrono::seconds(5) ||
                                             nc.announce_every > std::chrono::hours(1))) {
      return r.Error(r.Get("announce_every"), "announce_every",
                     "expected 5s to 1h (or 0, the default: no announcements)");
    }
    c.numbers.push_back(std::move(nc));
    return Status::Ok();
  }));
  std::set<std::string> phones;
  SB_RETURN_IF_ERROR(internal::ForEachTable(file, root, "phone", [&](const toml::table& t) {
    internal::Reader r(file, t, "phone");
    SB_RETURN_IF_ERROR(r.OnlyKeys({"agent", "prefix", "contact", "ports", "ha1", "ready", "srtp"}));
    std::string agent, prefix, contact, ha1;
    bool ready = false, srtp = false;
    SB_RETURN_IF_ERROR(r.Bool("srtp", &srtp));
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
      pc.srtp = srtp;
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
  SB_RETURN_IF_ERROR(internal::ReadRecording(file, root, &c.recording));
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
