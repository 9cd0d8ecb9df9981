#pragma once
// A playout cursor: which clip of a list, and where in it, one leg has reached. It copies no
// audio: the clips are shared (shared_ptr: the caller that loaded them and every other leg
// playing them hold them too) and each 20 ms frame is read out of the clip's encoded samples.
// A value owned by one leg on the media thread; not thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "media/engine.h"

namespace sb::media {

inline constexpr std::size_t kFrameSamples = 160;  // 20 ms at 8 kHz, one byte each in G.711

class Player {
 public:
  Player() = default;
  // Empty clips are skipped; a list with no samples at all is finished at once.
  Player(std::vector<std::shared_ptr<const Clip>> clips, bool loop);

  bool playing() const { return !clips_.empty(); }
  // Writes the next frame in `codec` to `out` (kFrameSamples bytes) and advances. A clip's last
  // partial frame is padded with silence; the next clip starts on a frame of its own. Returns
  // false, writing nothing, when a non-looping list has been played to its end.
  bool NextFrame(Codec codec, std::uint8_t* out);
  void Stop() { clips_.clear(); }

 private:
  std::vector<std::shared_ptr<const Clip>> clips_;
  std::size_t index_ = 0, position_ = 0;
  bool loop_ = false;
};

}  // namespace sb::media
