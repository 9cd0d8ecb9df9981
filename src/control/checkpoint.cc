// Controller checkpoints (controller.h): [magic][configuration version][engine snapshot]
// [next contact][registries][open CDRs]. The engine part is core::Engine::Snapshot(); the rest is
// the controller's own. SBCTL1 checkpoints (no version) are still read, as version 0; SBCTL2
// ones (open CDRs without the handover of an attended transfer) as not handed over.

#include <cstring>

#include "base/bytes.h"
#include "control/controller.h"

namespace sb::control {
namespace {

constexpr std::string_view kMagic = "SBCTL3";
constexpr std::string_view kMagicV2 = "SBCTL2";
constexpr std::string_view kMagicV1 = "SBCTL1";

// The checkpoint's version: 1, 2 or 3; 0 when it is none.
int VersionOf(std::string_view checkpoint) {
  if (checkpoint.substr(0, kMagic.size()) == kMagic) return 3;
  if (checkpoint.substr(0, kMagicV2.size()) == kMagicV2) return 2;
  if (checkpoint.substr(0, kMagicV1.size()) == kMagicV1) return 1;
  return 0;
}

// Bytes before the engine's length: the magic, and from SBCTL2 the configuration version.
std::size_t HeaderSize(std::string_view checkpoint) {
  switch (VersionOf(checkpoint)) {
    case 3:
    case 2:
      return kMagic.size() + 8;
    case 1:
      return kMagicV1.size();
  }
  return 0;
}

void PutCdr(ByteWriter& w, const store::Cdr& c) {
  w.Put(c.contact);
  for (std::int64_t v :
       {c.arrival_ms, c.ivr_ms, c.queued_ms, c.offered_ms, c.answered_ms, c.ended_ms, c.agent}) {
    w.Put(v);
  }
  w.Put(c.queue);
  for (const std::string* s : {&c.outcome, &c.disposition, &c.caller, &c.partner}) w.PutString(*s);
  w.Put(c.handover_ms);
  w.Put(c.handover_from);
}

// `handover`: the checkpoint is SBCTL3 (its CDRs hold the handover).
store::Cdr GetCdr(ByteReader& r, bool handover) {
  store::Cdr c;
  c.contact = r.Get<std::uint64_t>();
  for (std::int64_t* v : {&c.arrival_ms, &c.ivr_ms, &c.queued_ms, &c.offered_ms, &c.answered_ms,
                          &c.ended_ms, &c.agent}) {
    *v = r.Get<std::int64_t>();
  }
  c.queue = r.Get<std::uint32_t>();
  for (std::string* s : {&c.outcome, &c.disposition, &c.caller, &c.partner}) *s = r.GetString();
  if (handover) {
    c.handover_ms = r.Get<std::int64_t>();
    c.handover_from = r.Get<std::int64_t>();
  }
  return c;
}

}  // namespace

std::string Controller::Checkpoint() const {
  // One buffer, reserved once: growing it (and copying the engine's part into it) cost more
  // than the encoding itself (page faults and memmove, bench/RESULTS.md).
  std::string out;
  out.reserve(kMagic.size() + 16 + engine_->SnapshotSizeHint() + contacts_.size() * 128 +
              agents_.size() * 16 + cdrs_.open_cdrs().size() * 128);
  out.append(kMagic);
  ByteWriter w(out);
  w.Put(config_version_);
  const std::size_t length_at = out.size();
  w.Put<std::uint32_t>(0);  // the engine part's length, written once it is known
  engine_->SnapshotTo(out);
  const auto engine_bytes = static_cast<std::uint32_t>(out.size() - length_at - 4);
  std::memcpy(out.data() + length_at, &engine_bytes, 4);
  w.Put(next_contact_);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(contacts_.size()));
  for (const auto& [id, c] : contacts_) {
    w.Put(id);
    for (const std::string* s : {&c.caller, &c.trunk, &c.handle, &c.ivr_id, &c.pin}) {
      w.PutString(*s);
    }
    w.PutTime(c.arrived);
    w.Put<std::uint8_t>(c.in_ivr ? 1 : 0);
    w.Put(c.queue.value);
  }
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(agents_.size()));
  for (const LiveAgent& a : agents_) w.PutString(a.device);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(cdrs_.open_cdrs().size()));
  for (const auto& [id, cdr] : cdrs_.open_cdrs()) PutCdr(w, cdr);
  return out;
}

Result<std::string_view> Controller::EngineOf(std::string_view checkpoint) {
  const std::size_t header = HeaderSize(checkpoint);
  if (header == 0) return InvalidArgument("not a server checkpoint (or one of an unknown version)");
  ByteReader r(checkpoint.substr(std::min(header, checkpoint.size())));
  const auto n = r.Get<std::uint32_t>();
  if (!r.ok() || checkpoint.size() - header - 4 < n) {
    return InvalidArgument("the checkpoint is damaged (truncated)");
  }
  return checkpoint.substr(header + 4, n);
}

Result<std::uint64_t> Controller::ConfigVersionOf(std::string_view checkpoint) {
  SB_RETURN_IF_ERROR(EngineOf(checkpoint).status());
  if (VersionOf(checkpoint) < 2) return std::uint64_t{0};
  ByteReader r(checkpoint.substr(kMagic.size(), 8));
  return r.Get<std::uint64_t>();
}

Status Controller::RestoreRegistries(std::string_view checkpoint) {
  SB_ASSIGN_OR_RETURN(std::string_view engine, EngineOf(checkpoint));
  SB_ASSIGN_OR_RETURN(config_version_, ConfigVersionOf(checkpoint));
  ByteReader r(checkpoint.substr(HeaderSize(checkpoint) + 4 + engine.size()));
  next_contact_ = std::max(next_contact_, r.Get<std::uint64_t>());
  const std::uint32_t n = r.GetCount(30);
  std::vector<std::pair<std::uint64_t, LiveContact>> contacts;
  contacts.reserve(n);
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
    LiveContact c;
    const auto id = r.Get<std::uint64_t>();
    for (std::string* s : {&c.caller, &c.trunk, &c.handle, &c.ivr_id, &c.pin}) *s = r.GetString();
    c.arrived = r.GetTime();
    c.in_ivr = r.Get<std::uint8_t>() != 0;
    c.queue = QueueId{r.Get<std::uint32_t>()};
    contacts.emplace_back(id, std::move(c));
  }
  const std::uint32_t n_agents = r.GetCount(4);
  std::vector<std::string> devices(n_agents);
  for (auto& d : devices) d = r.GetString();
  const std::uint32_t n_cdrs = r.GetCount(64);
  std::vector<store::Cdr> cdrs;
  cdrs.reserve(n_cdrs);
  const bool handover = VersionOf(checkpoint) >= 3;
  for (std::uint32_t i = 0; i < n_cdrs && r.ok(); ++i) cdrs.push_back(GetCdr(r, handover));
  if (!r.ok() || !r.done()) return InvalidArgument("the checkpoint is damaged (registries)");
  // Nothing is applied until all of it read well.
  for (auto& [id, c] : contacts) {
    if (c.in_ivr) ivr_order_.emplace_back(c.arrived, id);
    contacts_[id] = std::move(c);
  }
  std::sort(ivr_order_.begin(), ivr_order_.end());
  for (std::size_t a = 0; a < devices.size() && a < agents_.size(); ++a) {
    agents_[a].device = std::move(devices[a]);
  }
  cdrs_.Restore(std::move(cdrs));
  return Status::Ok();
}

void Controller::Seed(std::span<const core::Event> events) {
  for (const core::Event& e : events) {
    const std::uint64_t id = ContactOf(e);
    next_contact_ = std::max(next_contact_, id + 1);
    auto it = id != 0 ? contacts_.find(id) : contacts_.end();
    if (it != contacts_.end()) {
      if (const auto* q = std::get_if<core::ContactQueued>(&e)) {
        it->second.queue = q->queue;
        it->second.in_ivr = false;
      }
      if (const auto* m = std::get_if<core::ContactMoved>(&e)) it->second.queue = m->to;
    }
    (void)cdrs_.Add(e);  // a CDR that ends here was recorded when it ended
    if (std::holds_alternative<core::ContactEnded>(e) && it != contacts_.end()) {
      contacts_.erase(it);
    }
  }
  // The checkpoint's open CDRs do not carry a callback's attempts (SBCTL3); the engine, restored
  // to this point, counts them.
  for (const auto& [id, cdr] : cdrs_.open_cdrs()) {
    const ContactId c{id};
    if (engine_->kind(c) == core::ContactKind::kCallback) {
      cdrs_.SetCallbackAttempts(id, engine_->callback_attempts(c), !engine_->connected(c));
    }
  }
}

}  // namespace sb::control
