#pragma once
// SDP (RFC 4566) for audio calls, offer/answer (RFC 3264): what we read from a peer's offer or
// answer, and the offers and answers we write. Only what a G.711 call needs: the connection
// address, the first audio stream's port, its payload types (PCMU 0, PCMA 8, telephone-event by
// rtpmap), its direction (hold), ptime, and SDES keys (a=crypto, RFC 4568, sdes.h) of an RTP/SAVP
// stream. Input is untrusted (a SIP peer's body): every field
// is checked, sizes are bounded, and anything malformed is an error, never a crash.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "media/engine.h"
#include "media/sdes.h"

namespace sb::media {

enum class Direction : std::uint8_t { kSendRecv, kSendOnly, kRecvOnly, kInactive };

struct SdpAudio {
  std::string address;              // c= (session or media level), IPv4 or IPv6
  std::uint16_t port = 0;           // m=audio port; 0 = stream rejected
  bool pcmu = false, pcma = false;  // which G.711 laws the peer offers
  Codec preferred = Codec::kPcmu;   // the first of PCMU/PCMA in the m= line's order
  int telephone_event_pt = -1;      // -1: none
  Direction direction = Direction::kSendRecv;
  int ptime = 20;  // a=ptime, milliseconds per packet the peer wants to receive
  // RTP/SAVP or RTP/SAVPF (SRTP, keys by SDES) or UDP/TLS/RTP/SAVP(F) (DTLS-SRTP, which we do
  // not do): the peer sends and expects SRTP. Offer/answer (offer_answer.h) decides.
  bool secure = false;
  // The usable a=crypto attributes of an RTP/SAVP(F) audio stream, in the order written, at most
  // kMaxCrypto (later ones are ignored); attributes we cannot use (another suite, MKI, session
  // parameters, a malformed key) are skipped, counted in `crypto_skipped`.
  std::vector<SdesCrypto> crypto;
  int crypto_skipped = 0;
  // The peer holds the call: c= is 0.0.0.0 or :: (RFC 2543 style, `address` keeps it), or the
  // direction is sendonly or inactive. Reported only; `direction` is as written.
  bool hold = false;
};

// Parses a peer's SDP. Errors: not SDP, no audio stream, an address or port that is not one.
// Bodies over kMaxSdpSize are refused. Lines may end in CRLF or LF. The first m=audio is used.
inline constexpr std::size_t kMaxSdpSize = 16 * 1024;
Result<SdpAudio> ParseSdp(std::string_view body);

inline constexpr std::size_t kMaxCrypto = 8;

// The codec we answer with: the peer's preferred G.711 law; none when it offers neither
// (the caller answers 488 Not Acceptable Here), and none for a rejected (port 0) stream. Whether
// a secure stream is acceptable is offer_answer.h's question.
std::optional<Codec> Choose(const SdpAudio& offer);

struct SdpLocal {
  std::string address;  // our RTP address
  std::uint16_t port = 0;
  std::uint64_t session_id = 0;  // o= session id and version
  std::uint64_t version = 0;
  Direction direction = Direction::kSendRecv;
  // Set: the stream is RTP/SAVP with this a=crypto (our key); else RTP/AVP.
  std::optional<SdesCrypto> crypto;
};
// Our offer: PCMU, PCMA and telephone-event 101 (0-15), ptime 20.
std::string WriteOffer(const SdpLocal& local);
// Our answer: exactly `codec` and, when the offer had it, telephone-event at the offer's
// payload type; direction mirrors the offer's (sendonly -> recvonly, ...), intersected with
// `local.direction` (we answer a sendrecv offer with sendonly when local says sendonly).
std::string WriteAnswer(const SdpLocal& local, Codec codec, const SdpAudio& offer);

}  // namespace sb::media
