#include "config/toml_guard.h"

#include <string>

namespace sb::config::internal {
namespace {

bool IsBareKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// One pass over the text outside strings and comments, counting the dots of each run of key
// parts ("a . 'b'.c"): any other character ends the run. Numbers and dates hold at most one dot
// per run, so only keys can reach the bound.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}

  // The line of the first run of more than kMaxKeyParts parts, or 0.
  std::size_t FindDeepKey() {
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '"' || c == '\'') {
        SkipString(c);  // one part of a run, or a value: the run goes on either way
      } else if (c == '#') {
        while (i_ < t_.size() && t_[i_] != '\n') ++i_;
      } else if (c == '.') {
        ++i_;
        if (++dots_ >= kMaxKeyParts) return line_;
      } else {
        if (c == '\n') ++line_;
        if (!IsBareKeyChar(c) && c != ' ' && c != '\t') dots_ = 0;
        ++i_;
      }
    }
    return 0;
  }

  std::size_t line() const { return line_; }

 private:
  // Skips a basic ("...", with escapes) or literal ('...') string, single- or multi-line.
  void SkipString(char quote) {
    const bool multi = t_.compare(i_, 3, std::string(3, quote)) == 0;
    i_ += multi ? 3 : 1;
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\\' && quote == '"') {
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

  std::string_view t_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  std::size_t dots_ = 0;
};

}  // namespace

Status CheckTomlShape(std::string_view text, std::string_view name) {
  if (text.size() > kMaxTomlBytes) {
    return InvalidArgument(std::string(name) + ": " + std::to_string(text.size()) +
                           " bytes, larger than the " + std::to_string(kMaxTomlBytes >> 20) +
                           " MiB a configuration may hold");
  }
  Scanner scanner(text);
  if (const std::size_t line = scanner.FindDeepKey(); line != 0) {
    return InvalidArgument(std::string(name) + ":" + std::to_string(line) +
                           ": a dotted key or table name of more than " +
                           std::to_string(kMaxKeyParts) + " parts (a configuration needs a few)");
  }
  return Status::Ok();
}

}  // namespace sb::config::internal
