#include "eventlog/eventlog.h"

#include <nlohmann/json.hpp>

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

std::string Encode(const core::Event& e) {
  json j = std::visit([](const auto& v) { return json(v); }, e);
  j["type"] = core::EventName(e);
  return j.dump();
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
