// Engine::SetHeld over real UDP sockets on 127.0.0.1 (the test peers of engine_test.cc): a held
// leg is sent nothing, neither playout nor relay, and reports no RTP time-out; released, it
// plays and relays again and its time-out starts over.

#include <gtest/gtest.h>

#include "media/engine.h"
#include "media/testing/engine_peers.h"

namespace sb::media {
namespace {

using namespace test_peers;  // NOLINT: the test peers

TEST(EngineHold, AHeldLegIsSentNoPlayoutAndReportsNoTimeout) {
  Events events;
  Options o = TestOptions();
  o.no_rtp_timeout = milliseconds(200);
  Engine engine(o, events.Sink());
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", phone.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.SetHeld(leg.leg, true));
  ASSERT_TRUE(engine.Play(leg.leg, {Ramp(1600)}, true));
  EXPECT_FALSE(phone.Receive(milliseconds(150)));           // held: no music
  EXPECT_FALSE(events.WaitForCount(1, milliseconds(400)));  // twice the time-out: none
  ASSERT_TRUE(engine.SetHeld(leg.leg, false));
  const auto d = phone.Receive(milliseconds(200));
  ASSERT_TRUE(d);              // the music goes on
  EXPECT_TRUE(d->rtp.marker);  // a new talkspurt for the phone
  // Released, the time-out starts over: reported once, after at least its length.
  const auto released = SteadyClock::now();
  ASSERT_TRUE(events.WaitForCount(1, milliseconds(1000)));
  EXPECT_GE(SteadyClock::now() - released, milliseconds(150));
  EXPECT_EQ(events.Get()[0].kind, Event::Kind::kRtpTimeout);
}

TEST(EngineHold, AHeldLegIsNotRelayedToButItsPeerStillIsAfterTheBridge) {
  Engine engine(TestOptions(), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  Phone pa, pb;
  const auto a = OpenLeg(engine), b = OpenLeg(engine);
  ASSERT_TRUE(engine.SetRemote(a.leg, {"127.0.0.1", pa.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.SetRemote(b.leg, {"127.0.0.1", pb.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.Bridge(a.leg, b.leg));
  ASSERT_TRUE(engine.SetHeld(b.leg, true));
  ASSERT_TRUE(Settled(engine));
  const std::vector<std::uint8_t> ulaw(160, 0x42);
  pa.Send(a.port, Rtp(0, 1, 1000, 0xA, ulaw));
  EXPECT_FALSE(pb.Receive(milliseconds(150)));  // b is held: a's audio does not reach it
  pb.Send(b.port, Rtp(0, 1, 2000, 0xB, ulaw));
  EXPECT_TRUE(pa.Receive(milliseconds(300)));  // a is not: b's audio still does
  ASSERT_TRUE(engine.SetHeld(b.leg, false));
  ASSERT_TRUE(Settled(engine));
  pa.Send(a.port, Rtp(0, 2, 1160, 0xA, ulaw));
  EXPECT_TRUE(pb.Receive(milliseconds(300)));
}

}  // namespace
}  // namespace sb::media
