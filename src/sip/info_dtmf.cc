// SIP INFO DTMF bodies (info_dtmf.h).

#include "sip/info_dtmf.h"

#include <strings.h>

#include <cctype>
#include <string>

namespace sb::sip {
namespace {

constexpr std::size_t kMaxBody = 1024;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool SameText(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<char> Key(std::string_view v) {
  v = Trim(v);
  if (v.size() == 2 && v == "10") return '*';  // RFC 4733 event codes, as some phones send them
  if (v.size() == 2 && v == "11") return '#';
  if (v.size() != 1) return std::nullopt;
  const char c = v[0];
  if ((c >= '0' && c <= '9') || c == '*' || c == '#') return c;
  return std::nullopt;
}

}  // namespace

std::optional<char> DtmfFromInfo(std::string_view content_type, std::string_view body) {
  if (body.size() > kMaxBody) return std::nullopt;
  std::string_view type = Trim(content_type.substr(0, content_type.find(';')));
  if (SameText(type, "application/dtmf")) return Key(body.substr(0, body.find('\n')));
  if (!SameText(type, "application/dtmf-relay")) return std::nullopt;
  while (!body.empty()) {
    const std::size_t end = body.find('\n');
    std::string_view line = Trim(body.substr(0, end));
    body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    const std::size_t eq = line.find('=');
    if (eq != std::string_view::npos && SameText(Trim(line.substr(0, eq)), "Signal")) {
      return Key(line.substr(eq + 1));
    }
  }
  return std::nullopt;
}

}  // namespace sb::sip
