// Checks of text before it is stored, and the column accessors of connection.h.

#include <string>
#include <string_view>

#include "eventlog/eventlog.h"
#include "store/connection.h"
#include "store/store.h"

namespace sb::store {

bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xe  ? 3
                    : (c >> 3) == 0x1e ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n == 2 && c < 0xc2) return false;  // overlong
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    if (n == 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0))
        return false;  // overlong, surrogate
    }
    if (n == 4) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xf0 && c1 < 0x90) || c > 0xf4 || (c == 0xf4 && c1 >= 0x90)) return false;
    }
    i += n;
  }
  return true;
}

Status CheckText(std::string_view field, std::string_view value) {
  if (value.size() > kMaxTextBytes) {
    return InvalidArgument(std::string(field) + " is " + std::to_string(value.size()) +
                           " bytes long; the store keeps at most " + std::to_string(kMaxTextBytes));
  }
  if (value.find('\0') != std::string_view::npos) {
    return InvalidArgument(std::string(field) + " holds a NUL byte");
  }
  if (!ValidUtf8(value)) return InvalidArgument(std::string(field) + " is not valid UTF-8");
  return Status::Ok();
}

Status Validate(const Cdr& c) {
  for (auto [name, v] : {std::pair<const char*, const std::string*>{"CDR outcome", &c.outcome},
                         {"CDR disposition", &c.disposition},
                         {"CDR caller", &c.caller},
                         {"CDR partner", &c.partner}}) {
    SB_RETURN_IF_ERROR(CheckText(name, *v));
  }
  return Status::Ok();
}

Status Validate(const AuditEntry& a) {
  SB_RETURN_IF_ERROR(CheckText("audit user", a.user));
  SB_RETURN_IF_ERROR(CheckText("audit action", a.action));
  SB_RETURN_IF_ERROR(CheckText("audit target", a.target));
  return CheckText("audit detail", a.detail);
}

Status Validate(const CallDetail& c) {
  for (auto [name, v] : {std::pair<const char*, const std::string*>{"call Call-ID", &c.call_id},
                         {"call trunk", &c.trunk},
                         {"call source", &c.source},
                         {"call caller", &c.caller},
                         {"call dialled", &c.dialled},
                         {"call agent", &c.agent},
                         {"call ended_by", &c.ended_by},
                         {"call cause", &c.cause},
                         {"call handover_from", &c.handover_from},
                         {"call callback_cause", &c.callback_cause}}) {
    SB_RETURN_IF_ERROR(CheckText(name, *v));
  }
  return Status::Ok();
}

Status Validate(const WriteBatch& b) {
  for (const Cdr& c : b.cdrs) SB_RETURN_IF_ERROR(Validate(c));
  for (const CallDetail& c : b.calls) SB_RETURN_IF_ERROR(Validate(c));
  for (const AuditEntry& a : b.audit) SB_RETURN_IF_ERROR(Validate(a));
  for (const DeadLetter& d : b.dead_letters) {
    SB_RETURN_IF_ERROR(CheckText("dead letter reason", d.reason));
    SB_RETURN_IF_ERROR(CheckText("dead letter body", d.body));
  }
  return Status::Ok();
}

std::string SanitizeText(std::string_view s, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xe  ? 3
                    : (c >> 3) == 0x1e ? 4
                                       : 0;
    const bool whole = n > 0 && i + n <= s.size() && ValidUtf8(s.substr(i, n));
    std::string piece;
    if (whole && !(n == 1 && (c < 0x20 || c == 0x7f))) {
      piece.assign(s.substr(i, n));
    } else {
      piece = {'\\', 'x', kHex[c >> 4], kHex[c & 0xf]};
      n = 1;
    }
    if (out.size() + piece.size() > max_bytes) {
      out += "...";
      break;
    }
    out += piece;
    i += n;
  }
  return out;
}

std::string Base64Encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(in[i])} << 16) |
                            (std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) |
                            static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    std::uint32_t v = std::uint32_t{static_cast<unsigned char>(in[i])} << 16;
    if (i + 1 < in.size()) v |= std::uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return InvalidArgument("base64: length is not a multiple of 4");
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    const int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=') : 0;
    int v[4];
    for (int k = 0; k < 4; ++k) {
      v[k] = k >= 4 - pad ? 0 : value(in[i + k]);
      if (v[k] < 0) return InvalidArgument("base64: bad character at " + std::to_string(i + k));
    }
    const std::uint32_t n = (std::uint32_t(v[0]) << 18) | (std::uint32_t(v[1]) << 12) |
                            (std::uint32_t(v[2]) << 6) | std::uint32_t(v[3]);
    out += static_cast<char>(n >> 16);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

std::string Describe(const Cdr& c) {
  return "contact=" + std::to_string(c.contact) + " arrival_ms=" + std::to_string(c.arrival_ms) +
         " ended_ms=" + std::to_string(c.ended_ms) + " outcome=" + SanitizeText(c.outcome, 64) +
         " caller=" + SanitizeText(c.caller, 256) + " partner=" + SanitizeText(c.partner, 256) +
         " disposition=" + SanitizeText(c.disposition, 256) +
         (c.handover_ms != 0 ? " handover_ms=" + std::to_string(c.handover_ms) +
                                   " handover_from=" + std::to_string(c.handover_from)
                             : std::string());
}

std::string Describe(const CallDetail& c) {
  return "contact=" + std::to_string(c.contact) + " call_id=" + SanitizeText(c.call_id, 256) +
         " invite_ms=" + std::to_string(c.invite_ms) + " ended_ms=" + std::to_string(c.ended_ms) +
         " caller=" + SanitizeText(c.caller, 256) + " dialled=" + SanitizeText(c.dialled, 256) +
         " ended_by=" + SanitizeText(c.ended_by, 64) + " cause=" + SanitizeText(c.cause, 64);
}

std::string Describe(const AuditEntry& a) {
  return "at_ms=" + std::to_string(a.at_ms) + " user=" + SanitizeText(a.user, 256) +
         " action=" + SanitizeText(a.action, 64) + " target=" + SanitizeText(a.target, 256) +
         " call=" + std::to_string(a.call) + " detail=" + SanitizeText(a.detail, 1024);
}

std::int64_t AsInt(const SqlValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  return 0;
}
double AsReal(const SqlValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return 0;
}
std::string AsText(const SqlValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  return "";
}
bool IsNull(const SqlValue& v) { return std::holds_alternative<std::monostate>(v); }

Result<std::vector<StoredEvent>> DecodeEventRows(const std::vector<Row>& rows,
                                                 const Connection& db) {
  std::vector<StoredEvent> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    auto e = eventlog::Decode(AsText(r[1]));
    if (!e.ok()) {
      return e.status().WithContext("event " + std::to_string(AsInt(r[0])) + " in " +
                                    db.Describe());
    }
    out.push_back(StoredEvent{AsInt(r[0]), std::move(e).value()});
  }
  return out;
}

}  // namespace sb::store
