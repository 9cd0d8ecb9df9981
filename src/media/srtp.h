#pragma once
// SRTP (RFC 3711) for one leg, through libsrtp2: one session that protects what we send with our
// key and one that unprotects what the peer sends with its key (SDES, sdes.h). Replay protection
// and authentication are libsrtp's (a 128-packet window per SSRC): a packet that fails either is
// refused, never relayed or played. RTCP is not handled (the engine opens no RTCP port).
//
// Thread safety: a session belongs to the leg's media thread; it may be created on another thread
// and moved there (the engine creates it when applying SetRemote). libsrtp itself is initialised
// once per process (thread-safe).

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/result.h"
#include "media/sdes.h"

namespace sb::media {

// The keys of one leg: the suite both sides use (the one the answer chose), ours for sending and
// the peer's for receiving.
struct SrtpKeys {
  SrtpSuite suite = SrtpSuite::kAesCm128HmacSha1_80;
  KeySalt local, remote;
};

// Room srtp_protect wants after the packet: libsrtp's SRTP_MAX_TRAILER_LEN (the longest tag
// and MKI; it writes only the tag, 4 or 10 bytes, as we use no MKI).
inline constexpr std::size_t kSrtpMaxTrailer = 144;

class SrtpSession {
 public:
  // Errors: libsrtp could not be initialised or refused the keys (out of memory).
  static Result<std::unique_ptr<SrtpSession>> Create(const SrtpKeys& keys);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // Encrypts and authenticates the RTP packet of `size` bytes at `packet` in place; `capacity`
  // must leave kSrtpMaxTrailer bytes after it. The new size, or 0 when it could not.
  std::size_t Protect(std::uint8_t* packet, std::size_t size, std::size_t capacity);
  // Authenticates and decrypts in place; the new size, or 0 for a packet to drop (bad tag,
  // replayed, too short).
  std::size_t Unprotect(std::uint8_t* packet, std::size_t size);

 private:
  SrtpSession() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::media
