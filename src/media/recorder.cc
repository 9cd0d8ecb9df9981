// The recorder (recorder.h): a bounded ring filled by the media threads, a writer thread that
// places frames on their channel by arrival time and writes stereo WAV with libsndfile.

#include "media/recorder.h"

#include <sndfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/utf8.h"
#include "media/g711.h"

namespace sb::media {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::size_t kFrame = 160;  // samples: 20 ms
// A channel whose next frame arrives more than this after its cursor gets silence up to it.
constexpr std::int64_t kSlack = 60 * Recorder::kRate / 1000;
// A channel more than this ahead of its frames' arrival drops them (burst, fast clock).
constexpr std::int64_t kAhead = 200 * Recorder::kRate / 1000;
// The lagging channel may trail the leading one by this much before its samples are written
// as silence (a direction with no packets must not hold the file back for ever).
constexpr std::int64_t kLag = 1000 * Recorder::kRate / 1000;
constexpr auto kEndGrace = std::chrono::milliseconds(200);  // frames after End still written
constexpr auto kPoll = std::chrono::milliseconds(40);
constexpr auto kHeaderEvery = std::chrono::seconds(1);
constexpr auto kDiskEvery = std::chrono::seconds(1);

bool PlainName(const std::string& name) {
  return !name.empty() && name.size() <= 255 && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos && name != "." && name != "..";
}

}  // namespace

struct Recorder::Frame {
  RecordingId id = 0;
  std::uint8_t channel = 0;
  std::uint16_t samples = 0;
  SteadyClock::time_point at;
  std::int16_t pcm[kFrame];
};

struct Recorder::Control {
  enum class Kind : std::uint8_t { kBegin, kEnd } kind;
  RecordingId id;
  std::string name;
  SteadyClock::time_point at;
  std::chrono::system_clock::time_point wall;
};

struct Recorder::Track {
  RecordingResult result;
  SNDFILE* file = nullptr;
  SteadyClock::time_point begin;
  std::int64_t cursor[2] = {0, 0};    // the next sample of each channel
  std::int64_t written = 0;           // samples (per channel) in the file
  std::vector<std::int16_t> pending;  // interleaved, from `written` on
  bool ending = false;
  SteadyClock::time_point end_at, header_at;
};

Recorder::Recorder(RecorderOptions options, std::function<void(const RecordingResult&)> on_done,
                   std::function<void(const std::string&)> on_alarm)
    : options_(std::move(options)), on_done_(std::move(on_done)), on_alarm_(std::move(on_alarm)) {
  MutexLock lock(mu_);
  ring_.resize(std::max<std::size_t>(options_.max_queued_frames, 1));
}

Recorder::~Recorder() { Stop(); }

Status Recorder::Start() {
  if (thread_.joinable()) return FailedPrecondition("recorder: already started");
  if (options_.dir.empty() || options_.dir[0] != '/') {
    return InvalidArgument("recorder: the directory must be absolute, got '" +
                           Printable(options_.dir) + "'");
  }
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec || !std::filesystem::is_directory(options_.dir)) {
    return Unavailable("recorder: cannot create the directory '" + Printable(options_.dir) +
                       "': " + (ec ? ec.message() : std::string("not a directory")));
  }
  if (access(options_.dir.c_str(), W_OK) != 0) {
    return Unavailable("recorder: cannot write to '" + Printable(options_.dir) +
                       "': " + std::strerror(errno));
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void Recorder::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Recorder::Begin(RecordingId id, const std::string& name) {
  if (id == 0 || !PlainName(name) || begun_.size() >= options_.max_recordings ||
      begun_.contains(id)) {
    return false;
  }
  begun_.insert(id);
  {
    MutexLock lock(mu_);
    control_.push_back(Control{Control::Kind::kBegin, id, name, SteadyClock::now(),
                               std::chrono::system_clock::now()});
  }
  wake_.notify_one();
  return true;
}

void Recorder::End(RecordingId id) {
  if (begun_.erase(id) == 0) return;
  {
    MutexLock lock(mu_);
    control_.push_back(Control{Control::Kind::kEnd, id, {}, SteadyClock::now(), {}});
  }
  wake_.notify_one();
}

void Recorder::Push(RecordingId id, int channel, Codec codec, const std::uint8_t* payload,
                    std::size_t n, SteadyClock::time_point at) {
  const auto& table = codec == Codec::kPcmu ? kUlawToLinear : kAlawToLinear;
  for (std::size_t off = 0; off < n; off += kFrame, at += std::chrono::milliseconds(20)) {
    Frame f;
    f.id = id;
    f.channel = channel == kAgent ? 1 : 0;
    f.samples = static_cast<std::uint16_t>(std::min(kFrame, n - off));
    f.at = at;
    for (std::size_t i = 0; i < f.samples; ++i) f.pcm[i] = table[payload[off + i]];
    frames_.fetch_add(1, std::memory_order_relaxed);
    MutexLock lock(mu_);
    if (count_ == ring_.size()) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    ring_[(head_ + count_) % ring_.size()] = f;
    ++count_;
  }
}

RecorderStats Recorder::stats() const {
  RecorderStats s;
  s.active = active_.load(std::memory_order_relaxed);
  s.frames = frames_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  s.late = late_.load(std::memory_order_relaxed);
  s.refused = refused_.load(std::memory_order_relaxed);
  s.alarm = alarm_.load(std::memory_order_relaxed);
  return s;
}

// --- the writer thread ---

void Recorder::Run() {
  std::deque<Control> control;
  bool stop = false;
  while (!stop) {
    {
      MutexLock lock(mu_);
      wake_.wait_for(lock, kPoll, [&]() SB_REQUIRES(mu_) { return stopping_; });
      control.swap(control_);
      taken_.clear();
      for (std::size_t i = 0; i < count_; ++i) taken_.push_back(ring_[(head_ + i) % ring_.size()]);
      head_ = count_ = 0;
      stop = stopping_;
    }
    const auto now = SteadyClock::now();
    for (Control& c : control) Apply(c, now);  // a Begin before the frames it precedes
    control.clear();
    for (const Frame& f : taken_) Place(f);
    for (auto it = tracks_.begin(); it != tracks_.end();) {
      Track& t = *it->second;
      if (t.ending && now >= t.end_at) {
        Finish(t, false);
        it = tracks_.erase(it);
        continue;
      }
      Flush(t, false);
      if (now >= t.header_at) {
        t.header_at = now + kHeaderEvery;
        sf_command(t.file, SFC_UPDATE_HEADER_NOW, nullptr, 0);  // playable after a crash
      }
      ++it;
    }
    CheckDisk(now);
  }
  for (auto& [id, t] : tracks_) Finish(*t, !t->ending);
  tracks_.clear();
}

void Recorder::Apply(Control& c, SteadyClock::time_point now) {
  if (c.kind == Control::Kind::kEnd) {
    if (auto it = tracks_.find(c.id); it != tracks_.end()) {
      it->second->ending = true;
      it->second->end_at = now + kEndGrace;
    }
    return;
  }
  auto t = std::make_unique<Track>();
  t->result.id = c.id;
  t->result.path = options_.dir + "/" + c.name;
  t->result.started = c.wall;
  t->begin = c.at;
  if (alarm_.load() || DiskLow()) {
    Alarm(true);
    refused_.fetch_add(1, std::memory_order_relaxed);
    t->result.status = Unavailable("recorder: free disk space below the floor (" +
                                   std::to_string(options_.min_free_bytes >> 20) + " MiB) in " +
                                   Printable(options_.dir) + "; not recorded");
    if (on_done_) on_done_(t->result);
    return;
  }
  SF_INFO info{};
  info.samplerate = kRate;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  t->file = sf_open(t->result.path.c_str(), SFM_WRITE, &info);
  if (t->file == nullptr) {
    t->result.status = Unavailable("recorder: cannot create '" + Printable(t->result.path) +
                                   "': " + sf_strerror(nullptr));
    if (on_done_) on_done_(t->result);
    return;
  }
  t->header_at = now + kHeaderEvery;
  active_.fetch_add(1, std::memory_order_relaxed);
  tracks_[c.id] = std::move(t);
}

void Recorder::Place(const Frame& f) {
  const auto it = tracks_.find(f.id);
  if (it == tracks_.end()) return;  // ended (past its grace), refused, or never begun
  Track* t = it->second.get();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(f.at - t->begin).count();
  const std::int64_t pos = std::max<std::int64_t>(0, us * kRate / 1'000'000);
  std::int64_t& cursor = t->cursor[f.channel];
  if (pos > cursor + kSlack) cursor = pos;  // a pause: silence up to here
  if (cursor > pos + kAhead) {
    late_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  cursor = std::max(cursor, t->written);
  const std::size_t need = static_cast<std::size_t>(cursor - t->written + f.samples) * 2;
  if (t->pending.size() < need) t->pending.resize(need, 0);
  std::int16_t* out = t->pending.data() + (cursor - t->written) * 2 + f.channel;
  for (std::size_t i = 0; i < f.samples; ++i) out[i * 2] = f.pcm[i];
  cursor += f.samples;
}

void Recorder::Flush(Track& t, bool all) {
  const std::int64_t hi = std::max(t.cursor[0], t.cursor[1]);
  const std::int64_t lo = std::min(t.cursor[0], t.cursor[1]);
  const std::int64_t to = all ? hi : std::max(lo, hi - kLag);
  if (to <= t.written) return;
  const std::int64_t frames = to - t.written;
  if (t.pending.size() < static_cast<std::size_t>(frames) * 2) {
    t.pending.resize(static_cast<std::size_t>(frames) * 2, 0);
  }
  sf_writef_short(t.file, t.pending.data(), frames);
  t.pending.erase(t.pending.begin(), t.pending.begin() + frames * 2);
  t.written = to;
  for (std::int64_t& c : t.cursor) c = std::max(c, t.written);
}

void Recorder::Finish(Track& t, bool cut_short) {
  Flush(t, true);
  sf_close(t.file);  // writes the final header
  t.file = nullptr;
  active_.fetch_sub(1, std::memory_order_relaxed);
  t.result.cut_short = cut_short;
  t.result.duration_ms = t.written * 1000 / kRate;
  struct stat st {};
  t.result.bytes =
      stat(t.result.path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_size) : 0;
  t.result.dropped = dropped_.load(std::memory_order_relaxed);
  if (on_done_) on_done_(t.result);
}

bool Recorder::DiskLow() {
  struct statvfs v {};
  if (statvfs(options_.dir.c_str(), &v) != 0) return true;  // gone or unreadable: no recording
  const auto free_bytes = static_cast<std::uint64_t>(v.f_bavail) * v.f_frsize;
  return free_bytes < options_.min_free_bytes;
}

void Recorder::Alarm(bool low) {
  if (low && !alarm_.exchange(true)) {
    if (on_alarm_) {
      on_alarm_("recorder: free disk space in " + Printable(options_.dir) + " below " +
                std::to_string(options_.min_free_bytes >> 20) +
                " MiB: recordings stopped, new ones refused");
    }
  } else if (!low && alarm_.exchange(false)) {
    if (on_alarm_) on_alarm_("recorder: free disk space is back above the floor; recording again");
  }
}

void Recorder::CheckDisk(SteadyClock::time_point now) {
  if (now < next_disk_check_ || (tracks_.empty() && !alarm_.load())) return;
  next_disk_check_ = now + kDiskEvery;
  const bool low = DiskLow();
  Alarm(low);
  if (!low) return;
  for (auto& [id, t] : tracks_) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    Finish(*t, true);
  }
  tracks_.clear();
}

}  // namespace sb::media
