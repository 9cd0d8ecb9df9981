#include "directory/internal/segment.h"

#include <algorithm>

namespace sb::directory::internal {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

std::uint32_t Segment::FindId(std::string_view id) const {
  std::uint32_t found = kNoSlot;
  ids_.ForEach(HashKey(id), [&](std::uint32_t slot) {
    if (found == kNoSlot && Id(slot) == id) found = slot;
  });
  return found;
}

void Segment::FindPhone(std::string_view e164, std::vector<std::uint32_t>* out) const {
  const std::uint64_t key = PhoneKey(e164);
  if (key == 0) return;
  phones_.ForEach(key, [&](std::uint32_t slot) { out->push_back(slot); });
}

void Segment::FindTrunk(std::string_view trunk, std::vector<std::uint32_t>* out) const {
  trunks_.ForEach(HashKey(trunk), [&](std::uint32_t slot) {
    if (Contains(Get(slot).trunks, trunk)) out->push_back(slot);
  });
}

void Segment::FindPin(std::string_view pin, std::vector<std::uint32_t>* out) const {
  pins_.ForEach(HashKey(pin), [&](std::uint32_t slot) {
    if (Contains(Get(slot).pins, pin)) out->push_back(slot);
  });
}

void Segment::FindMembers(std::string_view partner_id, std::vector<std::uint32_t>* out) const {
  const std::uint32_t code = PartnerCode(partner_id);
  if (code == kNoCode) return;
  members_.ForEach(HashKey(partner_id), [&](std::uint32_t slot) {
    if (partners_[slot] == code) out->push_back(slot);
  });
}

std::uint32_t Segment::OrganizationCode(std::string_view org) const {
  auto it = org_codes_.find(org);
  return it == org_codes_.end() ? kNoCode : it->second;
}

std::uint32_t Segment::PartnerCode(std::string_view partner_id) const {
  auto it = partner_codes_.find(partner_id);
  return it == partner_codes_.end() ? kNoCode : it->second;
}

std::size_t Segment::MemoryBytes() const {
  std::size_t bytes = arena_.capacity() + offsets_.capacity() * 8 + ids_.MemoryBytes() +
                      phones_.MemoryBytes() + trunks_.MemoryBytes() + pins_.MemoryBytes() +
                      members_.MemoryBytes() + names_.MemoryBytes() + kinds_.capacity() +
                      orgs_.capacity() * 4 + partners_.capacity() * 4;
  for (const auto& [s, c] : org_codes_) bytes += s.capacity() + 48;
  for (const auto& [s, c] : partner_codes_) bytes += s.capacity() + 48;
  return bytes;
}

std::uint32_t SegmentBuilder::Intern(Segment::Interner& table, std::string_view s) {
  auto it = table.find(s);
  if (it != table.end()) return it->second;
  const auto code = static_cast<std::uint32_t>(table.size());
  table.emplace(std::string(s), code);
  return code;
}

void SegmentBuilder::Add(const Record& r, std::size_t line) {
  Segment& s = *segment_;
  const auto slot = static_cast<std::uint32_t>(slot_count());
  EncodeRecord(r, keys_, &s.arena_);
  s.offsets_.push_back(s.arena_.size());
  s.kinds_.push_back(static_cast<std::uint8_t>(r.kind));
  s.orgs_.push_back(Intern(s.org_codes_, r.organization));
  s.partners_.push_back(Intern(s.partner_codes_, r.partner_id));
  lines_.push_back(static_cast<std::uint32_t>(line));
  for (const std::string& p : r.phones) {
    if (const std::uint64_t key = PhoneKey(p); key != 0) phones_.emplace_back(key, slot);
  }
  for (const std::string& t : r.trunks) trunks_.emplace_back(HashKey(t), slot);
  for (const std::string& p : r.pins) pins_.emplace_back(HashKey(p), slot);
  if (!r.partner_id.empty()) members_.emplace_back(HashKey(r.partner_id), slot);
  names_.Add(slot, r.name);
}

void SegmentBuilder::AddTombstone(std::string_view id, std::size_t line) {
  Segment& s = *segment_;
  EncodeTombstone(id, &s.arena_);
  s.offsets_.push_back(s.arena_.size());
  s.kinds_.push_back(kTombstoneByte);
  s.orgs_.push_back(kNoCode);
  s.partners_.push_back(kNoCode);
  lines_.push_back(static_cast<std::uint32_t>(line));
}

std::shared_ptr<const Segment> SegmentBuilder::Finish(std::vector<Duplicate>* duplicates,
                                                      const std::function<void(int)>& step) {
  auto done = [&](int k) {
    if (step) step(k);
  };
  Segment& s = *segment_;
  const std::uint32_t n = slot_count();
  std::vector<std::pair<std::uint64_t, std::uint32_t>> ids;
  ids.reserve(n);
  for (std::uint32_t slot = 0; slot < n; ++slot) ids.emplace_back(HashKey(s.Id(slot)), slot);
  std::sort(ids.begin(), ids.end());
  // Within a run of equal hashes, a later slot with an id seen earlier in the run is dropped.
  std::size_t kept = 0;
  for (std::size_t k = 0; k < ids.size();) {
    std::size_t e = k;
    while (e < ids.size() && ids[e].first == ids[k].first) ++e;
    for (std::size_t a = k; a < e; ++a) {
      const std::uint32_t slot = ids[a].second;
      std::uint32_t first = kNoSlot;
      for (std::size_t b = k; b < a && first == kNoSlot; ++b) {
        if (s.kinds_[ids[b].second] != kDeadByte && s.Id(ids[b].second) == s.Id(slot)) {
          first = ids[b].second;
        }
      }
      if (first == kNoSlot) {
        ids[kept++] = ids[a];
        continue;
      }
      if (duplicates) duplicates->push_back({lines_[slot], lines_[first], std::string(s.Id(slot))});
      s.arena_[s.offsets_[slot]] = static_cast<char>(kDeadByte);
      s.kinds_[slot] = kDeadByte;
    }
    k = e;
  }
  ids.resize(kept);
  if (duplicates) {
    std::sort(duplicates->begin(), duplicates->end(),
              [](const Duplicate& a, const Duplicate& b) { return a.line < b.line; });
  }
  auto live = [&](std::uint32_t slot) { return s.kinds_[slot] <= 1; };
  auto drop_dead = [&](std::vector<std::pair<std::uint64_t, std::uint32_t>>& pairs) {
    std::erase_if(pairs, [&](const auto& p) { return !live(p.second); });
    return std::move(pairs);
  };
  s.ids_ = KeyIndex(std::move(ids));
  done(1);
  s.phones_ = KeyIndex(drop_dead(phones_));
  done(2);
  s.trunks_ = KeyIndex(drop_dead(trunks_));
  s.pins_ = KeyIndex(drop_dead(pins_));
  done(3);
  s.members_ = KeyIndex(drop_dead(members_));
  done(4);
  s.names_ = names_.Finish(n, live);
  done(5);
  s.keys_ = keys_.keys();
  for (std::uint32_t slot = 0; slot < n; ++slot) {
    if (live(slot)) ++s.live_;
    if (s.kinds_[slot] == kTombstoneByte) ++s.tombstones_;
  }
  s.arena_.shrink_to_fit();
  s.offsets_.shrink_to_fit();
  done(6);
  std::shared_ptr<const Segment> out = std::move(segment_);
  segment_ = std::make_unique<Segment>();
  keys_ = KeyTable();
  names_ = NameIndexBuilder();
  lines_.clear();
  phones_.clear();
  trunks_.clear();
  pins_.clear();
  members_.clear();
  return out;
}

}  // namespace sb::directory::internal
