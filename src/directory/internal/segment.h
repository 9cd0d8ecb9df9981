#pragma once
// Segment: an immutable batch of records with its own indexes. A snapshot of the directory is
// a stack of segments, oldest first; a record (or a tombstone, for a delete) in a newer segment
// hides the record with the same id in older ones. An import builds one segment; small segments
// are merged into larger ones as they accumulate (directory.cc), like an LSM tree, so an update
// of a thousand rows never copies ten million.
//
// Layout: every record is one blob in a single arena string (record_codec.h) addressed by a
// 64-bit offset per slot; ids, phones, trunks and PINs go through KeyIndex (sorted uint64 ->
// uint32 slot arrays); names through NameIndex; organization and partner id are interned per
// segment (a uint32 code per slot) so search filters do not touch the arena.
//
// Thread safety: a Segment never changes after SegmentBuilder::Finish and may be read from any
// thread. Ownership: shared by every Snapshot that lists it (std::shared_ptr<const Segment>).
// SegmentBuilder is single-threaded.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "directory/internal/key_index.h"
#include "directory/internal/name_index.h"
#include "directory/internal/record_codec.h"
#include "directory/record.h"

namespace sb::directory::internal {

inline constexpr std::uint32_t kNoSlot = 0xFFFFFFFF;
inline constexpr std::uint32_t kNoCode = 0xFFFFFFFF;

class Segment {
 public:
  std::uint32_t slot_count() const { return static_cast<std::uint32_t>(offsets_.size() - 1); }
  std::size_t live_count() const { return live_; }
  std::size_t tombstone_count() const { return tombstones_; }

  std::string_view Blob(std::uint32_t slot) const {
    return std::string_view(arena_).substr(offsets_[slot], offsets_[slot + 1] - offsets_[slot]);
  }
  std::uint8_t kind_byte(std::uint32_t slot) const { return KindByte(Blob(slot)); }
  bool is_record(std::uint32_t slot) const { return kind_byte(slot) <= 1; }
  bool is_tombstone(std::uint32_t slot) const { return kind_byte(slot) == kTombstoneByte; }
  std::string_view Id(std::uint32_t slot) const { return DecodeId(Blob(slot)); }
  Record Get(std::uint32_t slot) const { return DecodeRecord(Blob(slot), keys_); }

  // The slot holding `id` (a record or a tombstone), or kNoSlot.
  std::uint32_t FindId(std::string_view id) const;
  // Slots of records listing the phone / trunk / PIN.
  void FindPhone(std::string_view e164, std::vector<std::uint32_t>* out) const;
  void FindTrunk(std::string_view trunk, std::vector<std::uint32_t>* out) const;
  void FindPin(std::string_view pin, std::vector<std::uint32_t>* out) const;
  // Slots of people whose partner_id is `partner_id`.
  void FindMembers(std::string_view partner_id, std::vector<std::uint32_t>* out) const;

  const NameIndex& names() const { return names_; }
  std::uint8_t kind_of(std::uint32_t slot) const { return kinds_[slot]; }
  std::uint32_t organization_code(std::uint32_t slot) const { return orgs_[slot]; }
  std::uint32_t partner_code(std::uint32_t slot) const { return partners_[slot]; }
  // The code of an organization / partner id in this segment, or kNoCode if no record has it.
  std::uint32_t OrganizationCode(std::string_view org) const;
  std::uint32_t PartnerCode(std::string_view partner_id) const;

  std::size_t MemoryBytes() const;

 private:
  friend class SegmentBuilder;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Interner = std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>>;

  std::string arena_;
  std::vector<std::uint64_t> offsets_{0};  // slot_count + 1
  std::vector<std::string> keys_;          // free-form field keys
  KeyIndex ids_, phones_, trunks_, pins_, members_;
  NameIndex names_;
  std::vector<std::uint8_t> kinds_;  // kind byte per slot, without touching the arena
  std::vector<std::uint32_t> orgs_, partners_;
  Interner org_codes_, partner_codes_;
  std::size_t live_ = 0;
  std::size_t tombstones_ = 0;
};

class SegmentBuilder {
 public:
  // The record must be valid (ValidateRecord in schema.h); `line` is echoed in duplicates.
  void Add(const Record& record, std::size_t line = 0);
  void AddTombstone(std::string_view id, std::size_t line = 0);
  std::size_t slot_count() const { return segment_->offsets_.size() - 1; }

  struct Duplicate {
    std::size_t line;
    std::size_t first_line;
    std::string id;
  };
  // Builds the indexes. A second row with an id already in the batch is dropped whole and
  // listed in *duplicates (may be null). The builder is empty afterwards. `step` (may be null)
  // is called after each of the kFinishSteps steps with the number done.
  static constexpr int kFinishSteps = 6;
  std::shared_ptr<const Segment> Finish(std::vector<Duplicate>* duplicates,
                                        const std::function<void(int done)>& step = nullptr);

 private:
  std::uint32_t Intern(Segment::Interner& table, std::string_view s);

  std::unique_ptr<Segment> segment_ = std::make_unique<Segment>();
  KeyTable keys_;
  NameIndexBuilder names_;
  std::vector<std::uint32_t> lines_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> phones_, trunks_, pins_, members_;
};

}  // namespace sb::directory::internal
