// SendBatch over real UDP sockets on 127.0.0.1, in both of its ways of sending.

#include "media/send_batch.h"

#include <gtest/gtest.h>
#include <liburing.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <vector>

namespace sb::media {
namespace {

struct Socket {
  int fd = -1;
  std::uint16_t port = 0;
  Socket() {
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t n = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    port = ntohs(a.sin_port);
    const int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  }
  ~Socket() { close(fd); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
};

// Whether this kernel lets a process use io_uring at all (a container may forbid it).
bool KernelAllowsIoUring() {
  io_uring ring{};
  if (io_uring_queue_init(8, &ring, IORING_SETUP_SUBMIT_ALL) != 0) return false;
  io_uring_queue_exit(&ring);
  return true;
}

// Sends `count` datagrams round-robin from `senders` to `to`; each carries its sender's index and
// its sequence number. Returns what `to` received, per sender, in arrival order.
std::map<int, std::vector<int>> SendRoundRobin(SendBatch& batch, std::vector<Socket>& senders,
                                               Socket& to, int count) {
  const auto dest = ParseAddress("127.0.0.1", to.port);
  for (int i = 0; i < count; ++i) {
    const int s = i % static_cast<int>(senders.size());
    std::uint8_t* p = batch.Add(senders[s].fd, *dest, 8);
    std::memcpy(p, &s, 4);
    std::memcpy(p + 4, &i, 4);
  }
  batch.Flush();
  std::map<int, std::vector<int>> got;
  pollfd pfd{to.fd, POLLIN, 0};
  int received = 0;
  while (received < count && poll(&pfd, 1, 500) == 1) {
    std::uint8_t buf[64];
    while (recv(to.fd, buf, sizeof buf, 0) == 8) {
      int s, i;
      std::memcpy(&s, buf, 4);
      std::memcpy(&i, buf + 4, 4);
      got[s].push_back(i);
      ++received;
    }
  }
  return got;
}

void ExpectAllInOrder(const std::map<int, std::vector<int>>& got, int senders, int count) {
  ASSERT_EQ(got.size(), static_cast<std::size_t>(senders));
  for (const auto& [s, seqs] : got) {
    ASSERT_EQ(seqs.size(), static_cast<std::size_t>(count / senders)) << "sender " << s;
    for (std::size_t k = 0; k < seqs.size(); ++k) {
      EXPECT_EQ(seqs[k], s + static_cast<int>(k) * senders) << "sender " << s << " #" << k;
    }
  }
}

TEST(SendBatch, AutoUsesIoUringWhereTheKernelAllowsIt) {
  SendBatch batch(SendMode::kAuto);
  EXPECT_EQ(batch.uses_io_uring(), KernelAllowsIoUring());
  SendBatch plain(SendMode::kSendmmsg);
  EXPECT_FALSE(plain.uses_io_uring());
}

// More datagrams than slots, from several sockets interleaved: every one arrives, from its own
// socket, in the order queued, and is counted as sent; both ways of sending alike.
TEST(SendBatch, SendsEveryDatagramFromItsOwnSocketInOrder) {
  for (const SendMode mode : {SendMode::kAuto, SendMode::kSendmmsg}) {
    SCOPED_TRACE(mode == SendMode::kAuto ? "auto" : "sendmmsg");
    SendBatch batch(mode);
    std::vector<Socket> senders(5);
    Socket to;
    constexpr int kCount = 3 * static_cast<int>(SendBatch::kSlots) + 32;  // 3 batches and more
    const auto got = SendRoundRobin(batch, senders, to, kCount);
    ExpectAllInOrder(got, 5, kCount);
    EXPECT_EQ(batch.TakeSent(), static_cast<std::size_t>(kCount));
    EXPECT_EQ(batch.TakeSent(), 0u);
  }
}

// A datagram the kernel refuses (no route: an IPv4 socket sending to an IPv6 address) is dropped
// and not counted; those around it still go.
TEST(SendBatch, DropsWhatTheKernelRefusesAndSendsTheRest) {
  for (const SendMode mode : {SendMode::kAuto, SendMode::kSendmmsg}) {
    SCOPED_TRACE(mode == SendMode::kAuto ? "auto" : "sendmmsg");
    SendBatch batch(mode);
    Socket from, to;
    const auto good = ParseAddress("127.0.0.1", to.port);
    const auto bad = ParseAddress("::1", to.port);
    for (int i = 0; i < 6; ++i) {
      std::uint8_t* p = batch.Add(from.fd, i % 2 == 0 ? *good : *bad, 4);
      std::memcpy(p, &i, 4);
    }
    batch.Flush();
    EXPECT_EQ(batch.TakeSent(), 3u);
    std::vector<int> got;
    pollfd pfd{to.fd, POLLIN, 0};
    while (got.size() < 3 && poll(&pfd, 1, 500) == 1) {
      int v;
      while (recv(to.fd, &v, sizeof v, 0) == 4) got.push_back(v);
    }
    EXPECT_EQ(got, (std::vector<int>{0, 2, 4}));
  }
}

// The last datagram can shrink (SRTP's tag changes its size) or be dropped before it is sent.
TEST(SendBatch, ResizesAndDropsTheLastDatagram) {
  SendBatch batch;
  Socket from, to;
  const auto dest = ParseAddress("127.0.0.1", to.port);
  std::memset(batch.Add(from.fd, *dest, 100), 'a', 100);
  batch.ResizeLast(10);
  std::memset(batch.Add(from.fd, *dest, 100), 'b', 100);
  batch.DropLast();
  batch.Flush();
  EXPECT_EQ(batch.TakeSent(), 1u);
  pollfd pfd{to.fd, POLLIN, 0};
  ASSERT_EQ(poll(&pfd, 1, 500), 1);
  std::uint8_t buf[200];
  EXPECT_EQ(recv(to.fd, buf, sizeof buf, 0), 10);
  EXPECT_EQ(buf[0], 'a');
  EXPECT_EQ(recv(to.fd, buf, sizeof buf, MSG_DONTWAIT), -1);
}

}  // namespace
}  // namespace sb::media
