// Indexes derived from the settings once, so decisions never search by name or rescan config.

#include <algorithm>

#include "core/internal/state.h"

namespace sb::core::internal {

void BuildIndexes(State& s) {
  const EngineSettings& cfg = s.settings;
  const std::size_t n_skills = cfg.skills.size();
  s.agents.assign(cfg.agents.size(), AgentRt{});
  s.queues.assign(cfg.queues.size(), QueueRt{});
  s.group_members.assign(cfg.groups.size(), {});
  s.proficiency.assign(cfg.agents.size() * n_skills, 0);

  for (std::uint32_t qi = 0; qi < cfg.queues.size(); ++qi) {
    const QueueSettings& qs = cfg.queues[qi];
    QueueRt& q = s.queues[qi];
    q.handle_seconds = Seconds(qs.expected_handle_time);
    q.requirements_at.push_back(qs.requirements);
    for (const RelaxStep& step : qs.relax) {
      std::vector<SkillRequirement> next = q.requirements_at.back();
      if (step.kind == RelaxStep::Kind::kLowerProficiency) {
        for (SkillRequirement& r : next) {
          if (r.skill == step.skill)
            r.min_proficiency = std::min(r.min_proficiency, step.min_proficiency);
        }
      }
      q.requirements_at.push_back(std::move(next));
    }
  }
  for (std::uint32_t ai = 0; ai < cfg.agents.size(); ++ai) {
    const AgentSettings& a = cfg.agents[ai];
    const AgentId id{ai};
    for (const AgentSkill& k : a.skills) {
      s.proficiency[ai * n_skills + k.skill.value] = static_cast<std::int8_t>(k.proficiency);
    }
    for (const QueueMembership& m : a.queues) {
      QueueRt& q = s.queues[m.queue.value];
      s.agents[ai].serves.push_back({m.queue, static_cast<std::int8_t>(m.tier), 0,
                                     static_cast<std::uint32_t>(q.members.size())});
      q.members.push_back(id);
      q.member_tier.push_back(static_cast<std::int8_t>(m.tier));
    }
    for (GroupId g : a.groups) s.group_members[g.value].push_back(id);
  }
  // Queues an agent reaches through a relax step's group, when not a member already.
  for (std::uint32_t qi = 0; qi < cfg.queues.size(); ++qi) {
    const auto& relax = cfg.queues[qi].relax;
    for (std::uint16_t step = 0; step < relax.size(); ++step) {
      if (relax[step].kind != RelaxStep::Kind::kAddGroup) continue;
      for (AgentId a : s.group_members[relax[step].group.value]) {
        auto& serves = s.agents[a.value].serves;
        const bool known = std::any_of(serves.begin(), serves.end(),
                                       [&](const Serve& sv) { return sv.queue.value == qi; });
        if (!known) serves.push_back({QueueId{qi}, 9, static_cast<std::uint16_t>(step + 1), 0});
      }
    }
  }
  // Ready-list tiers, then each member's slot in them (slots are final once every tier is in).
  for (const AgentRt& a : s.agents) {
    for (const Serve& sv : a.serves) {
      if (sv.min_level == 0) s.queues[sv.queue.value].ready.AddTier(sv.tier);
    }
  }
  std::vector<std::vector<std::size_t>> per_tier(s.queues.size());
  for (AgentRt& a : s.agents) {
    for (Serve& sv : a.serves) {
      if (sv.min_level != 0) continue;
      sv.ready_slot = static_cast<std::uint8_t>(s.queues[sv.queue.value].ready.SlotOf(sv.tier));
      auto& n = per_tier[sv.queue.value];
      if (n.size() <= sv.ready_slot) n.resize(sv.ready_slot + 1u, 0);
      ++n[sv.ready_slot];
    }
  }
  for (std::size_t q = 0; q < s.queues.size(); ++q) {
    for (std::uint32_t slot = 0; slot < per_tier[q].size(); ++slot) {
      s.queues[q].ready.Reserve(slot, per_tier[q][slot]);
    }
  }
  // Share classes (state.h): a member of queue y belongs to the class of the other queues it
  // serves at the same or a better tier than y.
  for (AgentRt& a : s.agents) {
    for (Serve& y : a.serves) {
      if (y.min_level != 0) continue;
      std::vector<std::uint32_t> others;
      for (const Serve& x : a.serves) {
        if (&x != &y && x.queue != y.queue && x.min_level == 0 && x.tier <= y.tier) {
          others.push_back(x.queue.value);
        }
      }
      std::sort(others.begin(), others.end());
      auto& classes = s.queues[y.queue.value].share_classes;
      auto it = std::find_if(classes.begin(), classes.end(),
                             [&](const ShareClass& c) { return c.others == others; });
      if (it == classes.end()) it = classes.insert(classes.end(), ShareClass{std::move(others), 0});
      y.share_class = static_cast<std::uint32_t>(it - classes.begin());
    }
  }
  // Lower tiers first, so an agent looks at its first-choice queues first.
  for (AgentRt& a : s.agents) {
    std::stable_sort(a.serves.begin(), a.serves.end(),
                     [](const Serve& x, const Serve& y) { return x.tier < y.tier; });
  }
}

}  // namespace sb::core::internal
