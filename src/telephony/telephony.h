#pragma once
// Telephony: the call flow between the SIP stack, the media engine and the routing engine.
//
// A caller's INVITE to a number with a queue becomes an Enqueue into it. To a number with an IVR
// it becomes an Arrive (the screen-pop look-up starts), the call is answered and the menu's prompt
// played; the keys the caller presses (RFC 4733, detected by the media engine, or SIP INFO
// bodies, parsed by the SIP stack) pick a queue
// (Enqueue of the arrived contact), a submenu, digits collected up to # (an IvrInput, then the
// Enqueue) or a callback (Enqueue, RequestCallback, a thank-you, hang-up); no key within the
// menu's time-out replays the prompt `retries` times, then takes its `default`. A caller who hangs
// up in the IVR is an Abandon (the controller records abandoned_in_ivr). In the queue the caller
// hears hold music, interrupted every `announce_every` by the position and the expected wait
// (GetPosition, said with the Asterisk sounds); a queue that offers a waiting caller a callback
// (CallbackOffered) plays callback_offer_message and key 1 takes it (RequestCallback, the
// thank-you, hang-up), as does a full queue that took the caller as a callback; a queue that
// turns the caller away (closed, full, waited too long) plays its message, then hangs up. Until the
// engine offers the call; an offer becomes an INVITE to the agent's phone with the caller's number
// in From; the agent's 200 becomes an Accept, and only when the engine takes it are the two legs
// bridged (so with ring-all exactly one agent is ever connected: a second 200 gets ACK then BYE); a
// failure becomes a Decline; hang-ups become Abandon or Hangup; the engine's cancels, time-outs and
// ends hang up the legs they concern. A callback the engine offers rings the agent's phone first
// (From: "Callback" and the customer's number); the agent's 200 becomes an Accept, then the
// customer is dialled through the callback trunk (digest authentication answered by the SIP stack)
// while the agent hears a ringback tone; the customer's 200 bridges the two (CallbackResult
// reached), a busy, a failure, the trunk's ring time-out or the agent hanging up first end it as
// unreached (CallbackResult not reached: the engine ends the contact callback_unreached, or, while
// the queue's callback_retries allow, CallbackRetry hangs this attempt's legs up and the engine
// offers the callback again once callback_retry_after has passed); a hang-up
// after the bridge is a Hangup (callback.cc). It keeps no routing state of its own: the legs it
// holds point at contacts and offers the engine named.
//
// Blind transfers (transfer.cc): a REFER in a connected agent's dialog whose Refer-To user is a
// [[number]] with a queue becomes a Transfer into that queue (so does a Transfer command to that
// number: QueueOfNumber); any other becomes a Transfer to that number, which the controller asks
// this class about (control::NumberTransfers: a [[number]] with an IVR menu, or a trunk takes
// transfers and [sip.transfer] allow lets the number through). Refused, the REFER gets 403
// (480 when the queue cannot take the caller now) and the call goes on. The engine's ContactMoved
// (transfer) of a connected call, however asked (REFER or a front end's command), unbridges the
// caller, who hears the hold music again, and ends the agent's leg (its REFER answered 202 and
// NOTIFY "200 OK" first); the engine offers the caller to the next agent as usual. A ContactEnded
// transferred_out dials the number through the transfer trunk instead of hanging up: the caller
// hears ringback, is bridged on answer, and the two legs end together; a failure or the trunk's
// ring time-out returns the caller to its queue as a new contact (reentry.cc). To a [[number]]
// with an IVR menu, the caller enters that menu as a new contact instead (no trunk leg).
// Attended transfers (consult.cc): a consult command (control::Consultations asks CanConsult:
// a call this class carries, nobody supervising it, a target with a phone) starts a
// consultation; on its ConsultStarted the caller hears the hold music, the consulting agent
// hears ringback and the consulted agent's phone rings with From the consulting agent. Its 200
// becomes a ConsultAnswer and, taken, bridges the two agents; a failure, its ring time-out (the
// queue's offer_timeout) or its BYE become a ConsultCancel declined. ConsultEnded (cancelled,
// declined) bridges the caller back to the first agent; ConsultCompleted (the consult_complete
// command, or the first agent's phone REFERring its call with a Replaces header naming the
// consultation's dialog, RFC 3891) bridges the caller to the consulted agent and hangs up the
// first. The first agent hanging up completes an answered consultation, and ends the call like
// any agent's hang-up while the consulted phone still rings. No supervision during one.
// Calls from a [[trunk]] with inbound_user are authenticated by digest in the SIP stack.
//
// Qualify (phones.cc): every [sip] qualify_every each [[phone]] with a known contact (its static
// contact, or where it registered) is sent an OPTIONS, one at a time per phone, none while its
// agent rings or talks. Two in a row unanswered (time-out, 408, 503, a transport failure) make
// the phone unreachable: logged, and a ready agent is set not ready with the reason
// "phone unreachable". Any other response makes it reachable again: logged, and the agent is
// made ready again if telephony took it out and nobody changed its state since.
//
// Thread safety: everything runs on the control thread. The SIP and media threads' callbacks
// (sip::Listener, media events) only post tasks to it through Hooks::task.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/config.h"
#include "control/command.h"
#include "control/controller.h"
#include "control/subscriber.h"
#include "control/supervision.h"
#include "media/engine.h"
#include "media/offer_answer.h"
#include "media/recorder.h"
#include "sip/stack.h"
#include "store/store.h"
#include "telephony/leg.h"
#include "telephony/stats.h"

namespace sb::telephony {

// A finished call recording (recording.cc), for the store.
struct RecordingInfo {
  std::uint64_t contact = 0;
  std::string path;
  std::int64_t started_ms = 0;  // wall clock
  std::int64_t duration_ms = 0;
  std::int64_t bytes = 0;
  std::string queue, agent;
  bool cut_short = false;  // stopped before the call ended (disk space, shutdown)
};

struct Hooks {
  // Runs `command` on the control thread and calls `done` there; false when the loop is full.
  std::function<bool(control::Command, std::function<void(const control::Reply&)>)> command;
  // Runs `task` on the control thread (from any thread).
  std::function<void(std::function<void()>)> task;
  // A log line: level ("info", "warn", "error"), message, key/value pairs.
  std::function<void(const char*, const std::string&,
                     std::vector<std::pair<std::string, std::string>>)>
      log;
  // Runs `fn` on the control thread once `after` has passed (a timer of the control loop).
  // Without it IVR time-outs, announcements and the farewell messages' fallback do not fire.
  std::function<void(Duration, std::function<void()>)> after;
  // The wall clock of the call details' times (the system clock when empty).
  std::function<Time()> now;
  // Stores one call's details (store::CallDetail) when its caller's leg is gone; none when empty.
  std::function<void(store::CallDetail)> record;
  // A recording's file is complete (on the control thread; at Stop, on the thread calling it).
  std::function<void(const RecordingInfo&)> recorded;
};

class Telephony : public control::Subscriber,
                  public sip::Listener,
                  public control::SupervisionHandler,
                  public control::NumberTransfers,
                  public control::Consultations {
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
  void OnProgress(sip::LegId leg, int status, const std::string& sdp) override;
  void OnAnswered(sip::LegId leg, const std::string& sdp) override;
  void OnDialog(sip::LegId leg, const std::string& call_id, const std::string& tag) override;
  void OnFailed(sip::LegId leg, int status) override;
  void OnHangup(sip::LegId leg, bool cancelled) override;
  void OnTerminated(sip::LegId leg, int status) override;
  void OnRegistration(const std::string& user, const std::string& contact) override;
  void OnAuthFailed(const std::string& source, const std::string& user) override;
  void OnOptionsResult(std::uint64_t probe, int status) override;
  void OnDtmf(sip::LegId leg, char digit) override;
  void OnReoffer(sip::LegId leg, const std::string& sdp) override;
  void OnSessionExpired(sip::LegId leg, int status) override;
  void OnTrunkAuthFailed(const std::string& source, const std::string& user) override;
  void OnRefer(sip::LegId leg, const std::string& target) override;
  void OnReferReplaces(sip::LegId leg, const std::string& target,
                       const sip::Replaces& replaces) override;

  // control::SupervisionHandler (supervise.cc)
  Status Supervise(const std::string& supervisor, const std::string& agent,
                   std::string_view mode) override;
  Status EndSupervision(const std::string& supervisor) override;

  // control::NumberTransfers (transfer.cc)
  Status CanTransferOut(std::uint64_t contact, const std::string& number) override;
  std::string QueueOfNumber(const std::string& number) const override;

  // control::Consultations (consult.cc)
  Status CanConsult(std::uint64_t contact, const std::string& target) override;

 private:
  using Playing = internal::Playing;
  using Leg = internal::Leg;

  // A supervisor joined to an agent's call (supervise.cc); one per supervisor.
  struct Supervision {
    std::string supervisor, agent;
    media::MixMode mode = media::MixMode::kListen;
    sip::LegId leg = 0;                    // the supervisor's phone
    sip::LegId caller = 0, agent_leg = 0;  // the call supervised
    std::uint64_t mix = 0;                 // once answered
  };
  void ApplyMix(Supervision& s);
  void EndSupervisor(Supervision& s, const char* why);  // erases it
  Supervision* SupervisionOf(const Leg& supervisor_leg);
  void SupervisorAnswered(Leg& leg, const std::string& sdp);
  void SupervisorFailed(Leg& leg, int status);
  void SupervisorLegGone(Leg& leg);             // hung up or terminated
  void EndSupervisionsOf(sip::LegId call_leg);  // the call's caller or agent leg is gone

  // A callback being carried out: the agent's leg, then the customer's.
  struct Dialout {
    std::uint64_t contact = 0;
    std::string dial;  // the number sent to the trunk (rewritten)
    std::string agent;
    sip::LegId agent_leg = 0, customer_leg = 0;  // 0: none (yet, or any more)
    bool dialling = false;   // the engine took the agent's answer: the customer is called
    bool connected = false;  // the customer answered: bridged
    bool reported = false;   // the engine has its end (CallbackResult not reached, or Hangup)
    int status = 0;          // this attempt's end, for the call's record (callback_cause.h)
    std::string cause{};
  };

  // A [[phone]]'s qualify state (phones.cc), one per phone of the configuration.
  struct Qualify {
    std::string agent;
    std::uint64_t probe = 0;  // the OPTIONS in flight (0: none)
    std::string uri;          // where it went
    int failures = 0;         // unanswered in a row
    bool unreachable = false;
    bool took_out = false;  // telephony set the agent not ready, and nothing changed it since
  };
  void QualifyRound();  // every qualify_every
  void Qualified(std::uint64_t probe, int status);
  void TakeOut(Qualify& q);  // the agent not ready ("phone unreachable"), when it is ready
  void QualifyAgentEvent(const core::Event& event);
  std::optional<AgentId> AgentIdOf(const std::string& name);  // by the engine's settings

  void Incoming(const sip::Incoming& call);
  // The Arrive's or the Enqueue's reply for a new call; AbandonEnded: for a caller's leg that
  // ended meanwhile (terminated), the contact the reply made is abandoned and the leg erased.
  void Admitted(sip::LegId id, bool ivr, const control::Reply& r);
  void AbandonEnded(sip::LegId id, const control::Reply& r);
  void Answer(Leg& leg);  // the 200, once
  // IVR
  void EnterMenu(Leg& leg, const config::IvrMenu* menu);
  void Prompt(Leg& leg, bool after_invalid);
  void Dtmf(Leg& leg, char digit);
  void IvrTimeout(Leg& leg);
  void Fallback(Leg& leg);
  void Choose(Leg& leg, const config::IvrChoice& choice);
  void FinishCollect(Leg& leg);
  void StartEnqueue(Leg& leg, const std::string& queue, bool callback);
  void Waiting(Leg& leg);  // queued: hold music, the announcements' timer
  void Callback(Leg& leg);
  // Whether an Enqueue's reply queued its contact as a callback (a full queue's when_full).
  static bool QueuedAsCallback(const control::Reply& r);
  // The caller's contact is a callback now: the thank-you, then hang up.
  void TakenAsCallback(Leg& leg);
  // The queue offers a waiting caller a callback (CallbackOffered): its message, key 1 takes it.
  void OfferCallbackToCaller(std::uint64_t contact);
  // Queue
  void ArmAnnouncement(Leg& leg);
  void Announce(Leg& leg);
  std::vector<std::shared_ptr<const media::Clip>> Announcement(const control::PositionInfo& p,
                                                               Leg& leg);
  void SayNumber(std::uint32_t n, std::vector<std::shared_ptr<const media::Clip>>* out, Leg& leg);
  // Plays `clips`, then hangs up (on kPlayoutDone, or a fallback timer).
  void Farewell(Leg& leg, const std::vector<std::string>& clips);
  void TurnAway(Leg& leg, core::EndReason reason);
  void PlayHold(Leg& leg);
  void PlayoutDone(Leg& leg);
  // Calls fn(leg) after `d` unless another timer was armed (or Disarm called) meanwhile.
  void Arm(Leg& leg, Duration d, std::function<void(Leg&)> fn);
  void Disarm(Leg& leg) { leg.timer = 0; }
  // Clips by path, loaded at Start.
  Status LoadClip(const std::string& path);
  // With a caller's leg: in the caller's language where the sound exists in it (language.cc).
  std::vector<std::shared_ptr<const media::Clip>> Clips(const std::vector<std::string>& paths,
                                                        Leg* leg = nullptr);
  std::shared_ptr<const media::Clip> Sound(const std::string& name, Leg& leg);  // in sounds
  // [sip] languages (language.cc): every loaded sound's version in each language, at Start;
  // the caller's language from the pre-fetched record; a path in the leg's language.
  void LoadLanguages();
  // True once the language is decided (found, or none); false while the look-up runs.
  bool PickLanguage(Leg& leg);
  // The call's first menu, once its language is known (or after at most `waits` short waits).
  void EnterFirstMenu(sip::LegId id, int waits);
  std::string Localized(const Leg& leg, const std::string& path) const;

  // Hold, resume and other re-offers; sessions ended by their timer (hold.cc).
  void Reoffer(sip::LegId id, const std::string& sdp);
  sip::LegId PartnerOf(const Leg& leg);  // the leg bridged to `leg` (0: none)
  void ApplyHold(Leg& leg);              // the media as leg's and its partner's hold ask
  // The call's hold time in its record: on hold while its caller or connected agent holds.
  void CountHold(Leg& caller, std::int64_t now_ms);
  void SessionExpired(sip::LegId id, int status);

  void Answered(sip::LegId id, const std::string& sdp);
  void Failed(sip::LegId id, int status);
  void Hangup(sip::LegId id, bool cancelled = false);
  // Call details (call_detail.cc): the time now in ms; who ended the caller's call and why (the
  // first one said counts); the record stored once the caller's leg and its contact are known.
  std::int64_t NowMs() const;
  void NoteEnd(Leg& caller, const char* by, std::string_view cause);
  void RecordDetail(Leg& caller);
  void Terminated(sip::LegId id);
  void MediaEvent(const media::Event& e);

  void Offer(const core::ContactOffered& o, const control::ContactContext* ctx);
  // A new agent leg for an offer of `contact`, on media leg `media`, indexed (agent_side.cc).
  Leg& AddAgentLeg(std::uint64_t contact, const std::string& agent, std::uint32_t offer,
                   media::LegId media);
  // SRTP and address families (secure_media.cc).
  // Our SDP offer for `leg` (to an agent's phone or a trunk), RTP on `port`, RTP/SAVP with a
  // fresh key (kept in leg.offered_crypto) when `srtp`; empty when no key could be made.
  std::string OfferSdp(Leg& leg, std::uint16_t port, bool srtp);
  // What an inbound offer from `trunk` is answered with; an error is the 488's reason.
  Result<media::AnswerPlan> PlanMedia(const media::SdpAudio& offer,
                                      const config::TrunkConfig& trunk) const;
  // The engine's Remote for the answer `sdp` to our offer on `leg`; an error: it does not fit.
  Result<media::Remote> RemoteOfAnswer(const Leg& leg, const std::string& sdp) const;
  // A re-offer in an established call (hold.cc): an SRTP leg stays SRTP (new keys both ways, as
  // each SDES offer/answer may change them; a re-offer in the clear gets 488), a plain one plain.
  Result<media::AnswerPlan> PlanReoffer(const Leg& leg, const media::SdpAudio& offer) const;
  // The SDP's address is of the family of [sip] rtp_address (or the stream is rejected).
  Status CheckFamily(const media::SdpAudio& sdp) const;
  bool SrtpToAgent(const std::string& agent) const;  // its [[phone]] has srtp = true
  bool SrtpToTrunk(const config::TrunkConfig& trunk) const;
  // The agent's phone for an offer: registered, static [[phone]], or the Login device.
  std::string PhoneOf(AgentId id, const std::string& agent) const;
  // Callbacks (callback.cc).
  void OfferCallback(const core::ContactOffered& o, const control::ContactContext* ctx);
  void DialCustomer(Dialout& d);  // the engine took the agent's answer
  void CustomerAnswered(Leg& leg, const std::string& sdp);
  // A dialled leg's 18x with SDP (early_media.cc): the party waiting for it hears the far end.
  void EarlyMedia(sip::LegId id, int status, const std::string& sdp);
  void CustomerFailed(Leg& leg, int status);
  void CustomerGone(Leg& leg);         // BYE, no RTP, or the leg lost
  void AgentLeftCallback(Dialout& d);  // the agent's leg ended (BYE, no RTP, lost)
  // CallbackResult not reached, once; `cause` and `status` are kept for the call's record.
  void CallbackUnreached(Dialout& d, const std::string& why, std::string_view cause,
                         bool permanent = false, int status = 0);
  // A callback ended after `attempts` dials: its columns of the call's row (store::CallDetail).
  void RecordCallbackOutcome(std::uint64_t contact, std::uint32_t attempts, core::EndReason reason);
  void CallbackLegGone(const Leg& leg);  // a terminated leg leaves its Dialout (erased when empty)
  Dialout* DialoutOf(std::uint64_t contact);
  // A trunk dials callbacks and `number` can be dialled through it (not anonymous).
  bool CanCallBack(const std::string& number) const;
  // The caller leg a contact's handle names (its decimal SIP leg id), 0 if none.
  static sip::LegId LegOfHandle(const std::string& handle);
  // Recording (recording.cc): the recorder when a queue records; a bridge of a recorded queue
  // starts one per contact (caller left, agent right); the next agent bridged to the caller (a
  // handover, a transfer into a queue) takes the right channel over; the caller's leg or its
  // contact ending ends it (an agent leg that ends leaves only its channel).
  Status StartRecorder();
  void MaybeRecord(Leg& caller, Leg& agent);
  void StopRecording(Leg& leg);
  void RecordingDone(const media::RecordingResult& r);
  struct Recorded {
    std::uint64_t contact = 0;
    std::string queue, agent;
    sip::LegId caller = 0, agent_leg = 0;
  };
  // Blind transfers (transfer.cc).
  void Refer(sip::LegId id, const std::string& target);
  void ReferRefused(sip::LegId agent_leg, int status, const std::string& why);
  void TransferMoved(const core::ContactMoved& m);  // a connected call into another queue
  void TransferredOut(const core::ContactEnded& e, const control::ContactContext& ctx);
  void ForwardAnswered(Leg& leg, const std::string& sdp);
  // A new contact on the caller's call (reentry.cc), the first's details stored (ended by the
  // agent, `cause`): back to its queue after a transfer out that never connected; into the IVR
  // menu (or queue) of a number of ours it was transferred to; the Enqueue's or Arrive's reply.
  void RenewContact(Leg& caller, std::string_view cause);
  void ReturnCaller(Leg& caller);
  void EnterNumber(Leg& caller, const config::NumberConfig& number);
  void Reentered(sip::LegId id, bool ivr, const control::Reply& r);
  void ForwardFailed(Leg& leg, int status);
  void ForwardGone(Leg& leg);  // one side of a transferred-out call ended: the other too
  bool TransferAllowed(const std::string& number) const;
  // Attended transfers (consult.cc).
  void StartConsult(const core::ConsultStarted& e);
  void ConsultAnswered(Leg& leg, const std::string& sdp);
  void ConsultFailed(Leg& leg, int status);
  void ConsultLegGone(Leg& leg);  // the consulted phone hung up, or its leg was lost
  // The first agent's leg `agent_leg` hung up during a consultation: complete or end the call.
  void ConsultingAgentLeft(Leg& caller);
  void EndConsult(const core::ConsultEnded& e);
  void CompleteConsult(const core::ConsultCompleted& e);
  void CancelConsult(std::uint64_t contact, const char* why);  // ConsultCancel declined
  // An INVITE from the phone of an agent on a call to another agent (its user): the agent's
  // phone starts a consultation. False, doing nothing, when the INVITE is no such call.
  bool IncomingConsult(const sip::Incoming& call);
  void ConsultingLegGone(Leg& leg);  // the first agent's own call ended (BYE, CANCEL, lost)
  // A REFER with Replaces from a connected agent's phone: complete the consultation it names.
  void ReferReplaces(sip::LegId agent_leg, const sip::Replaces& replaces);
  // The leg the first agent talks to the consulted one on: its own call, else its agent leg.
  Leg* ConsultTalker(Leg& caller);
  void EndAgentLeg(std::uint64_t contact, AgentId agent);
  void EndContact(const core::ContactEnded& e, const control::ContactContext* ctx);
  // The agents' legs of a contact and its callback's customer leg hang up (an end, or a
  // callback attempt that reached nobody: CallbackRetry).
  void EndAgentAndCustomerLegs(std::uint64_t contact);
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
  std::unordered_map<std::string, const config::NumberConfig*> number_of_;
  std::unordered_map<std::string, const config::IvrMenu*> menu_of_;
  std::unordered_map<std::string, std::shared_ptr<const media::Clip>> clips_;
  std::uint64_t timers_ = 0;
  std::unordered_map<std::string, std::string> contact_of_agent_;  // static [[phone]] contacts
  std::unordered_set<std::string> follows_registration_;           // logged in while registered
  std::unordered_map<std::string, std::string> registered_;        // agent -> REGISTERed contact
  std::unordered_set<std::string> srtp_agents_;  // [[phone]] srtp = true: offered RTP/SAVP
  std::shared_ptr<const media::Clip> hold_music_;
  std::shared_ptr<const media::Clip> ringback_;  // what the agent hears while a callback rings
  const config::TrunkConfig* callback_trunk_ = nullptr;  // in config_; null: none
  // Before media_: the engine holds a pointer to it, so it goes after the engine.
  std::unique_ptr<media::Recorder> recorder_;
  std::unordered_map<std::uint64_t, Recorded> recordings_;  // running; <= legs (max_calls)
  std::uint64_t next_recording_ = 0;
  bool stopping_ = false;  // Stop() runs: the recorder's results come on its own thread
  std::unordered_map<std::string, Supervision> supervisions_;  // by supervisor; <= agents
  std::uint64_t next_mix_ = 0;
  const config::TrunkConfig* transfer_trunk_ = nullptr;  // in config_; null: none
  std::unique_ptr<media::Engine> media_;
  std::unique_ptr<sip::Stack> sip_;

  std::unordered_map<sip::LegId, Leg> legs_;
  std::unordered_map<media::LegId, sip::LegId> by_media_;
  std::unordered_map<std::uint64_t, sip::LegId> caller_of_contact_;
  // Agent legs by contact: ring-all rings several at once.
  std::unordered_map<std::uint64_t, std::vector<sip::LegId>> agents_of_contact_;
  // Callbacks by contact: one per agent leg at most, so bounded like the legs (max_calls).
  std::unordered_map<std::uint64_t, Dialout> dialouts_;
  std::vector<Qualify> qualify_;                              // one per [[phone]]
  std::unordered_map<std::string, std::size_t> qualify_of_;   // agent -> qualify_ index
  std::unordered_map<std::uint64_t, std::size_t> probe_of_;   // in flight: <= one per phone
  std::unordered_map<std::string, std::uint32_t> agent_ids_;  // name -> AgentId, <= agents
  Stats stats_;
};

}  // namespace sb::telephony
