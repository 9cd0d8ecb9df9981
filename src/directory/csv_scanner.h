#pragma once
// An RFC 4180 CSV scanner over one contiguous buffer (a memory-mapped file or a string): quoted
// fields, doubled quotes, commas and newlines inside quotes, CRLF or LF line ends, a UTF-8 byte
// order mark. Fields come back as string_views into the buffer; only fields holding doubled
// quotes are copied, into a scratch string reused from row to row, so a row costs no allocation
// once the scanner has warmed up.
//
// A malformed row is reported (with the line it starts on) and skipped; scanning resumes on the
// next line, so one stray quote loses one row, not the rest of the file. A quoted field that
// spans lines and is followed by text after its closing quote also counts as unterminated: its
// opening quote was most likely a stray one that paired with a later stray quote. A quoted field
// may span at most kMaxQuotedSpan bytes: past that its quote counts as unterminated.
//
// Not thread-safe; the buffer must outlive the scanner and the rows it returns.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sb::directory {

enum class CsvError : std::uint8_t {
  kNone = 0,
  kUnterminatedQuote,     // a quoted field with no closing quote
  kQuoteInUnquotedField,  // a '"' in the middle of a field that did not start with one
  kTextAfterQuote,        // characters between a closing quote and the next separator
};
std::string_view CsvErrorText(CsvError error);

struct CsvRow {
  std::size_t line = 0;        // 1-based physical line the row starts on
  std::size_t end_offset = 0;  // buffer offset just past the row (for progress)
  CsvError error = CsvError::kNone;
  std::vector<std::string_view> fields;  // valid until the next call to Next()
};

class CsvScanner {
 public:
  static constexpr std::size_t kMaxQuotedSpan = 1 << 20;

  explicit CsvScanner(std::string_view data);

  // Reads the next row into *row; false at the end of the buffer. Blank lines are skipped.
  bool Next(CsvRow* row);

  std::size_t offset() const { return pos_; }

 private:
  struct Span {
    std::size_t begin;
    std::size_t size;
    bool scratch;  // begin is an offset into scratch_, not into data_
  };
  // Scans one field starting at pos_; false (with *error set) when the row is malformed.
  bool ScanField(Span* span, CsvError* error);
  void SkipToNextLine(std::size_t from);

  std::string_view data_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::string scratch_;
  std::vector<Span> spans_;
};

}  // namespace sb::directory
