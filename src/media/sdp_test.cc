#include "media/sdp.h"

#include <gtest/gtest.h>

#include <string>

namespace sb::media {
namespace {

// SIPp's uac scenario, LF line ends as its XML carries them.
constexpr const char* kSipp =
    "v=0\n"
    "o=user1 53655765 2353687637 IN IP4 127.0.0.1\n"
    "s=-\n"
    "c=IN IP4 127.0.0.1\n"
    "t=0 0\n"
    "m=audio 6000 RTP/AVP 0\n"
    "a=rtpmap:0 PCMU/8000\n";

// Linphone-style: many codecs, telephone-event at 101 (and at 48 kHz, to be ignored), CRLF.
constexpr const char* kLinphone =
    "v=0\r\n"
    "o=alice 1642 1876 IN IP4 192.168.1.20\r\n"
    "s=Talk\r\n"
    "c=IN IP4 192.168.1.20\r\n"
    "t=0 0\r\n"
    "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\r\n"
    "m=audio 7078 RTP/AVP 96 97 98 0 8 18 100 101 102\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=fmtp:96 useinbandfec=1\r\n"
    "a=rtpmap:97 speex/16000\r\n"
    "a=rtpmap:98 speex/8000\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=rtpmap:100 telephone-event/48000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=rtpmap:102 telephone-event/16000\r\n"
    "a=rtcp-fb:* trr-int 1000\r\n";

// baresip-style: PCMA before PCMU, telephone-event at 96, media-level c=, IPv6.
constexpr const char* kBaresip =
    "v=0\r\n"
    "o=- 3842398743 3842398744 IN IP6 2001:db8::5\r\n"
    "s=-\r\n"
    "c=IN IP6 2001:db8::1\r\n"
    "t=0 0\r\n"
    "m=audio 10002 RTP/AVP 9 8 0 96\r\n"
    "c=IN IP6 2001:db8::5\r\n"
    "b=AS:64\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:96 telephone-event/8000\r\n"
    "a=fmtp:96 0-15\r\n"
    "a=ptime:30\r\n"
    "a=sendonly\r\n";

TEST(Sdp, SippOffer) {
  const auto s = ParseSdp(kSipp);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->address, "127.0.0.1");
  EXPECT_EQ(s->port, 6000);
  EXPECT_TRUE(s->pcmu);
  EXPECT_FALSE(s->pcma);
  EXPECT_EQ(s->telephone_event_pt, -1);
  EXPECT_EQ(s->direction, Direction::kSendRecv);
  EXPECT_FALSE(s->hold);
  EXPECT_EQ(Choose(*s), Codec::kPcmu);
}

TEST(Sdp, LinphoneOfferWithManyCodecs) {
  const auto s = ParseSdp(kLinphone);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->address, "192.168.1.20");
  EXPECT_EQ(s->port, 7078);
  EXPECT_TRUE(s->pcmu && s->pcma);
  EXPECT_EQ(s->preferred, Codec::kPcmu);
  EXPECT_EQ(s->telephone_event_pt, 101);
  EXPECT_FALSE(s->secure);
}

TEST(Sdp, BaresipOfferMediaLevelIpv6EventAt96) {
  const auto s = ParseSdp(kBaresip);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->address, "2001:db8::5");  // media level wins
  EXPECT_EQ(s->preferred, Codec::kPcma);
  EXPECT_EQ(s->telephone_event_pt, 96);
  EXPECT_EQ(s->ptime, 30);
  EXPECT_EQ(s->direction, Direction::kSendOnly);
  EXPECT_TRUE(s->hold);
  EXPECT_EQ(Choose(*s), Codec::kPcma);
}

TEST(Sdp, NoG711ChoosesNothing) {
  const auto s = ParseSdp(
      "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 9 18 101\r\n"
      "a=rtpmap:101 telephone-event/8000\r\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->pcmu || s->pcma);
  EXPECT_EQ(Choose(*s), std::nullopt);
}

TEST(Sdp, SavpIsSecureWithItsKey) {
  const auto s = ParseSdp(
      "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/SAVP 0 8\r\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->secure);
  ASSERT_EQ(s->crypto.size(), 1u);  // offer_answer.h decides whether SRTP is acceptable
  EXPECT_EQ(Choose(*s), Codec::kPcmu);
}

TEST(Sdp, OldStyleHoldAndSessionDirection) {
  const auto s = ParseSdp("v=0\nc=IN IP4 0.0.0.0\na=inactive\nm=audio 4000 RTP/AVP 8\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->address, "0.0.0.0");
  EXPECT_EQ(s->direction, Direction::kInactive);  // session level applies to the stream
  EXPECT_TRUE(s->hold);
}

TEST(Sdp, SkipsOtherMediaAndRejectedStreams) {
  const auto s = ParseSdp(
      "v=0\nc=IN IP4 10.0.0.1\nm=video 5000 RTP/AVP 96\na=rtpmap:96 telephone-event/8000\n"
      "a=recvonly\nm=audio 0 RTP/AVP 0\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->port, 0);
  EXPECT_EQ(s->telephone_event_pt, -1);  // that rtpmap was the video's
  EXPECT_EQ(s->direction, Direction::kSendRecv);
  EXPECT_EQ(Choose(*s), std::nullopt);
}

TEST(Sdp, RefusesMalformed) {
  const auto error = [](std::string_view body) {
    const auto s = ParseSdp(body);
    return s.ok() ? std::string("parsed") : s.status().message();
  };
  EXPECT_NE(error("v=0\r\nc=IN IP4 10.0.0.1\r\n").find("no audio"), std::string::npos);
  EXPECT_NE(error("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n").find("port"),
            std::string::npos);
  EXPECT_NE(error("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio -1 RTP/AVP 0\r\n").find("port"),
            std::string::npos);
  EXPECT_NE(error("\x01\xff garbage").find("line 1"), std::string::npos);
  EXPECT_NE(error("hello world\n").find("type=value"), std::string::npos);
  EXPECT_NE(error("o=- 1 1 IN IP4 1.2.3.4\nv=0\n").find("v=0"), std::string::npos);
  EXPECT_NE(error("").find("empty"), std::string::npos);
  EXPECT_NE(error("v=0\nc=IN IP4 example.com\nm=audio 4 RTP/AVP 0\n").find("not an IP"),
            std::string::npos);
  EXPECT_NE(error("v=0\nc=IN IP4 ::1\nm=audio 4 RTP/AVP 0\n").find("not an IP"), std::string::npos);
  EXPECT_NE(error("v=0\nm=audio 4 RTP/AVP 0\n").find("no connection"), std::string::npos);
  EXPECT_NE(error("v=0\nc=IN IP4 1.2.3.4\nm=audio 4 RTP/AVP 0 128\n").find("payload type"),
            std::string::npos);
  EXPECT_NE(error("v=0\nc=IN IP4 1.2.3.4\nm=audio 4 udptl t38\n").find("not RTP"),
            std::string::npos);
  EXPECT_NE(error("v=0\nc=IN IP4 1.2.3.4\nm=audio 4 RTP/AVP 0\na=ptime:x\n").find("ptime"),
            std::string::npos);
  std::string big = "v=0\r\n";
  while (big.size() <= kMaxSdpSize) big += "a=x-padding:0123456789012345678901234567890\r\n";
  EXPECT_NE(error(big).find("limit"), std::string::npos);
}

TEST(Sdp, MessagesQuoteInputPrintably) {
  const auto s = ParseSdp("v=0\nc=IN IP4 1.2.3.4\nm=audio 4\x1b[31m RTP/AVP 0\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().find('\x1b'), std::string::npos);
  EXPECT_NE(s.status().message().find("\\x1b"), std::string::npos) << s.status().message();
}

TEST(Sdp, OfferParsesBack) {
  const SdpLocal local{"203.0.113.7", 20002, 42, 1, Direction::kSendRecv, {}};
  const std::string offer = WriteOffer(local);
  EXPECT_NE(offer.find("m=audio 20002 RTP/AVP 0 8 101\r\n"), std::string::npos);
  EXPECT_NE(offer.find("a=fmtp:101 0-15\r\n"), std::string::npos);
  EXPECT_NE(offer.find("a=ptime:20\r\n"), std::string::npos);
  const auto s = ParseSdp(offer);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->address, "203.0.113.7");
  EXPECT_EQ(s->port, 20002);
  EXPECT_TRUE(s->pcmu && s->pcma);
  EXPECT_EQ(s->telephone_event_pt, 101);
  EXPECT_EQ(s->direction, Direction::kSendRecv);

  const auto held = ParseSdp(WriteOffer({"2001:db8::9", 20004, 42, 2, Direction::kSendOnly, {}}));
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(held->address, "2001:db8::9");
  EXPECT_EQ(held->direction, Direction::kSendOnly);
}

TEST(Sdp, AnswerMirrorsTheOffer) {
  const auto offer = ParseSdp(kBaresip);  // PCMA preferred, event 96, sendonly
  ASSERT_TRUE(offer.ok());
  const SdpLocal local{"198.51.100.2", 20010, 7, 1, Direction::kSendRecv, {}};
  const std::string answer = WriteAnswer(local, *Choose(*offer), *offer);
  EXPECT_NE(answer.find("m=audio 20010 RTP/AVP 8 96\r\n"), std::string::npos) << answer;
  const auto s = ParseSdp(answer);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->pcma);
  EXPECT_FALSE(s->pcmu);
  EXPECT_EQ(s->telephone_event_pt, 96);
  EXPECT_EQ(s->direction, Direction::kRecvOnly);

  const auto sipp = ParseSdp(kSipp);  // no telephone-event: none in the answer
  const auto a2 = ParseSdp(
      WriteAnswer({"198.51.100.2", 20012, 7, 1, Direction::kSendOnly, {}}, Codec::kPcmu, *sipp));
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a2->telephone_event_pt, -1);
  EXPECT_EQ(a2->direction, Direction::kSendOnly);  // we hold a sendrecv offerer
}

}  // namespace
}  // namespace sb::media
