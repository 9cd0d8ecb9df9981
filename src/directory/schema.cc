#include "directory/schema.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/utf8.h"

namespace sb::directory {
namespace {

constexpr std::array<std::pair<std::string_view, Column>, 13> kColumns = {{
    {"id", Column::kId},
    {"op", Column::kOp},
    {"kind", Column::kKind},
    {"name", Column::kName},
    {"phone", Column::kPhone},
    {"phones", Column::kPhone},
    {"organization", Column::kOrganization},
    {"partner_id", Column::kPartnerId},
    {"birth_date", Column::kBirthDate},
    {"language", Column::kLanguage},
    {"segment", Column::kSegment},
    {"trunks", Column::kTrunks},
    {"pins", Column::kPins},
}};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(part) for each non-empty trimmed ';'-separated part; stops at the first error.
template <typename F>
Status ForEachPart(std::string_view list, F&& f) {
  while (!list.empty()) {
    const std::size_t semi = list.find(';');
    const std::string_view part = Trim(list.substr(0, semi));
    if (!part.empty()) SB_RETURN_IF_ERROR(f(part));
    if (semi == std::string_view::npos) break;
    list.remove_prefix(semi + 1);
  }
  return Status::Ok();
}

Status CheckPin(std::string_view pin) {
  const bool digits =
      std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || pin.size() < 3 || pin.size() > 12) {
    return InvalidArgument("pin '" + Printable(pin) + "' must be 3 to 12 digits");
  }
  return Status::Ok();
}

Status CheckLanguage(std::string_view lang) {
  const bool ok = lang.size() <= 35 && std::all_of(lang.begin(), lang.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_';
                  });
  if (!ok) return InvalidArgument("language '" + Printable(lang) + "' is not a language tag");
  return Status::Ok();
}

Status CheckText(std::string_view column, std::string_view value, const ImportOptions& o) {
  if (value.size() > o.max_field_bytes) {
    return InvalidArgument("column '" + Printable(column) + "' is " + std::to_string(value.size()) +
                           " bytes, over the " + std::to_string(o.max_field_bytes) + "-byte limit");
  }
  std::size_t bad = 0;
  if (!IsValidUtf8(value, &bad)) {
    return InvalidArgument("invalid UTF-8 in column '" + Printable(column) + "' at byte " +
                           std::to_string(bad + 1));
  }
  return Status::Ok();
}

Status CheckKindRules(const Record& r) {
  if (r.kind == RecordKind::kPerson && (!r.trunks.empty() || !r.pins.empty())) {
    return InvalidArgument("trunks and pins belong to partner records, not to a person");
  }
  if (r.kind == RecordKind::kPartner && !r.partner_id.empty()) {
    return InvalidArgument("a partner record cannot have a partner_id");
  }
  return Status::Ok();
}

}  // namespace

bool IsValidUtf8(std::string_view s, std::size_t* bad_offset) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
    static constexpr std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!ok) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

bool IsValidDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  const int m = (d[5] - '0') * 10 + (d[6] - '0');
  const int day = (d[8] - '0') * 10 + (d[9] - '0');
  if (y < 1800 || m < 1 || m > 12 || day < 1) return false;
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

Result<ColumnSpec> ResolveColumn(std::string_view name, const ImportOptions& o) {
  for (const auto& [known, column] : kColumns) {
    if (name == known) return ColumnSpec{column, std::string(name), ""};
  }
  const std::string_view prefix = o.free_form_prefix;
  if (!prefix.empty() && name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix) {
    return ColumnSpec{Column::kFreeForm, std::string(name),
                      std::string(name.substr(prefix.size()))};
  }
  for (const std::string& declared : o.free_form_columns) {
    if (name == declared) return ColumnSpec{Column::kFreeForm, std::string(name), declared};
  }
  std::string msg = "unknown column '" + Printable(name) +
                    "': known columns are id, op, kind, name, phone, organization, partner_id, "
                    "birth_date, language, segment, trunks, pins";
  if (!prefix.empty()) msg += "; free-form columns start with '" + std::string(prefix) + "'";
  msg += " or are declared in ImportOptions::free_form_columns";
  return InvalidArgument(msg);
}

Status BuildRecord(const std::vector<ColumnSpec>& columns,
                   const std::vector<std::string_view>& values, const ImportOptions& o, Record* r,
                   RowOp* op) {
  r->id.clear();
  r->kind = RecordKind::kPerson;
  r->name.clear();
  r->phones.clear();
  r->organization.clear();
  r->partner_id.clear();
  r->birth_date.clear();
  r->language.clear();
  r->segment.clear();
  r->trunks.clear();
  r->pins.clear();
  r->fields.clear();
  *op = RowOp::kUpsert;
  const std::size_t n = std::min(columns.size(), values.size());
  for (std::size_t i = 0; i < n; ++i) SB_RETURN_IF_ERROR(CheckText(columns[i].name, values[i], o));
  // id and op first: a delete needs nothing else and ignores the other columns.
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view v = Trim(values[i]);
    if (columns[i].column == Column::kId) {
      r->id.assign(v);
    } else if (columns[i].column == Column::kOp) {
      if (v == "delete") {
        *op = RowOp::kDelete;
      } else if (!v.empty() && v != "upsert") {
        return InvalidArgument("op must be upsert or delete, not '" + Printable(v) + "'");
      }
    }
  }
  if (r->id.empty()) return InvalidArgument("missing id");
  if (*op == RowOp::kDelete) return Status::Ok();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view raw = values[i];
    const std::string_view v = Trim(raw);
    switch (columns[i].column) {
      case Column::kId:
      case Column::kOp:
        break;
      case Column::kKind: {
        const auto kind = ParseKind(v);
        if (!kind)
          return InvalidArgument("kind must be person or partner, not '" + Printable(v) + "'");
        r->kind = *kind;
        break;
      }
      case Column::kName:
        r->name.assign(v);
        break;
      case Column::kPhone:
        SB_RETURN_IF_ERROR(ForEachPart(v, [&](std::string_view part) -> Status {
          Result<std::string> e164 = NormalizeE164(part, o.phone);
          if (!e164.ok()) {
            return InvalidArgument("phone '" + Printable(part) + "': " + e164.status().message());
          }
          if (std::find(r->phones.begin(), r->phones.end(), *e164) == r->phones.end()) {
            r->phones.push_back(std::move(e164).value());
          }
          return Status::Ok();
        }));
        break;
      case Column::kOrganization:
        r->organization.assign(v);
        break;
      case Column::kPartnerId:
        r->partner_id.assign(v);
        break;
      case Column::kBirthDate:
        if (!v.empty() && !IsValidDate(v)) {
          return InvalidArgument("birth_date '" + Printable(v) +
                                 "' is not a valid YYYY-MM-DD date");
        }
        r->birth_date.assign(v);
        break;
      case Column::kLanguage:
        SB_RETURN_IF_ERROR(CheckLanguage(v));
        r->language.assign(v);
        break;
      case Column::kSegment:
        r->segment.assign(v);
        break;
      case Column::kTrunks:
        SB_RETURN_IF_ERROR(ForEachPart(v, [&](std::string_view part) {
          r->trunks.emplace_back(part);
          return Status::Ok();
        }));
        break;
      case Column::kPins:
        SB_RETURN_IF_ERROR(ForEachPart(v, [&](std::string_view part) {
          SB_RETURN_IF_ERROR(CheckPin(part));
          r->pins.emplace_back(part);
          return Status::Ok();
        }));
        break;
      case Column::kFreeForm:
        if (!raw.empty()) r->fields.push_back({columns[i].field_key, std::string(raw)});
        break;
    }
  }
  return CheckKindRules(*r);
}

Status ValidateRecord(const Record& r, const ImportOptions& o) {
  if (r.id.empty()) return InvalidArgument("missing id");
  for (const auto& [column, value] : {std::pair<std::string_view, std::string_view>{"id", r.id},
                                      {"name", r.name},
                                      {"organization", r.organization},
                                      {"partner_id", r.partner_id},
                                      {"birth_date", r.birth_date},
                                      {"language", r.language},
                                      {"segment", r.segment}}) {
    SB_RETURN_IF_ERROR(CheckText(column, value, o));
  }
  for (const Field& f : r.fields) {
    SB_RETURN_IF_ERROR(CheckText("field key", f.key, o));
    SB_RETURN_IF_ERROR(CheckText(f.key, f.value, o));
  }
  for (const std::string& p : r.phones) {
    Result<std::string> e164 = NormalizeE164(p, o.phone);
    if (!e164.ok() || *e164 != p)
      return InvalidArgument("phone '" + Printable(p) + "' is not in E.164 form");
  }
  for (const std::string& t : r.trunks) SB_RETURN_IF_ERROR(CheckText("trunks", t, o));
  for (const std::string& p : r.pins) SB_RETURN_IF_ERROR(CheckPin(p));
  if (!r.birth_date.empty() && !IsValidDate(r.birth_date)) {
    return InvalidArgument("birth_date '" + Printable(r.birth_date) +
                           "' is not a valid YYYY-MM-DD date");
  }
  if (!r.language.empty()) SB_RETURN_IF_ERROR(CheckLanguage(r.language));
  return CheckKindRules(r);
}

}  // namespace sb::directory
