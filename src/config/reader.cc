#include "config/reader.h"

#include <charconv>

#include "base/utf8.h"

namespace sb::config::internal {

std::string ShortestText(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string Describe(const toml::node& n) {
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) return ShortestText(f->get());
  if (const auto* s = n.as_string()) return "\"" + s->get() + "\"";
  if (n.is_boolean()) return n.as_boolean()->get() ? "true" : "false";
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  return "a date or time";
}

std::string Reader::Place(const toml::node* node, std::string_view key) const {
  const auto& src = node != nullptr ? node->source() : table_.source();
  std::string out = file_ + ":" + std::to_string(src.begin.line) + ": " + where_;
  if (!key.empty()) out += (where_.empty() ? "" : ": ") + std::string(key);
  return out;
}

Status Reader::Error(const toml::node* node, std::string_view key, const std::string& what) const {
  // Keys and values come from the file: a quoted key may hold any character.
  return InvalidArgument(Printable(Place(node, key) + ": " + what, kMaxMessageBytes));
}

Status Reader::OnlyKeys(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [k, v] : table_) {
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || a == k.str();
    if (!ok) {
      std::string list;
      for (std::string_view a : allowed) {
        if (!list.empty()) list += ", ";
        list += a;
      }
      return Error(&v, k.str(), "unknown key; allowed here: " + list);
    }
  }
  return Status::Ok();
}

Status Reader::String(std::string_view key, std::string* out, bool required) const {
  const toml::node* n = Get(key);
  if (n == nullptr) return required ? Error(nullptr, key, "is required (a string)") : Status::Ok();
  if (!n->is_string()) return Error(n, key, "expected a string");
  *out = n->value<std::string>().value_or("");
  return Status::Ok();
}

Status Reader::Int(std::string_view key, std::int64_t lo, std::int64_t hi,
                   std::int64_t* out) const {
  const toml::node* n = Get(key);
  if (n == nullptr) return Status::Ok();
  if (!n->is_integer()) return Error(n, key, "expected an integer");
  const std::int64_t v = n->value<std::int64_t>().value_or(0);
  if (v < lo || v > hi) {
    return Error(n, key,
                 "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi) +
                     ", got " + std::to_string(v));
  }
  *out = v;
  return Status::Ok();
}

Status Reader::Number(std::string_view key, double lo, double hi, double* out) const {
  const toml::node* n = Get(key);
  if (n == nullptr) return Status::Ok();
  if (!n->is_number()) return Error(n, key, "expected a number");
  // Not value<double>(): it is empty for an integer past 2^53, which read as 0.
  const double v =
      n->is_integer() ? static_cast<double>(n->as_integer()->get()) : n->as_floating_point()->get();
  if (!(v >= lo && v <= hi)) {
    return Error(n, key,
                 "expected a number in [" + ShortestText(lo) + ", " + ShortestText(hi) + "], got " +
                     Describe(*n));
  }
  *out = v;
  return Status::Ok();
}

Status Reader::Bool(std::string_view key, bool* out) const {
  const toml::node* n = Get(key);
  if (n == nullptr) return Status::Ok();
  if (!n->is_boolean()) return Error(n, key, "expected true or false");
  *out = n->value<bool>().value_or(false);
  return Status::Ok();
}

Status Reader::Dur(std::string_view key, Duration* out) const {
  const toml::node* n = Get(key);
  if (n == nullptr) return Status::Ok();
  if (n->is_integer() || n->is_floating_point()) {
    const double v = n->value<double>().value_or(-1);
    if (!(v >= 0 && v < 1e9)) return Error(n, key, "expected a duration >= 0");
    *out = FromSeconds(v);
    return Status::Ok();
  }
  if (!n->is_string())
    return Error(n, key, "expected a duration like \"20s\" or a number of seconds");
  auto d = ParseDurationText(n->value<std::string>().value_or(""));
  if (!d.ok()) return Error(n, key, d.status().message());
  *out = *d;
  return Status::Ok();
}

Status Reader::StringList(std::string_view key, std::vector<std::string>* out) const {
  const toml::node* n = Get(key);
  if (n == nullptr) return Status::Ok();
  const toml::array* arr = n->as_array();
  if (arr == nullptr) return Error(n, key, "expected an array of strings");
  out->clear();
  for (const toml::node& e : *arr) {
    if (!e.is_string()) return Error(&e, key, "expected an array of strings");
    out->push_back(e.value<std::string>().value_or(""));
  }
  return Status::Ok();
}

}  // namespace sb::config::internal
