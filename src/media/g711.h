#pragma once
// G.711 (ITU-T G.711, 1988): 16-bit linear PCM <-> 8-bit µ-law (PCMU) and A-law (PCMA), and the
// 256-entry tables that transcode one law into the other byte for byte (the relay's PCMU <-> PCMA
// path). Decoding and transcoding are table lookups; encoding is a few integer operations.
// Pure functions over constant tables; thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>

namespace sb::media {

inline constexpr std::uint8_t kUlawSilence = 0xFF;  // µ-law of 0
inline constexpr std::uint8_t kAlawSilence = 0xD5;  // A-law of 0 (the smallest positive step)

std::uint8_t LinearToUlaw(std::int16_t sample);
std::uint8_t LinearToAlaw(std::int16_t sample);

// Decode and transcode tables, indexed by the code byte.
extern const std::array<std::int16_t, 256> kUlawToLinear;
extern const std::array<std::int16_t, 256> kAlawToLinear;
extern const std::array<std::uint8_t, 256> kUlawToAlaw;
extern const std::array<std::uint8_t, 256> kAlawToUlaw;

inline std::int16_t UlawToLinear(std::uint8_t code) { return kUlawToLinear[code]; }
inline std::int16_t AlawToLinear(std::uint8_t code) { return kAlawToLinear[code]; }

}  // namespace sb::media
