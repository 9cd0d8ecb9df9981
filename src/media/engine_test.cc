// The engine over real UDP sockets on 127.0.0.1: test sockets play the phones. Waits are bounded
// poll timeouts, never fixed sleeps, and each test takes well under two seconds.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "media/engine.h"
#include "media/g711.h"
#include "media/rtp.h"
#include "media/testing/engine_peers.h"

namespace sb::media {
namespace {

using namespace test_peers;  // NOLINT: the test peers

TEST(Engine, PlaysAClipAtFiftyPacketsASecond) {
  Events events;
  Engine engine(TestOptions(), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  EXPECT_EQ(leg.port % 2, 0);
  const auto clip = Ramp(1600);  // ten frames, looped
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", phone.port(), Codec::kPcma, 101, {}}));
  ASSERT_TRUE(engine.Play(leg.leg, {clip}, true));
  std::vector<Phone::Datagram> got;
  const auto start = SteadyClock::now();
  while (got.size() < 26) {
    auto d = phone.Receive(milliseconds(200));
    ASSERT_TRUE(d) << "after " << got.size() << " packets";
    got.push_back(std::move(*d));
  }
  const auto elapsed = SteadyClock::now() - start;
  EXPECT_GT(elapsed, milliseconds(350));  // 25 intervals of 20 ms = 500 ms
  EXPECT_LT(elapsed, milliseconds(900));
  const auto& pcma = clip->encoded(Codec::kPcma);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& d = got[i];
    EXPECT_EQ(d.from_port, leg.port);
    EXPECT_EQ(d.rtp.payload_type, 8);
    EXPECT_EQ(d.rtp.marker, i == 0);
    EXPECT_EQ(d.rtp.ssrc, got[0].rtp.ssrc);
    EXPECT_EQ(d.rtp.seq, static_cast<std::uint16_t>(got[0].rtp.seq + i));
    EXPECT_EQ(d.rtp.timestamp, got[0].rtp.timestamp + 160 * i);
    ASSERT_EQ(d.rtp.payload_size, 160u);
    const std::size_t at = (i % 10) * 160;
    EXPECT_TRUE(std::equal(d.payload().begin(), d.payload().end(), pcma.begin() + at)) << i;
  }
  // Counted once sendmmsg returns, which may be just after the phone read the last one.
  EXPECT_TRUE(WaitUntil([&] { return engine.stats().packets_sent >= 26; }, milliseconds(200)));
  EXPECT_TRUE(events.Get().empty());
}

TEST(Engine, NonLoopingPlayoutPadsAndReportsDone) {
  Events events;
  Engine engine(TestOptions(), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", phone.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.Play(leg.leg, {Ramp(400)}, false));
  for (int i = 0; i < 3; ++i) {
    const auto d = phone.Receive(milliseconds(200));
    ASSERT_TRUE(d);
    if (i == 2) {
      EXPECT_EQ(d->payload()[79], Ramp(400)->encoded(Codec::kPcmu)[399]);
      EXPECT_EQ(d->payload()[80], kUlawSilence);
      EXPECT_EQ(d->payload()[159], kUlawSilence);
    }
  }
  ASSERT_TRUE(events.WaitForCount(1, milliseconds(500)));
  EXPECT_EQ(events.Get()[0].kind, Event::Kind::kPlayoutDone);
  EXPECT_EQ(events.Get()[0].leg, leg.leg);
  EXPECT_FALSE(phone.Receive(milliseconds(60)));  // stopped
  EXPECT_EQ(events.Get().size(), 1u);
}

TEST(Engine, BridgeTranscodesAndRewritesEvents) {
  Engine engine(TestOptions(), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  Phone pa, pb;
  const auto a = OpenLeg(engine), b = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(a.leg, {"127.0.0.1", pa.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.SetRemote(b.leg, {"127.0.0.1", pb.port(), Codec::kPcma, 96, {}}));
  ASSERT_TRUE(engine.Play(a.leg, {Ramp(1600)}, true));  // the bridge must stop it
  ASSERT_TRUE(engine.Bridge(a.leg, b.leg));
  ASSERT_TRUE(Settled(engine));  // the legs may be on two threads: one moves first
  pa.Drain();
  std::vector<std::uint8_t> ulaw(160);
  for (std::size_t i = 0; i < ulaw.size(); ++i) ulaw[i] = static_cast<std::uint8_t>(i * 3);

  pa.Send(a.port, Rtp(0, 10, 5000, 0xA, ulaw));
  auto d = pb.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->from_port, b.port);
  EXPECT_EQ(d->rtp.payload_type, 8);
  EXPECT_TRUE(d->rtp.marker);  // a new stream for B's phone
  ASSERT_EQ(d->rtp.payload_size, 160u);
  for (std::size_t i = 0; i < 160; ++i) EXPECT_EQ(d->payload()[i], kUlawToAlaw[ulaw[i]]);
  const auto first = d->rtp;

  pa.Send(a.port, Rtp(0, 11, 5160, 0xA, ulaw));
  d = pb.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->rtp.marker);
  EXPECT_EQ(d->rtp.ssrc, first.ssrc);
  EXPECT_EQ(d->rtp.seq, static_cast<std::uint16_t>(first.seq + 1));
  EXPECT_EQ(d->rtp.timestamp, first.timestamp + 160);

  pb.Send(b.port, Rtp(8, 1, 900, 0xB, {0xD5, 0x2A}));
  d = pa.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->from_port, a.port);
  EXPECT_EQ(d->rtp.payload_type, 0);
  ASSERT_EQ(d->rtp.payload_size, 2u);
  EXPECT_EQ(d->payload()[0], kAlawToUlaw[0xD5]);
  EXPECT_EQ(d->payload()[1], kAlawToUlaw[0x2A]);

  pa.Send(a.port, Rtp(101, 12, 5320, 0xA, {5, 0x80 | 10, 0, 160}));
  d = pb.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rtp.payload_type, 96);
  ASSERT_EQ(d->rtp.payload_size, 4u);
  EXPECT_EQ(d->payload()[0], 5);
  EXPECT_EQ(d->payload()[1], 0x80 | 10);
  EXPECT_EQ(engine.stats().packets_relayed, 4u);

  // Unbridged, nothing is relayed.
  ASSERT_TRUE(engine.Unbridge(b.leg));
  pa.Send(a.port, Rtp(0, 13, 5480, 0xA, ulaw));
  ASSERT_TRUE(WaitUntil([&] { return engine.stats().packets_received == 5; }, milliseconds(500)));
  EXPECT_FALSE(pb.Receive(milliseconds(40)));
  EXPECT_EQ(engine.stats().packets_relayed, 4u);
  pa.Drain();
  EXPECT_FALSE(pa.Receive(milliseconds(60)));  // the bridge stopped A's playout for good
}

TEST(Engine, LatchesOntoTheSourceOfThePackets) {
  Engine engine(TestOptions(), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  Phone wrong, real, intruder;
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", wrong.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.Play(leg.leg, {Ramp(1600)}, true));
  ASSERT_TRUE(wrong.Receive(milliseconds(300)));  // the SDP's address, until a packet comes

  real.Send(leg.port, Rtp(0, 1, 100, 0x1111, std::vector<std::uint8_t>(160, 0xFF)));
  ASSERT_TRUE(real.Receive(milliseconds(300)));
  wrong.Drain();
  ASSERT_TRUE(real.Receive(milliseconds(300)));
  EXPECT_FALSE(wrong.Receive(milliseconds(0)));

  // Another source with the same SSRC does not move the stream; with a new SSRC it does.
  intruder.Send(leg.port, Rtp(0, 2, 260, 0x1111, std::vector<std::uint8_t>(160, 0xFF)));
  ASSERT_TRUE(real.Receive(milliseconds(300)));
  ASSERT_TRUE(real.Receive(milliseconds(300)));
  EXPECT_FALSE(intruder.Receive(milliseconds(0)));
  intruder.Send(leg.port, Rtp(0, 1, 7, 0x2222, std::vector<std::uint8_t>(160, 0xFF)));
  ASSERT_TRUE(intruder.Receive(milliseconds(300)));
}

TEST(Engine, ReportsOneDigitPerKeyPress) {
  Events events;
  Engine engine(TestOptions(), events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", phone.port(), Codec::kPcmu, 101, {}}));
  std::uint16_t seq = 0;
  const auto press = [&](std::uint8_t event, std::uint32_t ts) {
    for (int i = 1; i <= 3; ++i) {
      phone.Send(leg.port,
                 Rtp(101, seq++, ts, 0x5, {event, 10, 0, static_cast<std::uint8_t>(i * 40)}));
    }
    for (int i = 0; i < 3; ++i) {
      phone.Send(leg.port, Rtp(101, seq++, ts, 0x5, {event, 0x80 | 10, 0, 160}));
    }
  };
  press(5, 1000);
  ASSERT_TRUE(events.WaitForCount(1, milliseconds(500)));
  press(11, 2000);
  ASSERT_TRUE(events.WaitForCount(2, milliseconds(500)));
  ASSERT_TRUE(WaitUntil([&] { return engine.stats().packets_received == 12; }, milliseconds(500)));
  const auto got = events.Get();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, Event::Kind::kDtmf);
  EXPECT_EQ(got[0].leg, leg.leg);
  EXPECT_EQ(got[0].digit, '5');
  EXPECT_EQ(got[1].digit, '#');
}

TEST(Engine, ReportsNoRtpOnce) {
  Events events;
  Options o = TestOptions();
  o.no_rtp_timeout = milliseconds(200);
  Engine engine(o, events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  const auto start = SteadyClock::now();
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(events.WaitForCount(1, milliseconds(1000)));
  EXPECT_GE(SteadyClock::now() - start, milliseconds(200));
  EXPECT_EQ(events.Get()[0].kind, Event::Kind::kRtpTimeout);
  EXPECT_EQ(events.Get()[0].leg, leg.leg);
  EXPECT_FALSE(events.WaitForCount(2, milliseconds(250)));  // once, and the leg stays
  EXPECT_EQ(engine.stats().legs, 1u);
  EXPECT_TRUE(engine.Close(leg.leg));
}

TEST(Engine, DropsAndCountsGarbage) {
  Engine engine(TestOptions(), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(engine.Play(leg.leg, {Ramp(1600)}, true));
  phone.Send(leg.port, {'h', 'e', 'l', 'l', 'o'});
  auto v1 = Rtp(0, 1, 1, 1, {1, 2, 3});
  v1[0] = 0x40;
  phone.Send(leg.port, v1);
  auto padded = Rtp(0, 1, 1, 1, {1, 2, 3});
  padded[0] |= 0x20;
  padded.back() = 200;
  phone.Send(leg.port, padded);
  phone.Send(leg.port, Rtp(13, 1, 1, 1, {0x40}));  // comfort noise: RTP, but not ours to play
  ASSERT_TRUE(WaitUntil([&] { return engine.stats().packets_dropped == 4; }, milliseconds(500)));
  // None of that latched (comfort noise aside: it is valid RTP); the engine still serves.
  phone.Send(leg.port, Rtp(0, 2, 160, 1, std::vector<std::uint8_t>(160, 0xFF)));
  ASSERT_TRUE(phone.Receive(milliseconds(300)));
  EXPECT_EQ(engine.stats().packets_received, 5u);
}

TEST(Engine, RefusesLegsPastMaxLegs) {
  Options o = TestOptions();
  o.max_legs = 2;
  Engine engine(o, nullptr);
  ASSERT_TRUE(engine.Start().ok());
  const auto a = OpenLeg(engine), b = OpenLeg(engine);
  EXPECT_NE(a.leg, b.leg);
  EXPECT_NE(a.port, b.port);
  const auto c = engine.Open();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("media: too many legs"), std::string::npos);
  EXPECT_TRUE(engine.Close(a.leg));
  EXPECT_FALSE(engine.Close(a.leg));  // unknown now
  EXPECT_FALSE(engine.Play(a.leg, {}, false));
  EXPECT_TRUE(engine.Open().ok());
  EXPECT_EQ(engine.stats().legs, 2u);
}

TEST(Engine, BoundsTheCommandQueue) {
  Options o = TestOptions();
  o.max_pending_commands = 3;
  Engine engine(o, nullptr);         // not started: nothing drains the queue
  const auto leg = OpenLeg(engine);  // 1
  EXPECT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", 9, Codec::kPcmu, 101, {}}));  // 2
  EXPECT_TRUE(engine.Play(leg.leg, {Ramp(160)}, false));                            // 3
  EXPECT_FALSE(engine.Play(leg.leg, {}, false));
  EXPECT_FALSE(engine.Open().ok());
  EXPECT_EQ(engine.stats().commands_refused, 2u);
  EXPECT_FALSE(engine.Play(leg.leg + 1, {}, false));  // unknown: refused, not counted as full
  EXPECT_EQ(engine.stats().commands_refused, 2u);
}

TEST(Engine, RefusesBadRemotes) {
  Engine engine(TestOptions(), nullptr);
  const auto leg = OpenLeg(engine);
  EXPECT_FALSE(engine.SetRemote(leg.leg, {"example.com", 4000, Codec::kPcmu, 101, {}}));
  EXPECT_FALSE(engine.SetRemote(leg.leg, {"::1", 4000, Codec::kPcmu, 101, {}}));  // an IPv4 engine
  EXPECT_FALSE(engine.SetRemote(leg.leg, {"127.0.0.1", 4000, Codec::kPcmu, 0, {}}));
  EXPECT_TRUE(engine.SetRemote(leg.leg, {"0.0.0.0", 4000, Codec::kPcmu, -1, {}}));  // hold
  EXPECT_FALSE(engine.Bridge(leg.leg, leg.leg));
}

TEST(Engine, BindsIpv6) {
  Options o = TestOptions();
  o.address = "::1";
  Engine engine(o, nullptr);
  const auto leg = engine.Open();
  if (!leg.ok() && (leg.status().message().find("Cannot assign") != std::string::npos ||
                    leg.status().message().find("not supported") != std::string::npos)) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  ASSERT_TRUE(leg.ok()) << leg.status().ToString();
  EXPECT_TRUE(engine.SetRemote(leg->leg, {"::1", 4000, Codec::kPcmu, 101, {}}));
  EXPECT_FALSE(Engine(Options{.address = "nowhere"}, nullptr).Open().ok());
}

}  // namespace
}  // namespace sb::media
