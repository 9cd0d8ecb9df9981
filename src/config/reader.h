#pragma once
// Internal: typed access to a TOML table that records where each value came from, rejects
// unknown keys and turns every problem into "file:line: where: field: expected ...".

// Header-only and without exceptions: the packaged library is built with exceptions on.
#undef TOML_HEADER_ONLY
#undef TOML_SHARED_LIB
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
// toml++ 3.3 asserts on some garbled keys in debug builds; release builds skip the check too.
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>

#include <initializer_list>
#include <optional>
#include <string>

#include "base/result.h"
#include "base/time.h"

namespace sb::config {
Result<Duration> ParseDuration(std::string_view text);
}
namespace sb::config::internal {
inline Result<Duration> ParseDurationText(std::string_view t) { return ParseDuration(t); }
}  // namespace sb::config::internal

namespace sb::config::internal {

// Messages quote the file through Printable (base/utf8.h), at most this long.
inline constexpr std::size_t kMaxMessageBytes = 4096;

// A value as its file wrote it, for messages: integers in full (toml++ gives no double past
// 2^53), floats in their shortest exact form ("1e-09", "inf"), strings quoted, else its type.
std::string Describe(const toml::node& n);
// The shortest text that reads back as `v` ("1e-06", "0.8", "1").
std::string ShortestText(double v);

class Reader {
 public:
  Reader(std::string file, const toml::table& table, std::string where)
      : file_(std::move(file)), table_(table), where_(std::move(where)) {}

  // Fails on any key not in `allowed`, listing the allowed ones.
  Status OnlyKeys(std::initializer_list<std::string_view> allowed) const;

  Status String(std::string_view key, std::string* out, bool required = false) const;
  Status Int(std::string_view key, std::int64_t lo, std::int64_t hi, std::int64_t* out) const;
  Status Number(std::string_view key, double lo, double hi, double* out) const;
  Status Bool(std::string_view key, bool* out) const;
  Status Dur(std::string_view key, Duration* out) const;  // "20s" or seconds
  Status StringList(std::string_view key, std::vector<std::string>* out) const;

  const toml::node* Get(std::string_view key) const { return table_.get(key); }
  const toml::table& table() const { return table_; }
  Status Error(const toml::node* node, std::string_view key, const std::string& what) const;
  // "file:line: where: key", the place Error() names (the table's line when `node` is null).
  std::string Place(const toml::node* node, std::string_view key) const;
  const std::string& file() const { return file_; }
  const std::string& where() const { return where_; }

 private:
  std::string file_;
  const toml::table& table_;
  std::string where_;
};

}  // namespace sb::config::internal
