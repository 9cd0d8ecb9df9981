// Replaces (replaces.h), after RFC 3891 §6.1 and RFC 3261 §25.1 (word, token).

#include "sip/replaces.h"

#include <cctype>

namespace sb::sip {
namespace {

bool Alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool TokenChar(char c) {
  if (Alnum(c)) return true;
  for (char x : std::string_view("-.!%*_+`'~")) {
    if (c == x) return true;
  }
  return false;
}

bool WordChar(char c) {
  if (TokenChar(c)) return true;
  for (char x : std::string_view("()<>:\\\"/[]?{}")) {
    if (c == x) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// callid = word [ "@" word ]
bool ValidCallId(std::string_view s) {
  const std::size_t at = s.find('@');
  const std::string_view first = s.substr(0, at);
  const std::string_view second = at == std::string_view::npos ? "x" : s.substr(at + 1);
  for (std::string_view w : {first, second}) {
    if (w.empty()) return false;
    for (char c : w) {
      if (!WordChar(c)) return false;
    }
  }
  return true;
}

bool ValidToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!TokenChar(c)) return false;
  }
  return true;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Replaces> ParseReplaces(std::string_view value) {
  if (value.size() > kMaxReplaces) {
    return InvalidArgument("Replaces: " + std::to_string(value.size()) + " bytes long; at most " +
                           std::to_string(kMaxReplaces));
  }
  Replaces out;
  bool to = false, from = false;
  std::size_t at = 0;
  bool first = true;
  while (at <= value.size()) {
    const std::size_t semi = value.find(';', at);
    const std::string_view part =
        Trim(value.substr(at, semi == std::string_view::npos ? std::string_view::npos : semi - at));
    at = semi == std::string_view::npos ? value.size() + 1 : semi + 1;
    if (first) {
      first = false;
      if (part.size() > kMaxCallIdBytes)
        return InvalidArgument("Replaces: the call-id is too long");
      if (!ValidCallId(part)) return InvalidArgument("Replaces: no valid call-id");
      out.call_id = std::string(part);
      continue;
    }
    const std::size_t eq = part.find('=');
    const std::string_view name = Trim(part.substr(0, eq));
    const std::string_view val =
        eq == std::string_view::npos ? std::string_view() : Trim(part.substr(eq + 1));
    if (!ValidToken(name)) return InvalidArgument("Replaces: a parameter without a valid name");
    if (EqualsNoCase(name, "early-only")) {
      if (eq != std::string_view::npos)
        return InvalidArgument("Replaces: early-only takes no value");
      out.early_only = true;
      continue;
    }
    const bool is_to = EqualsNoCase(name, "to-tag");
    const bool is_from = EqualsNoCase(name, "from-tag");
    if (!is_to && !is_from) {  // a generic-param: token [ "=" token ] (quoted strings refused)
      if (eq != std::string_view::npos && !ValidToken(val)) {
        return InvalidArgument("Replaces: parameter '" + std::string(name) + "' has a bad value");
      }
      continue;
    }
    if ((is_to && to) || (is_from && from)) {
      return InvalidArgument(std::string("Replaces: ") + (is_to ? "to-tag" : "from-tag") +
                             " given twice");
    }
    if (val.size() > kMaxTagBytes || !ValidToken(val)) {
      return InvalidArgument(std::string("Replaces: ") + (is_to ? "to-tag" : "from-tag") +
                             " is not a valid tag");
    }
    (is_to ? out.to_tag : out.from_tag) = std::string(val);
    (is_to ? to : from) = true;
  }
  if (!to || !from) return InvalidArgument("Replaces: needs both a to-tag and a from-tag");
  return out;
}

Result<std::optional<std::string>> ReplacesOfUriHeaders(std::string_view headers) {
  std::size_t at = 0;
  while (at <= headers.size()) {
    const std::size_t amp = headers.find('&', at);
    const std::string_view h =
        headers.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at);
    at = amp == std::string_view::npos ? headers.size() + 1 : amp + 1;
    const std::size_t eq = h.find('=');
    if (eq == std::string_view::npos || !EqualsNoCase(h.substr(0, eq), "Replaces")) continue;
    const std::string_view raw = h.substr(eq + 1);
    if (raw.size() > 3 * kMaxReplaces) return InvalidArgument("Replaces: too long");
    std::string value;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '%') {
        value += raw[i];
        continue;
      }
      const int hi = i + 2 < raw.size() ? Hex(raw[i + 1]) : -1;
      const int lo = i + 2 < raw.size() ? Hex(raw[i + 2]) : -1;
      if (hi < 0 || lo < 0) return InvalidArgument("Replaces: a bad %-escape");
      value += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (value.size() > kMaxReplaces) return InvalidArgument("Replaces: too long");
    return std::optional<std::string>(std::move(value));
  }
  return std::optional<std::string>();
}

}  // namespace sb::sip
