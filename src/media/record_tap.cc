// The recording tap on the relay path (recorder.h): a recorded leg's received audio goes to the
// recorder whether or not the leg is bridged, so hold or a transfer never switches paths.

#include "media/engine_impl.h"
#include "media/recorder.h"

namespace sb::media {

void Shard::Apply(RecordCmd& c, Clock::time_point) {
  if (Leg* leg = Find(c.leg)) {
    leg->recording = c.recording;
    leg->record_channel = c.channel;
  }
}

void Shard::Tap(const Leg& leg, Codec codec, const std::uint8_t* payload, std::size_t n,
                Clock::time_point now) {
  if (Recorder* r = engine_.options.recorder) {
    r->Push(leg.recording, leg.record_channel, codec, payload, n, now);
  }
}

}  // namespace sb::media
