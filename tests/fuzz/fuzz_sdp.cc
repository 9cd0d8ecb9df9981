// SDP from a SIP peer (media::ParseSdp), with its SDES keys (a=crypto, media::ParseCrypto). A
// body parses or is an error quoting it printably; what parses must yield an answer
// (WriteAnswer) that parses again with the same codec, event payload type and a mirrored
// direction, since that answer goes back to the peer. Every a=crypto kept survives formatting
// and parsing unchanged; a secure offer that offer/answer accepts gets an RTP/SAVP answer with
// exactly one a=crypto of the chosen tag, carrying our key, not the peer's.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/utf8.h"
#include "media/offer_answer.h"
#include "media/sdes.h"
#include "media/sdp.h"

namespace {

void CheckCrypto(std::string_view value) {
  const auto c = sb::media::ParseCrypto(value);
  if (!c.ok()) {
    const std::string& m = c.status().message();
    if (sb::Printable(m, SIZE_MAX) != m) std::abort();
    return;
  }
  const auto again = sb::media::ParseCrypto(sb::media::FormatCrypto(*c));
  if (!again.ok() || again->tag != c->tag || again->suite != c->suite || !(again->key == c->key)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sb::media;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  CheckCrypto(body.substr(0, 2 * kMaxCryptoValue));  // the attribute parser on its own too
  const auto offer = ParseSdp(body);
  if (!offer.ok()) {
    const std::string& m = offer.status().message();
    if (sb::Printable(m, SIZE_MAX) != m) std::abort();
    return 0;
  }
  if (offer->crypto.size() > kMaxCrypto || (!offer->secure && !offer->crypto.empty())) {
    std::abort();
  }
  for (const SdesCrypto& c : offer->crypto) CheckCrypto(FormatCrypto(c));
  const Codec codec = Choose(*offer).value_or(Codec::kPcmu);
  SdpLocal local{"192.0.2.10", 20000, 1, 1, Direction::kSendRecv, std::nullopt};
  const auto answer = ParseSdp(WriteAnswer(local, codec, *offer));
  if (!answer.ok()) std::abort();
  if (answer->telephone_event_pt != offer->telephone_event_pt) std::abort();
  if (answer->preferred != codec || answer->secure) std::abort();
  if (answer->port != (offer->port == 0 ? 0 : 20000)) std::abort();
  const auto plan = PlanAnswer(*offer, SrtpPolicy::kOptional);
  if (plan.ok() && plan->local) {
    if (!offer->secure || !plan->keys) std::abort();
    local.crypto = plan->local;
    const auto secure = ParseSdp(WriteAnswer(local, plan->codec, *offer));
    if (!secure.ok() || !secure->secure || secure->crypto.size() != 1) std::abort();
    if (secure->crypto[0].tag != offer->crypto[0].tag) std::abort();
    if (secure->crypto[0].key == offer->crypto[0].key) std::abort();
    if (!(secure->crypto[0].key == plan->keys->local)) std::abort();
  }
  return 0;
}
