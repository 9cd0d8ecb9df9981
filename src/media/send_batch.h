#pragma once
// Outgoing datagrams of a media thread (internal to src/media), queued during one wake-up and
// sent together. Every leg has its own socket (the port in its SDP; symmetric RTP needs the
// source port to match), so a tick's playout is one datagram for each of thousands of sockets.
// Two ways to send them:
//   - io_uring (the default where the kernel allows it): every queued datagram, whatever its
//     socket, is one SENDMSG entry, and a whole batch is one io_uring_enter. Entries carry
//     MSG_DONTWAIT, so each completes during that call: a full socket buffer drops the datagram
//     (counted as not sent) rather than parking it.
//   - sendmmsg: one call per run of datagrams from the same socket, so one per leg at a tick.
//     Used when io_uring is unavailable (an old kernel, a container's seccomp profile, or
//     io_uring_disabled) or not wanted.
// A SendBatch belongs to one thread.

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "media/udp.h"

namespace sb::media {

enum class SendMode : std::uint8_t {
  kAuto,      // io_uring, else sendmmsg
  kSendmmsg,  // sendmmsg only
};

class SendBatch {
 public:
  static constexpr std::size_t kSlots = 256;
  static constexpr std::size_t kSlotBytes = 2048;
  explicit SendBatch(SendMode mode = SendMode::kAuto);
  ~SendBatch();
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  // Whether datagrams go through io_uring (else sendmmsg).
  bool uses_io_uring() const { return ring_ != nullptr; }

  // Room for a datagram of `size` bytes (<= kSlotBytes) from `fd` to `to`, to be filled before
  // the next Add or Flush.
  std::uint8_t* Add(int fd, const SocketAddress& to, std::size_t size);
  // The datagram Add returned last is `size` bytes (<= kSlotBytes) after all (SRTP's tag), or
  // is not sent at all.
  void ResizeLast(std::size_t size) { iov_[count_ - 1].iov_len = size; }
  void DropLast() { --count_; }
  // Sends what is queued (Add also does when the batch is full, and, without io_uring, when the
  // socket changes).
  void Flush();
  // How many datagrams the kernel took (the others are dropped) since the last call.
  std::size_t TakeSent() { return std::exchange(sent_, 0); }

 private:
  struct Ring;                           // io_uring state (send_batch.cc)
  void FlushSendmmsg(std::size_t from);  // the datagrams from `from` on
  // The datagrams the ring took, all of them unless it failed (then it is given up).
  std::size_t FlushRing();
  bool Reap(std::size_t n);  // waits for n completions; false: the ring is broken
  void GiveUpRing();

  std::unique_ptr<Ring> ring_;  // null: sendmmsg
  std::size_t count_ = 0, sent_ = 0;
  std::vector<std::uint8_t> buffers_;
  std::array<int, kSlots> fd_{};
  std::array<SocketAddress, kSlots> to_;
  std::array<iovec, kSlots> iov_{};
  std::array<mmsghdr, kSlots> msgs_{};  // g++ and clang++ define _GNU_SOURCE for C++
};

}  // namespace sb::media
