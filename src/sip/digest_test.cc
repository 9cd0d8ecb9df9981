#include "sip/digest.h"

#include <gtest/gtest.h>

namespace sb::sip {
namespace {

TEST(Digest, Md5AndHa1MatchKnownValues) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  // RFC 2617 §3.5's example: Mufasa, testrealm@host.com, Circle Of Life.
  EXPECT_EQ(DigestHa1("Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9");
}

TEST(Digest, VerifiesTheRfc2617ExampleAndRefusesAnyChange) {
  DigestResponse r;
  r.username = "Mufasa";
  r.realm = "testrealm@host.com";
  r.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  r.uri = "/dir/index.html";
  r.qop = "auth";
  r.nc = "00000001";
  r.cnonce = "0a4f113b";
  r.response = "6629fae49393a05397450978507c4ef1";
  const std::string ha1 = DigestHa1("Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_TRUE(VerifyDigest(r, ha1, "GET"));
  EXPECT_FALSE(VerifyDigest(r, ha1, "REGISTER"));
  EXPECT_FALSE(VerifyDigest(r, DigestHa1("Mufasa", "testrealm@host.com", "circle of life"), "GET"));
  DigestResponse wrong_uri = r;
  wrong_uri.uri = "/dir/other.html";
  EXPECT_FALSE(VerifyDigest(wrong_uri, ha1, "GET"));
  DigestResponse no_cnonce = r;
  no_cnonce.cnonce.clear();
  EXPECT_FALSE(VerifyDigest(no_cnonce, ha1, "GET"));
  DigestResponse sha = r;
  sha.algorithm = "SHA-256";
  EXPECT_FALSE(VerifyDigest(sha, ha1, "GET"));
  DigestResponse upper = r;
  upper.response = "6629FAE49393A05397450978507C4EF1";
  EXPECT_TRUE(VerifyDigest(upper, ha1, "GET"));
}

TEST(Digest, NoncesExpireAndCannotBeForged) {
  NonceSource a("secret-a"), b("secret-b");
  const std::string n = a.Make(1000);
  EXPECT_TRUE(a.Fresh(n, 1000, 300));
  EXPECT_TRUE(a.Fresh(n, 1300, 300));
  EXPECT_FALSE(a.Fresh(n, 1301, 300));  // too old
  EXPECT_FALSE(a.Fresh(n, 999, 300));   // from the future
  EXPECT_FALSE(b.Fresh(n, 1000, 300));  // another server's
  std::string forged = n;
  forged[0] = forged[0] == '4' ? '5' : '4';  // a later time with the old signature
  EXPECT_FALSE(a.Fresh(forged, 1000, 300));
  EXPECT_FALSE(a.Fresh("", 1000, 300));
  EXPECT_FALSE(a.Fresh("zz.abc", 1000, 300));
}

TEST(Digest, FailuresPerSourceAreBoundedInCountAndTime) {
  FailureLimiter l(3, 60, 2);
  EXPECT_FALSE(l.Blocked("192.0.2.1", 0));
  for (int i = 0; i < 3; ++i) l.Failed("192.0.2.1", 10);
  EXPECT_TRUE(l.Blocked("192.0.2.1", 20));
  EXPECT_FALSE(l.Blocked("192.0.2.2", 20));
  EXPECT_FALSE(l.Blocked("192.0.2.1", 71));  // the window passed
  l.Failed("192.0.2.3", 80);
  l.Failed("192.0.2.4", 80);
  l.Failed("192.0.2.5", 80);  // past max_sources: the table starts again
  EXPECT_LE(l.tracked(), 2u);
}

}  // namespace
}  // namespace sb::sip
