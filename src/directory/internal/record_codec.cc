#include "directory/internal/record_codec.h"

namespace sb::directory::internal {
namespace {

void PutVarint(std::uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutString(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view blob) : blob_(blob) {}
  std::uint64_t Varint() {
    std::uint64_t v = 0;
    int shift = 0;
    while (pos_ < blob_.size()) {
      const auto b = static_cast<std::uint8_t>(blob_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) break;
      shift += 7;
    }
    return v;
  }
  std::string_view String() {
    const std::size_t n = static_cast<std::size_t>(Varint());
    std::string_view s = blob_.substr(pos_, n);
    pos_ += s.size();
    return s;
  }
  std::uint8_t Byte() { return pos_ < blob_.size() ? static_cast<std::uint8_t>(blob_[pos_++]) : 0; }

 private:
  std::string_view blob_;
  std::size_t pos_ = 0;
};

void PutList(const std::vector<std::string>& list, std::string* out) {
  PutVarint(list.size(), out);
  for (const std::string& s : list) PutString(s, out);
}

std::vector<std::string> GetList(Reader& r) {
  std::vector<std::string> list(static_cast<std::size_t>(r.Varint()));
  for (std::string& s : list) s = r.String();
  return list;
}

}  // namespace

std::uint32_t KeyTable::Intern(std::string_view key) {
  auto [it, inserted] =
      index_.try_emplace(std::string(key), static_cast<std::uint32_t>(keys_.size()));
  if (inserted) keys_.emplace_back(key);
  return it->second;
}

void EncodeRecord(const Record& r, KeyTable& keys, std::string* arena) {
  arena->push_back(static_cast<char>(r.kind));
  PutString(r.id, arena);
  PutString(r.name, arena);
  PutString(r.organization, arena);
  PutString(r.partner_id, arena);
  PutString(r.birth_date, arena);
  PutString(r.language, arena);
  PutString(r.segment, arena);
  PutList(r.phones, arena);
  PutList(r.trunks, arena);
  PutList(r.pins, arena);
  PutVarint(r.fields.size(), arena);
  for (const Field& f : r.fields) {
    PutVarint(keys.Intern(f.key), arena);
    PutString(f.value, arena);
  }
}

void EncodeTombstone(std::string_view id, std::string* arena) {
  arena->push_back(static_cast<char>(kTombstoneByte));
  PutString(id, arena);
}

std::string_view DecodeId(std::string_view blob) {
  Reader r(blob);
  r.Byte();
  return r.String();
}

Record DecodeRecord(std::string_view blob, const std::vector<std::string>& keys) {
  Reader r(blob);
  Record rec;
  rec.kind = r.Byte() == 1 ? RecordKind::kPartner : RecordKind::kPerson;
  rec.id = r.String();
  rec.name = r.String();
  rec.organization = r.String();
  rec.partner_id = r.String();
  rec.birth_date = r.String();
  rec.language = r.String();
  rec.segment = r.String();
  rec.phones = GetList(r);
  rec.trunks = GetList(r);
  rec.pins = GetList(r);
  rec.fields.resize(static_cast<std::size_t>(r.Varint()));
  for (Field& f : rec.fields) {
    const auto k = static_cast<std::size_t>(r.Varint());
    f.key = k < keys.size() ? keys[k] : std::string();
    f.value = r.String();
  }
  return rec;
}

}  // namespace sb::directory::internal
