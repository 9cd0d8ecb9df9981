#pragma once
// UDP plumbing of the media engine (internal to src/media): socket addresses from SDP text and
// an RTP socket bound to an even port of a range. BindEvenPort is thread-safe (the cursor is
// atomic). Outgoing datagrams are batched by SendBatch (send_batch.h).

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace sb::media
