#include "media/player.h"

#include <algorithm>
#include <cstring>

#include "media/g711.h"

namespace sb::media {

Player::Player(std::vector<std::shared_ptr<const Clip>> clips, bool loop) : loop_(loop) {
  std::erase_if(clips, [](const auto& c) { return c == nullptr || c->samples() == 0; });
  clips_ = std::move(clips);
}

bool Player::NextFrame(Codec codec, std::uint8_t* out) {
  if (clips_.empty()) return false;
  if (index_ == clips_.size()) {
    if (!loop_) {
      clips_.clear();
      return false;
    }
    index_ = 0;
  }
  const auto& samples = clips_[index_]->encoded(codec);
  const std::size_t n = std::min(kFrameSamples, samples.size() - position_);
  std::memcpy(out, samples.data() + position_, n);
  std::memset(out + n, codec == Codec::kPcmu ? kUlawSilence : kAlawSilence, kFrameSamples - n);
  position_ += n;
  if (position_ == samples.size()) {
    position_ = 0;
    ++index_;
  }
  return true;
}

}  // namespace sb::media
