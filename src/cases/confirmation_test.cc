#include "cases/confirmation.h"

#include <gtest/gtest.h>

#include <set>

namespace sb::cases {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXY";

TEST(Confirmation, FreshNumbersHaveTheFormatAndParseBack) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    auto n = NewConfirmationNumber();
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(n->size(), 10u);
    EXPECT_EQ((*n)[3], '-');
    EXPECT_EQ((*n)[8], '-');
    for (int d = 4; d < 8; ++d) EXPECT_TRUE((*n)[d] >= '0' && (*n)[d] <= '9') << *n;
    auto back = ParseConfirmationNumber(*n);
    ASSERT_TRUE(back.ok()) << *n;
    EXPECT_EQ(*back, *n);
    seen.insert(*n);
  }
  EXPECT_GT(seen.size(), 1990u);  // 3.0e8 possibilities: clashes in 2,000 are very unlikely
}

TEST(Confirmation, EverySingleMistypedCharacterIsCaught) {
  const std::string n = *ConfirmationFromPayload("K7Q4821");
  int positions = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i] == '-') continue;
    ++positions;
    for (char c : kAlphabet) {
      if (c == n[i]) continue;
      std::string typo = n;
      typo[i] = c;
      EXPECT_FALSE(ParseConfirmationNumber(typo).ok()) << typo;
    }
  }
  EXPECT_EQ(positions, 8);
}

TEST(Confirmation, SwapsOfNeighboursAreCaught) {
  int caught = 0, swaps = 0;
  for (int k = 0; k < 300; ++k) {
    const std::string n = *NewConfirmationNumber();
    std::string flat = n.substr(0, 3) + n.substr(4, 4) + n.substr(9, 1);
    for (std::size_t i = 0; i + 1 < flat.size(); ++i) {
      if (flat[i] == flat[i + 1]) continue;
      std::string t = flat;
      std::swap(t[i], t[i + 1]);
      ++swaps;
      caught += ParseConfirmationNumber(t).ok() ? 0 : 1;
    }
  }
  EXPECT_EQ(caught, swaps);
}

TEST(Confirmation, TypingIsForgiving) {
  const std::string n = *ConfirmationFromPayload("K7Q4821");
  std::string lower;
  for (char c : n) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  EXPECT_EQ(*ParseConfirmationNumber(lower), n);
  EXPECT_EQ(*ParseConfirmationNumber("K7Q 4821 " + n.substr(9)), n);
  EXPECT_EQ(*ParseConfirmationNumber(*ConfirmationFromPayload("1A04821")),
            *ParseConfirmationNumber("IAO4821" + ConfirmationFromPayload("1A04821")->substr(9)));
  EXPECT_FALSE(ParseConfirmationNumber("").ok());
  EXPECT_FALSE(ParseConfirmationNumber("K7Q-48A1-X").ok());
  EXPECT_FALSE(ParseConfirmationNumber("K7Q-4821-X-EXTRA").ok());
  EXPECT_FALSE(ParseConfirmationNumber("K7U-4821-X").ok());  // U is not in the alphabet
  EXPECT_FALSE(ParseConfirmationNumber("Z7Q-4821-X").ok());  // nor Z
  EXPECT_EQ(Spoken("K7Q-4821-X"), "K 7 Q, 4 8 2 1, X");
}

}  // namespace
}  // namespace sb::cases
