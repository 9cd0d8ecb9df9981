// a=crypto (RFC 4568) parsing and writing, and SDP with SDES keys.

#include "media/sdes.h"

#include <gtest/gtest.h>

#include <vector>

#include "media/sdp.h"

namespace sb::media {
namespace {

// RFC 4568 §7's example key.
constexpr const char* kKey = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

TEST(Sdes, ParsesTheRfcExample) {
  auto c = ParseCrypto(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey + "|2^20|1:4");
  EXPECT_FALSE(c.ok());  // with an MKI: not supported
  c = ParseCrypto(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey + "|2^20");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->tag, 1u);
  EXPECT_EQ(c->suite, SrtpSuite::kAesCm128HmacSha1_80);
  EXPECT_EQ(c->key.bytes[0], 0x3d);  // 'P','S' -> 0x3d 0x2d ...
  EXPECT_EQ(c->key.bytes[1], 0x2d);
  EXPECT_EQ(FormatCrypto(*c), std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey);
  auto short_tag = ParseCrypto(std::string("2\tAES_CM_128_HMAC_SHA1_32  inline:") + kKey);
  ASSERT_TRUE(short_tag.ok());
  EXPECT_EQ(short_tag->tag, 2u);
  EXPECT_EQ(short_tag->suite, SrtpSuite::kAesCm128HmacSha1_32);
  EXPECT_TRUE(
      ParseCrypto(std::string("3 AES_CM_128_HMAC_SHA1_80 inline:") + kKey + "|1048576").ok());
}

TEST(Sdes, RefusesWhatItCannotUseWithoutQuotingTheKey) {
  const std::string k = kKey;
  const std::vector<std::string> bad_values = {
      std::string(""),
      std::string("1 AES_CM_128_HMAC_SHA1_80"),
      "x AES_CM_128_HMAC_SHA1_80 inline:" + k,
      "1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + k,  // 10 digits
      "-1 AES_CM_128_HMAC_SHA1_80 inline:" + k,
      "1 AES_256_CM_HMAC_SHA1_80 inline:" + k,
      "1 F8_128_HMAC_SHA1_80 inline:" + k,
      "1 AES_CM_128_HMAC_SHA1_80 uri:" + k,
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k.substr(1),
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "A",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k.substr(0, 39) + "*",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k.substr(0, 38) + "==",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^49",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + ";inline:" + k,
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + " UNENCRYPTED_SRTP",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + " KDR=1 FEC_ORDER=FEC_SRTP",
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + std::string(300, ' '),
  };
  for (const std::string& bad : bad_values) {
    auto c = ParseCrypto(bad);
    EXPECT_FALSE(c.ok()) << bad;
    if (!c.ok()) {
      EXPECT_EQ(c.status().message().find(k.substr(0, 12)), std::string::npos);
    }
  }
}

TEST(Sdes, NewKeysAreRandomAndRoundTrip) {
  auto a = NewCrypto(1, SrtpSuite::kAesCm128HmacSha1_80);
  auto b = NewCrypto(1, SrtpSuite::kAesCm128HmacSha1_80);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(a->key == b->key);
  auto back = ParseCrypto(FormatCrypto(*a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->key, a->key);
  EXPECT_EQ(back->tag, 1u);
}

std::string SavpOffer(const std::string& attributes, const char* proto = "RTP/SAVP") {
  return "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 " +
         std::string(proto) + " 0 101\r\na=rtpmap:101 telephone-event/8000\r\n" + attributes;
}

TEST(SdpSdes, KeepsUsableCryptoInOrderAndSkipsTheRest) {
  const std::string k = kKey;
  auto s = ParseSdp(SavpOffer("a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" + k + "\r\n" +
                              "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + k + "\r\n" +
                              "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" + k + "\r\n" +
                              "a=crypto:garbage\r\n"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->secure);
  ASSERT_EQ(s->crypto.size(), 2u);
  EXPECT_EQ(s->crypto[0].tag, 2u);
  EXPECT_EQ(s->crypto[1].tag, 3u);
  EXPECT_EQ(s->crypto_skipped, 2);
  EXPECT_EQ(Choose(*s), Codec::kPcmu);
}

TEST(SdpSdes, CryptoIsBoundedAndOnlyForSdesProfiles) {
  std::string many;
  for (int i = 1; i <= 20; ++i) {
    many += "a=crypto:" + std::to_string(i) + " AES_CM_128_HMAC_SHA1_80 inline:" + kKey + "\r\n";
  }
  auto s = ParseSdp(SavpOffer(many));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->crypto.size(), kMaxCrypto);
  EXPECT_EQ(s->crypto_skipped, 20 - static_cast<int>(kMaxCrypto));
  auto dtls = ParseSdp(SavpOffer(many, "UDP/TLS/RTP/SAVP"));
  ASSERT_TRUE(dtls.ok());
  EXPECT_TRUE(dtls->secure);
  EXPECT_TRUE(dtls->crypto.empty());
  auto plain = ParseSdp(SavpOffer(many, "RTP/AVP"));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->secure);
  EXPECT_TRUE(plain->crypto.empty());
  // Crypto of another media section is not the audio stream's.
  auto video = ParseSdp(SavpOffer("m=video 5000 RTP/SAVP 96\r\na=crypto:" + std::string("1 ") +
                                  "AES_CM_128_HMAC_SHA1_80 inline:" + kKey + "\r\n"));
  ASSERT_TRUE(video.ok());
  EXPECT_TRUE(video->crypto.empty());
}

TEST(SdpSdes, OurOfferAndAnswerCarryOurKey) {
  auto ours = NewCrypto(7, SrtpSuite::kAesCm128HmacSha1_32);
  ASSERT_TRUE(ours.ok());
  SdpLocal local{"192.0.2.1", 20000, 1, 1, Direction::kSendRecv, *ours};
  auto offer = ParseSdp(WriteOffer(local));
  ASSERT_TRUE(offer.ok());
  EXPECT_TRUE(offer->secure);
  ASSERT_EQ(offer->crypto.size(), 1u);
  EXPECT_EQ(offer->crypto[0].tag, 7u);
  EXPECT_EQ(offer->crypto[0].key, ours->key);
  auto answer = ParseSdp(WriteAnswer(local, Codec::kPcmu, *offer));
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE(answer->secure);
  ASSERT_EQ(answer->crypto.size(), 1u);
  local.crypto.reset();
  auto plain = ParseSdp(WriteOffer(local));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->secure);
  EXPECT_EQ(WriteOffer(local).find("crypto"), std::string::npos);
}

}  // namespace
}  // namespace sb::media
