// Hold (engine.h, Engine::SetHeld): the flag that keeps a held leg silent and out of the no-RTP
// timeout. Bridging, unbridging and the music are the engine's usual commands.

#include "media/engine_impl.h"

namespace sb::media {

bool Engine::SetHeld(LegId leg, bool held) {
  return impl_->Post(HeldCmd{leg, held}, leg, 0, false);
}

void Shard::Apply(HeldCmd& c, Clock::time_point now) {
  Leg* leg = Find(c.leg);
  if (leg == nullptr || leg->held == c.held) return;
  leg->held = c.held;
  leg->marker = true;  // what follows is a new talkspurt to the phone
  if (!c.held) {
    // The silence of the hold does not count: the timeout starts over now.
    leg->last_rx = now;
    leg->timeout_reported = false;
  }
}

}  // namespace sb::media
