#pragma once
// Offer/answer (RFC 3264) decisions for one audio stream, plain RTP or SRTP with SDES keys
// (RFC 4568), without I/O: which codec, whether the stream is secure, which keys each side uses.
// Telephony calls these for every offer it answers and every answer it gets; the engine gets the
// resulting Remote (with its SrtpKeys). Pure apart from NewCrypto's getrandom; thread-safe.
//
// Under SrtpPolicy:
//   kOff       an RTP/SAVP offer is refused (488); we offer RTP/AVP.
//   kOptional  either is answered as offered.
//   kRequired  an RTP/AVP offer is refused (488).
// An RTP/SAVP offer needs one a=crypto we can use (sdes.h), the first one wins; we answer with
// that tag and suite and a fresh key of our own. UDP/TLS/RTP/SAVP (DTLS-SRTP) is not done: 488.

#include <optional>

#include "base/result.h"
#include "media/engine.h"
#include "media/sdp.h"

namespace sb::media {

enum class SrtpPolicy : std::uint8_t { kOff, kOptional, kRequired };

struct AnswerPlan {
  Codec codec = Codec::kPcmu;
  std::optional<SdesCrypto> local;  // our a=crypto for the answer (SdpLocal::crypto)
  std::optional<SrtpKeys> keys;     // for Remote::srtp
};
// What we answer `offer` with. Errors (answer 488; the message says why and names no key): no
// G.711, a rejected stream, SRTP refused or required by `policy`, no usable a=crypto, or the
// kernel's random source failing.
Result<AnswerPlan> PlanAnswer(const SdpAudio& offer, SrtpPolicy policy);

// The a=crypto of an offer of ours that asks for SRTP (tag 1, AES_CM_128_HMAC_SHA1_80, a fresh
// key). Errors only from getrandom.
Result<SdesCrypto> OfferCrypto();

struct AnswerAccepted {
  Codec codec = Codec::kPcmu;
  std::optional<SrtpKeys> keys;
};
// The peer's answer to our offer; `offered` is our a=crypto when the offer was RTP/SAVP. Errors:
// no G.711, a rejected stream, a plain answer to a secure offer or the other way round, or an
// a=crypto whose tag or suite is not the one we offered.
Result<AnswerAccepted> AcceptAnswer(const SdpAudio& answer,
                                    const std::optional<SdesCrypto>& offered);

}  // namespace sb::media
