#include "cases/confirmation.h"

#include <sys/random.h>

#include <array>
#include <cerrno>

namespace sb::cases {
namespace {

// Crockford's base 32 without I, L, O, U, and without Z: 31 symbols, a prime.
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXY";
constexpr int kN = 31;

int Value(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  const auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// The check value c with sum_{i=1..7} i * v_i + 8 * c = 0 (mod 31).
int CheckValue(const std::array<int, 7>& v) {
  int sum = 0;
  for (int i = 0; i < 7; ++i) sum += (i + 1) * v[static_cast<std::size_t>(i)];
  constexpr int kInverseOf8 = 4;  // 8 * 4 = 32 = 1 (mod 31)
  return ((kN - sum % kN) % kN) * kInverseOf8 % kN;
}

std::string Format(const std::array<int, 7>& v) {
  std::string out;
  for (int i = 0; i < 7; ++i) {
    if (i == 3) out += '-';
    out += kAlphabet[static_cast<std::size_t>(v[static_cast<std::size_t>(i)])];
  }
  out += '-';
  out += kAlphabet[static_cast<std::size_t>(CheckValue(v))];
  return out;
}

Result<std::array<int, 7>> Payload(std::string_view p) {
  if (p.size() != 7)
    return InvalidArgument("a confirmation number has 8 characters, like K7Q-4821-X");
  std::array<int, 7> v{};
  for (std::size_t i = 0; i < 7; ++i) {
    v[i] = Value(p[i]);
    if (v[i] < 0)
      return InvalidArgument(std::string("'") + p[i] + "' is not used in confirmation numbers");
    if (i >= 3 && v[i] > 9)
      return InvalidArgument("characters 4 to 7 of a confirmation number are digits");
  }
  return v;
}

}  // namespace

Result<std::string> ConfirmationFromPayload(std::string_view payload) {
  SB_ASSIGN_OR_RETURN(auto v, Payload(payload));
  return Format(v);
}

Result<std::string> NewConfirmationNumber() {
  std::array<unsigned char, 7> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Unavailable("the system's random source failed; confirmation numbers need it");
    got += static_cast<std::size_t>(n);
  }
  std::array<int, 7> v{};
  // Reject the top bytes that would bias the choice (256 is a multiple of neither 31 nor 10).
  for (std::size_t i = 0; i < 7; ++i) {
    const unsigned range = i >= 3 ? 10 : kN;
    unsigned b = bytes[i];
    while (b >= 256 / range * range) {
      unsigned char extra = 0;
      if (getrandom(&extra, 1, 0) != 1) return Unavailable("the system's random source failed");
      b = extra;
    }
    v[i] = static_cast<int>(b % range);
  }
  return Format(v);
}

Result<std::string> ParseConfirmationNumber(std::string_view typed) {
  std::string chars;
  for (char c : typed) {
    if (c == ' ' || c == '-' || c == '.' || c == '\t') continue;
    chars += c;
    if (chars.size() > 16) break;
  }
  if (chars.size() != 8)
    return InvalidArgument("a confirmation number has 8 characters, like K7Q-4821-X");
  SB_ASSIGN_OR_RETURN(auto v, Payload(std::string_view(chars).substr(0, 7)));
  const int check = Value(chars[7]);
  if (check < 0)
    return InvalidArgument(std::string("'") + chars[7] + "' is not used in confirmation numbers");
  if (check != CheckValue(v)) {
    return InvalidArgument("the check character does not match: a character was probably mistyped");
  }
  return Format(v);
}

std::string Spoken(std::string_view c) {
  std::string out;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c[i] == '-') {
      out += ", ";
      continue;
    }
    if (!out.empty() && out.back() != ' ') out += ' ';
    out += c[i];
  }
  return out;
}

}  // namespace sb::cases
