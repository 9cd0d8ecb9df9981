#include "directory/text.h"

#include <algorithm>
#include <array>

namespace sb::directory {
namespace {

// ASCII folding of U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A).
const char* FoldCodePoint(std::uint32_t cp) {
  static const std::array<const char*, 64> kLatin1 = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // C0-CF
      "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0-EF
      "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) {
    // Latin Extended-A comes in upper/lower pairs; the base letters in order of the block.
    static const char* kExtA =
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
        "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
    static thread_local char one[2] = {0, 0};
    const std::size_t i = cp - 0x100;
    if (cp == 0x132 || cp == 0x133) return "ij";
    if (cp == 0x152 || cp == 0x153) return "oe";
    if (i < std::char_traits<char>::length(kExtA)) {
      one[0] = kExtA[i];
      return one;
    }
  }
  return " ";
}

}  // namespace

std::string Fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto put = [&](std::string_view piece) {
    for (char c : piece) {
      if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
      out += c;
    }
  };
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        out += static_cast<char>(c - 'A' + 'a');
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out += static_cast<char>(c);
      } else {
        put(" ");
      }
      ++i;
      continue;
    }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
      ++i;  // invalid or truncated sequence: dropped
      continue;
    }
    std::uint32_t cp = c & (0x7F >> len);
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      ok = ok && (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    i += ok ? static_cast<std::size_t>(len) : 1;
    if (ok) put(FoldCodePoint(cp));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> Tokens(std::string_view folded) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && folded[i] == ' ') ++i;
    std::size_t j = i;
    while (j < folded.size() && folded[j] != ' ') ++j;
    if (j > i) out.emplace_back(folded.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::uint32_t> Trigrams(std::string_view folded) {
  std::vector<std::uint32_t> out;
  for (const std::string& t : Tokens(folded)) {
    const std::string padded = "  " + t + " ";
    for (std::size_t i = 0; i + 3 <= padded.size(); ++i) {
      out.push_back(static_cast<std::uint32_t>(static_cast<unsigned char>(padded[i])) << 16 |
                    static_cast<std::uint32_t>(static_cast<unsigned char>(padded[i + 1])) << 8 |
                    static_cast<unsigned char>(padded[i + 2]));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1;
  if (a.empty() || b.empty()) return 0;
  const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  // Match flags on the stack for names of ordinary length: this runs for every dictionary word
  // a search considers, and a heap allocation would cost more than the comparison.
  std::array<char, 64> a_small{}, b_small{};
  std::vector<char> a_big, b_big;
  char* am = a_small.data();
  char* bm = b_small.data();
  if (a.size() > a_small.size()) {
    a_big.assign(a.size(), 0);
    am = a_big.data();
  }
  if (b.size() > b_small.size()) {
    b_big.assign(b.size(), 0);
    bm = b_big.data();
  }
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(b.size(), i + window + 1);
    for (std::size_t j = lo; j < hi; ++j) {
      if (!bm[j] && a[i] == b[j]) {
        am[i] = bm[j] = 1;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0;
  std::size_t k = 0, transpositions = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!am[i]) continue;
    while (!bm[k]) ++k;
    if (a[i] != b[k]) ++transpositions;
    ++k;
  }
  const double m = static_cast<double>(matches);
  const double jaro = (m / a.size() + m / b.size() + (m - transpositions / 2.0) / m) / 3.0;
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1 - jaro);
}

double NameSimilarity(std::string_view a, std::string_view b) {
  std::vector<std::string> ta = Tokens(a), tb = Tokens(b);
  if (ta.empty() || tb.empty()) return 0;
  if (ta.size() > tb.size()) std::swap(ta, tb);
  double sum = 0;
  for (const std::string& x : ta) {
    double best = 0;
    for (const std::string& y : tb) best = std::max(best, JaroWinkler(x, y));
    sum += best;
  }
  // Words of the longer name left unmatched lower the score a little.
  const double coverage = static_cast<double>(ta.size()) / static_cast<double>(tb.size());
  return sum / static_cast<double>(ta.size()) * (0.9 + 0.1 * coverage);
}

}  // namespace sb::directory
