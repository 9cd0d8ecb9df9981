// SDP from a SIP peer (media::ParseSdp). A body parses or is an error quoting it printably; what
// parses must yield an answer (WriteAnswer) that parses again with the same codec, event payload
// type and a mirrored direction, since that answer goes back to the peer.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/utf8.h"
#include "media/sdp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sb::media;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto offer = ParseSdp(body);
  if (!offer.ok()) {
    const std::string& m = offer.status().message();
    if (sb::Printable(m, SIZE_MAX) != m) std::abort();
    return 0;
  }
  const Codec codec = Choose(*offer).value_or(Codec::kPcmu);
  const SdpLocal local{"192.0.2.10", 20000, 1, 1, Direction::kSendRecv};
  const auto answer = ParseSdp(WriteAnswer(local, codec, *offer));
  if (!answer.ok()) std::abort();
  if (answer->telephone_event_pt != offer->telephone_event_pt) std::abort();
  if (answer->preferred != codec || answer->secure) std::abort();
  if (answer->port != (offer->port == 0 ? 0 : 20000)) std::abort();
  return 0;
}
