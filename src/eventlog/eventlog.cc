#include "eventlog/eventlog.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace sb {

template <typename Tag, typename Rep>
void to_json(nlohmann::json& j, const Id<Tag, Rep>& id) {
  j = id.valid() ? nlohmann::json(id.value) : nlohmann::json(nullptr);
}
template <typename Tag, typename Rep>
void from_json(const nlohmann::json& j, Id<Tag, Rep>& id) {
  id = j.is_null() ? Id<Tag, Rep>{} : Id<Tag, Rep>{j.get<Rep>()};
}

}  // namespace sb

namespace nlohmann {
template <>
struct adl_serializer<sb::Time> {
  static void to_json(json& j, const sb::Time& t) { j = sb::ToMillis(t); }
  static void from_json(const json& j, sb::Time& t) { t = sb::FromMillis(j.get<std::int64_t>()); }
};
template <>
struct adl_serializer<sb::Duration> {
  static void to_json(json& j, const sb::Duration& d) { j = d.count(); }
  static void from_json(const json& j, sb::Duration& d) { d = sb::Duration(j.get<std::int64_t>()); }
};
template <typename T, std::size_t N>
struct adl_serializer<std::array<T, N>> {
  static void to_json(json& j, const std::array<T, N>& a) {
    j = json::array();
    for (const T& v : a) j.push_back(v);
  }
  static void from_json(const json& j, std::array<T, N>& a) {
    for (std::size_t i = 0; i < N && i < j.size(); ++i) a[i] = j[i].get<T>();
  }
};
}  // namespace nlohmann

namespace sb::core {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WaitEstimate, mean, low, high)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RankedCandidate, agent, contact, queue, tier, proficiency,
                                   idle_seconds, score)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Explanation, rule, strategy, relax_level, considered, excluded,
                                   shown, top)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AgentLoggedIn, at, agent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AgentLoggedOut, at, agent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AgentReady, at, agent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AgentNotReady, at, agent, reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WrapUpExtended, at, agent, until)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AgentNotReadyPending, at, agent, reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ContactQueued, at, contact, queue, requested, kind, priority,
                                   arrival, position, estimate)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ContactMoved, at, contact, from, to, reason, arrival, agent,
                                   wrap_until)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RequirementRelaxed, at, contact, queue, level)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CallbackOffered, at, contact, queue, cause)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CallbackRequested, at, contact)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ContactOffered, at, contact, agent, queue, offer, expires, kind,
                                   why)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(OfferAccepted, at, contact, agent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(OfferCancelled, at, contact, agent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(OfferTimedOut, at, contact, agent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(OfferDeclined, at, contact, agent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ContactEnded, at, contact, queue, agent, reason, wrap_until)

}  // namespace sb::core

namespace sb::eventlog {
namespace {

using nlohmann::json;

template <std::size_t I = 0>
bool DecodeAlternative(std::string_view type, const json& j, core::Event* out) {
  if constexpr (I < std::variant_size_v<core::Event>) {
    using T = std::variant_alternative_t<I, core::Event>;
    const core::Event probe{std::in_place_index<I>};
    if (core::EventName(probe) == type) {
      *out = j.get<T>();
      return true;
    }
    return DecodeAlternative<I + 1>(type, j, out);
  } else {
    return false;
  }
}

}  // namespace

// The encoder writes text directly instead of building a json tree: the store appends every
// event through it, and the tree (a std::map per object) cost four times the rest of a commit.
// Fields come in declaration order after "type"; Decode accepts any order, so logs written by
// the tree-based encoder (sorted keys) still read.
class Writer {
 public:
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
    } else if constexpr (requires { v.valid(); v.value; }) {
      if (v.valid()) {
        Number(v.value);
      } else {
        out_ += "null";
      }
    } else if constexpr (std::is_same_v<T, core::WaitEstimate>) {
      Object([&] {
        Field("mean", v.mean);
        Field("low", v.low);
        Field("high", v.high);
      });
    } else if constexpr (std::is_same_v<T, core::Explanation>) {
      Object([&] {
        Field("rule", v.rule);
        Field("strategy", v.strategy);
        Field("relax_level", v.relax_level);
        Field("considered", v.considered);
        Field("excluded", v.excluded);
        Field("shown", v.shown);
        out_ += ",\"top\":[";
        for (int i = 0; i < v.shown && i < core::Explanation::kShown; ++i) {
          if (i > 0) out_ += ',';
          const core::RankedCandidate& c = v.top[i];
          Object([&] {
            Field("agent", c.agent);
            Field("contact", c.contact);
            Field("queue", c.queue);
            Field("tier", c.tier);
            Field("proficiency", c.proficiency);
            Field("idle_seconds", c.idle_seconds);
            Field("score", c.score);
          });
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

#define SB_F(x) w.Field(#x, v.x)
void Fields(Writer& w, const core::AgentLoggedIn& v) { SB_F(at); SB_F(agent); }
void Fields(Writer& w, const core::AgentLoggedOut& v) { SB_F(at); SB_F(agent); }
void Fields(Writer& w, const core::AgentReady& v) { SB_F(at); SB_F(agent); }
void Fields(Writer& w, const core::AgentNotReady& v) { SB_F(at); SB_F(agent); SB_F(reason); }
void Fields(Writer& w, const core::WrapUpExtended& v) { SB_F(at); SB_F(agent); SB_F(until); }
void Fields(Writer& w, const core::AgentNotReadyPending& v) {
  SB_F(at); SB_F(agent); SB_F(reason);
}
void Fields(Writer& w, const core::ContactQueued& v) {
  SB_F(at); SB_F(contact); SB_F(queue); SB_F(requested); SB_F(kind); SB_F(priority);
  SB_F(arrival); SB_F(position); SB_F(estimate);
}
void Fields(Writer& w, const core::ContactMoved& v) {
  SB_F(at); SB_F(contact); SB_F(from); SB_F(to); SB_F(reason); SB_F(arrival); SB_F(agent);
  SB_F(wrap_until);
}
void Fields(Writer& w, const core::RequirementRelaxed& v) {
  SB_F(at); SB_F(contact); SB_F(queue); SB_F(level);
}
void Fields(Writer& w, const core::CallbackOffered& v) {
  SB_F(at); SB_F(contact); SB_F(queue); SB_F(cause);
}
void Fields(Writer& w, const core::CallbackRequested& v) { SB_F(at); SB_F(contact); }
void Fields(Writer& w, const core::ContactOffered& v) {
  SB_F(at); SB_F(contact); SB_F(agent); SB_F(queue); SB_F(offer); SB_F(expires); SB_F(kind);
  SB_F(why);
}
void Fields(Writer& w, const core::OfferAccepted& v) { SB_F(at); SB_F(contact); SB_F(agent); }
void Fields(Writer& w, const core::OfferCancelled& v) { SB_F(at); SB_F(contact); SB_F(agent); }
void Fields(Writer& w, const core::OfferTimedOut& v) { SB_F(at); SB_F(contact); SB_F(agent); }
void Fields(Writer& w, const core::OfferDeclined& v) { SB_F(at); SB_F(contact); SB_F(agent); }
void Fields(Writer& w, const core::ContactEnded& v) {
  SB_F(at); SB_F(contact); SB_F(queue); SB_F(agent); SB_F(reason); SB_F(wrap_until);
}
#undef SB_F

void EncodeTo(std::string& out, const core::Event& e) {
  Writer w(out);
  w.Object([&] {
    w.Field("type", core::EventName(e));
    std::visit([&](const auto& v) { Fields(w, v); }, e);
  });
}

std::string Encode(const core::Event& e) {
  std::string out;
  out.reserve(160);
  EncodeTo(out, e);
  return out;
}

Result<core::Event> Decode(std::string_view line) {
  // nlohmann reports errors by exception; this module is where they stop.
  try {
    const json j = json::parse(line);
    if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
      return InvalidArgument("expected a JSON object with a \"type\"");
    }
    const std::string type = j["type"].get<std::string>();
    core::Event e;
    if (!DecodeAlternative(type, j, &e)) return InvalidArgument("unknown event type \"" + type + "\"");
    return e;
  } catch (const json::exception& ex) {
    return InvalidArgument(std::string("bad event: ") + ex.what());
  }
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
