// JSON Lines import (import.h): each line is parsed with nlohmann::json without exceptions and
// turned into the same (column, value) row as a CSV line, so both formats share one validation.

#include <nlohmann/json.hpp>

#include "base/utf8.h"
#include "directory/import.h"
#include "directory/internal/batch_sink.h"

namespace sb::directory {
namespace {

using internal::BatchSink;
using internal::kProgressStep;

constexpr std::size_t kMaxLineBytes = 1 << 20;

// A JSON scalar as CSV text; false for objects (and arrays unless `list`).
bool ScalarText(const nlohmann::json& v, bool list, std::string* out) {
  if (v.is_string()) {
    *out = v.get_ref<const std::string&>();
  } else if (v.is_number() || v.is_boolean()) {
    *out = v.dump();
  } else if (v.is_null()) {
    out->clear();
  } else if (list && v.is_array()) {
    out->clear();
    for (const auto& item : v) {
      std::string s;
      if (!ScalarText(item, false, &s)) return false;
      if (!out->empty()) out->push_back(';');
      out->append(s);
    }
  } else {
    return false;
  }
  return true;
}

// "invalid JSON at column 21: syntax error while parsing value - invalid literal; ...", from
// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 21: syntax ...":
// the library's tag means nothing to a user.
Status JsonSyntaxError(const nlohmann::json::parse_error& e) {
  const std::string_view what = e.what();
  const std::size_t colon = what.find(": ", what.find("column "));
  const std::string_view detail = colon == std::string_view::npos ? what : what.substr(colon + 2);
  return InvalidArgument("invalid JSON at column " + std::to_string(e.byte) + ": " +
                         Printable(detail));
}

// Fills columns/values from one JSON object; the reason on failure.
Status RowFromJson(std::string_view line, const ImportOptions& o, std::vector<ColumnSpec>* columns,
                   std::vector<std::string>* values) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return JsonSyntaxError(e);
  }
  if (!doc.is_object()) return InvalidArgument("a line must hold one JSON object");
  std::size_t keys = doc.size();
  if (const auto f = doc.find("fields"); f != doc.end() && f->is_object()) keys += f->size() - 1;
  if (keys > o.max_columns) {
    return InvalidArgument(std::to_string(keys) + " keys; at most " +
                           std::to_string(o.max_columns) +
                           " are allowed (ImportOptions::max_columns)");
  }
  for (const auto& [key, value] : doc.items()) {
    if (key == "fields") {
      if (!value.is_object()) return InvalidArgument("'fields' must be an object");
      for (const auto& [fk, fv] : value.items()) {
        std::string text;
        if (!ScalarText(fv, false, &text)) {
          return InvalidArgument("field '" + Printable(fk) +
                                 "' must be a string, number or boolean");
        }
        columns->push_back({Column::kFreeForm, fk, fk});
        values->push_back(std::move(text));
      }
      continue;
    }
    Result<ColumnSpec> spec = ResolveColumn(key, o);
    if (!spec.ok()) return spec.status();
    const bool list = spec->column == Column::kPhone || spec->column == Column::kTrunks ||
                      spec->column == Column::kPins;
    std::string text;
    if (!ScalarText(value, list, &text)) {
      return InvalidArgument("key '" + Printable(key) + "' must be a string" +
                             (list ? " or an array" : ""));
    }
    columns->push_back(std::move(spec).value());
    values->push_back(std::move(text));
  }
  return Status::Ok();
}

}  // namespace

Result<ImportReport> ImportJsonLines(std::string_view data, Directory& directory,
                                     const ImportOptions& o, const ProgressFn& progress) {
  BatchSink sink(o);
  Record record;
  RowOp op = RowOp::kUpsert;
  std::vector<ColumnSpec> columns;
  std::vector<std::string> values;
  std::vector<std::string_view> views;
  std::uint64_t next_progress = kProgressStep;
  std::size_t pos = 0, line_no = 0;
  while (pos < data.size()) {
    const std::size_t nl = data.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? data.size() : nl;
    std::string_view line = data.substr(pos, end - pos);
    pos = end + (nl == std::string_view::npos ? 0 : 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    ++sink.report().rows;
    std::size_t bad = 0;
    if (line.size() > kMaxLineBytes) {
      sink.Reject(line_no, "line is " + std::to_string(line.size()) + " bytes, over the " +
                               std::to_string(kMaxLineBytes) + "-byte limit");
    } else if (!IsValidUtf8(line, &bad)) {
      sink.Reject(line_no, "invalid UTF-8 at byte " + std::to_string(bad + 1));
    } else {
      columns.clear();
      values.clear();
      Status s;
      try {
        s = RowFromJson(line, o, &columns, &values);
      } catch (const std::exception& e) {  // nlohmann may still throw on odd input
        s = InvalidArgument("invalid JSON: " + Printable(e.what()));
      }
      if (s.ok()) {
        views.assign(values.begin(), values.end());
        s = BuildRecord(columns, views, o, &record, &op);
      }
      if (s.ok()) {
        sink.Accept(record, op, line_no);
      } else {
        sink.Reject(line_no, s.message());
      }
    }
    if (progress && pos >= next_progress) {
      progress(ImportStage::kReading, pos, data.size());
      next_progress = pos + kProgressStep;
    }
  }
  sink.report().bytes = data.size();
  if (progress) progress(ImportStage::kReading, data.size(), data.size());
  return sink.Publish(directory, progress);
}

}  // namespace sb::directory
