// RTP from the network (media::ParseRtp, ParseTelephoneEvent, DtmfDetector). The input is a run
// of datagrams, each prefixed by a length byte, fed in order to one detector as a leg would. A
// parsed packet's payload must lie inside its datagram, rewriting its header must parse back to
// the same fields, and the detector may report at most one digit per run of telephone-event
// packets with one SSRC and timestamp (serial-number order lets a hostile sender cycle the
// timestamps through 2^32, so distinct timestamps alone do not bound the digits).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "media/rtp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sb::media;
  DtmfDetector detector;
  std::size_t digits = 0, runs = 0;
  std::optional<std::pair<std::uint32_t, std::uint32_t>> last;  // (ssrc, timestamp)
  const std::span<const std::uint8_t> in(data, size);
  for (std::size_t pos = 0; pos < in.size();) {
    const std::size_t n = std::min<std::size_t>(in[pos], in.size() - pos - 1);
    const auto datagram = in.subspan(pos + 1, n);
    pos += 1 + n;
    const auto p = ParseRtp(datagram);
    if (!p) continue;
    if (p->payload_offset + p->payload_size > datagram.size()) std::abort();
    std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
    RewriteRtpHeader(copy.data(), p->marker, p->payload_type, p->seq, p->timestamp, p->ssrc);
    const auto again = ParseRtp(copy);
    if (!again || again->payload_size != p->payload_size || again->seq != p->seq ||
        again->timestamp != p->timestamp || again->ssrc != p->ssrc) {
      std::abort();
    }
    const auto event = ParseTelephoneEvent(datagram.subspan(p->payload_offset, p->payload_size));
    if (!event) continue;
    if (last != std::pair{p->ssrc, p->timestamp}) {
      last = {p->ssrc, p->timestamp};
      ++runs;
    }
    if (detector.Feed(p->ssrc, p->timestamp, *event)) ++digits;
    if (digits > runs) std::abort();
  }
  return 0;
}
