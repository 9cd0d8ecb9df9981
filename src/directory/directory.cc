#include "directory/directory.h"

#include <chrono>
#include <thread>

#include "directory/internal/segment.h"

namespace sb::directory {
namespace {

using internal::Segment;
using internal::SegmentBuilder;

// One segment holding the live state of `older` overlaid by `newer`. Tombstones are kept unless
// the result is the bottom of the stack, where there is nothing left for them to hide.
std::shared_ptr<const Segment> Merge(const Segment& older, const Segment& newer,
                                     bool keep_tombstones) {
  SegmentBuilder builder;
  auto copy = [&](const Segment& seg, const Segment* hiding) {
    for (std::uint32_t slot = 0; slot < seg.slot_count(); ++slot) {
      const bool record = seg.is_record(slot);
      if (!record && !seg.is_tombstone(slot)) continue;  // dropped duplicate
      if (hiding && hiding->FindId(seg.Id(slot)) != internal::kNoSlot) continue;
      if (record) {
        builder.Add(seg.Get(slot));
      } else if (keep_tombstones) {
        builder.AddTombstone(seg.Id(slot));
      }
    }
  };
  copy(older, &newer);
  copy(newer, nullptr);
  return builder.Finish(nullptr);
}

}  // namespace

Directory::Directory() : current_(std::make_shared<const Snapshot>()) {}

ApplyStats Directory::Publish(std::shared_ptr<const Segment> segment) {
  std::lock_guard<std::mutex> lock(write_mu_);
  std::shared_ptr<const Snapshot> old = snapshot();
  ApplyStats stats;
  for (std::uint32_t slot = 0; slot < segment->slot_count(); ++slot) {
    const bool record = segment->is_record(slot);
    if (!record && !segment->is_tombstone(slot)) continue;
    const bool existed = old->Contains(segment->Id(slot));
    if (record) {
      ++(existed ? stats.updated : stats.inserted);
    } else {
      ++(existed ? stats.deleted : stats.delete_missing);
    }
  }
  Snapshot::Segments segments = old->segments();
  // A full re-import (every live record updated or deleted) leaves nothing below it to keep:
  // the new segment replaces the stack instead of being merged record by record.
  if (stats.updated + stats.deleted == old->record_count()) segments.clear();
  if (segment->slot_count() > 0) segments.push_back(std::move(segment));
  while (segments.size() >= 2 &&
         segments.back()->slot_count() * 2 >= segments[segments.size() - 2]->slot_count()) {
    const bool bottom = segments.size() == 2;
    auto merged = Merge(*segments[segments.size() - 2], *segments.back(), !bottom);
    segments.pop_back();
    segments.back() = std::move(merged);
  }
  const std::size_t count = old->record_count() + stats.inserted - stats.deleted;
  stats.version = old->version() + 1;
  auto next = std::make_shared<const Snapshot>(std::move(segments), stats.version, count);
  {
    std::lock_guard<std::mutex> lock(current_mu_);
    current_.swap(next);  // `next` now holds the replaced snapshot, released below
  }
  next.reset();
  // Readers are short; give them up to a second to drop `old`, so that freeing it (the segments
  // only it held) happens here and not in a reader's call.
  for (int i = 0; i < 1000 && old.use_count() > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  old.reset();
  return stats;
}

Result<ApplyStats> Directory::Upsert(const std::vector<Record>& records,
                                     const ImportOptions& options) {
  SegmentBuilder builder;
  for (std::size_t i = 0; i < records.size(); ++i) {
    Status s = ValidateRecord(records[i], options);
    if (!s.ok()) return s.WithContext("record " + std::to_string(i) + " ('" + records[i].id + "')");
    builder.Add(records[i], i);
  }
  std::vector<SegmentBuilder::Duplicate> duplicates;
  auto segment = builder.Finish(&duplicates);
  if (!duplicates.empty()) {
    return InvalidArgument("record " + std::to_string(duplicates.front().line) + ": id '" +
                           duplicates.front().id + "' repeats record " +
                           std::to_string(duplicates.front().first_line));
  }
  return Publish(std::move(segment));
}

ApplyStats Directory::Delete(const std::vector<std::string>& ids) {
  SegmentBuilder builder;
  for (const std::string& id : ids) {
    if (!id.empty()) builder.AddTombstone(id);
  }
  return Publish(builder.Finish(nullptr));
}

}  // namespace sb::directory
