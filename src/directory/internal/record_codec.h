#pragma once
// The compact form of a record inside a segment's arena: one byte of kind, then length-prefixed
// strings (LEB128 lengths) in a fixed order, free-form field keys as indexes into the segment's
// key table. A record costs its text plus a few bytes, with no pointers and no per-record
// allocation. Tombstones (deletes) and rows dropped as duplicates hold only their id.
// Internal to the directory module. Pure; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "directory/record.h"

namespace sb::directory::internal {

inline constexpr std::uint8_t kTombstoneByte = 0xFF;
inline constexpr std::uint8_t kDeadByte = 0xFE;  // dropped (duplicate id); indexed nowhere

// Interns free-form field keys: each distinct key is stored once per segment.
class KeyTable {
 public:
  std::uint32_t Intern(std::string_view key);
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  std::vector<std::string> keys_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

void EncodeRecord(const Record& record, KeyTable& keys, std::string* arena);
void EncodeTombstone(std::string_view id, std::string* arena);

// Decoding trusts the blob: it was written by EncodeRecord.
Record DecodeRecord(std::string_view blob, const std::vector<std::string>& keys);
std::string_view DecodeId(std::string_view blob);
inline std::uint8_t KindByte(std::string_view blob) { return static_cast<std::uint8_t>(blob[0]); }

}  // namespace sb::directory::internal
