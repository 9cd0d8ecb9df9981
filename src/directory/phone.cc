#include "directory/phone.h"

#include "base/utf8.h"

namespace sb::directory {

Result<std::string> NormalizeE164(std::string_view raw, const PhoneOptions& o) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '/' || c == '\t') {
      continue;
    } else {
      // The whole character, or the byte escaped: one byte of "é" made the message invalid UTF-8.
      const std::size_t len = Utf8SequenceAt(raw, i);
      return InvalidArgument(
          "a phone number may hold digits, spaces, dots, dashes, parentheses and a leading +, "
          "not '" +
          Printable(raw.substr(i, len == 0 ? 1 : len)) + "'");
    }
    if (digits.size() > 20) return InvalidArgument("too many digits for a phone number");
  }
  if (digits.empty()) return InvalidArgument("no digits in the phone number");
  std::string e164;
  if (plus) {
    e164 = digits;
  } else if (digits.rfind("00", 0) == 0) {
    e164 = digits.substr(2);  // international prefix
  } else if (o.national_trunk_zero && digits[0] == '0') {
    e164 = o.default_country_code + digits.substr(1);
  } else if (!o.national_trunk_zero) {
    e164 = o.default_country_code + digits;  // e.g. NANP: (555) 123-4567 with country 1
  } else {
    return InvalidArgument(
        "a national number starts with 0; write international numbers with + or 00");
  }
  if (e164.empty() || e164[0] == '0') return InvalidArgument("a country code cannot start with 0");
  if (e164.size() < 8)
    return InvalidArgument(
        "too few digits for a phone number (E.164 needs at least 8 with the country code)");
  if (e164.size() > 15) return InvalidArgument("more than 15 digits: not an E.164 number");
  return "+" + e164;
}

}  // namespace sb::directory
