#pragma once
// NameIndex: fuzzy name look-up for one segment. Names are folded (text.h) and cut into words;
// each distinct word is stored once in a dictionary, with
//   - a trigram index over the dictionary (trigram -> word ids), small because words repeat,
//   - a posting list per word (word id -> record slots, a sorted uint32 vector).
// A query word is matched to dictionary words that share enough trigrams and then pass a
// Jaro-Winkler threshold, so typos, transposed letters and missing accents still find the
// word; word order does not matter because each query word is matched on its own. A record's
// approximate score is the mean over query words of the best similarity among its words.
//
// Memory: about 4 bytes per word occurrence plus the dictionary, instead of 4 bytes per trigram
// occurrence for a trigram index over whole names.
// Internal to the directory module. Build once, then read from any thread.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sb::directory::internal {

class NameIndex {
 public:
  // visit(slot, approximate score) for each slot whose approximate score reaches min_score, in
  // increasing slot order. The approximate score is the mean over query words of the best
  // similarity among the record's words (0 for a query word with no similar word). At most
  // kMaxQueryWords query words are used.
  //
  // A record matching k of n query words scores at most k/n, so it needs k >= min_score * n:
  // with n = 2 and min_score 0.7 both words. Candidates therefore come only from the posting
  // lists of the n - k + 1 most selective query words, and each candidate is scored from its
  // own words (the forward index), so a query for a rare surname and a common first name costs
  // about the rare name's list, not the common one's.
  static constexpr std::size_t kMaxQueryWords = 8;
  void Match(const std::vector<std::string>& query_words, double min_word_similarity,
             double min_score, const std::function<void(std::uint32_t, double)>& visit) const;

  std::size_t dictionary_size() const {
    return word_offsets_.empty() ? 0 : word_offsets_.size() - 1;
  }
  std::size_t MemoryBytes() const;

 private:
  friend class NameIndexBuilder;
  std::string_view Word(std::uint32_t w) const {
    return std::string_view(words_).substr(word_offsets_[w],
                                           word_offsets_[w + 1] - word_offsets_[w]);
  }

  std::string words_;                        // dictionary text, words back to back
  std::vector<std::uint32_t> word_offsets_;  // size words + 1
  std::vector<std::uint32_t> gram_codes_;    // sorted distinct trigram codes
  std::vector<std::uint32_t> gram_offsets_;  // size codes + 1, into gram_words_
  std::vector<std::uint32_t> gram_words_;
  std::vector<std::uint64_t> post_offsets_;  // size words + 1, into post_slots_
  std::vector<std::uint32_t> post_slots_;
  std::vector<std::uint32_t> fwd_offsets_;  // size slots + 1, into fwd_words_
  std::vector<std::uint32_t> fwd_words_;    // each slot's distinct words
};

class NameIndexBuilder {
 public:
  // Slots must be added in increasing order.
  void Add(std::uint32_t slot, std::string_view name);
  // live(slot) says whether a slot is kept (duplicates dropped after Add are not); slot_count
  // is one more than the largest slot of the segment.
  NameIndex Finish(std::uint32_t slot_count, const std::function<bool(std::uint32_t)>& live);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> dict_;
  std::vector<std::uint32_t> occ_words_;  // (word, slot) occurrences, in slot order
  std::vector<std::uint32_t> occ_slots_;
  std::vector<std::uint32_t> scratch_;
};

}  // namespace sb::directory::internal
