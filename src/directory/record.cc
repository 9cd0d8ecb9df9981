#include "directory/record.h"

namespace sb::directory {

std::string_view KindName(RecordKind kind) {
  return kind == RecordKind::kPartner ? "partner" : "person";
}

std::optional<RecordKind> ParseKind(std::string_view text) {
  if (text.empty() || text == "person") return RecordKind::kPerson;
  if (text == "partner") return RecordKind::kPartner;
  return std::nullopt;
}

std::string_view Record::FieldValue(std::string_view key) const {
  for (const Field& f : fields) {
    if (f.key == key) return f.value;
  }
  return {};
}

}  // namespace sb::directory
