// Clips: decoded with libsndfile, mixed to mono, resampled to 8 kHz by linear interpolation (the
// prompts and music are speech-band already; a better filter would buy little at G.711's
// quality), then encoded once to each law.

#include <sndfile.h>

#include <algorithm>
#include <cmath>

#include "base/utf8.h"
#include "media/engine.h"
#include "media/g711.h"

namespace sb::media {
namespace {

constexpr int kRate = 8000;
constexpr sf_count_t kMaxSeconds = 3600;  // a clip is loaded whole into memory

Status ClipError(const std::string& path, std::string_view what) {
  return InvalidArgument("media: clip '" + Printable(path) + "': " + std::string(what));
}

std::int16_t ToSample(float v) {
  return static_cast<std::int16_t>(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767.0f));
}

}  // namespace

std::shared_ptr<const Clip> Clip::FromLinear(std::vector<std::int16_t> samples) {
  auto clip = std::make_shared<Clip>();
  clip->ulaw_.resize(samples.size());
  clip->alaw_.resize(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    clip->ulaw_[i] = LinearToUlaw(samples[i]);
    clip->alaw_[i] = LinearToAlaw(samples[i]);
  }
  return clip;
}

Result<std::shared_ptr<const Clip>> Clip::LoadWav(const std::string& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (file == nullptr) return ClipError(path, sf_strerror(nullptr));
  const std::unique_ptr<SNDFILE, int (*)(SNDFILE*)> closer(file, sf_close);
  if (info.channels <= 0 || info.samplerate <= 0) return ClipError(path, "no audio format");
  if (info.frames <= 0) return ClipError(path, "no samples");
  if (info.frames / info.samplerate > kMaxSeconds) return ClipError(path, "longer than an hour");

  // Read and mix to mono in blocks, so a many-channel file needs no frames x channels buffer.
  std::vector<float> mono;
  mono.reserve(static_cast<std::size_t>(info.frames));
  std::vector<float> block(static_cast<std::size_t>(4096) * info.channels);
  for (;;) {
    const sf_count_t got = sf_readf_float(file, block.data(), 4096);
    if (got <= 0) break;
    for (sf_count_t f = 0; f < got; ++f) {
      float sum = 0;
      for (int c = 0; c < info.channels; ++c) sum += block[f * info.channels + c];
      mono.push_back(sum / static_cast<float>(info.channels));
    }
  }
  if (sf_error(file) != SF_ERR_NO_ERROR) return ClipError(path, sf_strerror(file));
  if (mono.empty()) return ClipError(path, "no samples");

  std::vector<std::int16_t> out;
  if (info.samplerate == kRate) {
    out.reserve(mono.size());
    for (float v : mono) out.push_back(ToSample(v));
  } else {
    const double step = static_cast<double>(info.samplerate) / kRate;  // source frames per output
    const auto n = static_cast<std::size_t>(static_cast<double>(mono.size() - 1) / step) + 1;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double at = static_cast<double>(i) * step;
      const auto k = static_cast<std::size_t>(at);
      const double frac = at - static_cast<double>(k);
      const float next = k + 1 < mono.size() ? mono[k + 1] : mono[k];
      out.push_back(ToSample(static_cast<float>(mono[k] * (1 - frac) + next * frac)));
    }
  }
  return FromLinear(std::move(out));
}

}  // namespace sb::media
