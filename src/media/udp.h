#pragma once
// UDP plumbing of the media engine (internal to src/media): socket addresses from SDP text, an
// RTP socket bound to an even port of a range, and a batch of outgoing datagrams sent with one
// sendmmsg per socket. BindEvenPort is thread-safe (the cursor is atomic); a SendBatch belongs to
// the media thread.

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace sb::media {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t size = 0;  // 0: no address
  bool valid() const { return size != 0; }
  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// An IPv4 or IPv6 literal and a port; nothing for anything else (host names included).
std::optional<SocketAddress> ParseAddress(const std::string& ip, std::uint16_t port);
// 0.0.0.0 or :: (the RFC 2543 hold address) or port 0: "do not send".
bool IsUnspecified(const SocketAddress& a);
bool SameAddress(const SocketAddress& a, const SocketAddress& b);

struct BoundSocket {
  int fd;  // non-blocking, close-on-exec; the caller owns it
  std::uint16_t port;
};
// Binds a UDP socket to `local`'s address and an even port of [port_min, port_max], trying
// successive even ports from `cursor` (which it advances) and skipping those in use, a bounded
// number of times. Errors: no even port in the range, none free, or the socket call failing.
Result<BoundSocket> BindEvenPort(const SocketAddress& local, std::uint16_t port_min,
                                 std::uint16_t port_max, std::atomic<std::uint32_t>& cursor);

// Outgoing datagrams, queued and sent by sendmmsg. sendmmsg sends from one socket, and every leg
// has its own (the port in its SDP), so the batch is flushed whenever the socket changes: the
// relay of a recvmmsg batch leaves in one call, a tick's playout in one call per leg.
class SendBatch {
 public:
  static constexpr std::size_t kSlots = 64;
  static constexpr std::size_t kSlotBytes = 2048;
  SendBatch() : buffers_(kSlots * kSlotBytes) {}
  // Room for a datagram of `size` bytes (<= kSlotBytes) from `fd` to `to`, to be filled before
  // the next Add or Flush.
  std::uint8_t* Add(int fd, const SocketAddress& to, std::size_t size);
  // The datagram Add returned last is `size` bytes (<= kSlotBytes) after all (SRTP's tag), or
  // is not sent at all.
  void ResizeLast(std::size_t size) { iov_[count_ - 1].iov_len = size; }
  void DropLast() { --count_; }
  // Sends what is queued (Add also does, when the socket changes or the batch is full).
  void Flush();
  // How many datagrams the kernel took (the others are dropped) since the last call.
  std::size_t TakeSent() { return std::exchange(sent_, 0); }

 private:
  int fd_ = -1;
  std::size_t count_ = 0, sent_ = 0;
  std::vector<std::uint8_t> buffers_;
  std::array<SocketAddress, kSlots> to_;
  std::array<iovec, kSlots> iov_{};
  std::array<mmsghdr, kSlots> msgs_{};  // g++ and clang++ define _GNU_SOURCE for C++
};

}  // namespace sb::media
