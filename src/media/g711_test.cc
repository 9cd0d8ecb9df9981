#include "media/g711.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sb::media {
namespace {

TEST(G711, KnownValues) {
  EXPECT_EQ(LinearToUlaw(0), 0xFF);
  EXPECT_EQ(LinearToAlaw(0), 0xD5);
  EXPECT_EQ(LinearToUlaw(32767), 0x80);
  EXPECT_EQ(LinearToUlaw(-32768), 0x00);
  EXPECT_EQ(LinearToAlaw(32767), 0xAA);
  EXPECT_EQ(LinearToAlaw(-32768), 0x2A);
  // Decision thresholds: where segment 1 begins (µ-law 14-bit 31, A-law 13-bit 32).
  EXPECT_EQ(LinearToUlaw(123), 0xF0);
  EXPECT_EQ(LinearToUlaw(124), 0xEF);
  EXPECT_EQ(LinearToAlaw(255), 0xDA);
  EXPECT_EQ(LinearToAlaw(256), 0xC5);
  EXPECT_EQ(UlawToLinear(0xFF), 0);
  EXPECT_EQ(UlawToLinear(0x7F), 0);  // "negative zero"
  EXPECT_EQ(UlawToLinear(0x80), 32124);
  EXPECT_EQ(UlawToLinear(0x00), -32124);
  EXPECT_EQ(UlawToLinear(0xEF), 132);  // the first step of segment 1
  EXPECT_EQ(AlawToLinear(0xD5), 8);
  EXPECT_EQ(AlawToLinear(0x55), -8);
  EXPECT_EQ(AlawToLinear(0xAA), 32256);
  EXPECT_EQ(AlawToLinear(0x2A), -32256);
}

TEST(G711, EveryCodeSurvivesDecodeThenEncode) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    if (code != 0x7F) {  // 0x7F is "negative zero", encoded back as 0xFF
      EXPECT_EQ(LinearToUlaw(UlawToLinear(code)), code) << c;
    }
    EXPECT_EQ(LinearToAlaw(AlawToLinear(code)), code) << c;
  }
}

TEST(G711, EncodingIsMonotonicAndClose) {
  int last_u = -32768, last_a = -32768;
  for (int x = -32768; x <= 32767; ++x) {
    const auto s = static_cast<std::int16_t>(x);
    const int u = UlawToLinear(LinearToUlaw(s)), a = AlawToLinear(LinearToAlaw(s));
    ASSERT_GE(u, last_u) << x;
    ASSERT_GE(a, last_a) << x;
    ASSERT_LE(std::abs(u - x), 16 + std::abs(x) / 16) << x;
    ASSERT_LE(std::abs(a - x), 16 + std::abs(x) / 16) << x;
    last_u = u;
    last_a = a;
  }
}

TEST(G711, TranscodeTablesMatchDecodeThenEncode) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    EXPECT_EQ(kUlawToAlaw[code], LinearToAlaw(UlawToLinear(code)));
    EXPECT_EQ(kAlawToUlaw[code], LinearToUlaw(AlawToLinear(code)));
    // A round trip through the other law stays within a step of the original.
    const int x = UlawToLinear(code), y = UlawToLinear(kAlawToUlaw[kUlawToAlaw[code]]);
    EXPECT_LE(std::abs(x - y), 16 + std::abs(x) / 8) << c;
  }
  EXPECT_EQ(kUlawToAlaw[kUlawSilence], kAlawSilence);
}

}  // namespace
}  // namespace sb::media
