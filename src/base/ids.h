#pragma once
// Typed ids: an AgentId cannot be passed where a QueueId is expected. Ids, not pointers, cross
// event boundaries; entities live in flat containers indexed by them.

#include <compare>
#include <cstdint>
#include <functional>

namespace sb {

template <typename Tag, typename Rep = std::uint32_t>
struct Id {
  Rep value = kInvalid;
  static constexpr Rep kInvalid = static_cast<Rep>(-1);

  constexpr Id() = default;
  constexpr explicit Id(Rep v) : value(v) {}
  constexpr bool valid() const { return value != kInvalid; }
  friend constexpr auto operator<=>(Id, Id) = default;
};

using AgentId = Id<struct AgentTag>;
using QueueId = Id<struct QueueTag>;
using SkillId = Id<struct SkillTag>;
using GroupId = Id<struct GroupTag>;
using ContactId = Id<struct ContactTag, std::uint64_t>;

}  // namespace sb

template <typename Tag, typename Rep>
struct std::hash<sb::Id<Tag, Rep>> {
  std::size_t operator()(sb::Id<Tag, Rep> id) const noexcept { return std::hash<Rep>{}(id.value); }
};
