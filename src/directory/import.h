#pragma once
// Import of records from CSV (RFC 4180, a header row naming the columns) or JSON Lines (one
// object per line, keys named like the CSV columns; "phone", "trunks" and "pins" may be arrays;
// a "fields" object holds free-form fields). The columns and the free-form policy are in
// schema.h.
//
// Every bad row is skipped and reported with its line and reason: invalid UTF-8, a field over
// max_field_bytes, a bad date, an unparseable phone, a missing id, an id repeated in the file
// (the first row wins), an unterminated quote, a stray quote, a wrong column count, invalid JSON,
// an unknown JSON key, a bad kind/op/PIN/language. A row is applied whole or not at all, and the
// whole file is published as one new snapshot: readers see the directory before the import or
// after it, never half of it. A row with op=delete deletes its id.
//
// A file-level problem (unreadable file, empty file, a header over ImportOptions::max_columns,
// an unknown or repeated column, no id column) returns an error Status and applies nothing. Its
// message does not name the file: callers put the path in front ("a.csv: header (line 1): ...").
//
// The input is read through a read-only memory map; the scanner copies nothing per field except
// fields holding doubled quotes. Thread safety: imports may run from any thread, concurrently
// with reads; concurrent imports are published one after the other.

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "directory/directory.h"
#include "directory/schema.h"

namespace sb::directory {

struct Reject {
  std::size_t line = 0;  // 1-based; for CSV the line the row starts on (the header is line 1)
  std::string reason;
};

struct ImportReport {
  std::size_t rows = 0;         // data rows read, header excluded
  std::size_t rejected = 0;     // may exceed rejects.size() (ImportOptions::max_rejects_kept)
  std::vector<Reject> rejects;  // by line
  ApplyStats applied;
  std::uint64_t bytes = 0;
};

// What an import reports progress on: reading and checking rows (done and total in bytes:
// about every 4 MiB and once at the end), then building the indexes and publishing the snapshot
// (done and total in steps: once as it starts, then after each step). Called from the importing
// thread; at 10 M rows reading takes ~13 s and indexing ~7 s.
enum class ImportStage : std::uint8_t { kReading, kIndexing };
using ProgressFn = std::function<void(ImportStage stage, std::uint64_t done, std::uint64_t total)>;

Result<ImportReport> ImportCsv(std::string_view data, Directory& directory,
                               const ImportOptions& options = {},
                               const ProgressFn& progress = nullptr);
Result<ImportReport> ImportJsonLines(std::string_view data, Directory& directory,
                                     const ImportOptions& options = {},
                                     const ProgressFn& progress = nullptr);
// Unavailable if the file cannot be opened or mapped.
Result<ImportReport> ImportFile(const std::string& path, Directory& directory,
                                const ImportOptions& options = {},
                                const ProgressFn& progress = nullptr);

// One line per reject, "line 12: birth_date '2023-02-30' is not a valid YYYY-MM-DD date",
// then a line saying how many were not listed, if any.
void WriteRejects(const ImportReport& report, std::ostream& out);

}  // namespace sb::directory
