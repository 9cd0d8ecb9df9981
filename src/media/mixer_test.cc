#include "media/mixer.h"

#include <gtest/gtest.h>

#include <map>

namespace sb::media {
namespace {

constexpr Mixer::LegId kCaller = 1, kAgent = 2, kBoss = 3;

Mixer::Frame Flat(std::int16_t v) {
  Mixer::Frame f;
  f.fill(v);
  return f;
}

// One tick after each party fed one frame of its own level: what each destination was sent.
std::map<Mixer::LegId, std::int16_t> TickWith(Mixer& m, std::int16_t c, std::int16_t a,
                                              std::int16_t s) {
  for (auto [leg, v] : {std::pair{kCaller, c}, std::pair{kAgent, a}, std::pair{kBoss, s}}) {
    const auto f = Flat(v);
    m.Feed(leg, f.data(), f.size());
  }
  std::map<Mixer::LegId, std::int16_t> sent;
  m.Tick([&](Mixer::LegId to, const Mixer::Frame& f) { sent[to] = f[0]; });
  return sent;
}

TEST(Mixer, ListenSendsOnlyTheSupervisorTheCallersAndTheAgentsSum) {
  Mixer m;
  ASSERT_TRUE(m.Set(7, kCaller, kAgent, kBoss, MixMode::kListen));
  EXPECT_EQ(TickWith(m, 100, 20, 3), (std::map<Mixer::LegId, std::int16_t>{{kBoss, 120}}));
  EXPECT_TRUE(m.MixedOut(kBoss));
  EXPECT_FALSE(m.MixedOut(kAgent));  // the relay carries the caller to the agent
  EXPECT_FALSE(m.MixedOut(kCaller));
  EXPECT_TRUE(m.Feeds(kCaller) && m.Feeds(kAgent) && m.Feeds(kBoss));
}

TEST(Mixer, WhisperAddsTheSupervisorForTheAgentOnly) {
  Mixer m;
  ASSERT_TRUE(m.Set(7, kCaller, kAgent, kBoss, MixMode::kWhisper));
  EXPECT_EQ(TickWith(m, 100, 20, 3),
            (std::map<Mixer::LegId, std::int16_t>{{kBoss, 120}, {kAgent, 103}}));
  EXPECT_TRUE(m.MixedOut(kAgent));
  EXPECT_FALSE(m.MixedOut(kCaller));
}

TEST(Mixer, BargeLetsAllThreeHearEachOtherAndAModeChangesInPlace) {
  Mixer m;
  ASSERT_TRUE(m.Set(7, kCaller, kAgent, kBoss, MixMode::kListen));
  ASSERT_TRUE(m.Set(7, kCaller, kAgent, kBoss, MixMode::kBarge));
  EXPECT_EQ(TickWith(m, 100, 20, 3),
            (std::map<Mixer::LegId, std::int16_t>{{kBoss, 120}, {kAgent, 103}, {kCaller, 23}}));
  EXPECT_TRUE(m.MixedOut(kCaller));
  EXPECT_EQ(m.size(), 1u);
}

TEST(Mixer, SumsSaturateAndAMissingFrameIsSilence) {
  Mixer m;
  ASSERT_TRUE(m.Set(7, kCaller, kAgent, kBoss, MixMode::kBarge));
  auto sent = TickWith(m, 30000, 30000, -30000);
  EXPECT_EQ(sent[kBoss], 32767);
  EXPECT_EQ(sent[kAgent], 0);
  std::map<Mixer::LegId, std::int16_t> quiet;
  m.Tick([&](Mixer::LegId to, const Mixer::Frame& f) { quiet[to] = f[0]; });  // nothing fed
  EXPECT_EQ(quiet[kBoss], 0);
  const auto neg = Flat(-30000);
  m.Feed(kCaller, neg.data(), neg.size());
  m.Feed(kAgent, neg.data(), neg.size());
  m.Tick([&](Mixer::LegId to, const Mixer::Frame& f) { quiet[to] = f[0]; });
  EXPECT_EQ(quiet[kBoss], -32768);
}

TEST(Mixer, ABurstKeepsOnlyTheNewestFramesPerSource) {
  Mixer m;
  ASSERT_TRUE(m.Set(7, kCaller, kAgent, kBoss, MixMode::kListen));
  for (std::int16_t v = 1; v <= 10; ++v) {
    const auto f = Flat(v);
    m.Feed(kCaller, f.data(), f.size());
  }
  std::vector<std::int16_t> got;
  for (int i = 0; i < 4; ++i) {
    m.Tick([&](Mixer::LegId, const Mixer::Frame& f) { got.push_back(f[0]); });
  }
  EXPECT_EQ(got, (std::vector<std::int16_t>{8, 9, 10, 0}));  // kMaxQueued = 3
}

TEST(Mixer, RefusesOverlapsAndForgetsAClosedLeg) {
  Mixer m;
  EXPECT_FALSE(m.Set(1, kCaller, kCaller, kBoss, MixMode::kListen));
  EXPECT_FALSE(m.Set(1, kCaller, kAgent, 0, MixMode::kListen));
  ASSERT_TRUE(m.Set(1, kCaller, kAgent, kBoss, MixMode::kListen));
  EXPECT_FALSE(m.Set(2, kCaller, 8, 9, MixMode::kListen));  // the caller is in mix 1
  const auto legs = m.Forget(kBoss);
  EXPECT_EQ(legs, (std::vector<Mixer::LegId>{kCaller, kAgent, kBoss}));
  EXPECT_EQ(m.size(), 0u);
  EXPECT_FALSE(m.Feeds(kCaller));
  EXPECT_TRUE(m.Forget(kBoss).empty());
  EXPECT_TRUE(m.Remove(99).empty());
}

}  // namespace
}  // namespace sb::media
