// [[trunk]] -> config::TrunkConfig (config.h): who may send us calls (allow) and how we call out
// through it (outbound, digest credentials, caller-ID, number rewriting). The password is read
// from the file or from `password_file` and is never part of a message.

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "config/config.h"
#include "config/internal.h"

namespace sb::config::internal {

bool IsNumericAddress(const std::string& a) {
  unsigned char buf[16];
  return inet_pton(AF_INET, a.c_str(), buf) == 1 || inet_pton(AF_INET6, a.c_str(), buf) == 1;
}

bool IsDialString(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '+' || c == '*' || c == '#' || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

namespace {

constexpr std::size_t kMaxSecret = 128;

bool IsHostName(std::string_view h) {
  if (h.empty() || h.size() > 253 || h.front() == '.' || h.front() == '-') return false;
  for (char c : h) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// "sip:HOST[:PORT][;transport=udp|tcp|tls]" -> host[:port] and the parameters; false if not.
bool ParseOutbound(const std::string& uri, std::string* host_port, std::string* params) {
  if (uri.size() > 300 || uri.rfind("sip:", 0) != 0) return false;
  std::string_view rest(uri);
  rest.remove_prefix(4);
  const std::size_t semi = rest.find(';');
  std::string_view hp = rest.substr(0, semi);
  std::string_view par = semi == std::string_view::npos ? "" : rest.substr(semi);
  if (!par.empty() && par != ";transport=udp" && par != ";transport=tcp" &&
      par != ";transport=tls") {
    return false;
  }
  std::string_view host = hp, port;
  if (!hp.empty() && hp.front() == '[') {  // [IPv6]:port
    const std::size_t close = hp.find(']');
    if (close == std::string_view::npos) return false;
    host = hp.substr(1, close - 1);
    std::string_view after = hp.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
    }
    unsigned char buf[16];
    if (inet_pton(AF_INET6, std::string(host).c_str(), buf) != 1) return false;
  } else {
    const std::size_t colon = hp.find(':');
    if (colon != std::string_view::npos) {
      host = hp.substr(0, colon);
      port = hp.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (!IsHostName(host)) return false;
  }
  if (!port.empty()) {
    if (port.size() > 5) return false;
    long v = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    if (v < 1 || v > 65535) return false;
  }
  *host_port = std::string(hp);
  *params = std::string(par);
  return true;
}

// What sofia-sip can carry in its "Digest:"realm":user:password" credentials: no ':' (it ends
// each field) and no control characters.
bool IsCredential(const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == ':') return false;
  }
  return true;
}

bool IsDigits(const std::string& s) {  // a prefix or the part of a number to strip
  if (s.size() > 16) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '+' || c == '*' || c == '#')) return false;
  }
  return true;
}

constexpr const char* kSecretRule =
    "expected 1 to 128 characters without ':' or control characters (sofia-sip's credentials "
    "end a field at ':'); the value is not shown";

Status ReadPassword(const Reader& r, TrunkConfig* tc) {
  const toml::node* inline_pw = r.Get("password");
  const toml::node* file_pw = r.Get("password_file");
  if (inline_pw && file_pw) {
    return r.Error(file_pw, "password_file", "give password or password_file, not both");
  }
  if (inline_pw) {
    // Not Reader::String: no message may quote the value.
    if (!inline_pw->is_string()) return r.Error(inline_pw, "password", kSecretRule);
    tc->password = inline_pw->value<std::string>().value_or("");
    if (!IsCredential(tc->password, kMaxSecret)) return r.Error(inline_pw, "password", kSecretRule);
    return Status::Ok();
  }
  if (!file_pw) return Status::Ok();
  std::string path;
  SB_RETURN_IF_ERROR(r.String("password_file", &path));
  if (path.empty() || path[0] != '/' || path.size() > 1024) {
    return r.Error(file_pw, "password_file", "expected an absolute path");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return r.Error(file_pw, "password_file", "cannot read " + path + ": " + std::strerror(errno));
  }
  std::string line;
  char ch = 0;
  while (in.get(ch) && ch != '\n' && line.size() <= kMaxSecret) line.push_back(ch);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (!IsCredential(line, kMaxSecret)) {
    return r.Error(file_pw, "password_file", std::string("its first line: ") + kSecretRule);
  }
  tc->password = std::move(line);
  return Status::Ok();
}

Status ReadOutbound(const Reader& r, TrunkConfig* tc) {
  const toml::node* out = r.Get("outbound");
  if (out == nullptr) {
    for (std::string_view k : {"username", "password", "password_file", "from_number", "strip",
                               "prefix", "ring_timeout"}) {
      if (r.Get(k)) return r.Error(r.Get(k), k, "goes with outbound = \"sip:host:port\"");
    }
    return Status::Ok();
  }
  SB_RETURN_IF_ERROR(r.String("outbound", &tc->outbound, true));
  if (!ParseOutbound(tc->outbound, &tc->outbound_host, &tc->outbound_params)) {
    return r.Error(
        out, "outbound",
        "expected \"sip:HOST[:PORT]\" (an address or a DNS name, no user part: the "
        "number dialled goes there), optionally with \";transport=tcp\" or \";transport=tls\"");
  }
  SB_RETURN_IF_ERROR(r.String("username", &tc->username));
  if (r.Get("username") && !IsCredential(tc->username, 64)) {
    return r.Error(r.Get("username"), "username",
                   "expected 1 to 64 characters without ':' or control characters");
  }
  SB_RETURN_IF_ERROR(ReadPassword(r, tc));
  if (tc->username.empty() != tc->password.empty()) {
    return r.Error(nullptr, tc->username.empty() ? "username" : "password",
                   "username and password (or password_file) go together (digest "
                   "authentication of our calls)");
  }
  SB_RETURN_IF_ERROR(r.String("from_number", &tc->from_number, true));
  if (!IsDialString(tc->from_number)) {
    return r.Error(r.Get("from_number"), "from_number",
                   "expected the caller-ID to present: 1 to 64 of 0-9 a-z A-Z + * # - _ .");
  }
  SB_RETURN_IF_ERROR(r.String("strip", &tc->strip));
  SB_RETURN_IF_ERROR(r.String("prefix", &tc->prefix));
  for (auto [k, v] : {std::pair<std::string_view, const std::string*>{"strip", &tc->strip},
                      {"prefix", &tc->prefix}}) {
    if (!IsDigits(*v)) return r.Error(r.Get(k), k, "expected up to 16 of 0-9 + * #");
  }
  SB_RETURN_IF_ERROR(r.Dur("ring_timeout", &tc->ring_timeout));
  if (tc->ring_timeout < std::chrono::seconds(1) || tc->ring_timeout > std::chrono::minutes(5)) {
    return r.Error(r.Get("ring_timeout"), "ring_timeout", "expected 1s to 5m");
  }
  return Status::Ok();
}

// inbound_user + inbound_ha1: the trunk's calls authenticate by digest, like the phones.
Status ReadInbound(const Reader& r, TrunkConfig* tc) {
  SB_RETURN_IF_ERROR(r.String("inbound_user", &tc->inbound_user));
  SB_RETURN_IF_ERROR(r.String("inbound_ha1", &tc->inbound_ha1));
  if (tc->inbound_user.empty() != tc->inbound_ha1.empty()) {
    const std::string_view k = tc->inbound_user.empty() ? "inbound_user" : "inbound_ha1";
    return r.Error(r.Get(tc->inbound_user.empty() ? "inbound_ha1" : "inbound_user"), k,
                   "inbound_user and inbound_ha1 go together (digest authentication of the "
                   "trunk's calls)");
  }
  if (tc->inbound_user.empty()) return Status::Ok();
  bool ok = tc->inbound_user.size() <= 64;
  for (unsigned char ch : tc->inbound_user) {
    ok = ok && ch > 0x20 && ch != 0x7f && ch != '"' && ch != '\\' && ch != ':';
  }
  if (!ok) {
    return r.Error(r.Get("inbound_user"), "inbound_user",
                   "expected 1 to 64 characters without spaces, quotes, '\\' or ':'");
  }
  bool hex = tc->inbound_ha1.size() == 32;
  for (char ch : tc->inbound_ha1)
    hex = hex && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
  if (!hex) {
    return r.Error(r.Get("inbound_ha1"), "inbound_ha1",
                   "expected 32 lower-case hex digits, MD5(user:realm:password): `switchboard "
                   "phone-ha1 USER --realm REALM` prints them from the password");
  }
  return Status::Ok();
}

}  // namespace

Status ReadTrunk(const Reader& r, TrunkConfig* tc) {
  SB_RETURN_IF_ERROR(r.OnlyKeys({"name", "allow", "outbound", "username", "password",
                                 "password_file", "from_number", "strip", "prefix", "ring_timeout",
                                 "srtp", "inbound_user", "inbound_ha1"}));
  SB_RETURN_IF_ERROR(r.String("name", &tc->name, true));
  if (tc->name.empty() || tc->name.size() > 64) {
    return r.Error(r.Get("name"), "name", "expected 1 to 64 characters");
  }
  SB_RETURN_IF_ERROR(r.StringList("allow", &tc->allow));
  SB_RETURN_IF_ERROR(ReadInbound(r, tc));
  if (tc->allow.empty() && tc->inbound_user.empty() && (r.Get("allow") || !r.Get("outbound"))) {
    return r.Error(r.Get("allow"), "allow",
                   "expected the peer's addresses, e.g. [\"192.0.2.10\"], inbound_user and "
                   "inbound_ha1 (its calls authenticate by digest), and/or outbound = "
                   "\"sip:host:port\"");
  }
  for (const std::string& a : tc->allow) {
    if (!IsNumericAddress(a)) {
      return r.Error(r.Get("allow"), "allow", "expected numeric IP addresses, got \"" + a + "\"");
    }
  }
  if (r.Get("srtp")) {
    SrtpMode mode = SrtpMode::kOptional;
    SB_RETURN_IF_ERROR(ReadSrtpMode(r, "srtp", &mode));
    tc->srtp = mode;
  }
  return ReadOutbound(r, tc);
}

}  // namespace sb::config::internal
