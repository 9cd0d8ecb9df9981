#pragma once
// Little-endian fixed-width encoding for checkpoints: a writer that appends to a string and a
// reader that never reads past its end (a damaged checkpoint is an error, not a crash).

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/time.h"

namespace sb {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  template <typename T>
  void Put(T v) {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));  // x86-64 and arm64 are little-endian
    out_.append(buf, sizeof(T));
  }
  void PutTime(Time t) { Put<std::int64_t>(ToMillis(t)); }
  void PutString(std::string_view s) {
    Put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  template <typename T>
  T Get() {
    T v{};
    if (in_.size() - pos_ < sizeof(T)) {
      ok_ = false;
      pos_ = in_.size();
      return v;
    }
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  Time GetTime() { return FromMillis(Get<std::int64_t>()); }
  std::string GetString() {
    const auto n = Get<std::uint32_t>();
    if (!ok_ || in_.size() - pos_ < n) {
      ok_ = false;
      pos_ = in_.size();
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // A count of items of at least `min_bytes` each: refused when the rest cannot hold them, so a
  // damaged count cannot make the restore allocate without bound.
  std::uint32_t GetCount(std::size_t min_bytes) {
    const auto n = Get<std::uint32_t>();
    if (min_bytes > 0 && n > (in_.size() - pos_) / min_bytes) {
      ok_ = false;
      return 0;
    }
    return n;
  }
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace sb
