#include "directory/snapshot.h"

#include <algorithm>
#include <queue>

#include "directory/internal/segment.h"
#include "directory/text.h"

namespace sb::directory {

using internal::kNoCode;
using internal::kNoSlot;
using internal::Segment;

std::string_view AttributedByName(AttributedBy by) {
  switch (by) {
    case AttributedBy::kPin:
      return "pin";
    case AttributedBy::kTrunk:
      return "trunk";
    case AttributedBy::kCallerNumber:
      return "caller number";
    case AttributedBy::kRecord:
      return "record";
  }
  return "unknown";
}

Snapshot::Snapshot(Segments segments, std::uint64_t version, std::size_t record_count)
    : segments_(std::move(segments)), version_(version), record_count_(record_count) {}

std::optional<Snapshot::Location> Snapshot::Locate(std::string_view id) const {
  for (std::size_t k = segments_.size(); k-- > 0;) {
    const std::uint32_t slot = segments_[k]->FindId(id);
    if (slot == kNoSlot) continue;
    if (!segments_[k]->is_record(slot)) return std::nullopt;  // deleted
    return Location{k, slot};
  }
  return std::nullopt;
}

bool Snapshot::Shadowed(std::size_t segment, std::string_view id) const {
  for (std::size_t k = segment + 1; k < segments_.size(); ++k) {
    if (segments_[k]->FindId(id) != kNoSlot) return true;
  }
  return false;
}

std::optional<Record> Snapshot::FindById(std::string_view id) const {
  const auto loc = Locate(id);
  if (!loc) return std::nullopt;
  return segments_[loc->segment]->Get(loc->slot);
}

std::vector<Snapshot::Location> Snapshot::LivePhoneSlots(std::string_view e164) const {
  std::vector<Location> out;
  std::vector<std::uint32_t> slots;
  for (std::size_t k = 0; k < segments_.size(); ++k) {
    slots.clear();
    segments_[k]->FindPhone(e164, &slots);
    for (std::uint32_t slot : slots) {
      if (!Shadowed(k, segments_[k]->Id(slot))) out.push_back({k, slot});
    }
  }
  return out;
}

std::vector<Record> Snapshot::FindByPhone(std::string_view e164) const {
  std::vector<Record> out;
  for (const Location& loc : LivePhoneSlots(e164))
    out.push_back(segments_[loc.segment]->Get(loc.slot));
  std::sort(out.begin(), out.end(), [](const Record& a, const Record& b) { return a.id < b.id; });
  return out;
}

std::vector<SearchHit> Snapshot::Collect(const std::vector<std::string>& words,
                                         std::string_view folded, const SearchOptions& o,
                                         double min_word_similarity) const {
  struct Candidate {
    double approx;
    std::size_t segment;
    std::uint32_t slot;
  };
  // Keep the best `pool` candidates by approximate score (a min-heap), then score them exactly.
  const std::size_t pool = o.limit * 4 + 16;
  auto worse = [](const Candidate& a, const Candidate& b) { return a.approx > b.approx; };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse)> heap(worse);
  // The approximation ignores the coverage term of NameSimilarity (at most 10 % lower).
  const double floor = o.min_score - 0.1;
  for (std::size_t k = 0; k < segments_.size(); ++k) {
    const Segment& seg = *segments_[k];
    std::uint32_t org = kNoCode, partner = kNoCode;
    if (!o.organization.empty() && (org = seg.OrganizationCode(o.organization)) == kNoCode) {
      continue;
    }
    if (!o.partner_id.empty() && (partner = seg.PartnerCode(o.partner_id)) == kNoCode) continue;
    const bool check_shadow = k + 1 < segments_.size();
    seg.names().Match(words, min_word_similarity, floor, [&](std::uint32_t slot, double approx) {
      if (heap.size() >= pool && approx <= heap.top().approx) return;
      if (o.kind && seg.kind_of(slot) != static_cast<std::uint8_t>(*o.kind)) return;
      if (org != kNoCode && seg.organization_code(slot) != org) return;
      if (partner != kNoCode && seg.partner_code(slot) != partner) return;
      if (check_shadow && Shadowed(k, seg.Id(slot))) return;
      heap.push({approx, k, slot});
      if (heap.size() > pool) heap.pop();
    });
  }
  std::vector<SearchHit> hits;
  hits.reserve(heap.size());
  for (; !heap.empty(); heap.pop()) {
    const Candidate& c = heap.top();
    Record rec = segments_[c.segment]->Get(c.slot);
    const double score = NameSimilarity(folded, Fold(rec.name));
    if (score >= o.min_score) hits.push_back({std::move(rec), score});
  }
  std::sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
    return a.score != b.score ? a.score > b.score : a.record.id < b.record.id;
  });
  return hits;
}

std::vector<SearchHit> Snapshot::Search(std::string_view query, const SearchOptions& o) const {
  const std::string folded = Fold(query);
  const std::vector<std::string> words = Tokens(folded);
  if (words.empty() || o.limit == 0) return {};
  // Exact words first: when `limit` records score 1 (the same words, nothing more), no fuzzy
  // match can rank above them (a fuzzy word scores below 1), and the fuzzy pass, whose
  // neighbour words make common names several times as costly, is skipped.
  if (o.min_word_similarity < 1.0) {
    std::vector<SearchHit> exact = Collect(words, folded, o, 1.0);
    if (exact.size() >= o.limit && exact[o.limit - 1].score >= 1.0) {
      exact.resize(o.limit);
      return exact;
    }
  }
  std::vector<SearchHit> hits = Collect(words, folded, o, o.min_word_similarity);
  if (hits.size() > o.limit) hits.resize(o.limit);
  return hits;
}

std::optional<Record> Snapshot::UniquePartner(const std::vector<Location>& hits) const {
  std::string partner_id;
  for (const Location& loc : hits) {
    const Segment& seg = *segments_[loc.segment];
    std::string id;
    if (seg.kind_of(loc.slot) == static_cast<std::uint8_t>(RecordKind::kPartner)) {
      id = seg.Id(loc.slot);
    } else {
      id = seg.Get(loc.slot).partner_id;
    }
    if (id.empty()) continue;
    if (!partner_id.empty() && id != partner_id) return std::nullopt;  // ambiguous
    partner_id = std::move(id);
  }
  if (partner_id.empty()) return std::nullopt;
  std::optional<Record> partner = FindById(partner_id);
  if (!partner || partner->kind != RecordKind::kPartner) return std::nullopt;
  return partner;
}

std::optional<Attribution> Snapshot::AttributePartner(std::string_view trunk,
                                                      std::string_view caller_e164,
                                                      std::string_view pin) const {
  auto by_key = [&](std::string_view key, bool is_pin) {
    std::vector<Location> hits;
    std::vector<std::uint32_t> slots;
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      slots.clear();
      if (is_pin) {
        segments_[k]->FindPin(key, &slots);
      } else {
        segments_[k]->FindTrunk(key, &slots);
      }
      for (std::uint32_t slot : slots) {
        if (!Shadowed(k, segments_[k]->Id(slot))) hits.push_back({k, slot});
      }
    }
    return UniquePartner(hits);
  };
  if (!pin.empty()) {
    if (auto p = by_key(pin, true)) return Attribution{std::move(*p), AttributedBy::kPin};
  }
  if (!trunk.empty()) {
    if (auto p = by_key(trunk, false)) return Attribution{std::move(*p), AttributedBy::kTrunk};
  }
  if (!caller_e164.empty()) {
    if (auto p = UniquePartner(LivePhoneSlots(caller_e164))) {
      return Attribution{std::move(*p), AttributedBy::kCallerNumber};
    }
  }
  return std::nullopt;
}

ScreenPop Snapshot::Pop(const PopRequest& r) const {
  ScreenPop pop;
  std::string caller;
  if (!r.caller.empty()) {
    Result<std::string> e164 = NormalizeE164(r.caller, r.phone);
    if (e164.ok()) caller = std::move(e164).value();
  }
  if (!r.ivr_id.empty()) {
    if (auto rec = FindById(r.ivr_id)) pop.records.push_back(std::move(*rec));
  }
  if (pop.records.empty() && !caller.empty()) {
    pop.records = FindByPhone(caller);
    if (pop.records.size() > r.max_records) pop.records.resize(r.max_records);
  }
  pop.partner = AttributePartner(r.trunk, caller, r.pin);
  if (!pop.partner && pop.records.size() == 1) {
    const Record& rec = pop.records.front();
    if (rec.kind == RecordKind::kPartner) {
      pop.partner = Attribution{rec, AttributedBy::kRecord};
    } else if (!rec.partner_id.empty()) {
      auto partner = FindById(rec.partner_id);
      if (partner && partner->kind == RecordKind::kPartner) {
        pop.partner = Attribution{std::move(*partner), AttributedBy::kRecord};
      }
    }
  }
  if (pop.partner) pop.partner_contacts = ContactsOf(pop.partner->partner.id, r.max_records);
  return pop;
}

std::vector<Record> Snapshot::ContactsOf(std::string_view partner_id, std::size_t limit) const {
  // A partner may have thousands of people and the pop shows `limit` of them: rank by id on the
  // ids alone, check for newer versions (Shadowed) only until `limit` are found, and decode only
  // those (decoding and checking every member, then cutting, was the screen pop's p99: 0.3 ms
  // at 200 members a partner).
  struct Member {
    std::string_view id;
    std::uint32_t segment, slot;
  };
  std::vector<Member> members;
  std::vector<std::uint32_t> slots;
  for (std::size_t k = 0; k < segments_.size(); ++k) {
    slots.clear();
    segments_[k]->FindMembers(partner_id, &slots);
    for (std::uint32_t slot : slots) {
      members.push_back({segments_[k]->Id(slot), static_cast<std::uint32_t>(k), slot});
    }
  }
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.id < b.id; });
  std::vector<Record> out;
  for (const Member& m : members) {
    if (out.size() >= limit) break;
    if (!Shadowed(m.segment, m.id)) out.push_back(segments_[m.segment]->Get(m.slot));
  }
  return out;
}

std::size_t Snapshot::MemoryBytes() const {
  std::size_t bytes = 0;
  for (const auto& s : segments_) bytes += s->MemoryBytes();
  return bytes;
}

}  // namespace sb::directory
