// G.711 by the segment/mantissa definition of the recommendation. µ-law works on the magnitude
// plus a bias of 33 (scaled by 4 for 16-bit input: 0x84) so that every segment's boundary falls on
// a power of two; A-law works on the 13-bit magnitude with two linear segments at the bottom.

#include "media/g711.h"

#include <bit>

namespace sb::media {
namespace {

constexpr int kUlawBias = 0x84;
constexpr int kUlawClip = 32635;  // the largest magnitude that does not overflow with the bias

constexpr std::uint8_t EncodeUlaw(int sample) {
  const int sign = sample < 0 ? 0x80 : 0;
  int magnitude = sample < 0 ? -sample : sample;  // int: -32768 has no int16 negation
  if (magnitude > kUlawClip) magnitude = kUlawClip;
  magnitude += kUlawBias;
  // The segment is the position of the highest set bit above bit 7 (0..7).
  const int segment = std::bit_width(static_cast<unsigned>(magnitude >> 7)) - 1;
  const int mantissa = (magnitude >> (segment + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (segment << 4) | mantissa));
}

constexpr std::int16_t DecodeUlaw(std::uint8_t code) {
  const int c = static_cast<std::uint8_t>(~code);
  const int segment = (c >> 4) & 0x07;
  const int magnitude = (((c & 0x0F) << 3) + kUlawBias) << segment;
  return static_cast<std::int16_t>((c & 0x80) ? kUlawBias - magnitude : magnitude - kUlawBias);
}

constexpr std::uint8_t EncodeAlaw(int sample) {
  int v = sample >> 3;  // 13-bit
  int mask = 0xD5;      // positive: sign bit set, even bits inverted
  if (v < 0) {
    mask = 0x55;
    v = -v - 1;
  }
  if (v > 0xFFF) return static_cast<std::uint8_t>(0x7F ^ mask);
  // Segment 0 and 1 share the step of 2; above, segment s covers [2^(s+4), 2^(s+5)).
  const int segment = v < 0x20 ? 0 : std::bit_width(static_cast<unsigned>(v)) - 5;
  const int mantissa = segment < 2 ? (v >> 1) & 0x0F : (v >> segment) & 0x0F;
  return static_cast<std::uint8_t>(((segment << 4) | mantissa) ^ mask);
}

constexpr std::int16_t DecodeAlaw(std::uint8_t code) {
  const int c = code ^ 0x55;
  const int segment = (c >> 4) & 0x07;
  int magnitude = ((c & 0x0F) << 4) + 8;
  if (segment >= 1) magnitude += 0x100;
  if (segment >= 2) magnitude <<= segment - 1;
  return static_cast<std::int16_t>((c & 0x80) ? magnitude : -magnitude);
}

template <typename F>
constexpr auto Table(F f) {
  std::array<decltype(f(std::uint8_t{0})), 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = f(static_cast<std::uint8_t>(i));
  return t;
}

}  // namespace

constexpr std::array<std::int16_t, 256> kUlawToLinear = Table(DecodeUlaw);
constexpr std::array<std::int16_t, 256> kAlawToLinear = Table(DecodeAlaw);
constexpr std::array<std::uint8_t, 256> kUlawToAlaw =
    Table([](std::uint8_t c) { return EncodeAlaw(DecodeUlaw(c)); });
constexpr std::array<std::uint8_t, 256> kAlawToUlaw =
    Table([](std::uint8_t c) { return EncodeUlaw(DecodeAlaw(c)); });

std::uint8_t LinearToUlaw(std::int16_t sample) { return EncodeUlaw(sample); }
std::uint8_t LinearToAlaw(std::int16_t sample) { return EncodeAlaw(sample); }

}  // namespace sb::media
