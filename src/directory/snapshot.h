#pragma once
// Snapshot: one consistent, immutable version of the directory, and every read on it: look-up
// by id and by phone, fuzzy name search, partner attribution and screen pop. Directory swaps
// snapshots atomically; a reader that holds a Snapshot sees one version entirely, whatever
// writers do meanwhile.
//
// A snapshot is a stack of immutable segments, oldest first (internal/segment.h): the newest
// segment holding an id decides whether the record exists (a record) or not (a tombstone).
//
// Thread safety: every method is const and safe from any number of threads. Ownership: the
// segments are shared with other snapshots (older and newer versions) through shared_ptr.
// Results are owned copies; they stay valid after the snapshot is gone.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "directory/phone.h"
#include "directory/record.h"

namespace sb::directory {
namespace internal {
class Segment;
}

struct SearchOptions {
  std::size_t limit = 10;
  double min_score = 0.8;            // NameSimilarity of query and record name (text.h)
  double min_word_similarity = 0.8;  // Jaro-Winkler for a query word to match a name word
  std::optional<RecordKind> kind;    // filters; empty means any
  std::string partner_id;
  std::string organization;
};

struct SearchHit {
  Record record;
  double score = 0;  // in [min_score, 1]; results come best first, ties by id
};

// How a call was attributed to a partner, in the order tried: a PIN typed in the IVR, the
// trunk the call came in on, the caller's number (a partner's own number, or a person's who
// belongs to one), then (screen pop only) the partner of the record the caller identified as.
// A key that points to two different partners attributes nothing.
enum class AttributedBy : std::uint8_t { kPin, kTrunk, kCallerNumber, kRecord };
std::string_view AttributedByName(AttributedBy by);

struct Attribution {
  Record partner;
  AttributedBy by = AttributedBy::kPin;
};

struct PopRequest {
  std::string caller;  // the calling number, E.164 or as dialled (normalised with `phone`)
  std::string ivr_id;  // an id typed in the IVR; when it names a record, it wins over `caller`
  std::string trunk;
  std::string pin;
  PhoneOptions phone;
  std::size_t max_records = 20;
};

struct ScreenPop {
  std::vector<Record> records;  // by id
  std::optional<Attribution> partner;
  // The partner's people (ContactsOf), at most PopRequest::max_records: who the agent may be
  // speaking to when a partner calls from its trunk or types its PIN.
  std::vector<Record> partner_contacts;
};

class Snapshot {
 public:
  using Segments = std::vector<std::shared_ptr<const internal::Segment>>;

  Snapshot() = default;
  Snapshot(Segments segments, std::uint64_t version, std::size_t record_count);

  std::optional<Record> FindById(std::string_view id) const;
  // Whether a live record has this id (no copy).
  bool Contains(std::string_view id) const { return Locate(id).has_value(); }
  // Records listing the E.164 number, by id.
  std::vector<Record> FindByPhone(std::string_view e164) const;
  // Records whose name is similar to `query` (typos, transposed letters, accents and word order
  // do not matter), best first. A hit must hold a word similar to most query words (with the
  // default min_score, all words of a query of up to three words): "Marie" alone is not a hit
  // for "Marie Dupont". An empty or unmatched query gives no hits.
  std::vector<SearchHit> Search(std::string_view query, const SearchOptions& options = {}) const;
  // Empty arguments are skipped. See AttributedBy for the order.
  std::optional<Attribution> AttributePartner(std::string_view trunk, std::string_view caller_e164,
                                              std::string_view pin) const;
  ScreenPop Pop(const PopRequest& request) const;
  // A partner's contacts: the people whose partner_id names it, by id, at most `limit`.
  std::vector<Record> ContactsOf(std::string_view partner_id, std::size_t limit = 1000) const;

  std::uint64_t version() const { return version_; }
  std::size_t record_count() const { return record_count_; }
  const Segments& segments() const { return segments_; }
  std::size_t MemoryBytes() const;

 private:
  struct Location {
    std::size_t segment;
    std::uint32_t slot;
  };
  // The live record with this id, or nullopt (absent or deleted).
  std::optional<Location> Locate(std::string_view id) const;
  // True when a segment newer than `segment` holds the id (record or tombstone).
  bool Shadowed(std::size_t segment, std::string_view id) const;
  std::vector<Location> LivePhoneSlots(std::string_view e164) const;
  // Hits of one search pass, best first, not cut to the limit.
  std::vector<SearchHit> Collect(const std::vector<std::string>& words, std::string_view folded,
                                 const SearchOptions& options, double min_word_similarity) const;
  std::optional<Record> UniquePartner(const std::vector<Location>& hits) const;

  Segments segments_;
  std::uint64_t version_ = 0;
  std::size_t record_count_ = 0;
};

}  // namespace sb::directory
