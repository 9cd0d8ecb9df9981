#include "media/rtp.h"

namespace sb::media {
namespace {

std::uint16_t Get16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t Get32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
void Put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void Put32(std::uint8_t* p, std::uint32_t v) {
  Put16(p, static_cast<std::uint16_t>(v >> 16));
  Put16(p + 2, static_cast<std::uint16_t>(v));
}

}  // namespace

std::optional<RtpPacket> ParseRtp(std::span<const std::uint8_t> d) {
  if (d.size() < kRtpHeaderSize || (d[0] >> 6) != 2) return std::nullopt;
  const bool padding = d[0] & 0x20, extension = d[0] & 0x10;
  const std::size_t csrc_count = d[0] & 0x0F;
  RtpPacket p;
  p.marker = d[1] & 0x80;
  p.payload_type = d[1] & 0x7F;
  // RTCP multiplexed on the RTP port (RFC 5761 §4): packet types 200-204 read as M + PT 72-76.
  if (p.marker && p.payload_type >= 72 && p.payload_type <= 76) return std::nullopt;
  p.seq = Get16(&d[2]);
  p.timestamp = Get32(&d[4]);
  p.ssrc = Get32(&d[8]);
  std::size_t offset = kRtpHeaderSize + 4 * csrc_count;
  if (offset > d.size()) return std::nullopt;
  if (extension) {
    if (d.size() - offset < 4) return std::nullopt;
    const std::size_t words = Get16(&d[offset + 2]);
    offset += 4;
    if ((d.size() - offset) / 4 < words) return std::nullopt;
    offset += 4 * words;
  }
  std::size_t size = d.size() - offset;
  if (padding) {
    // The last byte counts the padding, itself included: zero is malformed (RFC 3550 §5.1).
    const std::size_t pad = d.back();
    if (pad == 0 || pad > size) return std::nullopt;
    size -= pad;
  }
  p.payload_offset = offset;
  p.payload_size = size;
  return p;
}

void WriteRtpHeader(std::uint8_t* out, bool marker, std::uint8_t payload_type, std::uint16_t seq,
                    std::uint32_t timestamp, std::uint32_t ssrc) {
  out[0] = 0x80;
  RewriteRtpHeader(out, marker, payload_type, seq, timestamp, ssrc);
}

void RewriteRtpHeader(std::uint8_t* p, bool marker, std::uint8_t payload_type, std::uint16_t seq,
                      std::uint32_t timestamp, std::uint32_t ssrc) {
  p[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | (payload_type & 0x7F));
  Put16(p + 2, seq);
  Put32(p + 4, timestamp);
  Put32(p + 8, ssrc);
}

std::optional<TelephoneEvent> ParseTelephoneEvent(std::span<const std::uint8_t> payload) {
  if (payload.size() < 4) return std::nullopt;
  TelephoneEvent e;
  e.event = payload[0];
  e.end = payload[1] & 0x80;
  e.volume = payload[1] & 0x3F;
  e.duration = Get16(&payload[2]);
  return e;
}

char DtmfDigit(std::uint8_t event) {
  if (event <= 9) return static_cast<char>('0' + event);
  if (event == 10) return '*';
  if (event == 11) return '#';
  if (event <= 15) return static_cast<char>('A' + (event - 12));
  return 0;
}

std::optional<char> DtmfDetector::Feed(std::uint32_t ssrc, std::uint32_t timestamp,
                                       const TelephoneEvent& e) {
  if (ssrc != ssrc_) {
    *this = DtmfDetector();
    ssrc_ = ssrc;
  }
  // Not after the last reported event: a repeated end, or a straggler of an older event.
  if (reported_ && static_cast<std::int32_t>(timestamp - reported_ts_) <= 0) return std::nullopt;
  // Older than the event in progress: a reordered straggler, which must not end that event.
  if (in_progress_ && static_cast<std::int32_t>(timestamp - in_progress_ts_) < 0) {
    return std::nullopt;
  }
  std::optional<char> digit;
  if (in_progress_ && timestamp != in_progress_ts_) {
    // A new event began before any end of the previous one arrived: its ends were lost.
    digit = DtmfDigit(in_progress_event_);
    reported_ = true;
    reported_ts_ = in_progress_ts_;
    in_progress_ = false;
  }
  if (e.end) {
    // Should this end also complete a lost-ended event, that one is dropped: one digit per packet,
    // and this one is the key being pressed now.
    digit = DtmfDigit(e.event);
    reported_ = true;
    reported_ts_ = timestamp;
    in_progress_ = false;
  } else {
    in_progress_ = true;
    in_progress_ts_ = timestamp;
    in_progress_event_ = e.event;
  }
  if (digit && *digit == 0) return std::nullopt;
  return digit;
}

}  // namespace sb::media
