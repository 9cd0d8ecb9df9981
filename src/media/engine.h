#pragma once
// The media engine: RTP for every call leg, sharded over a few media threads (Options::threads),
// each an epoll loop owning the legs assigned to it. One 20 ms tick per thread serves every
// playout of its legs at once (prompts and hold music decoded once, encoded to G.711 once, shared
// by all legs); relays forward packets between two bridged legs, transcoding PCMU <-> PCMA where
// they differ and passing telephone-events (RFC 4733) through; DTMF is detected from RFC 4733
// packets. Sends and receives are batched: recvmmsg per socket, and a wake-up's sends in one
// io_uring submission (sendmmsg per socket where io_uring is unavailable; send_batch.h).
//
// Legs are assigned to a thread at Open(): next to the leg named by `near`, else to the thread
// with the fewest legs. Bridging two legs of different threads is correct, only slower to set up:
// one leg is handed over (socket and state, through the command queues) to the other's thread,
// so a relay never crosses threads. Opening an agent's leg `near` its caller's avoids that move.
//
// Thread safety: Open() and every command may be called from any thread (the control thread in
// practice). Commands go through bounded queues to the media threads and are applied in the order
// posted; events come back through the `on_event` callback, which is called on the media threads,
// so from several threads at once (as many as Options::threads): it must be thread-safe and must
// not block (telephony posts each event to its control loop). The engine never calls into the
// control module.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "base/time.h"
#include "media/mixer.h"
#include "media/send_batch.h"
#include "media/srtp.h"

namespace sb::media {

enum class Codec : std::uint8_t { kPcmu = 0, kPcma = 8 };  // value = the static payload type

class Recorder;  // recorder.h

// A sound decoded once (WAV, any rate libsndfile reads, mixed to mono and resampled to 8 kHz)
// and encoded once to both G.711 laws, shared read-only by every leg that plays it.
class Clip {
 public:
  static Result<std::shared_ptr<const Clip>> LoadWav(const std::string& path);
  // From 8 kHz 16-bit linear samples (tests, generated tones).
  static std::shared_ptr<const Clip> FromLinear(std::vector<std::int16_t> samples);
  const std::vector<std::uint8_t>& encoded(Codec c) const {
    return c == Codec::kPcmu ? ulaw_ : alaw_;
  }
  std::size_t samples() const { return ulaw_.size(); }

 private:
  std::vector<std::uint8_t> ulaw_, alaw_;
};

using LegId = std::uint64_t;

struct Options {
  std::string address = "127.0.0.1";  // local address RTP sockets bind to (IPv4 or IPv6)
  std::uint16_t port_min = 20000;     // even ports in [port_min, port_max] are used for RTP
  std::uint16_t port_max = 29999;
  Duration no_rtp_timeout = std::chrono::seconds(30);  // a leg that received nothing this long
                                                       // (once media flowed or since Open)
  std::size_t max_legs = 20'000;
  std::size_t max_pending_commands = 100'000;  // posted and not yet applied, over all threads
  // Media threads: 0 = std::thread::hardware_concurrency(); at least 1, at most kMaxThreads.
  std::size_t threads = 0;
  // Where the audio of legs given a recording (Engine::Record) goes; not owned, must outlive the
  // engine. Null: Record is refused.
  Recorder* recorder = nullptr;
  // How the media threads send: io_uring where the kernel allows it, else sendmmsg (kAuto); or
  // sendmmsg only.
  SendMode send = SendMode::kAuto;
};
inline constexpr std::size_t kMaxThreads = 8;

struct Remote {
  std::string address;  // from the SDP (c= line); replaced by the first packet's source (latching)
  std::uint16_t port = 0;
  Codec codec = Codec::kPcmu;
  int telephone_event_pt = 101;  // -1: the peer does not do RFC 4733
  // Set: the leg speaks SRTP with these keys (offer_answer.h): every packet received is
  // authenticated and decrypted before anything else (latching included), every packet sent is
  // encrypted. A relay between an SRTP leg and a plain one decrypts, then encrypts. Never logged.
  std::optional<SrtpKeys> srtp;
};

struct Event {
  enum class Kind : std::uint8_t {
    kDtmf,         // `digit` ('0'-'9', '*', '#', 'A'-'D'), once per key press (end of event)
    kPlayoutDone,  // a non-looping playout reached its end
    kRtpTimeout,   // no packet received for no_rtp_timeout
  };
  Kind kind;
  LegId leg;
  char digit = 0;
};

// Sums over the media threads.
struct Stats {
  std::uint64_t threads = 0;  // media threads running (or to run, before Start)
  std::uint64_t legs = 0;
  std::uint64_t packets_sent = 0;      // every datagram the kernel took (playout and relay)
  std::uint64_t packets_received = 0;  // every datagram read, valid or not
  std::uint64_t packets_relayed = 0;
  std::uint64_t packets_dropped = 0;   // not RTP, or a payload type we neither play nor relay
  std::uint64_t srtp_refused = 0;      // of those: SRTP that failed authentication or replayed
  std::uint64_t commands_pending = 0;  // posted, not yet applied
  std::uint64_t commands_refused = 0;  // queue full
  std::uint64_t legs_moved = 0;        // handed to another thread to be bridged (see Open's near)
  std::uint64_t late_ticks = 0;        // ticks that started more than 5 ms late
  std::uint64_t io_uring_threads = 0;  // media threads sending through io_uring (Options::send)
};

class Engine {
 public:
  Engine(Options options, std::function<void(const Event&)> on_event);
  ~Engine();  // stops the thread, closes every socket
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Status Start();  // starts the media threads; errors: Options::address unusable, fds refused

  // Binds a new leg's RTP socket now (on the caller's thread) and returns its local port, so the
  // caller can write its SDP at once; its media thread starts serving it with the next command.
  // When `near` is an open leg, the new leg goes to near's thread (open an agent's leg near the
  // caller's it will be bridged to); otherwise to the thread with the fewest legs.
  struct Opened {
    LegId leg;
    std::uint16_t port;
  };
  Result<Opened> Open(LegId near = 0);

  // Commands (queued; false when the queue is full or the leg is unknown).
  // SetRemote is also false when the address is not an IP literal of the family of
  // Options::address, or telephone_event_pt is not -1 or a payload type other than 0 and 8. An
  // address of 0.0.0.0 or :: (hold) or port 0 means: send nothing until a packet latches.
  bool SetRemote(LegId leg, Remote remote);
  // Plays `clips` one after another, then again from the start when `loop`; replaces any
  // playout. An empty list stops playing. A bridged leg does not play.
  bool Play(LegId leg, std::vector<std::shared_ptr<const Clip>> clips, bool loop);
  // Relays a's packets to b and b's to a (stops any playout on both). Legs of different threads
  // are bridged too: one is first moved to the other's thread (the one with more legs gives its
  // leg up), which holds that thread's later commands until the leg has arrived (well under a
  // millisecond unless its old thread is busy). Until then the bridge is not in place: the moving
  // leg's packets wait in its socket, the other leg's are not relayed.
  bool Bridge(LegId a, LegId b);
  bool Unbridge(LegId leg);  // both legs of the bridge stop relaying
  // Hold (hold.cc): a held leg is sent nothing, neither playout nor relay, and its no-RTP
  // timeout does not run (a phone that holds may send nothing); released, its timeout starts
  // over. Telephony holds the party that put the call on hold, unbridges it and plays music to
  // the other; on resume it releases it and bridges the two again.
  bool SetHeld(LegId leg, bool held);
  bool Close(LegId leg);  // also unbridges its peer
  // From now on every audio packet received on `leg` (bridged or not) is also handed, decoded,
  // to Options::recorder as `channel` of `recording` (recorder.h); recording 0 stops. False
  // without a recorder, or as the other commands.
  bool Record(LegId leg, std::uint64_t recording, int channel);
  // Supervision (mixer.h): mixes `supervisor` into the bridge of `caller` and `agent` in `mode`,
  // or changes the mode of mix `mix`. The three legs must be on one media thread (open the
  // supervisor's leg near the caller's); otherwise nothing is mixed. Unmix ends it (`caller`
  // names the thread); closing any of its legs ends it too.
  bool Mix(std::uint64_t mix, LegId caller, LegId agent, LegId supervisor, MixMode mode);
  bool Unmix(std::uint64_t mix, LegId caller);

  Stats stats() const;
  const Options& options() const { return options_; }

 private:
  struct Impl;
  friend class Shard;  // a media thread (engine_impl.h)
  Options options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::media
