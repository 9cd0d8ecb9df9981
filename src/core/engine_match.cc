// Matching: who talks to whom. Two entry points keep the invariant "no ready agent could take
// a waiting contact": MatchContact when a contact starts waiting or becomes eligible for more
// agents, MatchAgent when an agent becomes free. Each input can only create new pairs that
// involve what it changed, so targeted matching is complete.

#include <algorithm>
#include <array>

#include "core/internal/state.h"

namespace sb::core::internal {
namespace {

constexpr std::int8_t kGroupTier = 9;  // agents added by a relax step come after every member

// Inserts `cand` into the best-first `top` list (fixed size, no allocation). A template, so
// the comparison inlines: this runs once per candidate of every decision.
template <typename Before>
void Keep(Explanation& why, const RankedCandidate& cand, Before before) {
  int n = why.shown;
  if (n == Explanation::kShown && !before(cand, why.top[n - 1])) return;
  int i = std::min(n, Explanation::kShown - 1);
  while (i > 0 && before(cand, why.top[i - 1])) {
    why.top[i] = why.top[i - 1];
    --i;
  }
  why.top[i] = cand;
  if (n < Explanation::kShown) ++why.shown;
}

// Ties of tier and score break on the exact idle time (the explanation shows whole seconds
// only), then on the agent id.
bool AgentBefore(const RankedAgent& a, const RankedAgent& b) {
  if (a.shown.tier != b.shown.tier) return a.shown.tier < b.shown.tier;
  if (a.shown.score != b.shown.score) return a.shown.score > b.shown.score;
  if (a.idle != b.idle) return a.idle > b.idle;
  return a.shown.agent < b.shown.agent;
}

// The explanation's best four agents, with the exact idle time of each beside it.
struct TopAgents {
  Explanation& why;
  std::array<Duration, Explanation::kShown> idle{};

  RankedAgent at(int i) const { return {why.top[i], idle[i]}; }
  void Set(int i, const RankedAgent& r) {
    why.top[i] = r.shown;
    idle[i] = r.idle;
  }
  void Append(const RankedAgent& r) { Set(why.shown++, r); }
  // Keep() for agents, moving the idle times along.
  void Keep(const RankedAgent& cand) {
    int n = why.shown;
    if (n == Explanation::kShown && !AgentBefore(cand, at(n - 1))) return;
    int i = std::min(n, Explanation::kShown - 1);
    while (i > 0 && AgentBefore(cand, at(i - 1))) {
      Set(i, at(i - 1));
      --i;
    }
    Set(i, cand);
    if (n < Explanation::kShown) ++why.shown;
  }
};

// For contacts competing for one agent: lower tier, then longer weighted wait, then service order.
bool ContactBefore(const RankedCandidate& a, const RankedCandidate& b) {
  if (a.tier != b.tier) return a.tier < b.tier;
  if (a.score != b.score) return a.score > b.score;
  return a.contact < b.contact;
}

int WeakestProficiency(const State& s, AgentId a, const std::vector<SkillRequirement>& reqs) {
  int weakest = 5;
  for (const SkillRequirement& r : reqs) weakest = std::min(weakest, s.Proficiency(a, r.skill));
  return reqs.empty() ? 0 : weakest;
}

// Offers the contact to agent_at(0) .. agent_at(n - 1), all under one new offer number.
template <typename AgentAt>
void Offer(State& s, ContactRt& c, std::size_t n, const Explanation& why, AgentAt agent_at) {
  const QueueSettings& q = s.settings.queues[c.queue.value];
  const std::uint32_t offer = c.offer + 1;
  for (std::size_t i = 0; i < n; ++i) {
    Emit(s, ContactOffered{s.now, c.id, agent_at(i), c.queue, offer, s.now + q.offer_timeout,
                           c.kind, why});
  }
}

// The first relax step the contact has reached that opens one of agent `a`'s groups to its
// queue; -1 if none.
int FirstOpenedGroupStep(const State& s, AgentId a, const ContactRt& c) {
  const auto& relax = s.settings.queues[c.queue.value].relax;
  const auto& groups = s.settings.agents[a.value].groups;
  for (std::uint16_t k = 0; k < c.relax_level && k < relax.size(); ++k) {
    if (relax[k].kind == RelaxStep::Kind::kAddGroup &&
        std::find(groups.begin(), groups.end(), relax[k].group) != groups.end()) {
      return k;
    }
  }
  return -1;
}

}  // namespace

bool GroupMayTake(const State& s, AgentId a, const ContactRt& c) {
  const auto& relax = s.settings.queues[c.queue.value].relax;
  const auto& groups = s.settings.agents[a.value].groups;
  bool opened = false;
  for (std::uint16_t k = 0; k < c.relax_level && k < relax.size(); ++k) {
    if (relax[k].kind != RelaxStep::Kind::kAddGroup ||
        std::find(groups.begin(), groups.end(), relax[k].group) == groups.end()) {
      continue;
    }
    if (relax[k].waive_requirements) return true;
    opened = true;
  }
  return opened && Eligible(s, a, c);
}

bool Eligible(const State& s, AgentId a, const ContactRt& c) {
  const QueueRt& q = s.queues[c.queue.value];
  for (const SkillRequirement& r : q.requirements_at[c.relax_level]) {
    if (s.Proficiency(a, r.skill) < r.min_proficiency) return false;
  }
  return true;
}

void MatchContact(State& s, ContactId id) {
  auto it = s.contacts.find(id);
  if (it == s.contacts.end() || it->second.phase != ContactPhase::kWaiting) return;
  ContactRt& c = it->second;
  const QueueSettings& qs = s.settings.queues[c.queue.value];
  const QueueRt& q = s.queues[c.queue.value];
  const auto& reqs = q.requirements_at[c.relax_level];
  const bool ring_all = qs.strategy == StrategyKind::kRingAll;
  StrategyContext ctx{c.id, s.settings.seed, static_cast<std::uint32_t>(q.members.size()),
                      q.round_robin_next, qs.best_match};
  Explanation why;
  why.rule = ring_all ? Rule::kRingAll : Rule::kAgentForContact;
  why.strategy = static_cast<std::uint8_t>(qs.strategy);
  why.relax_level = c.relax_level;
  TopAgents top{why};
  if (ring_all) s.ring_scratch.clear();

  // Once the explanation holds its four best, a candidate of a later tier cannot enter it (tier
  // decides first in AgentBefore), nor, for longest idle, one idle for less time than the
  // fourth: such candidates are counted but not scored. Ring-all needs every candidate. Checked
  // in the scan itself, before the call: most candidates stop here.
  const bool longest_idle = qs.strategy == StrategyKind::kLongestIdle;
  auto cannot_enter = [&](std::int8_t tier, Time ready_since) {
    if (ring_all || why.shown < Explanation::kShown) return false;
    const RankedCandidate& last = why.top[Explanation::kShown - 1];
    return tier > last.tier || (longest_idle && tier == last.tier &&
                                static_cast<double>((s.now - ready_since).count()) < last.score);
  };
  auto rank = [&](AgentId a, std::int8_t tier, std::uint32_t member_index, Time ready_since,
                  std::uint32_t contacts_today) {
    Candidate cand{a,
                   tier,
                   static_cast<std::int8_t>(WeakestProficiency(s, a, reqs)),
                   s.now - ready_since,
                   contacts_today,
                   member_index};
    const double score = longest_idle ? LongestIdleScore(cand, ctx) : Score(qs.strategy, cand, ctx);
    return RankedAgent{{a, c.id, c.queue, tier, cand.proficiency,
                        static_cast<std::int32_t>(cand.idle.count() / 1000), score},
                       cand.idle};
  };
  auto consider = [&](AgentId a, std::int8_t tier, std::uint32_t member_index, Time ready_since,
                      std::uint32_t contacts_today) {
    ++why.considered;
    if (cannot_enter(tier, ready_since)) return;
    const RankedAgent r = rank(a, tier, member_index, ready_since, contacts_today);
    top.Keep(r);
    if (ring_all) s.ring_scratch.push_back(r);
  };

  // Eligible(), with the requirements looked up once for the whole scan.
  const bool any_requirement = !reqs.empty();
  auto meets = [&](const ReadyEntry& r) {
    return std::all_of(reqs.begin(), reqs.end(), [&](const SkillRequirement& q) {
      return s.Proficiency(r.agent, q.skill) >= q.min_proficiency;
    });
  };
  // The ready list is in the order of ready_list.h: once an entry cannot enter the explanation,
  // no later one can (a later tier, or the same tier and idle for no longer), and for longest
  // idle, which ranks in that very order, nothing after the fourth eligible entry can. From there
  // on entries are only counted.
  bool counting = false;
  for (const ReadyTier& tier : q.ready.tiers()) {
    if (counting && !any_requirement) {
      why.considered += static_cast<std::uint32_t>(tier.size());
      continue;
    }
    for (const ReadyEntry* p = tier.begin(); p != tier.end(); ++p) {
      const ReadyEntry& r = *p;
      if (any_requirement && !meets(r)) {
        ++why.excluded;
        continue;
      }
      if (!counting) {
        counting = (longest_idle && why.shown == Explanation::kShown) ||
                   cannot_enter(r.tier, r.ready_since);
      }
      if (!counting && longest_idle && !ring_all) {
        // Longest idle ranks in list order: the entry goes straight to the end of the top four.
        ++why.considered;
        top.Append(rank(r.agent, r.tier, r.member_index, r.ready_since, r.contacts_today));
      } else if (!counting) {
        consider(r.agent, r.tier, r.member_index, r.ready_since, r.contacts_today);
      } else if (!any_requirement) {
        why.considered += static_cast<std::uint32_t>(tier.end() - p);
        break;
      } else {
        ++why.considered;
      }
    }
  }
  // Groups opened by relax steps already reached: their agents join behind every member, if
  // they meet the requirement in force or a step opening one of their groups waives it. An
  // agent in several opened groups is considered once, under the first.
  for (std::uint16_t step = 0; step < c.relax_level && step < qs.relax.size(); ++step) {
    if (qs.relax[step].kind != RelaxStep::Kind::kAddGroup) continue;
    for (AgentId a : s.group_members[qs.relax[step].group.value]) {
      const AgentRt& ag = s.agents[a.value];
      if (ag.state != AgentState::kReady) continue;
      const bool member = std::any_of(ag.serves.begin(), ag.serves.end(), [&](const Serve& sv) {
        return sv.queue == c.queue && sv.min_level == 0;
      });
      if (member || FirstOpenedGroupStep(s, a, c) != step) continue;
      if (!GroupMayTake(s, a, c)) {
        ++why.excluded;
        continue;
      }
      consider(a, kGroupTier, 0, ag.ready_since, ag.contacts_today);
    }
  }
  if (why.shown == 0) return;
  if (ring_all) {
    std::sort(s.ring_scratch.begin(), s.ring_scratch.end(), AgentBefore);
    const std::size_t n = std::min<std::size_t>(s.ring_scratch.size(), qs.ring_all_max);
    Offer(s, c, n, why, [&](std::size_t i) { return s.ring_scratch[i].shown.agent; });
  } else {
    Offer(s, c, 1, why, [&](std::size_t) { return why.top[0].agent; });
  }
}

namespace {

// Applies a not-ready or logout the agent asked for while busy; false if none was pending.
bool ApplyPending(State& s, AgentId id) {
  const std::int16_t pending = s.agents[id.value].pending;
  if (pending == kPendingLogout) {
    Emit(s, AgentLoggedOut{s.now, id});
  } else if (pending >= 0) {
    Emit(s, AgentNotReady{s.now, id, static_cast<std::uint8_t>(pending)});
  }
  return pending >= 0;
}

}  // namespace

void FreeAgent(State& s, AgentId id) {
  if (ApplyPending(s, id)) return;
  Emit(s, AgentReady{s.now, id});
  MatchAgent(s, id);
}

void AfterCancel(State& s, AgentId id) {
  if (!ApplyPending(s, id)) MatchAgent(s, id);
}

// Whether agent `id`, reaching the contact's queue through `sv`, may take it now.
bool CanTake(const State& s, AgentId id, const Serve& sv, const ContactRt& c) {
  return sv.min_level == 0 ? Eligible(s, id, c) : GroupMayTake(s, id, c);
}

// A ring-all contact of `sv`'s queue offered at this very instant with room for one more agent:
// an agent freed now rings for it too, so agents freed together ring together whatever order
// the engine frees them in. Null if none.
const ContactRt* JoinableRingAll(const State& s, AgentId id, const Serve& sv) {
  const QueueSettings& qs = s.settings.queues[sv.queue.value];
  if (qs.strategy != StrategyKind::kRingAll) return nullptr;
  for (ContactId cid : s.queues[sv.queue.value].offered) {
    const ContactRt& c = s.contacts.at(cid);
    if (c.offered_at == s.now && c.ringing.size() < static_cast<std::size_t>(qs.ring_all_max) &&
        !c.ringing.contains(id) && CanTake(s, id, sv, c)) {
      return &c;
    }
  }
  return nullptr;
}

void MatchAgent(State& s, AgentId id) {
  const AgentRt& a = s.agents[id.value];
  if (a.state != AgentState::kReady) return;
  Explanation why;
  why.rule = Rule::kContactForAgent;
  auto keep = [&](const Serve& sv, const ContactRt& c, double weighted_wait) {
    const QueueRt& q = s.queues[sv.queue.value];
    RankedCandidate r{
        id,
        c.id,
        sv.queue,
        sv.tier,
        static_cast<std::int8_t>(WeakestProficiency(s, id, q.requirements_at[c.relax_level])),
        static_cast<std::int32_t>(weighted_wait),
        weighted_wait};
    ++why.considered;
    Keep(why, r,
         [](const RankedCandidate& x, const RankedCandidate& y) { return ContactBefore(x, y); });
  };
  for (const Serve& sv : a.serves) {
    const QueueRt& q = s.queues[sv.queue.value];
    const QueueSettings& qs = s.settings.queues[sv.queue.value];
    // The offer went out now to the front of the queue: it stands for this queue's best.
    if (const ContactRt* c = JoinableRingAll(s, id, sv)) {
      keep(sv, *c, Seconds(s.now - c->arrival) * qs.priority);
      continue;
    }
    for (ContactId cid : q.waiting) {
      const ContactRt& c = s.contacts.at(cid);
      if (!CanTake(s, id, sv, c)) {
        ++why.excluded;
        continue;
      }
      keep(sv, c, Seconds(s.now - c.arrival) * qs.priority);
      break;  // the first eligible contact is this queue's best; later ones wait behind it
    }
  }
  if (why.shown == 0) return;
  ContactRt& c = s.contacts.at(why.top[0].contact);
  const QueueSettings& qs = s.settings.queues[c.queue.value];
  why.strategy = static_cast<std::uint8_t>(qs.strategy);
  why.relax_level = c.relax_level;
  if (c.phase == ContactPhase::kOffered) {
    why.rule = Rule::kRingAll;
    Emit(s, ContactOffered{s.now, c.id, id, c.queue, c.offer, c.offer_expires, c.kind, why});
  } else if (qs.strategy == StrategyKind::kRingAll) {
    MatchContact(s, c.id);  // rings every eligible ready agent, this one among them
  } else {
    Offer(s, c, 1, why, [&](std::size_t) { return why.top[0].agent; });
  }
}

}  // namespace sb::core::internal
