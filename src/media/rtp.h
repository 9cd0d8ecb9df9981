#pragma once
// RTP packets (RFC 3550) and telephone-events (RFC 4733), without I/O. Every byte comes from an
// untrusted peer: parsing checks each length against the datagram and never reads past it, and
// returns nothing on malformed input rather than an error message, so a flood of garbage costs no
// allocation. Pure functions; a DtmfDetector is a value owned by one leg (one thread).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace sb::media {

inline constexpr std::size_t kRtpHeaderSize = 12;  // without CSRCs or extension

// A parsed RTP packet: the fixed header's fields and where the payload sits in the datagram.
struct RtpPacket {
  bool marker = false;
  std::uint8_t payload_type = 0;
  std::uint16_t seq = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::size_t payload_offset = 0;  // after CSRCs and extension
  std::size_t payload_size = 0;    // without padding
};

// Nothing when the datagram is not RTP version 2 with consistent CSRC count, extension length and
// padding. RTCP (payload types 72-76 with the marker, RFC 5761) is refused too.
std::optional<RtpPacket> ParseRtp(std::span<const std::uint8_t> datagram);

// Writes the 12-byte fixed header (no CSRC, no extension, no padding) to `out`.
void WriteRtpHeader(std::uint8_t* out, bool marker, std::uint8_t payload_type, std::uint16_t seq,
                    std::uint32_t timestamp, std::uint32_t ssrc);

// Rewrites the fields the relay changes in a packet whose header is kRtpHeaderSize bytes.
void RewriteRtpHeader(std::uint8_t* packet, bool marker, std::uint8_t payload_type,
                      std::uint16_t seq, std::uint32_t timestamp, std::uint32_t ssrc);

// An RFC 4733 telephone-event payload (the first event block; redundant blocks are ignored).
struct TelephoneEvent {
  std::uint8_t event = 0;  // 0-9, 10 '*', 11 '#', 12-15 'A'-'D', others are tones and flash
  bool end = false;
  std::uint8_t volume = 0;  // 0..63, -dBm0
  std::uint16_t duration = 0;
};
std::optional<TelephoneEvent> ParseTelephoneEvent(std::span<const std::uint8_t> payload);

// The DTMF digit of an event code, or 0 for events that are not digits.
char DtmfDigit(std::uint8_t event);

// Reports each key press once. An event is the run of packets sharing one RTP timestamp; its end
// is sent three times (RFC 4733 §2.5.1.4), so a digit is reported at the first end packet, and
// packets of that event or of older ones (serial-number order of timestamps: repeats and late
// reordered packets) are ignored after it, as are packets older than the event in progress. When
// every end packet is lost, the digit is reported when the next event starts. A new SSRC (the
// sender restarted) starts afresh.
class DtmfDetector {
 public:
  // The digit completed by this packet, if any (tones and flash are not digits).
  std::optional<char> Feed(std::uint32_t ssrc, std::uint32_t timestamp, const TelephoneEvent& e);

 private:
  std::uint32_t ssrc_ = 0;
  bool in_progress_ = false;  // a started event not yet reported
  std::uint32_t in_progress_ts_ = 0;
  std::uint8_t in_progress_event_ = 0;
  bool reported_ = false;  // reported_ts_ is valid
  std::uint32_t reported_ts_ = 0;
};

}  // namespace sb::media
