#include "store/spill.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "base/bytes.h"
#include "eventlog/eventlog.h"

namespace sb::store {
namespace {

constexpr std::size_t kHeader = 4 + 8;
constexpr std::uint32_t kMaxRecord = 16u << 20;  // a record is a few hundred bytes

std::uint64_t Checksum(std::string_view s) {  // FNV-1a: catches torn and garbled records
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

Status Errno(const std::string& what, const std::string& path) {
  return Status(StatusCode::kUnavailable, what + " " + path + ": " + std::strerror(errno));
}

std::string Encode(const SpillRecord& r) {
  std::string out;
  ByteWriter w(out);
  if (const auto* e = std::get_if<core::Event>(&r)) {
    w.Put<std::uint8_t>(0);
    w.PutString(eventlog::Encode(*e));
  } else if (const auto* c = std::get_if<Cdr>(&r)) {
    w.Put<std::uint8_t>(6);  // 1 without the handover, 4 without the attempts, still read
    w.Put(c->contact);
    for (std::int64_t v :
         {c->arrival_ms, c->ivr_ms, c->queued_ms, c->offered_ms, c->answered_ms, c->ended_ms}) {
      w.Put(v);
    }
    w.Put(c->queue);
    w.Put(c->agent);
    for (const std::string* s : {&c->outcome, &c->disposition, &c->caller, &c->partner}) {
      w.PutString(*s);
    }
    w.Put(c->handover_ms);
    w.Put(c->handover_from);
    w.Put(c->callback_attempts);
  } else if (const auto* d = std::get_if<CallDetail>(&r)) {
    w.Put<std::uint8_t>(7);  // 3 without the handover, 5 without callbacks and hold, still read
    w.Put(d->contact);
    for (std::int64_t v : {d->invite_ms, d->answered_ms, d->ivr_exit_ms, d->queued_ms,
                           d->offered_ms, d->agent_answered_ms, d->ended_ms}) {
      w.Put(v);
    }
    w.Put(d->status);
    for (const std::string* s : {&d->call_id, &d->trunk, &d->source, &d->caller, &d->dialled,
                                 &d->agent, &d->ended_by, &d->cause}) {
      w.PutString(*s);
    }
    w.Put(d->handover_ms);
    w.PutString(d->handover_from);
    for (std::int64_t v : {d->hold_count, d->hold_ms, d->callback_attempts}) w.Put(v);
    w.Put(d->callback_status);
    w.PutString(d->callback_cause);
  } else {
    const auto& a = std::get<AuditEntry>(r);
    w.Put<std::uint8_t>(2);
    w.Put(a.at_ms);
    w.Put(a.call);
    w.Put(a.case_id);
    for (const std::string* s : {&a.user, &a.action, &a.target, &a.detail}) w.PutString(*s);
  }
  return out;
}

Result<SpillRecord> Decode(std::string_view payload) {
  ByteReader r(payload);
  const auto kind = r.Get<std::uint8_t>();
  SpillRecord out;
  if (kind == 0) {
    auto e = eventlog::Decode(r.GetString());
    if (!e.ok()) return e.status();
    out = std::move(e).value();
  } else if (kind == 1 || kind == 4 || kind == 6) {
    Cdr c;
    c.contact = r.Get<std::uint64_t>();
    for (std::int64_t* v :
         {&c.arrival_ms, &c.ivr_ms, &c.queued_ms, &c.offered_ms, &c.answered_ms, &c.ended_ms}) {
      *v = r.Get<std::int64_t>();
    }
    c.queue = r.Get<std::uint32_t>();
    c.agent = r.Get<std::int64_t>();
    for (std::string* s : {&c.outcome, &c.disposition, &c.caller, &c.partner}) *s = r.GetString();
    if (kind >= 4) {
      c.handover_ms = r.Get<std::int64_t>();
      c.handover_from = r.Get<std::int64_t>();
    }
    if (kind == 6) c.callback_attempts = r.Get<std::int64_t>();
    out = std::move(c);
  } else if (kind == 2) {
    AuditEntry a;
    a.at_ms = r.Get<std::int64_t>();
    a.call = r.Get<std::uint64_t>();
    a.case_id = r.Get<std::int64_t>();
    for (std::string* s : {&a.user, &a.action, &a.target, &a.detail}) *s = r.GetString();
    out = std::move(a);
  } else if (kind == 3 || kind == 5 || kind == 7) {
    CallDetail d;
    d.contact = r.Get<std::uint64_t>();
    for (std::int64_t* v : {&d.invite_ms, &d.answered_ms, &d.ivr_exit_ms, &d.queued_ms,
                            &d.offered_ms, &d.agent_answered_ms, &d.ended_ms}) {
      *v = r.Get<std::int64_t>();
    }
    d.status = r.Get<std::int32_t>();
    for (std::string* s : {&d.call_id, &d.trunk, &d.source, &d.caller, &d.dialled, &d.agent,
                           &d.ended_by, &d.cause}) {
      *s = r.GetString();
    }
    if (kind >= 5) {
      d.handover_ms = r.Get<std::int64_t>();
      d.handover_from = r.GetString();
    }
    if (kind == 7) {
      for (std::int64_t* v : {&d.hold_count, &d.hold_ms, &d.callback_attempts}) {
        *v = r.Get<std::int64_t>();
      }
      d.callback_status = r.Get<std::int32_t>();
      d.callback_cause = r.GetString();
    }
    out = std::move(d);
  } else {
    return InvalidArgument("unknown record kind " + std::to_string(kind));
  }
  if (!r.ok() || !r.done()) return InvalidArgument("a record of the wrong length");
  return out;
}

// Reads the record at `at` of a file of size `end`: its payload and the offset after it, or
// nothing when the bytes there are not a whole, intact record (a torn tail).
bool ReadRecord(int fd, std::uint64_t at, std::uint64_t end, std::string* payload,
                std::uint64_t* next) {
  if (end - at < kHeader) return false;
  char header[kHeader];
  if (pread(fd, header, kHeader, static_cast<off_t>(at)) != static_cast<ssize_t>(kHeader)) {
    return false;
  }
  ByteReader h(std::string_view(header, kHeader));
  const auto len = h.Get<std::uint32_t>();
  const auto sum = h.Get<std::uint64_t>();
  if (len > kMaxRecord || end - at - kHeader < len) return false;
  payload->resize(len);
  if (len > 0 && pread(fd, payload->data(), len, static_cast<off_t>(at + kHeader)) !=
                     static_cast<ssize_t>(len)) {
    return false;
  }
  if (Checksum(*payload) != sum) return false;
  *next = at + kHeader + len;
  return true;
}

}  // namespace

Result<std::unique_ptr<SpillFile>> SpillFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot open the spill file", path);
  std::unique_ptr<SpillFile> f(new SpillFile(path, fd));
  struct stat st {};
  if (fstat(fd, &st) != 0) return Errno("cannot read the spill file", path);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t at = 0;
  std::string payload;
  for (std::uint64_t next = 0; ReadRecord(fd, at, size, &payload, &next); at = next) {
    ++f->appended_;
  }
  if (at != size && ftruncate(fd, static_cast<off_t>(at)) != 0) {
    return Errno("cannot cut the torn end of the spill file", path);
  }
  f->end_ = at;
  return f;
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status SpillFile::Append(const SpillRecord& record) {
  const std::string payload = Encode(record);
  std::string bytes;
  ByteWriter w(bytes);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(payload.size()));
  w.Put<std::uint64_t>(Checksum(payload));
  bytes += payload;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(end_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Leave no partial record behind: the next Append overwrites it, Open would cut it.
      (void)ftruncate(fd_, static_cast<off_t>(end_));
      return Errno("cannot write to the spill file", path_);
    }
    done += static_cast<std::size_t>(n);
  }
  end_ += bytes.size();
  ++appended_;
  return Status::Ok();
}

Result<std::vector<SpillRecord>> SpillFile::Peek(std::size_t max) {
  std::vector<SpillRecord> out;
  peeked_ends_.clear();
  std::uint64_t at = read_at_;
  std::string payload;
  for (std::uint64_t next = 0; out.size() < max && at < end_; at = next) {
    if (!ReadRecord(fd_, at, end_, &payload, &next)) {
      return Status(StatusCode::kInternal,
                    "the spill file " + path_ + " is damaged at byte " + std::to_string(at));
    }
    auto r = Decode(payload);
    if (!r.ok()) return r.status().WithContext("spill file " + path_);
    out.push_back(std::move(r).value());
    peeked_ends_.push_back(next);
  }
  return out;
}

void SpillFile::Advance(std::size_t records) {
  if (records == 0 || records > peeked_ends_.size()) return;
  read_at_ = peeked_ends_[records - 1];
  consumed_ += records;
  peeked_ends_.clear();
}

Status SpillFile::Reset() {
  if (ftruncate(fd_, 0) != 0) return Errno("cannot empty the spill file", path_);
  end_ = read_at_ = 0;
  appended_ = consumed_ = 0;
  peeked_ends_.clear();
  return Status::Ok();
}

Status SpillFile::Sync() {
  if (fdatasync(fd_) != 0) return Errno("cannot flush the spill file", path_);
  return Status::Ok();
}

Result<std::uint64_t> RecoverSpill(const std::string& path, Store& store) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || st.st_size == 0) return std::uint64_t{0};
  SB_ASSIGN_OR_RETURN(auto file, SpillFile::Open(path));
  std::uint64_t committed = 0;
  while (file->pending() > 0) {
    SB_ASSIGN_OR_RETURN(auto records, file->Peek(10'000));
    if (records.empty()) break;
    WriteBatch batch;
    // As the writer does: what the store would refuse is set aside, not retried for ever.
    auto checked = [&](auto&& item, auto& to, const char* kind) {
      if (Status s = Validate(item); !s.ok()) {
        batch.dead_letters.push_back(
            {ToMillis(std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now())),
             kind, SanitizeText(s.message(), 1024), SanitizeText(Describe(item), 4096)});
        return;
      }
      to.push_back(std::move(item));
    };
    for (SpillRecord& r : records) {
      if (auto* e = std::get_if<core::Event>(&r)) batch.events.push_back(std::move(*e));
      if (auto* c = std::get_if<Cdr>(&r)) checked(std::move(*c), batch.cdrs, "cdr");
      if (auto* a = std::get_if<AuditEntry>(&r)) checked(std::move(*a), batch.audit, "audit");
      if (auto* d = std::get_if<CallDetail>(&r)) checked(std::move(*d), batch.calls, "call");
    }
    SB_RETURN_IF_ERROR(store.Commit(batch));
    file->Advance(records.size());
    committed += records.size();
  }
  SB_RETURN_IF_ERROR(file->Reset());
  return committed;
}

}  // namespace sb::store
