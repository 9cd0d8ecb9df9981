#include "base/utf8.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

TEST(Utf8, SequenceLengthsOfWellFormedAndBrokenBytes) {
  EXPECT_EQ(Utf8SequenceAt("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceAt("\xc3\xa9", 0), 2u);          // é
  EXPECT_EQ(Utf8SequenceAt("\xe2\x82\xac", 0), 3u);      // €
  EXPECT_EQ(Utf8SequenceAt("\xf0\x9f\x93\x9e", 0), 4u);  // 📞
  EXPECT_EQ(Utf8SequenceAt("\xc3\xa9", 1), 0u);          // a continuation byte alone
  EXPECT_EQ(Utf8SequenceAt("\xc0\x80", 0), 0u);          // overlong NUL
  EXPECT_EQ(Utf8SequenceAt("\xe0\x80\xaf", 0), 0u);      // overlong '/'
  EXPECT_EQ(Utf8SequenceAt("\xed\xa0\x80", 0), 0u);      // a surrogate
  EXPECT_EQ(Utf8SequenceAt("\xf4\x90\x80\x80", 0), 0u);  // past U+10FFFF
  EXPECT_EQ(Utf8SequenceAt("\xe2\x82", 0), 0u);          // truncated
  EXPECT_EQ(Utf8SequenceAt("\xff", 0), 0u);
}

TEST(Utf8, PrintableKeepsCharactersWholeAndEscapesTheRest) {
  EXPECT_EQ(Printable("Zoé 📞"), "Zoé 📞");
  EXPECT_EQ(Printable("a\xff"
                      "b"),
            "a\\xffb");
  EXPECT_EQ(Printable("\xc0\x80"), "\\xc0\\x80");
  EXPECT_EQ(Printable("bell\x07\x1b[2J\x7f"), "bell\\x07\\x1b[2J\\x7f");
  EXPECT_EQ(Printable("tab\there"), "tab\\x09here");
  EXPECT_EQ(Printable(std::string(300, 'x'), 10), "xxxxxxxxxx...");
  // Never cut a character in two: "é" straddles the limit, so it goes whole into the "...".
  EXPECT_EQ(Printable("abcé", 4), "abc...");
}

}  // namespace
}  // namespace sb
