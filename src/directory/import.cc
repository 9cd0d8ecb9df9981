#include "directory/import.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/utf8.h"
#include "directory/csv_scanner.h"
#include "directory/internal/batch_sink.h"

namespace sb::directory {
namespace {

using internal::BatchSink;
using internal::kProgressStep;

Result<std::vector<ColumnSpec>> ReadHeader(const CsvRow& row, const ImportOptions& o) {
  const std::string where = "header (line " + std::to_string(row.line) + ")";
  if (row.error != CsvError::kNone) {
    return InvalidArgument(where + ": " + std::string(CsvErrorText(row.error)));
  }
  // Before anything per column: the check for repeats below is quadratic.
  if (row.fields.size() > o.max_columns) {
    return InvalidArgument(where + ": " + std::to_string(row.fields.size()) + " columns; at most " +
                           std::to_string(o.max_columns) +
                           " are allowed (ImportOptions::max_columns)");
  }
  std::vector<ColumnSpec> columns;
  bool has_id = false;
  for (std::string_view name : row.fields) {
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    Result<ColumnSpec> spec = ResolveColumn(name, o);
    if (!spec.ok()) return spec.status().WithContext(where);
    for (const ColumnSpec& c : columns) {
      const bool same_key = c.column == spec->column && c.column != Column::kFreeForm;
      if (same_key || (c.column == Column::kFreeForm && c.field_key == spec->field_key &&
                       spec->column == Column::kFreeForm)) {
        return InvalidArgument(where + ": column '" + Printable(name) + "' repeats '" +
                               Printable(c.name) + "'");
      }
    }
    has_id = has_id || spec->column == Column::kId;
    columns.push_back(std::move(spec).value());
  }
  if (!has_id) return InvalidArgument(where + ": no 'id' column");
  return columns;
}

// A read-only memory map of a whole file, unmapped on destruction.
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ != nullptr) munmap(data_, size_);
    if (fd_ >= 0) close(fd_);
  }
  Status Open(const std::string& path) {
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Unavailable(std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (fstat(fd_, &st) != 0)
      return Unavailable(std::string("cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return InvalidArgument("not a regular file");
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ == 0) return Status::Ok();
    void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (p == MAP_FAILED) return Unavailable(std::string("cannot map: ") + std::strerror(errno));
    data_ = p;
    madvise(data_, size_, MADV_SEQUENTIAL);
    return Status::Ok();
  }
  std::string_view view() const {
    return data_ ? std::string_view(static_cast<const char*>(data_), size_) : std::string_view();
  }

 private:
  int fd_ = -1;
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Result<ImportReport> ImportCsv(std::string_view data, Directory& directory, const ImportOptions& o,
                               const ProgressFn& progress) {
  CsvScanner scanner(data);
  CsvRow row;
  if (!scanner.Next(&row)) return InvalidArgument("empty file: no header row");
  SB_ASSIGN_OR_RETURN(const std::vector<ColumnSpec> columns, ReadHeader(row, o));
  BatchSink sink(o);
  Record record;
  RowOp op = RowOp::kUpsert;
  std::uint64_t next_progress = kProgressStep;
  while (scanner.Next(&row)) {
    ++sink.report().rows;
    if (row.error != CsvError::kNone) {
      sink.Reject(row.line, std::string(CsvErrorText(row.error)));
    } else if (row.fields.size() != columns.size()) {
      sink.Reject(row.line, "expected " + std::to_string(columns.size()) + " columns, found " +
                                std::to_string(row.fields.size()));
    } else if (Status s = BuildRecord(columns, row.fields, o, &record, &op); !s.ok()) {
      sink.Reject(row.line, s.message());
    } else {
      sink.Accept(record, op, row.line);
    }
    if (progress && row.end_offset >= next_progress) {
      progress(ImportStage::kReading, row.end_offset, data.size());
      next_progress = row.end_offset + kProgressStep;
    }
  }
  sink.report().bytes = data.size();
  if (progress) progress(ImportStage::kReading, data.size(), data.size());
  return sink.Publish(directory, progress);
}

Result<ImportReport> ImportFile(const std::string& path, Directory& directory,
                                const ImportOptions& o, const ProgressFn& progress) {
  MappedFile file;
  SB_RETURN_IF_ERROR(file.Open(path));
  const bool jsonl =
      o.format == ImportFormat::kJsonLines ||
      (o.format == ImportFormat::kAuto && (EndsWith(path, ".jsonl") || EndsWith(path, ".ndjson")));
  return jsonl ? ImportJsonLines(file.view(), directory, o, progress)
               : ImportCsv(file.view(), directory, o, progress);
}

void WriteRejects(const ImportReport& report, std::ostream& out) {
  for (const Reject& r : report.rejects) out << "line " << r.line << ": " << r.reason << '\n';
  if (report.rejected > report.rejects.size()) {
    out << (report.rejected - report.rejects.size()) << " more rejected rows not listed\n";
  }
}

}  // namespace sb::directory
