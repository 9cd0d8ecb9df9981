#include "eventlog/eventlog.h"

#include <charconv>
#include <type_traits>

#include "eventlog/internal/fields.h"

namespace sb::eventlog {

// The encoder writes text directly instead of building a json tree: the store appends every
// event through it, and the tree (a std::map per object) cost four times the rest of a commit.
// Fields come in declaration order after "type"; Decode (decode.cc) accepts any order, so logs
// written by the tree-based encoder (sorted keys) still read.
class Writer {
 public:
  template <class T>
  using Ref = const T&;

  explicit Writer(std::string& out) : out_(out) {}
  template <typename T>
  void Field(const char* name, const T& v) {
    out_ += first_ ? "\"" : ",\"";
    first_ = false;
    out_ += name;
    out_ += "\":";
    Value(v);
  }
  void Object(auto&& body) {
    const bool outer = first_;
    out_ += '{';
    first_ = true;
    body();
    out_ += '}';
    first_ = outer;
  }

 private:
  void Number(auto v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void Value(std::string_view s) {  // names only: no character needs escaping
    out_ += '"';
    out_ += s;
    out_ += '"';
  }
  template <typename T>
  void Value(const T& v) {
    if constexpr (std::is_enum_v<T>) {
      Number(static_cast<long long>(v));
    } else if constexpr (std::is_same_v<T, Time>) {
      Number(static_cast<long long>(ToMillis(v)));
    } else if constexpr (std::is_same_v<T, Duration>) {
      Number(static_cast<long long>(v.count()));
    } else if constexpr (std::is_same_v<T, double>) {
      Number(v);
    } else if constexpr (std::is_integral_v<T>) {
      Number(static_cast<long long>(v));
    } else if constexpr (requires {
                           v.valid();
                           v.value;
                         }) {
      if (v.valid()) {
        Number(v.value);
      } else {
        out_ += "null";
      }
    } else if constexpr (std::is_same_v<T, core::WaitEstimate>) {
      Object([&] { internal::Fields(*this, v); });
    } else if constexpr (std::is_same_v<T, core::Explanation>) {
      Object([&] {
        internal::Fields(*this, v);
        out_ += ",\"top\":[";
        for (int i = 0; i < v.shown && i < core::Explanation::kShown; ++i) {
          if (i > 0) out_ += ',';
          Object([&] { internal::Fields(*this, v.top[i]); });
        }
        out_ += ']';
      });
    } else {
      static_assert(sizeof(T) == 0, "no encoding for this field type");
    }
  }

  std::string& out_;
  bool first_ = true;
};

void EncodeTo(std::string& out, const core::Event& e) {
  Writer w(out);
  w.Object([&] {
    w.Field("type", core::EventName(e));
    std::visit([&](const auto& v) { internal::Fields(w, v); }, e);
  });
}

std::string Encode(const core::Event& e) {
  std::string out;
  out.reserve(160);
  EncodeTo(out, e);
  return out;
}

}  // namespace sb::eventlog
