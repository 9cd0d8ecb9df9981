// Digest authentication of calls from trunks (trunk_auth.h), decided from parsed values: who is
// asked, challenges, stale nonces, refusals counted per source, and the limit shared with the
// registrar.

#include "sip/trunk_auth.h"

#include <gtest/gtest.h>

namespace sb::sip {
namespace {

constexpr std::int64_t kNow = 1'000'000;

// What a trunk sends back for `nonce`: qop=auth, as our challenge asks.
DigestResponse Answer(const std::string& user, const std::string& password,
                      const std::string& nonce, const std::string& realm = "switchboard") {
  DigestResponse r;
  r.username = user;
  r.realm = realm;
  r.nonce = nonce;
  r.uri = "sip:support@192.0.2.1";
  r.qop = "auth";
  r.nc = "00000001";
  r.cnonce = "c0ffee";
  r.algorithm = "MD5";
  const std::string ha1 = DigestHa1(user, realm, password);
  const std::string ha2 = Md5Hex("INVITE:" + r.uri);
  r.response = Md5Hex(ha1 + ":" + nonce + ":" + r.nc + ":" + r.cnonce + ":auth:" + ha2);
  return r;
}

class TrunkAuthTest : public ::testing::Test {
 protected:
  TrunkAuthTest() : nonces("secret"), limiter(3, 60), auth(options, nonces, limiter) {
    options.trunk_auth.push_back(
        {"carrier", {"192.0.2.10"}, "carrier1", DigestHa1("carrier1", "switchboard", "pw-1")});
    options.trunk_auth.push_back(
        {"roaming", {}, "roamer", DigestHa1("roamer", "switchboard", "pw-2")});
    options.open_sources = {"192.0.2.20"};
  }
  Options options;
  NonceSource nonces;
  FailureLimiter limiter;
  TrunkAuthenticator auth;
};

TEST_F(TrunkAuthTest, OpenSourcesAreNotAskedAndOthersAreChallenged) {
  EXPECT_FALSE(auth.Asks("192.0.2.20"));
  EXPECT_TRUE(auth.Asks("192.0.2.10"));
  EXPECT_TRUE(auth.Asks("198.51.100.7"));  // the roaming trunk takes any address
  EXPECT_EQ(auth.Check("192.0.2.20", std::nullopt, false, kNow).verdict, TrunkVerdict::kNotAsked);
  EXPECT_EQ(auth.Check("192.0.2.10", std::nullopt, false, kNow).verdict, TrunkVerdict::kChallenge);
  const std::string c = auth.Challenge(false, kNow);
  EXPECT_EQ(c.rfind("Digest realm=\"switchboard\", nonce=\"", 0), 0u) << c;
  EXPECT_NE(c.find("qop=\"auth\""), std::string::npos);
  EXPECT_EQ(c.find("stale"), std::string::npos);
  EXPECT_NE(auth.Challenge(true, kNow).find("stale=true"), std::string::npos);
  // Without a trunk that asks, nobody is asked: unknown sources are telephony's 403.
  Options none;
  TrunkAuthenticator plain(none, nonces, limiter);
  EXPECT_FALSE(plain.Asks("198.51.100.7"));
}

TEST_F(TrunkAuthTest, TheRightPasswordAuthenticatesItsTrunkOnly) {
  const std::string nonce = nonces.Make(kNow);
  TrunkCheck ok = auth.Check("192.0.2.10", Answer("carrier1", "pw-1", nonce), false, kNow + 5);
  EXPECT_EQ(ok.verdict, TrunkVerdict::kAuthenticated);
  EXPECT_EQ(ok.trunk, "carrier");
  TrunkCheck roam = auth.Check("198.51.100.7", Answer("roamer", "pw-2", nonce), false, kNow);
  EXPECT_EQ(roam.verdict, TrunkVerdict::kAuthenticated);
  EXPECT_EQ(roam.trunk, "roaming");
  // carrier1's credentials from an address that is not carrier's: refused.
  EXPECT_EQ(auth.Check("198.51.100.7", Answer("carrier1", "pw-1", nonce), false, kNow).verdict,
            TrunkVerdict::kRefused);
}

TEST_F(TrunkAuthTest, WrongCredentialsAreRefusedAndCountedUntilTheSourceIsBlocked) {
  const std::string nonce = nonces.Make(kNow);
  const std::string src = "192.0.2.10";
  TrunkCheck bad = auth.Check(src, Answer("carrier1", "wrong", nonce), false, kNow);
  EXPECT_EQ(bad.verdict, TrunkVerdict::kRefused);
  EXPECT_EQ(bad.user, "carrier1");
  EXPECT_EQ(auth.Check(src, Answer("nobody", "pw-1", nonce), false, kNow).verdict,
            TrunkVerdict::kRefused);
  EXPECT_EQ(auth.Check(src, std::nullopt, /*malformed=*/true, kNow).verdict,
            TrunkVerdict::kRefused);
  // Three failures: the source is blocked, even with the right password, for the window.
  EXPECT_EQ(auth.Check(src, Answer("carrier1", "pw-1", nonce), false, kNow).verdict,
            TrunkVerdict::kBlocked);
  EXPECT_EQ(auth.Check(src, std::nullopt, false, kNow).verdict, TrunkVerdict::kBlocked);
  EXPECT_EQ(
      auth.Check(src, Answer("carrier1", "pw-1", nonces.Make(kNow + 61)), false, kNow + 61).verdict,
      TrunkVerdict::kAuthenticated);
}

TEST_F(TrunkAuthTest, AnotherRealmOrAForgedNonceIsRefusedAndAnOldOneIsStale) {
  const std::string nonce = nonces.Make(kNow);
  EXPECT_EQ(
      auth.Check("192.0.2.10", Answer("carrier1", "pw-1", nonce, "other"), false, kNow).verdict,
      TrunkVerdict::kRefused);
  EXPECT_EQ(auth.Check("192.0.2.10", Answer("carrier1", "pw-1", nonce), false,
                       kNow + TrunkAuthenticator::kNonceLifetimeS + 1)
                .verdict,
            TrunkVerdict::kStale);
  NonceSource other("another secret");
  EXPECT_EQ(
      auth.Check("192.0.2.10", Answer("carrier1", "pw-1", other.Make(kNow)), false, kNow).verdict,
      TrunkVerdict::kStale);
}

}  // namespace
}  // namespace sb::sip
