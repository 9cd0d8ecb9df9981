// Checks of text before it is stored, and the column accessors of connection.h.

#include <string>
#include <string_view>

#include "store/connection.h"
#include "store/store.h"

namespace sb::store {

bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n == 2 && c < 0xc2) return false;  // overlong
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    if (n == 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0)) return false;  // overlong, surrogate
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
                           " bytes long; the store keeps at most " +
                           std::to_string(kMaxTextBytes));
  }
  if (value.find('\0') != std::string_view::npos) {
    return InvalidArgument(std::string(field) + " holds a NUL byte");
  }
  if (!ValidUtf8(value)) return InvalidArgument(std::string(field) + " is not valid UTF-8");
  return Status::Ok();
}

Status Validate(const WriteBatch& b) {
  for (const Cdr& c : b.cdrs) {
    for (auto [name, v] : {std::pair<const char*, const std::string*>{"CDR outcome", &c.outcome},
                           {"CDR disposition", &c.disposition},
                           {"CDR caller", &c.caller},
                           {"CDR partner", &c.partner}}) {
      SB_RETURN_IF_ERROR(CheckText(name, *v));
    }
  }
  for (const AuditEntry& a : b.audit) {
    SB_RETURN_IF_ERROR(CheckText("audit user", a.user));
    SB_RETURN_IF_ERROR(CheckText("audit action", a.action));
    SB_RETURN_IF_ERROR(CheckText("audit target", a.target));
    SB_RETURN_IF_ERROR(CheckText("audit detail", a.detail));
  }
  return Status::Ok();
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

}  // namespace sb::store
