#pragma once
// Text matching for name search: accent folding and case folding (UTF-8 Latin-1 Supplement and
// Latin Extended-A to ASCII: "Élodie Müßig" -> "elodie mussig"), tokens, trigrams for candidate
// lookup, and Jaro-Winkler similarity, word-order-insensitive for full names ("Dupont Marie"
// matches "Marie Dupont"). Pure; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sb::directory {

// Lower-case ASCII with accents removed; other characters become spaces; invalid UTF-8 bytes
// are dropped. Runs of spaces collapse.
std::string Fold(std::string_view utf8);

std::vector<std::string> Tokens(std::string_view folded);

// Trigrams of each token padded with spaces ("  a", " ab", ...), as 24-bit codes, deduplicated.
std::vector<std::uint32_t> Trigrams(std::string_view folded);

// Jaro-Winkler similarity in [0, 1] of two folded strings.
double JaroWinkler(std::string_view a, std::string_view b);

// Similarity of two folded full names: each token of the shorter name matched to its best token
// of the other (any order), averaged; 1 means the same words.
double NameSimilarity(std::string_view a, std::string_view b);

}  // namespace sb::directory
