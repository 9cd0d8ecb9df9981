#include "media/rtp.h"

#include <gtest/gtest.h>

#include <vector>

namespace sb::media {
namespace {

std::vector<std::uint8_t> Packet(std::uint8_t pt, std::vector<std::uint8_t> payload) {
  std::vector<std::uint8_t> p(kRtpHeaderSize);
  WriteRtpHeader(p.data(), true, pt, 0x1234, 0xDEADBEEF, 0x01020304);
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

TEST(Rtp, ParsesWhatItWrites) {
  const auto bytes = Packet(8, {1, 2, 3});
  const auto p = ParseRtp(bytes);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->marker);
  EXPECT_EQ(p->payload_type, 8);
  EXPECT_EQ(p->seq, 0x1234);
  EXPECT_EQ(p->timestamp, 0xDEADBEEFu);
  EXPECT_EQ(p->ssrc, 0x01020304u);
  EXPECT_EQ(p->payload_offset, 12u);
  EXPECT_EQ(p->payload_size, 3u);
}

TEST(Rtp, SkipsCsrcsExtensionAndPadding) {
  auto b = Packet(0, {});
  b[0] |= 0x20 | 0x10 | 2;                      // padding, extension, two CSRCs
  b.insert(b.end(), 8, 0xAA);                   // CSRCs
  b.insert(b.end(), {0xBE, 0xDE, 0x00, 0x01});  // extension header: one word
  b.insert(b.end(), 4, 0xBB);
  b.insert(b.end(), {7, 7, 7});  // payload
  b.insert(b.end(), {0, 0, 3});  // three bytes of padding, count last
  const auto p = ParseRtp(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload_offset, 12u + 8 + 8);
  EXPECT_EQ(p->payload_size, 3u);
  EXPECT_EQ(b[p->payload_offset], 7);
}

TEST(Rtp, RefusesMalformed) {
  const auto good = Packet(0, {1, 2, 3, 4});
  EXPECT_FALSE(ParseRtp(std::span(good).first(11)));  // truncated header
  EXPECT_FALSE(ParseRtp({}));
  auto v1 = good;
  v1[0] = 0x40;
  EXPECT_FALSE(ParseRtp(v1));
  auto csrc = good;
  csrc[0] |= 2;  // two CSRCs claimed, four bytes there
  EXPECT_FALSE(ParseRtp(csrc));
  auto ext = good;
  ext[0] |= 0x10;  // the four payload bytes read as an extension header of 0x0304 words
  EXPECT_FALSE(ParseRtp(ext));
  auto pad0 = good;
  pad0[0] |= 0x20;
  pad0.back() = 0;
  EXPECT_FALSE(ParseRtp(pad0));
  auto pad_big = good;
  pad_big[0] |= 0x20;
  pad_big.back() = 5;
  EXPECT_FALSE(ParseRtp(pad_big));
  auto rtcp = Packet(72, {0, 0, 0, 0});  // an RTCP sender report on the RTP port
  EXPECT_FALSE(ParseRtp(rtcp));
}

TEST(Rtp, TelephoneEventPayload) {
  const std::vector<std::uint8_t> p = {11, 0x80 | 10, 0x03, 0x20};
  const auto e = ParseTelephoneEvent(p);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, 11);
  EXPECT_TRUE(e->end);
  EXPECT_EQ(e->volume, 10);
  EXPECT_EQ(e->duration, 800);
  EXPECT_FALSE(ParseTelephoneEvent(std::span(p).first(3)));
  EXPECT_EQ(DtmfDigit(0), '0');
  EXPECT_EQ(DtmfDigit(10), '*');
  EXPECT_EQ(DtmfDigit(11), '#');
  EXPECT_EQ(DtmfDigit(15), 'D');
  EXPECT_EQ(DtmfDigit(16), 0);
}

TelephoneEvent Ev(std::uint8_t event, bool end) { return {event, end, 10, 160}; }

TEST(DtmfDetector, OneDigitPerEvent) {
  DtmfDetector d;
  std::string digits;
  const auto feed = [&](std::uint32_t ts, TelephoneEvent e) {
    if (auto c = d.Feed(7, ts, e)) digits += *c;
  };
  for (int i = 0; i < 3; ++i) feed(1000, Ev(5, false));
  EXPECT_EQ(digits, "");
  for (int i = 0; i < 3; ++i) feed(1000, Ev(5, true));  // the end, sent three times
  EXPECT_EQ(digits, "5");
  feed(2000, Ev(11, false));
  feed(2000, Ev(11, true));
  feed(2000, Ev(11, true));
  EXPECT_EQ(digits, "5#");
  feed(1000, Ev(5, true));  // a late straggler of the first event
  EXPECT_EQ(digits, "5#");
}

TEST(DtmfDetector, NewSourceStartsAfresh) {
  DtmfDetector d;
  EXPECT_EQ(d.Feed(1, 5000, Ev(3, true)), '3');
  EXPECT_FALSE(d.Feed(1, 4000, Ev(4, true)));    // older, same stream: a straggler
  EXPECT_EQ(d.Feed(2, 4000, Ev(4, true)), '4');  // a restarted sender's clock
}

TEST(DtmfDetector, LostEndsReportAtTheNextEvent) {
  DtmfDetector d;
  EXPECT_FALSE(d.Feed(7, 100, Ev(1, false)));
  EXPECT_FALSE(d.Feed(7, 100, Ev(1, false)));
  EXPECT_EQ(d.Feed(7, 900, Ev(2, false)), '1');  // the ends of '1' never came
  EXPECT_EQ(d.Feed(7, 900, Ev(2, true)), '2');
  EXPECT_FALSE(d.Feed(7, 900, Ev(2, true)));
}

TEST(DtmfDetector, StragglersOfOlderEventsAreIgnored) {
  DtmfDetector d;
  EXPECT_FALSE(d.Feed(7, 8000, Ev(5, false)));
  EXPECT_FALSE(d.Feed(7, 7840, Ev(0, false)));  // reordered: older than the event in progress
  EXPECT_EQ(d.Feed(7, 8000, Ev(5, true)), '5');
  EXPECT_FALSE(d.Feed(7, 7840, Ev(0, true)));
}

TEST(DtmfDetector, TonesAreNotDigits) {
  DtmfDetector d;
  EXPECT_FALSE(d.Feed(7, 100, Ev(16, true)));  // flash
  EXPECT_EQ(d.Feed(7, 200, Ev(0, true)), '0');
}

}  // namespace
}  // namespace sb::media
