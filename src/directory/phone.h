#pragma once
// Phone numbers to E.164 ("+33123456789"), the key of screen pops by caller number. Accepts what
// people and carriers write: spaces, dots, dashes, parentheses, a leading "+", the international
// prefix "00", and national numbers with a trunk "0" for a configured default country.
// Pure; thread-safe.

#include <string>
#include <string_view>

#include "base/result.h"

namespace sb::directory {

struct PhoneOptions {
  std::string default_country_code = "33";  // digits, without "+"
  bool national_trunk_zero = true;          // "01 23 .." means +33 1 23 .. (most of Europe)
};

// InvalidArgument naming what is wrong (letters, too short, too long: E.164 has at most 15
// digits, a country code cannot start with 0).
Result<std::string> NormalizeE164(std::string_view raw, const PhoneOptions& options = {});

}  // namespace sb::directory
