#include "media/udp.h"

#include <arpa/inet.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sb::media {
namespace {

constexpr std::uint32_t kMaxBindAttempts = 256;
constexpr int kDscpEf = 46 << 2;  // Expedited Forwarding (RFC 3246), as phones mark voice

Status Errno(const char* what) {
  return Unavailable(std::string("media: ") + what + ": " + std::strerror(errno));
}

void SetPort(SocketAddress& a, std::uint16_t port) {
  if (a.family() == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&a.storage)->sin_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in6*>(&a.storage)->sin6_port = htons(port);
  }
}

}  // namespace

std::optional<SocketAddress> ParseAddress(const std::string& ip, std::uint16_t port) {
  SocketAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    a.size = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    a.size = sizeof(sockaddr_in6);
  } else {
    return std::nullopt;
  }
  SetPort(a, port);
  return a;
}

bool IsUnspecified(const SocketAddress& a) {
  if (a.family() == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a.storage);
    return v4->sin_addr.s_addr == INADDR_ANY || v4->sin_port == 0;
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a.storage);
  return IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr) || v6->sin6_port == 0;
}

bool SameAddress(const SocketAddress& a, const SocketAddress& b) {
  if (a.family() != b.family()) return false;
  if (a.family() == AF_INET) {
    const auto* x = reinterpret_cast<const sockaddr_in*>(&a.storage);
    const auto* y = reinterpret_cast<const sockaddr_in*>(&b.storage);
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  const auto* x = reinterpret_cast<const sockaddr_in6*>(&a.storage);
  const auto* y = reinterpret_cast<const sockaddr_in6*>(&b.storage);
  return x->sin6_port == y->sin6_port &&
         std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(in6_addr)) == 0;
}

Result<BoundSocket> BindEvenPort(const SocketAddress& local, std::uint16_t port_min,
                                 std::uint16_t port_max, std::atomic<std::uint32_t>& cursor) {
  const std::uint32_t first = port_min + (port_min & 1u);
  if (first > port_max) return InvalidArgument("media: no even port in the RTP port range");
  const std::uint32_t count = (port_max - first) / 2 + 1;
  const int fd = socket(local.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  if (local.family() == AF_INET) {
    (void)setsockopt(fd, IPPROTO_IP, IP_TOS, &kDscpEf, sizeof kDscpEf);
  } else {
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &kDscpEf, sizeof kDscpEf);
  }
  for (std::uint32_t i = 0; i < std::min(count, kMaxBindAttempts); ++i) {
    const auto port = static_cast<std::uint16_t>(first + 2 * (cursor.fetch_add(1) % count));
    SocketAddress a = local;
    SetPort(a, port);
    if (bind(fd, a.get(), a.size) == 0) return BoundSocket{fd, port};
    if (errno != EADDRINUSE) {
      Status s = Errno("bind");
      close(fd);
      return s;
    }
  }
  close(fd);
  return Unavailable("media: no free RTP port in [" + std::to_string(port_min) + ", " +
                     std::to_string(port_max) + "]");
}

}  // namespace sb::media
