// Supervision on a media thread (mixer.h): the legs of a mix feed it their decoded audio, and on
// each tick the mixed-out legs are sent their sums, encoded in their own law. The relay into a
// mixed-out leg stops (media_loop.cc checks `mixed_out`), so nobody hears a source twice.

#include <cstring>

#include "media/engine_impl.h"
#include "media/g711.h"

namespace sb::media {

void Shard::Apply(MixCmd& c, Clock::time_point) {
  Leg* legs[3] = {Find(c.caller), Find(c.agent), Find(c.supervisor)};
  for (Leg* l : legs) {
    if (l == nullptr) return;  // gone, or on another shard (not opened near the caller)
  }
  if (!mixer_.Set(c.mix, c.caller, c.agent, c.supervisor, c.mode)) return;
  const LegId ids[3] = {c.caller, c.agent, c.supervisor};
  for (int i = 0; i < 3; ++i) {
    Leg& l = *legs[i];
    const bool out = mixer_.MixedOut(ids[i]);
    l.in_mix = true;
    if (out != l.mixed_out) {  // relay <-> mix: a new talkspurt, timestamps re-anchored
      l.mixed_out = out;
      l.marker = true;
      l.relay_anchored = false;
    }
    if (i == 2) l.player.Stop();  // the supervisor hears the call, not a prompt
  }
}

void Shard::Apply(UnmixCmd& c, Clock::time_point) { LeaveMix(mixer_.Remove(c.mix)); }

void Shard::LeaveMix(const std::vector<LegId>& legs) {
  for (LegId id : legs) {
    if (Leg* l = Find(id)) {
      l->in_mix = false;
      if (l->mixed_out) {
        l->mixed_out = false;
        l->marker = true;
        l->relay_anchored = false;
      }
    }
  }
}

void Shard::FeedMix(LegId id, Codec codec, const std::uint8_t* payload, std::size_t n) {
  const auto& table = codec == Codec::kPcmu ? kUlawToLinear : kAlawToLinear;
  std::int16_t pcm[Mixer::kFrame];
  for (std::size_t off = 0; off < n; off += Mixer::kFrame) {
    const std::size_t k = std::min(Mixer::kFrame, n - off);
    for (std::size_t i = 0; i < k; ++i) pcm[i] = table[payload[off + i]];
    mixer_.Feed(id, pcm, k);
  }
}

void Shard::MixTick() {
  if (mixer_.size() == 0) return;
  mixer_.Tick([this](LegId id, const Mixer::Frame& f) {
    Leg* l = Find(id);
    if (l == nullptr || !l->to.valid() || IsUnspecified(l->to)) return;
    std::uint8_t* p = out_.Add(l->fd, l->to, kRtpHeaderSize + Mixer::kFrame);
    WriteRtpHeader(p, l->marker, static_cast<std::uint8_t>(l->codec), l->seq++, l->ts, l->ssrc);
    std::uint8_t* o = p + kRtpHeaderSize;
    if (l->codec == Codec::kPcmu) {
      for (std::size_t i = 0; i < Mixer::kFrame; ++i) o[i] = LinearToUlaw(f[i]);
    } else {
      for (std::size_t i = 0; i < Mixer::kFrame; ++i) o[i] = LinearToAlaw(f[i]);
    }
    l->ts += Mixer::kFrame;
    l->marker = false;
  });
}

}  // namespace sb::media
