#include "config/toml_guard.h"

#include <string>

namespace sb::config::internal {
namespace {

bool IsBareKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsAscii(char c) { return static_cast<unsigned char>(c) < 0x80; }

// One pass over the text. Outside strings and comments it counts the dots of each run of key
// parts ("a . 'b'.c"), any other character ending the run: numbers and dates hold at most one
// dot per run, so only keys reach the bound. It also refuses non-ASCII characters where toml++
// would ask whether they are whitespace: TOML allows them only in strings and comments, and
// toml++ 3.3 reaches __builtin_unreachable() (undefined behaviour) for some of them.
class Scanner {
 public:
  enum class Problem { kNone, kDeepKey, kNonAscii };

  explicit Scanner(std::string_view text) : t_(text) {}

  // The first problem; line() is where it is.
  Problem Scan() {
    while (i_ < t_.size() && problem_ == Problem::kNone) {
      const char c = t_[i_];
      if (!IsAscii(c)) {
        problem_ = Problem::kNonAscii;
      } else if (c == '"' || c == '\'') {
        SkipString(c);  // one part of a run, or a value: the run goes on either way
      } else if (c == '#') {
        while (i_ < t_.size() && t_[i_] != '\n') ++i_;
      } else if (c == '.') {
        ++i_;
        if (++dots_ >= kMaxKeyParts) problem_ = Problem::kDeepKey;
      } else {
        if (c == '\n') ++line_;
        if (!IsBareKeyChar(c) && c != ' ' && c != '\t') dots_ = 0;
        ++i_;
      }
    }
    return problem_;
  }

  std::size_t line() const { return line_; }

 private:
  // Skips a basic ("...", with escapes) or literal ('...') string, single- or multi-line.
  void SkipString(char quote) {
    const bool multi = t_.compare(i_, 3, std::string(3, quote)) == 0;
    i_ += multi ? 3 : 1;
    while (i_ < t_.size() && problem_ == Problem::kNone) {
      const char c = t_[i_];
      if (c == '\\' && quote == '"') {
        if (multi && LineEndingBackslash()) continue;
        if (i_ + 1 < t_.size() && t_[i_ + 1] == '\n') ++line_;
        i_ += 2;
        continue;
      }
      if (c == '\n') {
        ++line_;
        if (!multi) return;  // an unterminated string: toml++ reports it
      }
      if (c == quote && (!multi || t_.compare(i_, 3, std::string(3, quote)) == 0)) {
        i_ += multi ? 3 : 1;
        // A multi-line string may end with up to two more quotes of its own ("""a"""").
        while (multi && i_ < t_.size() && t_[i_] == quote) ++i_;
        return;
      }
      ++i_;
    }
  }

  // At a backslash of a multi-line basic string: if only whitespace follows it on its line, skips
  // it and the whitespace after (toml++ trims that, asking of each character whether it is
  // whitespace), refusing a non-ASCII character where it stops. False for an ordinary escape.
  bool LineEndingBackslash() {
    auto blank = [&](std::size_t j) { return t_[j] == ' ' || t_[j] == '\t' || t_[j] == '\r'; };
    std::size_t j = i_ + 1;
    while (j < t_.size() && blank(j)) ++j;
    if (j >= t_.size() || t_[j] != '\n') return false;
    while (j < t_.size() && (blank(j) || t_[j] == '\n')) {
      if (t_[j] == '\n') ++line_;
      ++j;
    }
    i_ = j;
    if (i_ < t_.size() && !IsAscii(t_[i_])) problem_ = Problem::kNonAscii;
    return true;
  }

  std::string_view t_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  std::size_t dots_ = 0;
  Problem problem_ = Problem::kNone;
};

}  // namespace

Status CheckTomlShape(std::string_view text, std::string_view name) {
  if (text.size() > kMaxTomlBytes) {
    return InvalidArgument(std::string(name) + ": " + std::to_string(text.size()) +
                           " bytes, larger than the " + std::to_string(kMaxTomlBytes >> 20) +
                           " MiB a configuration may hold");
  }
  Scanner scanner(text);
  const Scanner::Problem problem = scanner.Scan();
  const std::string where = std::string(name) + ":" + std::to_string(scanner.line()) + ": ";
  switch (problem) {
    case Scanner::Problem::kNone:
      return Status::Ok();
    case Scanner::Problem::kDeepKey:
      return InvalidArgument(where + "a dotted key or table name of more than " +
                             std::to_string(kMaxKeyParts) + " parts (a configuration needs a few)");
    case Scanner::Problem::kNonAscii:
      return InvalidArgument(where +
                             "a non-ASCII character outside a string or comment (TOML allows "
                             "them only there: quote names like \"Élodie\")");
  }
  return Status::Ok();
}

}  // namespace sb::config::internal
