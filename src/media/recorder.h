#pragma once
// Call recording: the relay's decoded audio of both directions written to WAV files by a thread
// of its own, so that no file I/O ever happens on a media thread.
//
// Format: WAV, 8 kHz, 16-bit linear PCM, stereo: channel 0 (left) is what the caller sent,
// channel 1 (right) what the agent sent. Two channels rather than a mono mix because quality
// and speech-analytics tools score each party on its own (talk-over, silence, sentiment per
// speaker), and a mix cannot be split again; a mono file for listening is one `sox` away.
//
// The media threads hand each received audio frame of a recorded leg to Push(): it is decoded
// there (a table look-up per sample) and copied into a bounded ring under a mutex that is held
// only for the copy; when the ring is full the frame is dropped and counted (stats().dropped),
// the media thread never waits. The writer thread takes the ring's frames every few tens of
// milliseconds and places each one on its channel by its arrival time: a channel that paused
// (no packets) gets silence up to where its next frame belongs, so both channels stay aligned
// with the call's wall time; a channel that runs more than 200 ms ahead of its arrival times
// (a burst, a fast clock) has the excess dropped (stats().late). The file's header is updated
// every second (a crash leaves a playable file) and made final when the recording ends.
//
// Disk: before a recording starts and every second while any runs, the free space of
// `Options::dir`'s file system is checked (statvfs): below `min_free_bytes` new recordings are
// refused and the running ones are stopped (their files closed, their headers final, the
// results marked cut_short), and `on_alarm` is told once; it is told again when space is back.
//
// Thread safety: Begin and End from one thread (the control thread); Push from any thread (the
// media threads); stats() from any. `on_done` and `on_alarm` run on the writer thread and must
// not block (telephony posts them to its loop). Ownership: the Recorder owns its files; the
// media engine holds a plain pointer to it (Options::recorder), so it must outlive the engine.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "base/time.h"
#include "media/engine.h"

namespace sb::media {

using RecordingId = std::uint64_t;  // chosen by the caller of Begin; 0 is never a recording

struct RecorderOptions {
  std::string dir;  // where the files go (absolute); created if missing
  // Frames (20 ms of one direction each, ~340 bytes) waiting for the writer; past it, dropped.
  std::size_t max_queued_frames = 8192;
  std::size_t max_recordings = 20'000;  // at once; Begin refuses past it
  std::uint64_t min_free_bytes = std::uint64_t{512} << 20;
};

// What became of one recording (on_done, once per Begin that returned true).
struct RecordingResult {
  RecordingId id = 0;
  std::string path;        // the file (dir + name), also when it could not be written
  Status status;           // ok, or why there is no file (cannot create it, disk below the floor)
  bool cut_short = false;  // stopped before End: the disk went below the floor, or Stop()
  std::chrono::system_clock::time_point started;  // Begin
  std::int64_t duration_ms = 0;                   // of audio in the file
  std::int64_t bytes = 0;                         // the file's size
  std::uint64_t dropped = 0;  // frames lost because the queue was full (all recordings)
};

struct RecorderStats {
  std::uint64_t active = 0;
  std::uint64_t frames = 0;   // frames taken by Push
  std::uint64_t dropped = 0;  // frames Push dropped: the queue was full
  std::uint64_t late = 0;     // frames the writer dropped: their channel ran too far ahead
  std::uint64_t refused = 0;  // recordings refused or stopped for want of disk space
  bool alarm = false;         // free space below the floor
};

class Recorder {
 public:
  static constexpr int kCaller = 0;  // left
  static constexpr int kAgent = 1;   // right
  static constexpr int kRate = 8000;

  Recorder(RecorderOptions options, std::function<void(const RecordingResult&)> on_done,
           std::function<void(const std::string&)> on_alarm = {});
  ~Recorder();  // Stop()
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Creates `dir` if needed and starts the writer thread; an error names the directory.
  Status Start();
  // Finishes every recording (cut_short; on_done for each) and joins the writer thread.
  void Stop();

  // Starts recording `id` into dir/`name` (a plain file name: no '/', ".."), at the time of the
  // call. False (nothing recorded, no on_done) when the name is not plain, the id is in use or
  // max_recordings are running. The file is created by the writer thread; a failure to create
  // it, or the disk below the floor, comes back through on_done with an error status.
  bool Begin(RecordingId id, const std::string& name);
  // Ends `id`: frames pushed up to about 200 ms later are still written, then the file is
  // closed and on_done called. Unknown ids are ignored.
  void End(RecordingId id);

  // A received audio payload of `codec` (any length; split into 20 ms frames) for `channel`
  // (kCaller or kAgent), received at `at`. Never blocks on the writer; drops and counts when the
  // queue is full.
  void Push(RecordingId id, int channel, Codec codec, const std::uint8_t* payload, std::size_t n,
            std::chrono::steady_clock::time_point at);

  RecorderStats stats() const;
  const RecorderOptions& options() const { return options_; }

 private:
  struct Frame;
  struct Control;
  struct Track;
  void Run();
  void Apply(Control& c, std::chrono::steady_clock::time_point now);
  void Place(const Frame& f);
  void Flush(Track& t, bool all);
  void Finish(Track& t, bool cut_short);
  bool DiskLow();
  void Alarm(bool low);  // sets or clears the alarm, telling on_alarm of a change
  void CheckDisk(std::chrono::steady_clock::time_point now);

  const RecorderOptions options_;
  const std::function<void(const RecordingResult&)> on_done_;
  const std::function<void(const std::string&)> on_alarm_;

  mutable Mutex mu_;
  std::condition_variable_any wake_;
  std::vector<Frame> ring_ SB_GUARDED_BY(mu_);  // max_queued_frames, allocated once
  std::size_t head_ SB_GUARDED_BY(mu_) = 0, count_ SB_GUARDED_BY(mu_) = 0;
  std::deque<Control> control_ SB_GUARDED_BY(mu_);
  bool stopping_ SB_GUARDED_BY(mu_) = false;

  std::atomic<std::uint64_t> frames_{0}, dropped_{0}, late_{0}, refused_{0}, active_{0};
  std::atomic<bool> alarm_{false};
  std::thread thread_;

  // Control thread only: the ids begun and not ended (Begin's checks).
  std::unordered_set<RecordingId> begun_;

  // Writer thread only.
  std::unordered_map<RecordingId, std::unique_ptr<Track>> tracks_;
  std::vector<Frame> taken_;
  std::chrono::steady_clock::time_point next_disk_check_{};
};

}  // namespace sb::media
