#include "directory/internal/name_index.h"

#include <algorithm>
#include <queue>

#include "directory/text.h"

namespace sb::directory::internal {

void NameIndexBuilder::Add(std::uint32_t slot, std::string_view name) {
  const std::string folded = Fold(name);
  scratch_.clear();
  std::size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && folded[i] == ' ') ++i;
    std::size_t j = i;
    while (j < folded.size() && folded[j] != ' ') ++j;
    if (j > i) {
      const std::string_view word = std::string_view(folded).substr(i, j - i);
      auto it = dict_.find(word);
      if (it == dict_.end()) {
        it = dict_.emplace(std::string(word), static_cast<std::uint32_t>(dict_.size())).first;
      }
      scratch_.push_back(it->second);
    }
    i = j;
  }
  std::sort(scratch_.begin(), scratch_.end());
  scratch_.erase(std::unique(scratch_.begin(), scratch_.end()), scratch_.end());
  for (std::uint32_t w : scratch_) {
    occ_words_.push_back(w);
    occ_slots_.push_back(slot);
  }
}

NameIndex NameIndexBuilder::Finish(const std::function<bool(std::uint32_t)>& live) {
  NameIndex index;
  const std::size_t n_words = dict_.size();
  std::vector<std::string_view> by_id(n_words);
  for (const auto& [word, id] : dict_) by_id[id] = word;
  index.word_offsets_.reserve(n_words + 1);
  index.word_offsets_.push_back(0);
  for (std::string_view w : by_id) {
    index.words_.append(w);
    index.word_offsets_.push_back(static_cast<std::uint32_t>(index.words_.size()));
  }

  // Posting lists by counting sort; occurrences arrive in slot order, so each list is sorted.
  index.post_offsets_.assign(n_words + 1, 0);
  for (std::size_t k = 0; k < occ_words_.size(); ++k) {
    if (live(occ_slots_[k])) ++index.post_offsets_[occ_words_[k] + 1];
  }
  for (std::size_t w = 0; w < n_words; ++w) index.post_offsets_[w + 1] += index.post_offsets_[w];
  index.post_slots_.resize(index.post_offsets_[n_words]);
  std::vector<std::uint64_t> fill(index.post_offsets_.begin(), index.post_offsets_.end() - 1);
  for (std::size_t k = 0; k < occ_words_.size(); ++k) {
    if (live(occ_slots_[k])) index.post_slots_[fill[occ_words_[k]]++] = occ_slots_[k];
  }

  // Trigrams of the dictionary.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> grams;
  for (std::uint32_t w = 0; w < n_words; ++w) {
    for (std::uint32_t code : Trigrams(index.Word(w))) grams.emplace_back(code, w);
  }
  std::sort(grams.begin(), grams.end());
  for (std::size_t k = 0; k < grams.size(); ++k) {
    if (k == 0 || grams[k].first != grams[k - 1].first) {
      index.gram_codes_.push_back(grams[k].first);
      index.gram_offsets_.push_back(static_cast<std::uint32_t>(k));
    }
    index.gram_words_.push_back(grams[k].second);
  }
  index.gram_offsets_.push_back(static_cast<std::uint32_t>(grams.size()));

  dict_.clear();
  occ_words_.clear();
  occ_slots_.clear();
  return index;
}

std::size_t NameIndex::MemoryBytes() const {
  return words_.capacity() + word_offsets_.capacity() * 4 + gram_codes_.capacity() * 4 +
         gram_offsets_.capacity() * 4 + gram_words_.capacity() * 4 + post_offsets_.capacity() * 8 +
         post_slots_.capacity() * 4;
}

void NameIndex::Match(const std::vector<std::string>& query_words, double min_word_similarity,
                      const std::function<void(std::uint32_t, double)>& visit) const {
  const std::size_t n_query = std::min(query_words.size(), kMaxQueryWords);
  if (n_query == 0 || gram_codes_.empty()) return;

  // One posting list per (query word, similar dictionary word).
  struct List {
    const std::uint32_t* it;
    const std::uint32_t* end;
    std::uint32_t query_word;
    double similarity;
  };
  std::vector<List> lists;
  std::vector<std::uint32_t> hits;
  for (std::uint32_t q = 0; q < n_query; ++q) {
    const std::string& word = query_words[q];
    const std::vector<std::uint32_t> grams = Trigrams(word);
    hits.clear();
    for (std::uint32_t code : grams) {
      auto g = std::lower_bound(gram_codes_.begin(), gram_codes_.end(), code);
      if (g == gram_codes_.end() || *g != code) continue;
      const std::size_t gi = static_cast<std::size_t>(g - gram_codes_.begin());
      hits.insert(hits.end(), gram_words_.begin() + gram_offsets_[gi],
                  gram_words_.begin() + gram_offsets_[gi + 1]);
    }
    std::sort(hits.begin(), hits.end());
    // A typo destroys up to three trigrams and a transposition four: ask for a third of them.
    const std::size_t need = std::max<std::size_t>(1, (grams.size() + 2) / 3);
    for (std::size_t k = 0; k < hits.size();) {
      std::size_t e = k;
      while (e < hits.size() && hits[e] == hits[k]) ++e;
      if (e - k >= need) {
        const double sim = JaroWinkler(word, Word(hits[k]));
        if (sim >= min_word_similarity) {
          const std::uint32_t w = hits[k];
          lists.push_back({post_slots_.data() + post_offsets_[w],
                           post_slots_.data() + post_offsets_[w + 1], q, sim});
        }
      }
      k = e;
    }
  }
  if (lists.empty()) return;

  // k-way merge by slot: each slot's best similarity per query word, then their mean.
  auto later = [&](std::size_t a, std::size_t b) { return *lists[a].it > *lists[b].it; };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
  for (std::size_t l = 0; l < lists.size(); ++l) {
    if (lists[l].it != lists[l].end) heap.push(l);
  }
  double best[kMaxQueryWords] = {};
  std::uint32_t current = 0;
  bool any = false;
  auto flush = [&] {
    double sum = 0;
    for (std::size_t q = 0; q < n_query; ++q) sum += best[q];
    visit(current, sum / static_cast<double>(n_query));
    std::fill(best, best + n_query, 0.0);
  };
  while (!heap.empty()) {
    const std::size_t l = heap.top();
    heap.pop();
    const std::uint32_t slot = *lists[l].it;
    if (any && slot != current) flush();
    current = slot;
    any = true;
    best[lists[l].query_word] = std::max(best[lists[l].query_word], lists[l].similarity);
    if (++lists[l].it != lists[l].end) heap.push(l);
  }
  if (any) flush();
}

}  // namespace sb::directory::internal
