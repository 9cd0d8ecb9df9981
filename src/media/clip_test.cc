// Clips (libsndfile loading, resampling) and the playout cursor over them.

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <string>
#include <vector>

#include "media/engine.h"
#include "media/g711.h"
#include "media/player.h"

namespace sb::media {
namespace {

// Writes a 16-bit WAV of `frames` frames; channel c of frame f holds value(f, c). The name is
// the process's own, so that test binaries running at once do not share a file.
std::string WriteWav(const std::string& name, int rate, int channels, int frames,
                     std::int16_t (*value)(int, int)) {
  const std::string path = testing::TempDir() + std::to_string(getpid()) + "-" + name;
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
  std::vector<std::int16_t> data;
  for (int i = 0; i < frames; ++i) {
    for (int c = 0; c < channels; ++c) data.push_back(value(i, c));
  }
  sf_writef_short(f, data.data(), frames);
  sf_close(f);
  return path;
}

TEST(Clip, LoadsEightKilohertzMonoExactly) {
  const auto path = WriteWav("mono8k.wav", 8000, 1, 800,
                             [](int f, int) { return static_cast<std::int16_t>(f * 40 - 16000); });
  const auto clip = Clip::LoadWav(path);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  ASSERT_EQ((*clip)->samples(), 800u);
  for (int f = 0; f < 800; f += 97) {
    EXPECT_EQ((*clip)->encoded(Codec::kPcmu)[f],
              LinearToUlaw(static_cast<std::int16_t>(f * 40 - 16000)));
    EXPECT_EQ((*clip)->encoded(Codec::kPcma)[f],
              LinearToAlaw(static_cast<std::int16_t>(f * 40 - 16000)));
  }
}

TEST(Clip, MixesStereoAndResamples) {
  // 16 kHz, left 8000 and right 0: mono 4000, half as many samples.
  const auto path = WriteWav("stereo16k.wav", 16000, 2, 16000, [](int, int c) {
    return static_cast<std::int16_t>(c == 0 ? 8000 : 0);
  });
  const auto clip = Clip::LoadWav(path);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  EXPECT_NEAR(static_cast<double>((*clip)->samples()), 8000, 1);
  const int v = UlawToLinear((*clip)->encoded(Codec::kPcmu)[4000]);
  EXPECT_NEAR(v, 4000, 130);  // one µ-law step at this level
}

TEST(Clip, ErrorsNameTheFile) {
  const auto missing = Clip::LoadWav("/nonexistent/hold-music.wav");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/hold-music.wav"), std::string::npos);
  const std::string text = testing::TempDir() + "not-audio.wav";
  FILE* f = std::fopen(text.c_str(), "w");
  std::fputs("this is not a WAV file\n", f);
  std::fclose(f);
  const auto bad = Clip::LoadWav(text);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not-audio.wav"), std::string::npos);
}

std::shared_ptr<const Clip> Ramp(std::size_t n) {
  std::vector<std::int16_t> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<std::int16_t>(i * 50);
  return Clip::FromLinear(std::move(s));
}

TEST(Player, FramesPadAndFinish) {
  const auto clip = Ramp(400);  // two full frames and half of one
  Player p({clip}, false);
  std::uint8_t frame[kFrameSamples];
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(p.NextFrame(Codec::kPcma, frame));
    const std::size_t real = i < 2 ? kFrameSamples : 80;
    for (std::size_t k = 0; k < kFrameSamples; ++k) {
      EXPECT_EQ(frame[k], k < real ? clip->encoded(Codec::kPcma)[i * 160 + k] : kAlawSilence);
    }
  }
  EXPECT_FALSE(p.NextFrame(Codec::kPcma, frame));
  EXPECT_FALSE(p.playing());
}

TEST(Player, LoopsOverSeveralClipsAndSkipsEmptyOnes) {
  const auto a = Ramp(160), b = Ramp(320), empty = Clip::FromLinear({});
  Player p({a, empty, b}, true);
  std::uint8_t frame[kFrameSamples];
  for (int i = 0; i < 7; ++i) {  // a, b, b, a, b, b, a
    ASSERT_TRUE(p.NextFrame(Codec::kPcmu, frame));
    const int phase = i % 3;
    const auto& src = (phase == 0 ? a : b)->encoded(Codec::kPcmu);
    EXPECT_EQ(frame[5], src[(phase == 2 ? 160 : 0) + 5]) << i;
  }
  EXPECT_FALSE(Player({empty}, true).playing());
}

}  // namespace
}  // namespace sb::media
