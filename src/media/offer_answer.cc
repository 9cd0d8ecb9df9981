#include "media/offer_answer.h"

namespace sb::media {
namespace {

Status NotAcceptable(const char* why) { return InvalidArgument(std::string("sdp: ") + why); }

}  // namespace

Result<AnswerPlan> PlanAnswer(const SdpAudio& offer, SrtpPolicy policy) {
  const auto codec = Choose(offer);
  if (!codec) {
    return NotAcceptable(offer.port == 0 ? "the audio stream is rejected (port 0)"
                                         : "no G.711 (PCMU or PCMA) in the offer");
  }
  AnswerPlan plan;
  plan.codec = *codec;
  if (!offer.secure) {
    if (policy == SrtpPolicy::kRequired) {
      return NotAcceptable("SRTP is required (srtp = \"required\") and the offer is RTP/AVP");
    }
    return plan;
  }
  if (policy == SrtpPolicy::kOff) {
    return NotAcceptable("SRTP is off (srtp = \"off\") and the offer is RTP/SAVP");
  }
  if (offer.crypto.empty()) {
    return NotAcceptable(
        "a secure offer without a usable a=crypto (SDES with AES_CM_128_HMAC_SHA1_80 or _32, "
        "no MKI; DTLS-SRTP is not supported)");
  }
  const SdesCrypto& theirs = offer.crypto.front();
  SB_ASSIGN_OR_RETURN(SdesCrypto ours, NewCrypto(theirs.tag, theirs.suite));
  SrtpKeys keys;
  keys.suite = theirs.suite;
  keys.local = ours.key;
  keys.remote = theirs.key;
  plan.local = std::move(ours);
  plan.keys = std::move(keys);
  return plan;
}

Result<SdesCrypto> OfferCrypto() { return NewCrypto(1, SrtpSuite::kAesCm128HmacSha1_80); }

Result<AnswerAccepted> AcceptAnswer(const SdpAudio& answer,
                                    const std::optional<SdesCrypto>& offered) {
  const auto codec = Choose(answer);
  if (!codec) {
    return NotAcceptable(answer.port == 0 ? "the answer rejects the audio stream (port 0)"
                                          : "no G.711 (PCMU or PCMA) in the answer");
  }
  AnswerAccepted out;
  out.codec = *codec;
  if (!offered) {
    if (answer.secure) return NotAcceptable("an RTP/SAVP answer to an RTP/AVP offer");
    return out;
  }
  if (!answer.secure) return NotAcceptable("an RTP/AVP answer to our RTP/SAVP offer");
  for (const SdesCrypto& c : answer.crypto) {
    if (c.tag != offered->tag || c.suite != offered->suite) continue;
    SrtpKeys keys;
    keys.suite = c.suite;
    keys.local = offered->key;
    keys.remote = c.key;
    out.keys = std::move(keys);
    return out;
  }
  return NotAcceptable("the answer's a=crypto is not the tag and suite we offered");
}

}  // namespace sb::media
