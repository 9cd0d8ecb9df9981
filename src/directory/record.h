#pragma once
// Record: one entry of the organization's directory, as callers see it (owned strings). A record
// is a person or a partner organization. Typed keys are validated on import (phones are E.164,
// dates are YYYY-MM-DD); anything else lives in free-form key/value fields.
//
// `language` and `segment` are optional attributes meant for routing: the telephony layer may
// turn them into skill requirements (e.g. language "de" requires the skill "lang-de", segment
// "gold" a premium queue). The directory only stores and returns them.
//
// A value type; distinct objects may be used from distinct threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::directory {

enum class RecordKind : std::uint8_t { kPerson = 0, kPartner = 1 };
std::string_view KindName(RecordKind kind);
std::optional<RecordKind> ParseKind(std::string_view text);  // "person" | "partner"

struct Field {
  std::string key;
  std::string value;
  bool operator==(const Field&) const = default;
};

struct Record {
  std::string id;  // unique within the directory; the key of upserts and deletes
  RecordKind kind = RecordKind::kPerson;
  std::string name;
  std::vector<std::string> phones;  // E.164, "+33123456789"
  std::string organization;
  std::string partner_id;  // a person's partner (the id of a partner record); empty if none
  std::string birth_date;  // "YYYY-MM-DD" or empty
  std::string language;    // routing attribute, e.g. "fr"
  std::string segment;     // routing attribute, e.g. "gold"
  std::vector<std::string> trunks;  // partner only: trunks whose calls belong to the partner
  std::vector<std::string> pins;    // partner only: PINs a caller may type in the IVR
  std::vector<Field> fields;        // free-form, in import order

  // The value of a free-form field, or empty.
  std::string_view FieldValue(std::string_view key) const;
  bool operator==(const Record&) const = default;
};

}  // namespace sb::directory
