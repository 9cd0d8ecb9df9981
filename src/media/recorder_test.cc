#include "media/recorder.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "media/g711.h"

namespace sb::media {
namespace {

using Steady = std::chrono::steady_clock;

std::string TempDir(const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() /
             ("sb-recorder-" + tag + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

// 20 ms of a tone as PCMU.
std::vector<std::uint8_t> Tone(double hz, double amplitude, int frame) {
  std::vector<std::uint8_t> out(160);
  for (int i = 0; i < 160; ++i) {
    const double t = (frame * 160 + i) / 8000.0;
    out[i] = LinearToUlaw(static_cast<std::int16_t>(amplitude * std::sin(2 * M_PI * hz * t)));
  }
  return out;
}

struct Done {
  std::mutex mu;
  std::vector<RecordingResult> results;
  void Add(const RecordingResult& r) {
    std::lock_guard lock(mu);
    results.push_back(r);
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return results.size();
  }
};

bool WaitFor(Done& d, std::size_t n) {
  for (int i = 0; i < 500 && d.size() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return d.size() >= n;
}

struct Wav {
  SF_INFO info{};
  std::vector<std::int16_t> samples;  // interleaved
  double Rms(int channel) const {
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = channel; i < samples.size(); i += 2, ++n) sum += samples[i] * samples[i];
    return n ? std::sqrt(sum / n) : 0;
  }
};

Wav Read(const std::string& path) {
  Wav w;
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &w.info);
  if (f == nullptr) return w;
  w.samples.resize(static_cast<std::size_t>(w.info.frames * w.info.channels));
  sf_readf_short(f, w.samples.data(), w.info.frames);
  sf_close(f);
  return w;
}

TEST(Recorder, WritesStereoWavWithAFinalHeader) {
  Done done;
  RecorderOptions o;
  o.dir = TempDir("stereo") + "/sub";  // created by Start
  o.min_free_bytes = 1;
  Recorder rec(o, [&](const RecordingResult& r) { done.Add(r); });
  ASSERT_TRUE(rec.Start().ok());
  ASSERT_TRUE(rec.Begin(7, "call-7.wav"));
  const auto t0 = Steady::now();
  for (int i = 0; i < 50; ++i) {  // one second: a loud caller, a quiet agent
    const auto at = t0 + std::chrono::milliseconds(20 * i);
    const auto c = Tone(440, 12000, i), a = Tone(1000, 1500, i);
    rec.Push(7, Recorder::kCaller, Codec::kPcmu, c.data(), c.size(), at);
    rec.Push(7, Recorder::kAgent, Codec::kPcmu, a.data(), a.size(), at);
  }
  rec.End(7);
  ASSERT_TRUE(WaitFor(done, 1));
  const RecordingResult r = done.results[0];
  EXPECT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_FALSE(r.cut_short);
  EXPECT_EQ(r.path, o.dir + "/call-7.wav");
  EXPECT_NEAR(r.duration_ms, 1000, 40);
  EXPECT_EQ(r.bytes, 44 + r.duration_ms * 8 * 4);  // header + 8 samples/ms, 2 channels x 2 bytes
  // The header's own sizes (libsndfile would read a stale header leniently): RIFF = file - 8,
  // data = the samples.
  std::FILE* raw = std::fopen(r.path.c_str(), "rb");
  ASSERT_NE(raw, nullptr);
  unsigned char h[44];
  ASSERT_EQ(std::fread(h, 1, sizeof h, raw), sizeof h);
  std::fclose(raw);
  auto le32 = [&](int at) {
    return static_cast<std::int64_t>(h[at] | h[at + 1] << 8 | h[at + 2] << 16 |
                                     static_cast<std::uint32_t>(h[at + 3]) << 24);
  };
  EXPECT_EQ(std::string(reinterpret_cast<char*>(h), 4), "RIFF");
  EXPECT_EQ(le32(4), r.bytes - 8);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(h) + 36, 4), "data");
  EXPECT_EQ(le32(40), r.duration_ms * 8 * 4);
  const Wav w = Read(r.path);
  EXPECT_EQ(w.info.channels, 2);
  EXPECT_EQ(w.info.samplerate, 8000);
  EXPECT_EQ(w.info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  EXPECT_EQ(w.info.frames, r.duration_ms * 8);  // the header's length is the final one
  EXPECT_NEAR(w.Rms(0), 12000 / std::sqrt(2.0), 600);
  EXPECT_NEAR(w.Rms(1), 1500 / std::sqrt(2.0), 100);
  EXPECT_EQ(rec.stats().dropped, 0u);
  EXPECT_EQ(rec.stats().active, 0u);
}

TEST(Recorder, APauseBecomesSilenceAndKeepsTheChannelsAligned) {
  Done done;
  RecorderOptions o;
  o.dir = TempDir("pause");
  o.min_free_bytes = 1;
  Recorder rec(o, [&](const RecordingResult& r) { done.Add(r); });
  ASSERT_TRUE(rec.Start().ok());
  ASSERT_TRUE(rec.Begin(1, "p.wav"));
  const auto t0 = Steady::now();
  for (int i = 0; i < 100; ++i) {  // the agent talks for 2 s; the caller only in the 2nd second
    const auto at = t0 + std::chrono::milliseconds(20 * i);
    const auto tone = Tone(500, 8000, i);
    rec.Push(1, Recorder::kAgent, Codec::kPcmu, tone.data(), tone.size(), at);
    if (i >= 50) rec.Push(1, Recorder::kCaller, Codec::kPcmu, tone.data(), tone.size(), at);
  }
  rec.End(1);
  ASSERT_TRUE(WaitFor(done, 1));
  const Wav w = Read(done.results[0].path);
  ASSERT_NEAR(w.info.frames, 16000, 320);
  double first = 0, second = 0;
  for (std::size_t i = 0; i < 8000; ++i) first += std::abs(w.samples[i * 2]);
  for (std::size_t i = 8000 + 200; i < 15800; ++i) second += std::abs(w.samples[i * 2]);
  EXPECT_EQ(first, 0) << "the caller's first second is silence";
  EXPECT_GT(second / 7600, 3000) << "the caller's second second is the tone";
}

TEST(Recorder, AFullQueueDropsAndCountsFrames) {
  Done done;
  RecorderOptions o;
  o.dir = TempDir("drops");
  o.min_free_bytes = 1;
  o.max_queued_frames = 10;
  Recorder rec(o, [&](const RecordingResult& r) { done.Add(r); });
  // Not started yet: nothing drains the queue, so the 11th frame on finds it full.
  ASSERT_TRUE(rec.Begin(3, "d.wav"));
  const auto t0 = Steady::now();
  const auto tone = Tone(300, 5000, 0);
  for (int i = 0; i < 25; ++i) {
    rec.Push(3, Recorder::kCaller, Codec::kPcmu, tone.data(), tone.size(),
             t0 + std::chrono::milliseconds(20 * i));
  }
  EXPECT_EQ(rec.stats().frames, 25u);
  EXPECT_EQ(rec.stats().dropped, 15u);
  ASSERT_TRUE(rec.Start().ok());
  rec.End(3);
  ASSERT_TRUE(WaitFor(done, 1));
  EXPECT_EQ(done.results[0].dropped, 15u);
  EXPECT_EQ(Read(done.results[0].path).info.frames, 10 * 160);
}

TEST(Recorder, RefusesBelowTheDiskFloorAndRaisesTheAlarm) {
  Done done;
  std::vector<std::string> alarms;
  RecorderOptions o;
  o.dir = TempDir("floor");
  o.min_free_bytes = std::uint64_t{1} << 62;  // no disk has this much free
  Recorder rec(
      o, [&](const RecordingResult& r) { done.Add(r); },
      [&](const std::string& a) { alarms.push_back(a); });
  ASSERT_TRUE(rec.Start().ok());
  ASSERT_TRUE(rec.Begin(5, "f.wav"));
  ASSERT_TRUE(WaitFor(done, 1));
  EXPECT_FALSE(done.results[0].status.ok());
  EXPECT_NE(done.results[0].status.message().find("free disk space"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(done.results[0].path));
  rec.Stop();
  EXPECT_EQ(rec.stats().refused, 1u);
  EXPECT_TRUE(rec.stats().alarm);
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_NE(alarms[0].find("below"), std::string::npos);
}

TEST(Recorder, StopFinishesRunningRecordingsCutShort) {
  Done done;
  RecorderOptions o;
  o.dir = TempDir("stop");
  o.min_free_bytes = 1;
  Recorder rec(o, [&](const RecordingResult& r) { done.Add(r); });
  ASSERT_TRUE(rec.Start().ok());
  ASSERT_TRUE(rec.Begin(9, "s.wav"));
  const auto tone = Tone(300, 5000, 0);
  rec.Push(9, Recorder::kAgent, Codec::kPcma, tone.data(), tone.size(), Steady::now());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  rec.Stop();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done.results[0].cut_short);
  EXPECT_EQ(Read(done.results[0].path).info.channels, 2);
}

TEST(Recorder, RefusesNamesThatAreNotPlainAndIdsInUse) {
  RecorderOptions o;
  o.dir = TempDir("names");
  Recorder rec(o, [](const RecordingResult&) {});
  EXPECT_FALSE(rec.Begin(1, "../escape.wav"));
  EXPECT_FALSE(rec.Begin(1, "a/b.wav"));
  EXPECT_FALSE(rec.Begin(1, ""));
  EXPECT_FALSE(rec.Begin(0, "zero.wav"));
  EXPECT_TRUE(rec.Begin(1, "ok.wav"));
  EXPECT_FALSE(rec.Begin(1, "again.wav"));
  RecorderOptions rel;
  rel.dir = "relative/dir";
  Recorder bad(rel, [](const RecordingResult&) {});
  EXPECT_FALSE(bad.Start().ok());
}

}  // namespace
}  // namespace sb::media
