// A media thread: one epoll over an eventfd (commands), a timerfd (the 20 ms tick) and the
// sockets of the shard's legs_. State lives in a flat id-indexed table owned by that thread, and
// the hot path (receive, relay, playout) allocates nothing: datagrams are read into and written
// from buffers made once. Bridged legs always share a shard (engine_impl.h), so a relay is the work
// of one thread and touches no lock.
//
// Latching (symmetric RTP, RFC 4961): the first valid packet's source becomes the destination,
// whatever the SDP said (a phone behind NAT). Later packets from another source re-latch only
// when they also carry another SSRC (the phone restarted or moved); packets from another source
// with the latched SSRC are served but do not move the destination. This trusts any source that
// sends valid RTP first, as most SBCs do by default.

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "base/assert.h"
#include "media/engine_impl.h"
#include "media/g711.h"

namespace sb::media {

void Shard::Run() {
  Drain(Clock::now());
  std::array<epoll_event, kEpollBatch> events;
  while (!engine_.stopping.load(std::memory_order_acquire)) {
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
    if (n < 0) continue;            // EINTR; the fds are ours, so nothing else can fail here
    const auto now = Clock::now();  // read once per wake-up
    // Commands first: one posted before a packet was sent must be applied before that packet.
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == kWakeTag) {
        std::uint64_t count;
        (void)read(wake_fd_, &count, sizeof count);
        Drain(now);
      }
    }
    if (engine_.stopping.load(std::memory_order_acquire)) break;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == kTimerTag) {
        Tick(now);
      } else if (tag != kWakeTag) {
        // A leg closed or moved away by a command is gone.
        if (Leg* leg = Find(tag)) Receive(tag, *leg, now);
      }
    }
    out_.Flush();
    counters_.sent.fetch_add(out_.TakeSent(), std::memory_order_relaxed);
    counters_.io_uring.store(out_.uses_io_uring(), std::memory_order_relaxed);
  }
}

void Shard::Drain(Clock::time_point now) {
  std::deque<Command> batch;
  {
    MutexLock lock(mu_);
    batch.swap(queue_);
  }
  for (auto& c : batch) {
    if (!awaited_.empty() && !std::holds_alternative<AdoptLeg>(c)) {
      held_.push_back(std::move(c));  // after the legs awaited, in order
    } else {
      Dispatch(c, now);
    }
  }
}

void Shard::Dispatch(Command& c, Clock::time_point now) {
  engine_.pending.fetch_sub(1, std::memory_order_relaxed);  // it was queued or held until now
  std::visit([&](auto& cmd) { Apply(cmd, now); }, c);
}

void Shard::Emit(Event::Kind kind, LegId leg, char digit) {
  if (engine_.on_event) engine_.on_event(Event{kind, leg, digit});
}

void Shard::Apply(ExpectLeg& c, Clock::time_point) {
  if (auto it = early_.find(c.leg); it != early_.end()) {
    Install(c.leg, std::move(it->second));
    early_.erase(it);
    return;
  }
  awaited_.insert(c.leg);
}

void Shard::Apply(MoveLeg& c, Clock::time_point) {
  SB_DCHECK(c.to != index_ && c.to < engine_.shards.size(), "media: a leg moved to its own shard");
  std::unique_ptr<Leg> state;
  if (Leg* leg = Find(c.leg)) {
    Unbridge(*leg);
    LeaveMix(mixer_.Forget(c.leg));
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, leg->fd, nullptr);
    state = std::make_unique<Leg>(std::move(*leg));
    legs_.erase(c.leg);
  }
  // Always sent, even without a leg, since the destination awaits it. Not counted against
  // max_pending_commands: refusing it would strand the leg.
  engine_.pending.fetch_add(1, std::memory_order_relaxed);
  Shard& to = *engine_.shards[c.to];
  if (to.Push(AdoptLeg{c.leg, std::move(state)})) to.Wake();
}

void Shard::Apply(AdoptLeg& c, Clock::time_point now) {
  if (awaited_.erase(c.leg) == 0) {  // its ExpectLeg is still held behind another leg's
    early_[c.leg] = std::move(c.state);
    return;
  }
  Install(c.leg, std::move(c.state));
  // What waited for it runs now, in order, until a command awaits another leg again.
  while (awaited_.empty() && !held_.empty()) {
    Command next = std::move(held_.front());
    held_.pop_front();
    Dispatch(next, now);
  }
}

void Shard::Install(LegId id, std::unique_ptr<Leg> state) {
  if (state == nullptr) return;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = id;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, state->fd, &ev) != 0) {
    close(state->fd);  // only out of kernel memory: as in Apply(AddLeg&)
    return;
  }
  legs_.emplace(id, std::move(*state));
}

void Shard::Apply(AddLeg& c, Clock::time_point now) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = c.leg;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
    close(c.fd);  // only out of kernel memory; the leg is gone, and commands for it do nothing
    return;
  }
  Leg& leg = legs_[c.leg];
  leg.fd = c.fd;
  leg.ssrc = static_cast<std::uint32_t>(rng_());
  leg.ts = static_cast<std::uint32_t>(rng_());
  leg.seq = static_cast<std::uint16_t>(rng_());
  leg.last_rx = now;
}

void Shard::Apply(SetRemoteCmd& c, Clock::time_point) {
  Leg* leg = Find(c.leg);
  if (leg == nullptr) return;
  leg->codec = c.remote.codec;
  leg->event_pt = c.remote.telephone_event_pt;
  leg->srtp = std::move(c.srtp);  // new keys start a new session (a re-offer with new keys)
  // A re-offer with the same address keeps the latched source: the SDP of a phone behind NAT
  // names its private address every time.
  if (!SameAddress(leg->sdp_to, c.to) || leg->sdp_to.valid() != c.to.valid()) {
    leg->sdp_to = c.to;
    leg->to = c.to;
    leg->latched = false;
  }
}

void Shard::Apply(PlayCmd& c, Clock::time_point) {
  Leg* leg = Find(c.leg);
  if (leg == nullptr || leg->peer != 0) return;
  const bool asked = !c.clips.empty();
  leg->player = Player(std::move(c.clips), c.loop);
  leg->marker = true;
  if (asked && !leg->player.playing() && !c.loop) Emit(Event::Kind::kPlayoutDone, c.leg);
}

void Shard::Apply(BridgeCmd& c, Clock::time_point) {
  Leg* a = Find(c.a);
  Leg* b = Find(c.b);
  if (a == nullptr || b == nullptr || a == b) return;
  Unbridge(*a);
  Unbridge(*b);
  a->peer = c.b;
  b->peer = c.a;
  for (Leg* l : {a, b}) {
    l->player.Stop();
    l->relay_anchored = false;
  }
}

void Shard::Apply(UnbridgeCmd& c, Clock::time_point) {
  if (Leg* leg = Find(c.leg)) Unbridge(*leg);
}

void Shard::Apply(CloseCmd& c, Clock::time_point) {
  Leg* leg = Find(c.leg);
  if (leg == nullptr) return;
  Unbridge(*leg);
  LeaveMix(mixer_.Forget(c.leg));
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, leg->fd, nullptr);
  close(leg->fd);
  legs_.erase(c.leg);
}

bool Shard::Seal(Leg& leg, std::uint8_t* p, std::size_t size) {
  if (leg.srtp == nullptr) return true;
  const std::size_t sealed = leg.srtp->Protect(p, size, SendBatch::kSlotBytes);
  if (sealed == 0) {
    out_.DropLast();
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  out_.ResizeLast(sealed);
  return true;
}

void Shard::Unbridge(Leg& leg) {
  if (Leg* peer = Find(leg.peer)) {
    peer->peer = 0;
    peer->marker = true;
  }
  leg.peer = 0;
  leg.marker = true;
}

void Shard::Tick(Clock::time_point now) {
  std::uint64_t expirations = 0;
  if (read(timer_fd_, &expirations, sizeof expirations) != sizeof expirations || expirations == 0) {
    return;
  }
  // The timer runs on absolute deadlines; `next_tick_` follows them to measure how late we are.
  const auto deadline = next_tick_ + (expirations - 1) * kTick;
  next_tick_ += expirations * kTick;
  if (now - deadline > kLate) counters_.late.fetch_add(1, std::memory_order_relaxed);
  // Frames missed while late are sent now (up to a few), so the phone's jitter buffer refills.
  const std::uint64_t frames = std::min(expirations, kMaxCatchUpFrames);
  std::array<std::uint8_t, kFrameSamples> frame;
  for (auto& [id, leg] : legs_) {
    if (!leg.player.playing() || leg.peer != 0 || !leg.to.valid() || leg.held) continue;
    for (std::uint64_t f = 0; f < frames; ++f) {
      if (!leg.player.NextFrame(leg.codec, frame.data())) {
        Emit(Event::Kind::kPlayoutDone, id);
        break;
      }
      std::uint8_t* p = out_.Add(leg.fd, leg.to, kRtpHeaderSize + kFrameSamples);
      WriteRtpHeader(p, leg.marker, static_cast<std::uint8_t>(leg.codec), leg.seq++, leg.ts,
                     leg.ssrc);
      std::memcpy(p + kRtpHeaderSize, frame.data(), kFrameSamples);
      leg.ts += kFrameSamples;
      leg.marker = false;
      (void)Seal(leg, p, kRtpHeaderSize + kFrameSamples);
    }
  }
  MixTick();
  if (now >= next_timeout_check_) {
    next_timeout_check_ = now + engine_.timeout_period;
    for (auto& [id, leg] : legs_) {
      if (!leg.timeout_reported && !leg.held &&
          now - leg.last_rx >= engine_.options.no_rtp_timeout) {
        leg.timeout_reported = true;  // once per silence; a packet re-arms it
        Emit(Event::Kind::kRtpTimeout, id);
      }
    }
  }
}

void Shard::Receive(LegId id, Leg& leg, Clock::time_point now) {
  for (int round = 0; round < kMaxBatchesPerWakeup; ++round) {
    for (std::size_t k = 0; k < kRecvBatch; ++k) {
      rx_iov_[k] = {rx_buf_[k].data(), rx_buf_[k].size()};
      rx_msgs_[k].msg_hdr = {};
      rx_msgs_[k].msg_hdr.msg_name = &rx_from_[k].storage;
      rx_msgs_[k].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      rx_msgs_[k].msg_hdr.msg_iov = &rx_iov_[k];
      rx_msgs_[k].msg_hdr.msg_iovlen = 1;
    }
    const int n = recvmmsg(leg.fd, rx_msgs_.data(), kRecvBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;  // EAGAIN: drained
    for (int k = 0; k < n; ++k) Handle(id, leg, static_cast<std::size_t>(k), now);
    if (static_cast<std::size_t>(n) < kRecvBatch) return;
  }
}

void Shard::Handle(LegId id, Leg& leg, std::size_t k, Clock::time_point now) {
  counters_.received.fetch_add(1, std::memory_order_relaxed);
  const msghdr& h = rx_msgs_[k].msg_hdr;
  std::uint8_t* data = rx_buf_[k].data();
  std::size_t size = (h.msg_flags & MSG_TRUNC) ? 0 : rx_msgs_[k].msg_len;
  if (leg.srtp != nullptr && size != 0) {
    // Before anything else, latching included: only the peer holding the key can move us.
    size = leg.srtp->Unprotect(data, size);
    if (size == 0) {
      counters_.srtp_refused.fetch_add(1, std::memory_order_relaxed);
      counters_.dropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  const auto p = size == 0 ? std::nullopt : ParseRtp({data, size});
  if (!p) {
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  leg.last_rx = now;
  leg.timeout_reported = false;
  SocketAddress& from = rx_from_[k];
  from.size = h.msg_namelen;
  if (!leg.latched || (!SameAddress(leg.to, from) && p->ssrc != leg.latched_ssrc)) {
    leg.to = from;
    leg.latched = true;
  }
  if (SameAddress(leg.to, from)) leg.latched_ssrc = p->ssrc;

  Leg* peer = Find(leg.peer);
  if (leg.event_pt >= 0 && p->payload_type == leg.event_pt) {
    if (const auto e = ParseTelephoneEvent({data + p->payload_offset, p->payload_size})) {
      if (const auto digit = leg.dtmf.Feed(p->ssrc, p->timestamp, *e)) {
        Emit(Event::Kind::kDtmf, id, *digit);
      }
    }
    if (peer != nullptr && peer->event_pt >= 0) {
      Forward(*p, data, *peer, static_cast<std::uint8_t>(peer->event_pt), nullptr);
    }
    return;
  }
  if (p->payload_type != 0 && p->payload_type != 8) {  // comfort noise, codecs we did not offer
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const auto in = static_cast<Codec>(p->payload_type);
  if (leg.recording != 0) Tap(leg, in, data + p->payload_offset, p->payload_size, now);
  if (leg.in_mix) FeedMix(id, in, data + p->payload_offset, p->payload_size);
  if (peer == nullptr || peer->mixed_out) return;  // a mixed-out peer gets the mix instead
  const auto* table = in == peer->codec    ? nullptr
                      : in == Codec::kPcmu ? &kUlawToAlaw
                                           : &kAlawToUlaw;
  Forward(*p, data, *peer, static_cast<std::uint8_t>(peer->codec), table);
}

void Shard::Forward(const RtpPacket& p, const std::uint8_t* data, Leg& to, std::uint8_t pt,
                    const std::array<std::uint8_t, 256>* transcode) {
  if (!to.to.valid() || IsUnspecified(to.to) || to.held) return;
  if (!to.relay_anchored || to.relay_ssrc != p.ssrc) {
    to.relay_anchored = true;
    to.relay_ssrc = p.ssrc;
    to.relay_ts_offset = to.ts - p.timestamp;
    to.marker = true;
  }
  const std::uint32_t ts = p.timestamp + to.relay_ts_offset;
  std::uint8_t* o = out_.Add(to.fd, to.to, kRtpHeaderSize + p.payload_size);
  WriteRtpHeader(o, p.marker || to.marker, pt, to.seq++, ts, to.ssrc);
  const std::uint8_t* payload = data + p.payload_offset;
  if (transcode != nullptr) {
    for (std::size_t i = 0; i < p.payload_size; ++i)
      o[kRtpHeaderSize + i] = (*transcode)[payload[i]];
  } else {
    std::memcpy(o + kRtpHeaderSize, payload, p.payload_size);
  }
  to.marker = false;
  // Audio moves our clock on (one G.711 byte per sample), so playout resumes where relay left.
  if (pt == 0 || pt == 8) to.ts = ts + static_cast<std::uint32_t>(p.payload_size);
  if (Seal(to, o, kRtpHeaderSize + p.payload_size)) {
    counters_.relayed.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace sb::media
