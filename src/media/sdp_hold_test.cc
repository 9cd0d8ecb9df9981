// Hold and resume in SDP (RFC 3264 §8.4, RFC 2543 hold): what a re-offer tells us and the answer
// telephony sends back (the local direction it passes, the o= version it bumps).

#include <gtest/gtest.h>

#include <string>

#include "media/sdp.h"

namespace sb::media {
namespace {

std::string Offer(const std::string& address, const std::string& direction_line) {
  return "v=0\r\no=phone 7 2 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address +
         "\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n" +
         direction_line;
}

struct Row {
  const char* what;
  std::string offer;
  Direction local;     // what telephony asks for (recvonly for a 0.0.0.0 hold)
  bool hold;           // ParseSdp's verdict
  Direction answered;  // the direction our answer carries
  const char* answer_line;
};

TEST(SdpHold, AnswersMirrorEveryWayOfHoldingAndResuming) {
  const std::vector<Row> rows = {
      {"sendrecv: resume", Offer("192.0.2.5", "a=sendrecv\r\n"), Direction::kSendRecv, false,
       Direction::kSendRecv, "a=sendrecv"},
      {"no attribute: sendrecv", Offer("192.0.2.5", ""), Direction::kSendRecv, false,
       Direction::kSendRecv, "a=sendrecv"},
      {"sendonly: hold", Offer("192.0.2.5", "a=sendonly\r\n"), Direction::kSendRecv, true,
       Direction::kRecvOnly, "a=recvonly"},
      {"inactive: hold", Offer("192.0.2.5", "a=inactive\r\n"), Direction::kSendRecv, true,
       Direction::kInactive, "a=inactive"},
      {"recvonly: the peer only listens", Offer("192.0.2.5", "a=recvonly\r\n"),
       Direction::kSendRecv, false, Direction::kSendOnly, "a=sendonly"},
      {"c=0.0.0.0 (RFC 2543)", Offer("0.0.0.0", "a=sendrecv\r\n"), Direction::kRecvOnly, true,
       Direction::kRecvOnly, "a=recvonly"},
      {"c=0.0.0.0 and sendonly", Offer("0.0.0.0", "a=sendonly\r\n"), Direction::kRecvOnly, true,
       Direction::kRecvOnly, "a=recvonly"},
      {"c=0.0.0.0 and inactive", Offer("0.0.0.0", "a=inactive\r\n"), Direction::kRecvOnly, true,
       Direction::kInactive, "a=inactive"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.what);
    const auto offer = ParseSdp(r.offer);
    ASSERT_TRUE(offer.ok()) << offer.status().ToString();
    EXPECT_EQ(offer->hold, r.hold);
    const auto codec = Choose(*offer);
    ASSERT_TRUE(codec.has_value());
    EXPECT_EQ(*codec, Codec::kPcma);  // the offer's first law, on hold as before
    const std::string answer =
        WriteAnswer({"127.0.0.1", 20000, 77, 3, r.local, {}}, *codec, *offer);
    EXPECT_NE(answer.find("o=- 77 3 IN IP4 127.0.0.1\r\n"), std::string::npos) << answer;
    EXPECT_NE(answer.find("c=IN IP4 127.0.0.1\r\n"), std::string::npos) << answer;
    EXPECT_NE(answer.find(std::string(r.answer_line) + "\r\n"), std::string::npos) << answer;
    const auto back = ParseSdp(answer);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->direction, r.answered);
    EXPECT_EQ(back->port, 20000);
    EXPECT_EQ(back->telephone_event_pt, 101);
  }
}

TEST(SdpHold, AMovedPhoneIsReadFromTheReoffer) {
  const auto moved = ParseSdp(
      "v=0\r\no=phone 7 3 IN IP4 198.51.100.9\r\ns=-\r\nt=0 0\r\n"
      "m=audio 5004 RTP/AVP 0\r\nc=IN IP4 198.51.100.9\r\na=sendrecv\r\n");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->address, "198.51.100.9");
  EXPECT_EQ(moved->port, 5004);
  EXPECT_FALSE(moved->hold);
  EXPECT_EQ(Choose(*moved), Codec::kPcmu);
  EXPECT_EQ(moved->telephone_event_pt, -1);
}

TEST(SdpHold, ARefusedStreamOrNoG711IsNoAnswerableReoffer) {
  const auto rejected = ParseSdp(
      Offer("192.0.2.5", "").replace(Offer("192.0.2.5", "").find("m=audio 4000"), 12, "m=audio 0"));
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_FALSE(Choose(*rejected).has_value());
  const auto g729 = ParseSdp(
      "v=0\r\no=p 1 2 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
      "m=audio 4000 RTP/AVP 18\r\na=sendonly\r\n");
  ASSERT_TRUE(g729.ok());
  EXPECT_FALSE(Choose(*g729).has_value());
}

}  // namespace
}  // namespace sb::media
