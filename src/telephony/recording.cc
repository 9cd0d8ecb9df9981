// Call recording (telephony.h): a bridge in a queue with `record = true` gets a recording, the
// caller's received audio on the left channel and the agent's on the right (media/recorder.h),
// and the finished file goes to the store through Hooks::recorded. Only connected talk is
// recorded: not the IVR, hold music or ringing before the first bridge.
//
// One recording per contact, not per agent: a handover (an attended transfer completed, a blind
// transfer into another queue) keeps the contact, so the same file goes on and the next agent
// bridged to the caller takes the right channel over (the recorded call stays recorded, even
// when the next queue does not record); the row names the last agent, as the CDR does. An agent
// leg that ends only leaves the right channel (silence until the next agent); the caller's leg
// ending, or its contact ending while the call goes on (a transfer out, a transfer to one of our
// numbers: a new contact, which its own queue may record again), ends the file.

#include <chrono>

#include "telephony/telephony.h"

namespace sb::telephony {

Status Telephony::StartRecorder() {
  if (config_.recording.queues.empty()) return Status::Ok();
  media::RecorderOptions o;
  o.dir = config_.recording.dir;
  o.min_free_bytes = static_cast<std::uint64_t>(config_.recording.min_free_mb) << 20;
  o.max_queued_frames = static_cast<std::size_t>(config_.recording.queue_frames);
  o.max_recordings = static_cast<std::size_t>(config_.max_calls);
  recorder_ = std::make_unique<media::Recorder>(
      o,
      [this](const media::RecordingResult& r) {
        // At Stop the control loop runs no more; Stop() waits for this thread, so nothing else
        // touches the tables meanwhile.
        if (stopping_) return RecordingDone(r);
        hooks_.task([this, r] { RecordingDone(r); });
      },
      [this](const std::string& alarm) {
        hooks_.task([this, alarm] { Log("warn", alarm, {{"dir", config_.recording.dir}}); });
      });
  return recorder_->Start().WithContext("[recording] dir");
}

void Telephony::MaybeRecord(Leg& caller, Leg& agent) {
  if (!recorder_) return;
  if (caller.recording != 0) {
    // A handover: the next agent's audio goes on in the same file.
    auto it = recordings_.find(caller.recording);
    if (it == recordings_.end()) return;
    Recorded& rec = it->second;
    if (Leg* before = Find(rec.agent_leg);
        before && before != &agent && before->recording == caller.recording) {
      before->recording = 0;
      media_->Record(before->media, 0, 0);
    }
    media_->Record(agent.media, caller.recording, media::Recorder::kAgent);
    agent.recording = caller.recording;
    rec.agent_leg = agent.sip;
    rec.agent = agent.agent;
    Log("info", "telephony: the recording goes on with the next agent",
        {{"contact", std::to_string(caller.contact)}, {"agent", agent.agent}});
    return;
  }
  const auto& queues = ctl_.engine().settings().queues;
  if (agent.queue >= queues.size()) return;
  const std::string& queue = queues[agent.queue].name;
  if (!config_.recording.queues.contains(queue)) return;
  const std::uint64_t id = ++next_recording_;
  // Contact ids never repeat, also across restarts, so the name is unique in the directory.
  const std::string name = "contact-" + std::to_string(caller.contact) + "-" + agent.agent + "-" +
                           std::to_string(id) + ".wav";
  if (!recorder_->Begin(id, name)) {
    ++stats_.recordings_failed;
    Log("warn", "telephony: recording refused (too many at once)",
        {{"contact", std::to_string(caller.contact)}});
    return;
  }
  media_->Record(caller.media, id, media::Recorder::kCaller);
  media_->Record(agent.media, id, media::Recorder::kAgent);
  caller.recording = agent.recording = id;
  recordings_[id] = Recorded{caller.contact, queue, agent.agent, caller.sip, agent.sip};
}

void Telephony::StopRecording(Leg& leg) {
  const std::uint64_t id = leg.recording;
  if (id == 0) return;
  auto it = recordings_.find(id);
  if (it != recordings_.end() && it->second.caller != leg.sip) {
    // An agent's leg: the file goes on with the caller until the next agent or the end.
    leg.recording = 0;
    if (media_) media_->Record(leg.media, 0, 0);
    if (it->second.agent_leg == leg.sip) it->second.agent_leg = 0;
    return;
  }
  if (it != recordings_.end()) {
    for (sip::LegId l : {it->second.caller, it->second.agent_leg}) {
      if (Leg* other = Find(l); other && other->recording == id) {
        other->recording = 0;
        if (media_) media_->Record(other->media, 0, 0);
      }
    }
  }
  leg.recording = 0;
  if (recorder_) recorder_->End(id);
}

void Telephony::RecordingDone(const media::RecordingResult& r) {
  auto it = recordings_.find(r.id);
  if (it == recordings_.end()) return;
  const Recorded rec = it->second;
  recordings_.erase(it);
  if (!r.status.ok()) {
    ++stats_.recordings_failed;
    Log("warn", "telephony: call not recorded",
        {{"contact", std::to_string(rec.contact)}, {"why", r.status.message()}});
    return;
  }
  ++stats_.recordings;
  RecordingInfo info;
  info.contact = rec.contact;
  info.path = r.path;
  info.started_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(r.started.time_since_epoch()).count();
  info.duration_ms = r.duration_ms;
  info.bytes = r.bytes;
  info.queue = rec.queue;
  info.agent = rec.agent;
  info.cut_short = r.cut_short;
  Log("info", "telephony: call recorded",
      {{"contact", std::to_string(rec.contact)},
       {"file", r.path},
       {"ms", std::to_string(r.duration_ms)},
       {"bytes", std::to_string(r.bytes)},
       {"cut_short", r.cut_short ? "true" : "false"},
       {"frames_dropped", std::to_string(r.dropped)}});
  if (hooks_.recorded) hooks_.recorded(info);
}

}  // namespace sb::telephony
