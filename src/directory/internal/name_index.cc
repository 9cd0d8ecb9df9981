#include "directory/internal/name_index.h"

#include <algorithm>
#include <bit>
#include <cmath>

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

NameIndex NameIndexBuilder::Finish(std::uint32_t slot_count,
                                   const std::function<bool(std::uint32_t)>& live) {
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

  // Forward index: occurrences are in slot order already.
  index.fwd_offsets_.assign(static_cast<std::size_t>(slot_count) + 1, 0);
  for (std::size_t k = 0; k < occ_words_.size(); ++k) {
    if (!live(occ_slots_[k])) continue;
    index.fwd_words_.push_back(occ_words_[k]);
    ++index.fwd_offsets_[occ_slots_[k] + 1];
  }
  for (std::size_t i = 0; i < slot_count; ++i) index.fwd_offsets_[i + 1] += index.fwd_offsets_[i];

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
         post_slots_.capacity() * 4 + fwd_offsets_.capacity() * 4 + fwd_words_.capacity() * 4;
}

void NameIndex::Match(const std::vector<std::string>& query_words, double min_word_similarity,
                      double min_score,
                      const std::function<void(std::uint32_t, double)>& visit) const {
  const std::size_t n_query = std::min(query_words.size(), kMaxQueryWords);
  if (n_query == 0 || gram_codes_.empty()) return;

  // Dictionary words similar to each query word: (word, query word, similarity), and the total
  // length of each query word's posting lists.
  struct Similar {
    std::uint32_t word;
    std::uint32_t query_word;
    double similarity;
  };
  std::vector<Similar> similar;
  std::vector<std::size_t> totals(n_query, 0);
  // Shared trigram counts per dictionary word: a byte per word, cleared through `touched`.
  const std::size_t n_words = dictionary_size();
  std::vector<std::uint8_t> shared(n_words, 0);
  std::vector<std::uint32_t> touched;
  for (std::uint32_t q = 0; q < n_query; ++q) {
    const std::string& word = query_words[q];
    const std::vector<std::uint32_t> grams = Trigrams(word);
    touched.clear();
    for (std::uint32_t code : grams) {
      auto g = std::lower_bound(gram_codes_.begin(), gram_codes_.end(), code);
      if (g == gram_codes_.end() || *g != code) continue;
      const std::size_t gi = static_cast<std::size_t>(g - gram_codes_.begin());
      for (std::uint32_t k = gram_offsets_[gi]; k < gram_offsets_[gi + 1]; ++k) {
        const std::uint32_t w = gram_words_[k];
        if (shared[w] == 0) touched.push_back(w);
        if (shared[w] < 255) ++shared[w];
      }
    }
    // A typo destroys up to three trigrams and a transposition four: ask for a third of them,
    // and for one only in words of up to four letters ("ruox" shares only "  r" with "roux").
    const std::size_t need = grams.size() <= 5 ? 1 : (grams.size() + 2) / 3;
    for (std::uint32_t w : touched) {
      if (shared[w] >= need) {
        // At a threshold of 1 only the word itself qualifies: no need for Jaro-Winkler.
        const double sim =
            min_word_similarity >= 1.0 ? (Word(w) == word ? 1.0 : 0.0) : JaroWinkler(word, Word(w));
        if (sim >= min_word_similarity && post_offsets_[w + 1] > post_offsets_[w]) {
          similar.push_back({w, q, sim});
          totals[q] += post_offsets_[w + 1] - post_offsets_[w];
        }
      }
      shared[w] = 0;
    }
  }
  if (similar.empty()) return;

  // Query words by selectivity; the first n - k_required + 1 of them generate candidates.
  std::vector<std::uint32_t> order(n_query);
  for (std::uint32_t q = 0; q < n_query; ++q) order[q] = q;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return totals[a] < totals[b]; });
  const auto n = static_cast<double>(n_query);
  const std::size_t required = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(min_score * n - 1e-9)), 1, n_query);
  std::vector<bool> drives(n_query, false);
  for (std::size_t d = 0; d + required <= n_query; ++d) drives[order[d]] = true;
  const std::size_t n_slots = fwd_offsets_.size() - 1;
  std::size_t driving_lists = 0, driving_total = 0;
  for (const Similar& s : similar) {
    if (!drives[s.query_word]) continue;
    ++driving_lists;
    driving_total += post_offsets_[s.word + 1] - post_offsets_[s.word];
  }
  // Sets the bit of every slot in the posting lists of the query words `pick` accepts.
  auto mark = [&](std::vector<std::uint64_t>& bits, auto pick) {
    bits.assign(n_slots / 64 + 1, 0);
    for (const Similar& s : similar) {
      if (!pick(s.query_word)) continue;
      for (std::uint64_t k = post_offsets_[s.word]; k < post_offsets_[s.word + 1]; ++k) {
        bits[post_slots_[k] / 64] |= std::uint64_t{1} << (post_slots_[k] % 64);
      }
    }
  };
  // When every query word is required, candidates missing a word can go before scoring: a
  // bitmap of that word's slots costs a sequential pass over its lists, much less than scoring
  // a candidate (two cache misses), as long as its lists are not far longer than the candidates.
  const bool all_required = required == n_query;
  std::vector<std::uint32_t> candidates;
  std::vector<std::uint64_t> bits, other;
  if (driving_lists > 1 && driving_total > n_slots / 128) {
    // Many long lists: union and intersections as bitmaps, linear where sorting is not.
    mark(bits, [&](std::uint32_t q) { return drives[q]; });
    for (std::size_t d = 1; all_required && d < n_query; ++d) {
      const std::uint32_t q = order[d];
      if (totals[q] > 16 * driving_total) break;  // sorted by total: the rest are longer
      mark(other, [&](std::uint32_t w) { return w == q; });
      for (std::size_t i = 0; i < bits.size(); ++i) bits[i] &= other[i];
    }
    for (std::size_t i = 0; i < bits.size(); ++i) {
      for (std::uint64_t v = bits[i]; v != 0; v &= v - 1) {
        candidates.push_back(static_cast<std::uint32_t>(i * 64 + std::countr_zero(v)));
      }
    }
  } else {
    candidates.reserve(driving_total);
    for (const Similar& s : similar) {
      if (!drives[s.query_word]) continue;
      candidates.insert(candidates.end(), post_slots_.begin() + post_offsets_[s.word],
                        post_slots_.begin() + post_offsets_[s.word + 1]);
    }
    if (driving_lists > 1) {  // one list is sorted and distinct already
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    }
    for (std::size_t d = 1; all_required && d < n_query && !candidates.empty(); ++d) {
      const std::uint32_t q = order[d];
      if (totals[q] > 16 * candidates.size()) break;
      mark(other, [&](std::uint32_t w) { return w == q; });
      std::erase_if(candidates,
                    [&](std::uint32_t slot) { return (other[slot / 64] >> (slot % 64) & 1) == 0; });
    }
  }

  // Score each candidate from its own words; `row[word]` is 1 + the word's row in `sims`.
  std::vector<float> sims;
  std::vector<std::uint32_t> row(n_words, 0);
  for (const Similar& s : similar) {
    if (row[s.word] == 0) {
      sims.insert(sims.end(), n_query, 0.0f);
      row[s.word] = static_cast<std::uint32_t>(sims.size() / n_query);
    }
    float& cell = sims[(row[s.word] - 1) * n_query + s.query_word];
    cell = std::max(cell, static_cast<float>(s.similarity));
  }
  double best[kMaxQueryWords];
  for (std::uint32_t slot : candidates) {
    std::fill(best, best + n_query, 0.0);
    for (std::uint32_t f = fwd_offsets_[slot]; f < fwd_offsets_[slot + 1]; ++f) {
      const std::uint32_t r = row[fwd_words_[f]];
      if (r == 0) continue;
      const float* cells = &sims[(r - 1) * n_query];
      for (std::size_t q = 0; q < n_query; ++q) best[q] = std::max<double>(best[q], cells[q]);
    }
    double sum = 0;
    for (std::size_t q = 0; q < n_query; ++q) sum += best[q];
    const double score = sum / n;
    if (score >= min_score) visit(slot, score);
  }
}

}  // namespace sb::directory::internal
