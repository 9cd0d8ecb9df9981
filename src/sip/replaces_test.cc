// Replaces (RFC 3891) as phones send it in a REFER's Refer-To: parsed exactly, refused with a
// reason otherwise.

#include "sip/replaces.h"

#include <gtest/gtest.h>

namespace sb::sip {
namespace {

TEST(Replaces, ParsesTheCallIdAndBothTagsInAnyOrder) {
  auto r = ParseReplaces("425928@bobster.example.org;to-tag=7743;from-tag=6472");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->call_id, "425928@bobster.example.org");
  EXPECT_EQ(r->to_tag, "7743");
  EXPECT_EQ(r->from_tag, "6472");
  EXPECT_FALSE(r->early_only);
  r = ParseReplaces(" 98asjd8 ; FROM-TAG = a.b ;early-only; to-tag=x-1~;other=1 ");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->call_id, "98asjd8");
  EXPECT_EQ(r->to_tag, "x-1~");
  EXPECT_EQ(r->from_tag, "a.b");
  EXPECT_TRUE(r->early_only);
}

TEST(Replaces, RefusesWhatRfc3891Refuses) {
  for (const char* bad :
       {"", ";to-tag=1;from-tag=2", "abc", "abc;to-tag=1", "abc;from-tag=2",
        "abc;to-tag=1;to-tag=3;from-tag=2", "abc;to-tag=;from-tag=2", "a b;to-tag=1;from-tag=2",
        "abc@;to-tag=1;from-tag=2", "abc;to-tag=1;from-tag=2;early-only=yes",
        "abc;;to-tag=1;from-tag=2", "abc;to-tag=1 2;from-tag=2", "abc;to-tag=\"q\";from-tag=2",
        "ab\x01;to-tag=1;from-tag=2"}) {
    auto r = ParseReplaces(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().rfind("Replaces: ", 0), 0u) << bad;
    }
  }
  EXPECT_FALSE(ParseReplaces(std::string(kMaxCallIdBytes + 1, 'a') + ";to-tag=1;from-tag=2").ok());
  EXPECT_FALSE(
      ParseReplaces("a;to-tag=" + std::string(kMaxTagBytes + 1, 't') + ";from-tag=2").ok());
  EXPECT_FALSE(ParseReplaces(std::string(kMaxReplaces + 1, 'a')).ok());
}

TEST(Replaces, IsFoundAmongTheUriHeadersAndUnescaped) {
  auto v = ReplacesOfUriHeaders("Foo=1&replaces=abc%40host%3Bto-tag%3D1%3bfrom-tag%3D2");
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, "abc@host;to-tag=1;from-tag=2");
  v = ReplacesOfUriHeaders("Foo=1&Bar=2");
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());
  EXPECT_FALSE(ReplacesOfUriHeaders("Replaces=abc%4").ok());
  EXPECT_FALSE(ReplacesOfUriHeaders("Replaces=abc%zz;to-tag").ok());
  EXPECT_FALSE(ReplacesOfUriHeaders("Replaces=" + std::string(kMaxReplaces + 1, 'a')).ok());
}

}  // namespace
}  // namespace sb::sip
