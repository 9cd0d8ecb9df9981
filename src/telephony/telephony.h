#pragma once
// Telephony: the call flow between the SIP stack, the media engine and the routing engine.
//
// A caller's INVITE becomes an Enqueue into the queue its number names; the caller hears hold
// music until the engine offers the call; an offer becomes an INVITE to the agent's phone with
// the caller's number in From; the agent's 200 becomes an Accept, and only when the engine takes
// it are the two legs bridged (so with ring-all exactly one agent is ever connected: a second 200
// gets ACK then BYE); a failure becomes a Decline; hang-ups become Abandon or Hangup; the engine's
// cancels, time-outs and ends hang up the legs they concern. It keeps no routing state of its
// own: the legs it holds point at contacts and offers the engine named.
//
// Thread safety: everything runs on the control thread. The SIP and media threads' callbacks
// (sip::Listener, media events) only post tasks to it through Hooks::task.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "control/command.h"
#include "control/controller.h"
#include "control/subscriber.h"
#include "media/engine.h"
#include "sip/stack.h"

namespace sb::telephony {

struct Hooks {
  // Runs `command` on the control thread and calls `done` there; false when the loop is full.
  std::function<bool(control::Command, std::function<void(const control::Reply&)>)> command;
  // Runs `task` on the control thread (from any thread).
  std::function<void(std::function<void()>)> task;
  // A log line: level ("info", "warn", "error"), message, key/value pairs.
  std::function<void(const char*, const std::string&,
                     std::vector<std::pair<std::string, std::string>>)>
      log;
};

struct Stats {
  std::uint64_t calls = 0;        // inbound INVITEs answered into a queue
  std::uint64_t refused = 0;      // 403/404/488/503 to an INVITE
  std::uint64_t offers = 0;       // INVITEs to agents
  std::uint64_t connected = 0;    // bridges
  std::uint64_t active_legs = 0;  // now
};

class Telephony : public control::Subscriber, public sip::Listener {
 public:
  Telephony(config::TelephonyConfig config, const control::Controller& controller, Hooks hooks);
  ~Telephony() override;
  Telephony(const Telephony&) = delete;
  Telephony& operator=(const Telephony&) = delete;

  // Loads the hold music, starts the media engine and the SIP stack, and logs the static phones
  // in (posting Login and Ready). On the control thread, before the loop runs.
  Status Start();
  // Hangs up every call and stops both threads. After the control loop has stopped.
  void Stop();

  Stats stats() const;

  // control::Subscriber
  void OnEvent(const core::Event& event, control::Cause cause,
               const control::ContactContext* contact) override;

  // sip::Listener (SIP thread: each posts to the control thread)
  void OnIncoming(const sip::Incoming& call) override;
  void OnAck(sip::LegId leg) override;
  void OnProgress(sip::LegId leg, int status) override;
  void OnAnswered(sip::LegId leg, const std::string& sdp) override;
  void OnFailed(sip::LegId leg, int status) override;
  void OnHangup(sip::LegId leg, bool cancelled) override;
  void OnTerminated(sip::LegId leg, int status) override;
  void OnRegistration(const std::string& user, const std::string& contact) override;
  void OnAuthFailed(const std::string& source, const std::string& user) override;

 private:
  struct Leg {
    sip::LegId sip = 0;
    media::LegId media = 0;
    bool caller = false;  // the customer's leg; else an agent's
    std::uint64_t contact = 0;
    // caller legs
    std::string number;        // the caller's number
    bool queued = false;       // Enqueue accepted
    bool connected = false;    // bridged to an agent
    bool gone = false;         // hung up or ended: waiting for its termination
    bool reported = false;     // the engine has been told the caller left
    bool enqueuing = false;    // the Enqueue is on its way: the leg waits for its reply
    bool terminated = false;   // the SIP leg is gone (kept only until the Enqueue's reply)
    sip::LegId agent_leg = 0;  // the bridged agent
    // agent legs
    std::string agent;
    std::uint32_t offer = 0;
    bool answered = false;
  };

  void Incoming(const sip::Incoming& call);
  void Answered(sip::LegId id, const std::string& sdp);
  void Failed(sip::LegId id, int status);
  void Hangup(sip::LegId id);
  void Terminated(sip::LegId id);
  void MediaEvent(const media::Event& e);

  void Offer(const core::ContactOffered& o, const control::ContactContext* ctx);
  void EndAgentLeg(std::uint64_t contact, AgentId agent);
  void EndContact(std::uint64_t contact);
  void End(Leg& leg);
  // The caller left (hang-up, lost leg): Abandon or Hangup, once.
  void CallerLeft(Leg& leg);
  Leg* Find(sip::LegId id);
  Leg* CallerOf(std::uint64_t contact);
  const std::string& AgentName(AgentId id) const;
  void Log(const char* level, const std::string& msg,
           std::vector<std::pair<std::string, std::string>> kv = {}) const;

  config::TelephonyConfig config_;
  const control::Controller& ctl_;
  Hooks hooks_;
  std::unordered_map<std::string, std::string> queue_of_number_;
  std::unordered_map<std::string, std::string> contact_of_agent_;  // static [[phone]] contacts
  std::unordered_map<std::string, std::string> registered_;        // agent -> REGISTERed contact
  std::shared_ptr<const media::Clip> hold_music_;
  std::unique_ptr<media::Engine> media_;
  std::unique_ptr<sip::Stack> sip_;

  std::unordered_map<sip::LegId, Leg> legs_;
  std::unordered_map<media::LegId, sip::LegId> by_media_;
  std::unordered_map<std::uint64_t, sip::LegId> caller_of_contact_;
  // Agent legs by contact: ring-all rings several at once.
  std::unordered_map<std::uint64_t, std::vector<sip::LegId>> agents_of_contact_;
  Stats stats_;
};

}  // namespace sb::telephony
