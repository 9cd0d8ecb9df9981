#pragma once
// Supervision mixes: a supervisor's leg joined to a bridged call (caller and agent) in one of
// three modes. What each party hears:
//   listen:  supervisor = caller + agent;   agent = caller (relay);         caller = agent (relay)
//   whisper: supervisor = caller + agent;   agent = caller + supervisor;    caller = agent (relay)
//   barge:   supervisor = caller + agent;   agent = caller + supervisor;    caller = agent + super.
// A party that hears only the other one keeps the plain relay (no added delay, DTMF passed
// through); one that hears two sources is "mixed out": the relay into it stops and the mixer
// sends it, every 20 ms tick, the sum of its sources' latest frames (decoded to 16-bit linear,
// summed with saturation, encoded once in the destination's law by the caller of Tick).
//
// Each source keeps a small queue of decoded frames (at most kMaxQueued, 60 ms: the oldest goes
// when a burst overflows it); a tick takes one frame per source, silence when a source has none.
//
// Pure: no I/O, no clock, no thread. Thread safety: none; each media thread (shard) owns one,
// and every leg of a mix is on that shard (the supervisor's leg is opened near the caller's).

#include <array>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

namespace sb::media {

enum class MixMode : std::uint8_t { kListen, kWhisper, kBarge };

class Mixer {
 public:
  using LegId = std::uint64_t;
  static constexpr std::size_t kFrame = 160;
  static constexpr std::size_t kMaxQueued = 3;
  static constexpr std::size_t kMaxMixes = 4096;  // per shard; Set refuses past it
  using Frame = std::array<std::int16_t, kFrame>;

  // Creates or changes mix `id`. False when a leg is already in another mix, two legs are the
  // same, or kMaxMixes are set.
  bool Set(std::uint64_t id, LegId caller, LegId agent, LegId supervisor, MixMode mode);
  // Removes mix `id`; its legs (none if unknown).
  std::vector<LegId> Remove(std::uint64_t id);
  // Removes the mix `leg` is in (it closed or moved); that mix's legs.
  std::vector<LegId> Forget(LegId leg);

  // Whether `leg` feeds a mix (its received audio is wanted) / is sent mixed audio.
  bool Feeds(LegId leg) const { return member_.contains(leg); }
  bool MixedOut(LegId leg) const;
  // A decoded frame received on `leg` (n <= kFrame samples; shorter ones padded with silence).
  void Feed(LegId leg, const std::int16_t* pcm, std::size_t n);

  // One 20 ms tick: calls send(destination, frame) for every mixed-out leg of every mix.
  template <typename Send>
  void Tick(Send&& send) {
    for (auto& [id, m] : mixes_) {
      Frame src[3];
      for (int i = 0; i < 3; ++i) Take(m.legs[i], &src[i]);
      Frame out;
      Sum(src[0], src[1], &out);  // the supervisor hears caller + agent
      send(m.legs[2], out);
      if (m.mode != MixMode::kListen) {
        Sum(src[0], src[2], &out);  // the agent hears caller + supervisor
        send(m.legs[1], out);
      }
      if (m.mode == MixMode::kBarge) {
        Sum(src[1], src[2], &out);  // the caller hears agent + supervisor
        send(m.legs[0], out);
      }
    }
  }

  std::size_t size() const { return mixes_.size(); }
  static void Sum(const Frame& a, const Frame& b, Frame* out);

 private:
  struct Mix {
    LegId legs[3];  // caller, agent, supervisor
    MixMode mode;
  };
  void Take(LegId leg, Frame* out);

  std::unordered_map<std::uint64_t, Mix> mixes_;
  std::unordered_map<LegId, std::uint64_t> member_;      // leg -> its mix
  std::unordered_map<LegId, std::deque<Frame>> queued_;  // per leg, <= kMaxQueued
};

}  // namespace sb::media
