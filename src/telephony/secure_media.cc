// The media side of offer/answer for the call flow (telephony.h): SRTP by SDES under the
// policy of the trunk or [sip] (media/offer_answer.h decides), and the address family our RTP
// speaks. Our offers to phones with `srtp = true` and to trunks with `srtp = "required"` are
// RTP/SAVP with a fresh key per leg; the answer must match. Keys are never logged: the SDP
// bodies that carry them are not, and no message here quotes one.

#include "media/offer_answer.h"
#include "media/sdp.h"
#include "telephony/telephony.h"

namespace sb::telephony {
namespace {

media::SrtpPolicy PolicyOf(config::SrtpMode m) {
  switch (m) {
    case config::SrtpMode::kOff:
      return media::SrtpPolicy::kOff;
    case config::SrtpMode::kRequired:
      return media::SrtpPolicy::kRequired;
    case config::SrtpMode::kOptional:
      break;
  }
  return media::SrtpPolicy::kOptional;
}

bool IsV6(const std::string& address) { return address.find(':') != std::string::npos; }

}  // namespace

Status Telephony::CheckFamily(const media::SdpAudio& sdp) const {
  if (sdp.port == 0 || IsV6(sdp.address) == IsV6(config_.rtp_address)) return Status::Ok();
  return InvalidArgument(std::string("sdp: the peer's RTP address is IPv") +
                         (IsV6(sdp.address) ? "6" : "4") + " and [sip] rtp_address is IPv" +
                         (IsV6(config_.rtp_address) ? "6" : "4"));
}

Result<media::AnswerPlan> Telephony::PlanMedia(const media::SdpAudio& offer,
                                               const config::TrunkConfig& trunk) const {
  SB_RETURN_IF_ERROR(CheckFamily(offer));
  return media::PlanAnswer(offer, PolicyOf(trunk.srtp.value_or(config_.srtp)));
}

bool Telephony::SrtpToAgent(const std::string& agent) const { return srtp_agents_.contains(agent); }

bool Telephony::SrtpToTrunk(const config::TrunkConfig& trunk) const {
  return trunk.srtp.value_or(config_.srtp) == config::SrtpMode::kRequired;
}

std::string Telephony::OfferSdp(Leg& leg, std::uint16_t port, bool srtp) {
  media::SdpLocal local;
  local.address = config_.rtp_address;
  local.port = port;
  local.session_id = leg.sip;
  local.version = 1;
  leg.offered_crypto.reset();
  if (srtp) {
    auto crypto = media::OfferCrypto();
    if (!crypto.ok()) {
      Log("error", "telephony: no SRTP key for an offer", {{"why", crypto.status().message()}});
      return {};
    }
    leg.offered_crypto = *crypto;
    local.crypto = std::move(*crypto);
  }
  return media::WriteOffer(local);
}

Result<media::AnswerPlan> Telephony::PlanReoffer(const Leg& leg,
                                                 const media::SdpAudio& offer) const {
  SB_RETURN_IF_ERROR(CheckFamily(offer));
  return media::PlanAnswer(offer,
                           leg.srtp ? media::SrtpPolicy::kRequired : media::SrtpPolicy::kOff);
}

Result<media::Remote> Telephony::RemoteOfAnswer(const Leg& leg, const std::string& sdp) const {
  SB_ASSIGN_OR_RETURN(media::SdpAudio answer, media::ParseSdp(sdp));
  SB_RETURN_IF_ERROR(CheckFamily(answer));
  SB_ASSIGN_OR_RETURN(media::AnswerAccepted accepted,
                      media::AcceptAnswer(answer, leg.offered_crypto));
  return media::Remote{answer.address, answer.port, accepted.codec, answer.telephone_event_pt,
                       std::move(accepted.keys)};
}

}  // namespace sb::telephony
