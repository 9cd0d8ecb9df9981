#include "media/send_batch.h"

#include <liburing.h>
#include <sys/socket.h>

#include <cerrno>

namespace sb::media {

struct SendBatch::Ring {
  io_uring ring{};
};

SendBatch::SendBatch(SendMode mode) : buffers_(kSlots * kSlotBytes) {
  if (mode == SendMode::kSendmmsg) return;
  auto r = std::make_unique<Ring>();
  // Room for a full batch in the submission queue; completions get twice that by default.
  // SUBMIT_ALL (Linux 5.18): an entry refused at submission does not hold back those after it,
  // so every entry submitted completes and the wait below ends.
  if (io_uring_queue_init(static_cast<unsigned>(kSlots), &r->ring, IORING_SETUP_SUBMIT_ALL) == 0) {
    ring_ = std::move(r);
  }
}

SendBatch::~SendBatch() {
  if (ring_ != nullptr) io_uring_queue_exit(&ring_->ring);
}

std::uint8_t* SendBatch::Add(int fd, const SocketAddress& to, std::size_t size) {
  if (count_ == kSlots || (ring_ == nullptr && count_ > 0 && fd != fd_[count_ - 1])) Flush();
  const std::size_t i = count_++;
  fd_[i] = fd;
  to_[i] = to;
  iov_[i] = {buffers_.data() + i * kSlotBytes, size};
  msgs_[i].msg_hdr = {};
  msgs_[i].msg_hdr.msg_name = &to_[i].storage;
  msgs_[i].msg_hdr.msg_namelen = to_[i].size;
  msgs_[i].msg_hdr.msg_iov = &iov_[i];
  msgs_[i].msg_hdr.msg_iovlen = 1;
  return buffers_.data() + i * kSlotBytes;
}

void SendBatch::Flush() {
  if (count_ == 0) return;
  const std::size_t done = ring_ != nullptr ? FlushRing() : 0;
  if (done < count_) FlushSendmmsg(done);
  count_ = 0;
}

void SendBatch::FlushSendmmsg(std::size_t done) {
  // One call per run of datagrams from the same socket (Add makes a run of the whole batch
  // without io_uring; a ring given up mid-batch leaves any mix).
  while (done < count_) {
    std::size_t end = done + 1;
    while (end < count_ && fd_[end] == fd_[done]) ++end;
    const int n = sendmmsg(fd_[done], msgs_.data() + done, static_cast<unsigned>(end - done), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ++done;  // the first datagram failed (buffer full, unreachable): drop it, try the rest
      continue;
    }
    done += static_cast<std::size_t>(n);
    sent_ += static_cast<std::size_t>(n);
  }
}

void SendBatch::GiveUpRing() {
  io_uring_queue_exit(&ring_->ring);
  ring_.reset();
}

std::size_t SendBatch::FlushRing() {
  io_uring& ring = ring_->ring;
  for (std::size_t i = 0; i < count_; ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);  // never null: kSlots entries, all reaped below
    io_uring_prep_sendmsg(sqe, fd_[i], &msgs_[i].msg_hdr, MSG_DONTWAIT);
  }
  // One system call sends the batch; with MSG_DONTWAIT each entry completes within it. Waiting
  // for all of them is what keeps the buffers ours before the next batch reuses them.
  // An interrupted call may have been interrupted after taking the entries: what the kernel
  // took is what left the submission queue.
  if (io_uring_submit_and_wait(&ring, static_cast<unsigned>(count_)) == -EINTR) {
    (void)io_uring_submit(&ring);
  }
  const std::size_t taken = count_ - io_uring_sq_ready(&ring);
  if (taken != count_) {
    // The kernel took part of the batch or none (out of memory, a ring it no longer accepts):
    // wait for what it took, then stop using io_uring and send the rest the other way, so
    // nothing is sent twice.
    (void)Reap(taken);
    GiveUpRing();
    return taken;
  }
  if (!Reap(count_)) GiveUpRing();
  return count_;
}

bool SendBatch::Reap(std::size_t n) {
  for (std::size_t reaped = 0; reaped < n;) {
    io_uring_cqe* cqe = nullptr;
    const int w = io_uring_wait_cqe(&ring_->ring, &cqe);
    if (w == -EINTR) continue;
    if (w < 0) return false;  // a broken ring: nothing more will come
    if (cqe->res >= 0) ++sent_;
    io_uring_cqe_seen(&ring_->ring, cqe);
    ++reaped;
  }
  return true;
}

}  // namespace sb::media
