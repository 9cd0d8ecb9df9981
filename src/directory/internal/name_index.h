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
  // visit(slot, approximate score in [0, 1]) for each slot sharing at least one similar word,
  // in increasing slot order. At most kMaxQueryWords query words are used.
  static constexpr std::size_t kMaxQueryWords = 8;
  void Match(const std::vector<std::string>& query_words, double min_word_similarity,
             const std::function<void(std::uint32_t, double)>& visit) const;

  std::size_t dictionary_size() const { return word_offsets_.empty() ? 0 : word_offsets_.size() - 1; }
  std::size_t MemoryBytes() const;

 private:
  friend class NameIndexBuilder;
  std::string_view Word(std::uint32_t w) const {
    return std::string_view(words_).substr(word_offsets_[w], word_offsets_[w + 1] - word_offsets_[w]);
  }

  std::string words_;                       // dictionary text, words back to back
  std::vector<std::uint32_t> word_offsets_;  // size words + 1
  std::vector<std::uint32_t> gram_codes_;    // sorted distinct trigram codes
  std::vector<std::uint32_t> gram_offsets_;  // size codes + 1, into gram_words_
  std::vector<std::uint32_t> gram_words_;
  std::vector<std::uint64_t> post_offsets_;  // size words + 1, into post_slots_
  std::vector<std::uint32_t> post_slots_;
};

class NameIndexBuilder {
 public:
  // Slots must be added in increasing order.
  void Add(std::uint32_t slot, std::string_view name);
  // live(slot) says whether a slot is kept (duplicates dropped after Add are not).
  NameIndex Finish(const std::function<bool(std::uint32_t)>& live);

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
