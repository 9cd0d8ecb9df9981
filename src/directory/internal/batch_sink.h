#pragma once
// BatchSink: what CSV and JSON Lines imports share once a row is parsed: it collects valid rows
// into one SegmentBuilder, keeps the rejects, turns ids repeated within the file into rejects,
// and publishes the batch as one snapshot. Internal to the directory module; single-threaded.

#include <algorithm>
#include <string>
#include <utility>

#include "directory/directory.h"
#include "directory/import.h"
#include "directory/internal/segment.h"

namespace sb::directory::internal {

class BatchSink {
 public:
  explicit BatchSink(const ImportOptions& options) : options_(options) {}

  void Reject(std::size_t line, std::string reason) {
    ++report_.rejected;
    if (report_.rejects.size() < options_.max_rejects_kept) {
      report_.rejects.push_back({line, std::move(reason)});
    }
  }

  void Accept(const Record& record, RowOp op, std::size_t line) {
    if (op == RowOp::kDelete) {
      builder_.AddTombstone(record.id, line);
    } else {
      builder_.Add(record, line);
    }
  }

  ImportReport& report() { return report_; }

  // Builds the batch's indexes and publishes them, reporting ImportStage::kIndexing steps.
  ImportReport Publish(Directory& directory, const ProgressFn& progress) {
    constexpr int kSteps = SegmentBuilder::kFinishSteps + 1;  // and publishing
    if (progress) progress(ImportStage::kIndexing, 0, kSteps);
    std::vector<SegmentBuilder::Duplicate> duplicates;
    std::function<void(int)> step;
    if (progress) step = [&](int k) { progress(ImportStage::kIndexing, k, kSteps); };
    auto segment = builder_.Finish(&duplicates, step);
    for (const auto& d : duplicates) {
      Reject(d.line, "duplicate id '" + d.id + "' in the file (first on line " +
                         std::to_string(d.first_line) + ", which wins)");
    }
    std::stable_sort(report_.rejects.begin(), report_.rejects.end(),
                     [](const auto& a, const auto& b) { return a.line < b.line; });
    report_.applied = directory.Publish(std::move(segment));
    if (progress) progress(ImportStage::kIndexing, kSteps, kSteps);
    return std::move(report_);
  }

 private:
  const ImportOptions& options_;
  SegmentBuilder builder_;
  ImportReport report_;
};

inline constexpr std::uint64_t kProgressStep = 4 << 20;

}  // namespace sb::directory::internal
