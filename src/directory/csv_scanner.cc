#include "directory/csv_scanner.h"

#include <algorithm>
#include <cstring>

namespace sb::directory {

std::string_view CsvErrorText(CsvError error) {
  switch (error) {
    case CsvError::kNone:
      return "no error";
    case CsvError::kUnterminatedQuote:
      return "unterminated quote";
    case CsvError::kQuoteInUnquotedField:
      return "quote inside an unquoted field";
    case CsvError::kTextAfterQuote:
      return "text after a closing quote";
  }
  return "unknown error";
}

CsvScanner::CsvScanner(std::string_view data) : data_(data) {
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

void CsvScanner::SkipToNextLine(std::size_t from) {
  const std::size_t nl = data_.find('\n', from);
  if (nl == std::string_view::npos) {
    pos_ = data_.size();
  } else {
    pos_ = nl + 1;
    ++line_;
  }
}

bool CsvScanner::ScanField(Span* span, CsvError* error) {
  const std::size_t n = data_.size();
  const char* d = data_.data();
  if (pos_ < n && d[pos_] == '"') {
    const std::size_t open = pos_;
    const std::size_t limit = std::min(n, open + 1 + kMaxQuotedSpan);
    std::size_t i = open + 1;
    bool doubled = false;
    std::size_t close = std::string_view::npos;
    while (i < limit) {
      const void* q = std::memchr(d + i, '"', limit - i);
      if (q == nullptr) break;
      const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(q) - d);
      if (at + 1 < n && d[at + 1] == '"') {
        doubled = true;
        i = at + 2;
        continue;
      }
      close = at;
      break;
    }
    if (close == std::string_view::npos) {
      *error = CsvError::kUnterminatedQuote;
      return false;
    }
    const auto newlines = static_cast<std::size_t>(std::count(d + open + 1, d + close, '\n'));
    line_ += newlines;
    if (!doubled) {
      *span = {open + 1, close - open - 1, false};
    } else {
      // Only fields with "" pay for a copy.
      const std::size_t begin = scratch_.size();
      for (std::size_t k = open + 1; k < close; ++k) {
        scratch_.push_back(d[k]);
        if (d[k] == '"') ++k;
      }
      *span = {begin, scratch_.size() - begin, true};
    }
    pos_ = close + 1;
    if (pos_ < n && d[pos_] != ',' && d[pos_] != '\n' && d[pos_] != '\r') {
      // A field that ran over lines and then ends badly most likely began with a stray quote
      // that paired with another stray quote further down: blame the opening one, so that
      // scanning resumes on the next line instead of losing every line in between.
      *error = newlines > 0 ? CsvError::kUnterminatedQuote : CsvError::kTextAfterQuote;
      return false;
    }
    return true;
  }
  const std::size_t begin = pos_;
  while (pos_ < n) {
    const char c = d[pos_];
    if (c == ',' || c == '\n' || c == '\r') break;
    if (c == '"') {
      *error = CsvError::kQuoteInUnquotedField;
      return false;
    }
    ++pos_;
  }
  *span = {begin, pos_ - begin, false};
  return true;
}

bool CsvScanner::Next(CsvRow* row) {
  const std::size_t n = data_.size();
  while (pos_ < n) {
    if (data_[pos_] == '\n') {
      ++pos_;
      ++line_;
    } else if (data_[pos_] == '\r' && pos_ + 1 < n && data_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
    } else {
      break;
    }
  }
  if (pos_ >= n) return false;
  row->line = line_;
  row->error = CsvError::kNone;
  row->fields.clear();
  spans_.clear();
  scratch_.clear();
  const std::size_t row_start = pos_;
  const std::size_t row_line = line_;
  while (true) {
    Span span{};
    CsvError error = CsvError::kNone;
    if (!ScanField(&span, &error)) {
      row->error = error;
      if (error == CsvError::kUnterminatedQuote) {
        // Resume on the line after the row's first one: the quote was probably a stray one.
        line_ = row_line;
        SkipToNextLine(row_start);
      } else {
        SkipToNextLine(pos_);
      }
      row->end_offset = pos_;
      return true;
    }
    spans_.push_back(span);
    if (pos_ >= n) break;
    const char c = data_[pos_++];
    if (c == ',') continue;
    if (c == '\r' && pos_ < n && data_[pos_] == '\n') ++pos_;
    ++line_;
    break;
  }
  row->end_offset = pos_;
  row->fields.reserve(spans_.size());
  for (const Span& s : spans_) {
    row->fields.push_back(s.scratch ? std::string_view(scratch_).substr(s.begin, s.size)
                                    : data_.substr(s.begin, s.size));
  }
  return true;
}

}  // namespace sb::directory
