// Decoding (eventlog.h). nlohmann parses the line; a Reader then walks the encoder's field lists
// (internal/fields.h) and checks each value's type and range itself. nlohmann's get<T>() would
// cast 256 to a reason code of 0, 2.5 to contact 2 and 1e300 to a time (undefined behaviour),
// and its exceptions name no field.

#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>

#include "base/utf8.h"
#include "eventlog/eventlog.h"
#include "eventlog/internal/fields.h"

namespace sb::eventlog {
namespace {

using nlohmann::json;

// The last value of each enum the log holds. Decoding refuses larger ones; a new enumerator
// must be added here too (the round-trip test of every event type would show it).
constexpr int EnumMax(core::ContactKind) { return static_cast<int>(core::ContactKind::kCallback); }
constexpr int EnumMax(core::EndReason) {
  return static_cast<int>(core::EndReason::kTransferredOut);
}
constexpr int EnumMax(core::MoveReason) { return static_cast<int>(core::MoveReason::kTransfer); }
constexpr int EnumMax(core::DeflectCause) { return static_cast<int>(core::DeflectCause::kMaxWait); }
constexpr int EnumMax(core::ConsultEnd) {
  return static_cast<int>(core::ConsultEnd::kContactEnded);
}
constexpr int EnumMax(core::Rule) { return static_cast<int>(core::Rule::kRingAll); }

// A value for a message: numbers as written, other kinds by name.
std::string Describe(const json& j) {
  switch (j.type()) {
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return j.dump();
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    default:
      return "another kind of value";
  }
}

Status Bad(const std::string& path, const std::string& expected, const json& j) {
  return InvalidArgument("field '" + path + "': expected " + expected + ", got " + Describe(j));
}

// `j` as an integer in [lo, hi]; false if it is not an integer (2.5, 1e300) or lies outside.
template <class T>
bool IntegerIn(const json& j, T lo, T hi, T* out) {
  if (j.is_number_unsigned()) {
    const auto u = j.get<std::uint64_t>();
    if (std::cmp_less(u, lo) || std::cmp_greater(u, hi)) return false;
    *out = static_cast<T>(u);
    return true;
  }
  if (j.is_number_integer()) {
    const auto i = j.get<std::int64_t>();
    if (std::cmp_less(i, lo) || std::cmp_greater(i, hi)) return false;
    *out = static_cast<T>(i);
    return true;
  }
  return false;
}

template <class T>
std::string RangeText(T lo, T hi) {
  return "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
}

class Reader {
 public:
  template <class T>
  using Ref = T&;

  Reader(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  // Reads field `name` into `out`, unless an earlier field failed.
  template <class T>
  void Field(const char* name, T& out) {
    if (!status_.ok()) return;
    const std::string path = path_.empty() ? std::string(name) : path_ + "." + name;
    const auto it = object_.find(name);
    if (it == object_.end()) {
      status_ = InvalidArgument("missing field '" + path + "'");
      return;
    }
    status_ = Read(path, *it, out);
  }
  const Status& status() const { return status_; }

  // An object of fields at `path` (WaitEstimate, RankedCandidate).
  template <class T>
  static Status ReadObject(const std::string& path, const json& j, T& out) {
    if (!j.is_object()) return Bad(path, "an object", j);
    Reader r(j, path);
    internal::Fields(r, out);
    return r.status();
  }

 private:
  template <class T>
  requires std::is_integral_v<T>
  static Status Read(const std::string& path, const json& j, T& out) {
    constexpr T lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
    return IntegerIn(j, lo, hi, &out) ? Status::Ok() : Bad(path, RangeText(lo, hi), j);
  }
  template <class T>
  requires std::is_enum_v<T>
  static Status Read(const std::string& path, const json& j, T& out) {
    using U = std::underlying_type_t<T>;
    const U hi = static_cast<U>(EnumMax(T{}));
    U u = 0;
    if (!IntegerIn<U>(j, 0, hi, &u)) return Bad(path, RangeText<int>(0, hi), j);
    out = static_cast<T>(u);
    return Status::Ok();
  }
  static Status Read(const std::string& path, const json& j, Duration& out) {
    std::int64_t ms = 0;
    if (!IntegerIn(j, std::numeric_limits<std::int64_t>::min(),
                   std::numeric_limits<std::int64_t>::max(), &ms)) {
      return Bad(path, "an integer (milliseconds)", j);
    }
    out = Duration(ms);
    return Status::Ok();
  }
  static Status Read(const std::string& path, const json& j, Time& out) {
    Duration d{0};
    SB_RETURN_IF_ERROR(Read(path, j, d));
    out = Time(d);
    return Status::Ok();
  }
  static Status Read(const std::string& path, const json& j, double& out) {
    if (!j.is_number()) return Bad(path, "a number", j);
    out = j.get<double>();
    return Status::Ok();
  }
  template <class Tag, class Rep>
  static Status Read(const std::string& path, const json& j, Id<Tag, Rep>& out) {
    if (j.is_null()) {
      out = Id<Tag, Rep>{};
      return Status::Ok();
    }
    // The invalid id is written as null, never as its number.
    constexpr Rep hi = Id<Tag, Rep>::kInvalid - 1;
    Rep v = 0;
    if (!IntegerIn<Rep>(j, 0, hi, &v)) {
      return Bad(path, "an id (" + RangeText<Rep>(0, hi) + ") or null", j);
    }
    out = Id<Tag, Rep>{v};
    return Status::Ok();
  }
  static Status Read(const std::string& path, const json& j, core::WaitEstimate& out) {
    return ReadObject(path, j, out);
  }
  static Status Read(const std::string& path, const json& j, core::Explanation& out);

  const json& object_;
  std::string path_;
  Status status_;
};

Status Reader::Read(const std::string& path, const json& j, core::Explanation& out) {
  SB_RETURN_IF_ERROR(ReadObject(path, j, out));
  constexpr int kShown = core::Explanation::kShown;
  if (out.shown > kShown) return Bad(path + ".shown", RangeText(0, kShown), j["shown"]);
  const auto top = j.find("top");
  if (top == j.end()) return InvalidArgument("missing field '" + path + ".top'");
  if (!top->is_array()) return Bad(path + ".top", "an array", *top);
  // Logs of the first encoder hold every slot; later ones only the `shown` entries.
  if (top->size() > kShown) {
    return InvalidArgument("field '" + path + ".top': " + std::to_string(top->size()) +
                           " entries, at most " + std::to_string(kShown) + " expected");
  }
  if (out.shown > top->size()) {
    return InvalidArgument("field '" + path + ".top': " + std::to_string(out.shown) +
                           " shown but " + std::to_string(top->size()) + " given");
  }
  for (std::size_t i = 0; i < top->size(); ++i) {
    SB_RETURN_IF_ERROR(ReadObject(path + ".top[" + std::to_string(i) + "]", (*top)[i], out.top[i]));
  }
  return Status::Ok();
}

template <std::size_t I = 0>
bool DecodeAlternative(std::string_view type, const json& j, core::Event* out, Status* status) {
  if constexpr (I < std::variant_size_v<core::Event>) {
    using T = std::variant_alternative_t<I, core::Event>;
    const core::Event probe{std::in_place_index<I>};
    if (core::EventName(probe) != type) return DecodeAlternative<I + 1>(type, j, out, status);
    T value{};
    Reader r(j, "");
    internal::Fields(r, value);
    *status = r.status();
    if (status->ok()) *out = value;
    return true;
  } else {
    return false;
  }
}

// "invalid JSON at column 21: syntax error ...", without nlohmann's "[json.exception...]" tag.
Status SyntaxError(const json::exception& e) {
  std::string_view what = e.what();
  if (const std::size_t tag = what.find("] "); tag != std::string_view::npos) {
    what.remove_prefix(tag + 2);
  }
  if (const auto* p = dynamic_cast<const json::parse_error*>(&e)) {
    const std::size_t colon = what.find(": ", what.find("column "));
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
    return InvalidArgument("invalid JSON at column " + std::to_string(p->byte) + ": " +
                           Printable(what));
  }
  return InvalidArgument("invalid JSON: " + Printable(what));
}

}  // namespace

Result<core::Event> Decode(std::string_view line) {
  json j;
  try {
    j = json::parse(line);
  } catch (const json::exception& e) {  // nlohmann reports errors by exception; they stop here
    return SyntaxError(e);
  }
  const auto type = j.is_object() ? j.find("type") : j.end();
  if (!j.is_object() || type == j.end() || !type->is_string()) {
    return InvalidArgument("expected a JSON object with a \"type\"");
  }
  const std::string& name = type->get_ref<const std::string&>();
  core::Event e;
  Status status;
  if (!DecodeAlternative(name, j, &e, &status)) {
    return InvalidArgument("unknown event type \"" + Printable(name) + "\"");
  }
  SB_RETURN_IF_ERROR(status);
  return e;
}

Result<std::vector<core::Event>> ReadAll(std::istream& in, std::string_view name) {
  std::vector<core::Event> events;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto e = Decode(line);
    if (!e.ok()) return e.status().WithContext(std::string(name) + ":" + std::to_string(n));
    events.push_back(std::move(*e));
  }
  return events;
}

}  // namespace sb::eventlog
