// SRTP: libsrtp sessions on their own (round trip, tampering, replay), offer/answer under each
// policy, and the engine relaying between an SRTP leg and a plain one over real sockets.

#include "media/srtp.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "media/engine.h"
#include "media/offer_answer.h"
#include "media/rtp.h"
#include "media/testing/engine_peers.h"

namespace sb::media {
namespace {

using namespace test_peers;  // NOLINT: the test peers

SrtpKeys Keys(std::uint8_t local, std::uint8_t remote,
              SrtpSuite suite = SrtpSuite::kAesCm128HmacSha1_80) {
  SrtpKeys k;
  k.suite = suite;
  k.local.bytes.fill(local);
  k.remote.bytes.fill(remote);
  return k;
}

SrtpKeys Swapped(const SrtpKeys& k) {
  SrtpKeys s = k;
  std::swap(s.local, s.remote);
  return s;
}

std::vector<std::uint8_t> Packet(std::uint16_t seq, std::uint8_t fill = 0x55) {
  return Rtp(0, seq, 160u * seq, 0x1234, std::vector<std::uint8_t>(160, fill));
}

std::size_t ProtectInto(SrtpSession& s, std::vector<std::uint8_t>& p) {
  const std::size_t size = p.size();
  p.resize(size + kSrtpMaxTrailer);
  const std::size_t n = s.Protect(p.data(), size, p.size());
  p.resize(n);
  return n;
}

TEST(Srtp, RoundTripBothSuites) {
  for (auto suite : {SrtpSuite::kAesCm128HmacSha1_80, SrtpSuite::kAesCm128HmacSha1_32}) {
    auto keys = Keys(1, 2, suite);
    auto ours = SrtpSession::Create(keys);
    auto theirs = SrtpSession::Create(Swapped(keys));
    ASSERT_TRUE(ours.ok() && theirs.ok());
    const auto plain = Packet(7);
    auto p = plain;
    ASSERT_EQ(ProtectInto(**ours, p),
              plain.size() + (suite == SrtpSuite::kAesCm128HmacSha1_80 ? 10u : 4u));
    EXPECT_TRUE(std::equal(p.begin(), p.begin() + 12, plain.begin()));  // the header stays clear
    EXPECT_FALSE(std::equal(p.begin() + 12, p.begin() + 172, plain.begin() + 12));
    ASSERT_EQ((*theirs)->Unprotect(p.data(), p.size()), plain.size());
    p.resize(plain.size());
    EXPECT_EQ(p, plain);
  }
}

TEST(Srtp, RefusesTamperedReplayedAndWrongKey) {
  auto keys = Keys(3, 4);
  auto ours = SrtpSession::Create(keys);
  auto theirs = SrtpSession::Create(Swapped(keys));
  auto stranger = SrtpSession::Create(Keys(9, 9));
  ASSERT_TRUE(ours.ok() && theirs.ok() && stranger.ok());
  auto p = Packet(1);
  ProtectInto(**ours, p);
  auto tampered = p;
  tampered[40] ^= 1;
  EXPECT_EQ((*theirs)->Unprotect(tampered.data(), tampered.size()), 0u);
  auto wrong = p;
  EXPECT_EQ((*stranger)->Unprotect(wrong.data(), wrong.size()), 0u);
  auto good = p;
  EXPECT_EQ((*theirs)->Unprotect(good.data(), good.size()), 172u);
  auto replay = p;
  EXPECT_EQ((*theirs)->Unprotect(replay.data(), replay.size()), 0u);
  std::vector<std::uint8_t> tiny(14, 0x80);
  EXPECT_EQ((*theirs)->Unprotect(tiny.data(), tiny.size()), 0u);
  auto full = Packet(2);
  EXPECT_EQ((*ours)->Protect(full.data(), full.size(), full.size() + 4), 0u);  // no room
}

SdpAudio Offer(bool secure, std::vector<SdesCrypto> crypto = {}) {
  SdpAudio o;
  o.address = "127.0.0.1";
  o.port = 4000;
  o.pcmu = true;
  o.secure = secure;
  o.crypto = std::move(crypto);
  return o;
}

TEST(OfferAnswer, PolicyDecidesBetweenPlainAndSecure) {
  auto theirs = NewCrypto(5, SrtpSuite::kAesCm128HmacSha1_32);
  ASSERT_TRUE(theirs.ok());
  EXPECT_TRUE(PlanAnswer(Offer(false), SrtpPolicy::kOff).ok());
  EXPECT_TRUE(PlanAnswer(Offer(false), SrtpPolicy::kOptional).ok());
  EXPECT_FALSE(PlanAnswer(Offer(false), SrtpPolicy::kOptional)->keys);
  EXPECT_FALSE(PlanAnswer(Offer(false), SrtpPolicy::kRequired).ok());
  EXPECT_FALSE(PlanAnswer(Offer(true, {*theirs}), SrtpPolicy::kOff).ok());
  EXPECT_FALSE(PlanAnswer(Offer(true), SrtpPolicy::kOptional).ok());  // no usable a=crypto
  auto plan = PlanAnswer(Offer(true, {*theirs}), SrtpPolicy::kRequired);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_TRUE(plan->local && plan->keys);
  EXPECT_EQ(plan->local->tag, 5u);
  EXPECT_EQ(plan->local->suite, SrtpSuite::kAesCm128HmacSha1_32);
  EXPECT_EQ(plan->keys->remote, theirs->key);
  EXPECT_EQ(plan->keys->local, plan->local->key);
  EXPECT_FALSE(plan->keys->local == theirs->key);
  // Two answers never share a key.
  auto again = PlanAnswer(Offer(true, {*theirs}), SrtpPolicy::kRequired);
  EXPECT_FALSE(again->local->key == plan->local->key);
}

TEST(OfferAnswer, AnswersMustMatchTheOffer) {
  auto ours = OfferCrypto();
  ASSERT_TRUE(ours.ok());
  EXPECT_TRUE(AcceptAnswer(Offer(false), std::nullopt).ok());
  EXPECT_FALSE(AcceptAnswer(Offer(false), *ours).ok());  // plain answer to SAVP
  auto theirs = NewCrypto(1, SrtpSuite::kAesCm128HmacSha1_80);
  EXPECT_FALSE(AcceptAnswer(Offer(true, {*theirs}), std::nullopt).ok());
  auto other_tag = NewCrypto(2, SrtpSuite::kAesCm128HmacSha1_80);
  EXPECT_FALSE(AcceptAnswer(Offer(true, {*other_tag}), *ours).ok());
  auto ok = AcceptAnswer(Offer(true, {*theirs}), *ours);
  ASSERT_TRUE(ok.ok() && ok->keys);
  EXPECT_EQ(ok->keys->local, ours->key);
  EXPECT_EQ(ok->keys->remote, theirs->key);
}

TEST(EngineSrtp, RelaysBetweenAnSrtpLegAndAPlainLeg) {
  Engine engine(TestOptions(), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  Phone secure_phone, plain_phone;
  const auto a = OpenLeg(engine), b = OpenLeg(engine);
  const SrtpKeys keys = Keys(0x11, 0x22);  // the engine's view of leg a
  auto phone_session = SrtpSession::Create(Swapped(keys));
  ASSERT_TRUE(phone_session.ok());
  Remote ra{"127.0.0.1", secure_phone.port(), Codec::kPcmu, 101, keys};
  ASSERT_TRUE(engine.SetRemote(a.leg, ra));
  ASSERT_TRUE(engine.SetRemote(b.leg, {"127.0.0.1", plain_phone.port(), Codec::kPcmu, 101, {}}));
  ASSERT_TRUE(engine.Bridge(a.leg, b.leg));
  ASSERT_TRUE(Settled(engine));

  // SRTP in on a, plain out on b: decrypted once, the payload intact.
  auto p = Packet(10, 0x42);
  ProtectInto(**phone_session, p);
  secure_phone.Send(a.port, p);
  auto d = plain_phone.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  ASSERT_EQ(d->rtp.payload_size, 160u);
  EXPECT_TRUE(std::all_of(d->payload().begin(), d->payload().end(),
                          [](std::uint8_t x) { return x == 0x42; }));

  // The same packet again (a replay) and a forged one are refused, never relayed.
  secure_phone.Send(a.port, p);
  auto forged = Packet(11, 0x43);
  forged.resize(forged.size() + 10, 0);
  secure_phone.Send(a.port, forged);
  EXPECT_FALSE(plain_phone.Receive(milliseconds(150)));
  EXPECT_TRUE(WaitUntil([&] { return engine.stats().srtp_refused == 2; }, milliseconds(500)))
      << engine.stats().srtp_refused;

  // Plain in on b, SRTP out on a: the phone's session authenticates and decrypts it.
  plain_phone.Send(b.port, Packet(500, 0x24));
  d = secure_phone.Receive(milliseconds(500));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->bytes.size(), 172u + 10u);  // the 80-bit tag
  ASSERT_EQ((*phone_session)->Unprotect(d->bytes.data(), d->bytes.size()), 172u);
  EXPECT_TRUE(std::all_of(d->bytes.begin() + 12, d->bytes.begin() + 172,
                          [](std::uint8_t x) { return x == 0x24; }));
}

TEST(EngineSrtp, PlayoutToAnSrtpLegIsEncrypted) {
  Engine engine(TestOptions(), nullptr);
  ASSERT_TRUE(engine.Start().ok());
  Phone phone;
  const auto leg = OpenLeg(engine);
  const SrtpKeys keys = Keys(0x33, 0x44, SrtpSuite::kAesCm128HmacSha1_32);
  auto phone_session = SrtpSession::Create(Swapped(keys));
  ASSERT_TRUE(phone_session.ok());
  ASSERT_TRUE(engine.SetRemote(leg.leg, {"127.0.0.1", phone.port(), Codec::kPcmu, 101, keys}));
  const auto clip = Ramp(1600);
  ASSERT_TRUE(engine.Play(leg.leg, {clip}, true));
  for (int i = 0; i < 3; ++i) {
    auto d = phone.Receive(milliseconds(300));
    ASSERT_TRUE(d);
    ASSERT_EQ(d->bytes.size(), 172u + 4u);
    ASSERT_EQ((*phone_session)->Unprotect(d->bytes.data(), d->bytes.size()), 172u) << i;
    const auto& ulaw = clip->encoded(Codec::kPcmu);
    EXPECT_TRUE(std::equal(d->bytes.begin() + 12, d->bytes.begin() + 172, ulaw.begin() + i * 160));
  }
}

}  // namespace
}  // namespace sb::media
