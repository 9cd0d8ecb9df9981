#include <gtest/gtest.h>

#include <random>

#include "directory/phone.h"
#include "directory/text.h"

namespace sb::directory {
namespace {

TEST(Phone, NormalisesWhatPeopleWrite) {
  EXPECT_EQ(*NormalizeE164("01 23 45 67 89"), "+33123456789");
  EXPECT_EQ(*NormalizeE164("+44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(*NormalizeE164("0044 (20) 7946-0958"), "+442079460958");
  EXPECT_EQ(*NormalizeE164("(555) 123-4567", {"1", false}), "+15551234567");
  EXPECT_EQ(*NormalizeE164("06.12.34.56.78"), "+33612345678");
}

TEST(Phone, RefusesGarbageWithAReason) {
  EXPECT_NE(NormalizeE164("call me").status().message().find("not 'c'"), std::string::npos);
  EXPECT_FALSE(NormalizeE164("").ok());
  EXPECT_FALSE(NormalizeE164("12").ok());
  EXPECT_FALSE(NormalizeE164("+1234567890123456").ok());
  EXPECT_FALSE(NormalizeE164("+0123456789").ok());
  EXPECT_FALSE(NormalizeE164("12 34 56 78 9").ok());  // national without trunk 0
  EXPECT_FALSE(NormalizeE164("+33 1+2").ok());
}

TEST(Text, FoldsAccentsCaseAndPunctuation) {
  EXPECT_EQ(Fold("Élodie  MÜSSIG-Ørsted"), "elodie mussig orsted");
  EXPECT_EQ(Fold("Straße"), "strasse");
  EXPECT_EQ(Fold("Łukasz Żółć"), "lukasz zolc");
  EXPECT_EQ(Fold("Œuvre"), "oeuvre");
  EXPECT_EQ(Fold("Ńowak Ōta Śląsk Ŕíos Ţepeş Ũ Ŵ Ŷ Ź"), "nowak ota slask rios tepes u w y z");
  EXPECT_EQ(Fold("ab\xff\xfe"
                 "cd"),
            "abcd");              // invalid UTF-8 dropped
  EXPECT_EQ(Fold("x\xc3"), "x");  // truncated sequence dropped
}

TEST(Text, JaroWinklerKnownValues) {
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_DOUBLE_EQ(JaroWinkler("same", "same"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
}

TEST(Text, NamesMatchAcrossOrderTyposAndAccents) {
  const std::string marie = Fold("Marie Dupont");
  EXPECT_GT(NameSimilarity(Fold("Dupont Marie"), marie), 0.99);
  EXPECT_GT(NameSimilarity(Fold("Marie Dupnot"), marie), 0.9);   // transposed letters
  EXPECT_GT(NameSimilarity(Fold("Marie Dupon"), marie), 0.9);    // missing letter
  EXPECT_GT(NameSimilarity(Fold("Márie Düpont"), marie), 0.99);  // accents
  EXPECT_LT(NameSimilarity(Fold("Jean Martin"), marie), 0.7);
  const auto grams = Trigrams("ab");
  EXPECT_EQ(grams.size(), 3u);  // "  a", " ab", "ab "
}

TEST(Text, RandomBytesNeverCrash) {
  std::mt19937 rng(4);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    const std::string f = Fold(s);
    for (char c : f) EXPECT_TRUE(c == ' ' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    (void)NameSimilarity(f, "marie dupont");
    (void)NormalizeE164(s);
  }
}

}  // namespace
}  // namespace sb::directory
