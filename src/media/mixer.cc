// Supervision mixes (mixer.h).

#include "media/mixer.h"

#include <algorithm>
#include <iterator>

namespace sb::media {

bool Mixer::Set(std::uint64_t id, LegId caller, LegId agent, LegId supervisor, MixMode mode) {
  if (caller == agent || caller == supervisor || agent == supervisor || caller == 0 || agent == 0 ||
      supervisor == 0) {
    return false;
  }
  for (LegId l : {caller, agent, supervisor}) {
    auto it = member_.find(l);
    if (it != member_.end() && it->second != id) return false;
  }
  auto it = mixes_.find(id);
  if (it == mixes_.end()) {
    if (mixes_.size() >= kMaxMixes) return false;
  } else {
    for (LegId l : it->second.legs) {  // the same id with other legs: the old ones leave
      member_.erase(l);
      queued_.erase(l);
    }
  }
  mixes_[id] = Mix{{caller, agent, supervisor}, mode};
  for (LegId l : {caller, agent, supervisor}) member_[l] = id;
  return true;
}

std::vector<Mixer::LegId> Mixer::Remove(std::uint64_t id) {
  auto it = mixes_.find(id);
  if (it == mixes_.end()) return {};
  std::vector<LegId> legs(std::begin(it->second.legs), std::end(it->second.legs));
  for (LegId l : legs) {
    member_.erase(l);
    queued_.erase(l);
  }
  mixes_.erase(it);
  return legs;
}

std::vector<Mixer::LegId> Mixer::Forget(LegId leg) {
  auto it = member_.find(leg);
  return it == member_.end() ? std::vector<LegId>{} : Remove(it->second);
}

bool Mixer::MixedOut(LegId leg) const {
  auto it = member_.find(leg);
  if (it == member_.end()) return false;
  const Mix& m = mixes_.at(it->second);
  if (leg == m.legs[2]) return true;
  if (leg == m.legs[1]) return m.mode != MixMode::kListen;
  return m.mode == MixMode::kBarge;
}

void Mixer::Feed(LegId leg, const std::int16_t* pcm, std::size_t n) {
  if (!member_.contains(leg)) return;
  std::deque<Frame>& q = queued_[leg];
  if (q.size() >= kMaxQueued) q.pop_front();  // a burst: keep the newest 60 ms
  Frame f{};
  std::copy(pcm, pcm + std::min(n, kFrame), f.begin());
  q.push_back(f);
}

void Mixer::Take(LegId leg, Frame* out) {
  auto it = queued_.find(leg);
  if (it == queued_.end() || it->second.empty()) {
    out->fill(0);
    return;
  }
  *out = it->second.front();
  it->second.pop_front();
}

void Mixer::Sum(const Frame& a, const Frame& b, Frame* out) {
  for (std::size_t i = 0; i < kFrame; ++i) {
    const int s = static_cast<int>(a[i]) + static_cast<int>(b[i]);
    (*out)[i] = static_cast<std::int16_t>(std::clamp(s, -32768, 32767));
  }
}

}  // namespace sb::media
