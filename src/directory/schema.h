#pragma once
// The import schema shared by CSV and JSON Lines: which column (or JSON key) feeds which typed
// key of a Record, and the validation of one row. Pure; thread-safe.
//
// Columns (names are case-sensitive, lower case):
//   id            required, the record's unique key
//   op            "upsert" (default) or "delete"; a delete needs only the id
//   kind          "person" (default) or "partner"
//   name          free text, searched with typos
//   phone         one or more numbers separated by ';', normalised to E.164 (alias: phones)
//   organization  free text, a search filter
//   partner_id    a person's partner organization (the id of a partner record)
//   birth_date    YYYY-MM-DD, a real calendar date
//   language, segment   routing attributes (record.h)
//   trunks, pins  partner only, ';'-separated; PINs are 3 to 12 digits
// Free-form fields: a column named with the free-form prefix ("x_" by default; "x_colour" is
// stored as field "colour"), or one listed in ImportOptions::free_form_columns (stored under
// its own name). Any other column is refused: the whole file is rejected before a row is
// applied, naming the column, so that a typo ("phnoe") never silently becomes a field.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "directory/phone.h"
#include "directory/record.h"

namespace sb::directory {

enum class ImportFormat : std::uint8_t { kAuto, kCsv, kJsonLines };

struct ImportOptions {
  ImportFormat format = ImportFormat::kAuto;  // kAuto: by extension (.jsonl/.ndjson, else CSV)
  PhoneOptions phone;
  std::string free_form_prefix = "x_";         // empty: no prefix is accepted
  std::vector<std::string> free_form_columns;  // accepted as they are, e.g. {"contract"}
  std::size_t max_field_bytes = 4096;
  // Columns of a CSV header, keys of a JSON line ("fields" entries included): a header wider
  // than this refuses the file at once, a wider JSON line is rejected.
  std::size_t max_columns = 1000;
  std::size_t max_rejects_kept = 1'000'000;  // past this, rejects are counted, not listed
};

enum class Column : std::uint8_t {
  kId,
  kOp,
  kKind,
  kName,
  kPhone,
  kOrganization,
  kPartnerId,
  kBirthDate,
  kLanguage,
  kSegment,
  kTrunks,
  kPins,
  kFreeForm,
};

struct ColumnSpec {
  Column column = Column::kFreeForm;
  std::string name;       // as written in the header / JSON key
  std::string field_key;  // for kFreeForm: the key stored in Record::fields
};

enum class RowOp : std::uint8_t { kUpsert, kDelete };

// InvalidArgument "unknown column 'x' (...)" when the name is neither known nor free-form.
Result<ColumnSpec> ResolveColumn(std::string_view name, const ImportOptions& options);

// Builds *record from one row (values[i] belongs to columns[i]); *op says upsert or delete.
// On error returns InvalidArgument with the reason (column and value named) and the row must
// be skipped. *record is reused between rows to keep its string capacity.
Status BuildRecord(const std::vector<ColumnSpec>& columns,
                   const std::vector<std::string_view>& values, const ImportOptions& options,
                   Record* record, RowOp* op);

// Checks a record built by code (Directory::Upsert): id present, UTF-8, field sizes, E.164
// phones, a valid date, trunks and PINs only on partners.
Status ValidateRecord(const Record& record, const ImportOptions& options = {});

// Helpers exposed for tests.
bool IsValidUtf8(std::string_view s, std::size_t* bad_offset = nullptr);
bool IsValidDate(std::string_view yyyy_mm_dd);

}  // namespace sb::directory
