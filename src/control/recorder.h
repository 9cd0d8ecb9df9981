#pragma once
// Recorder: where the controller's writes go (the store port). The server implements it over
// the store's group-commit writer (writer_recorder.h); unit tests use MemoryRecorder
// (testing/memory_recorder.h). A write returns its ticket (1, 2, 3... in order; 0 when refused)
// and never waits on the store: durability is reported later, as a watermark of tickets.
//
// Thread safety: called from the control thread only. OpenCase's completion runs on the control
// thread too (the implementation posts it back), so the controller never needs a lock.

#include <cstdint>
#include <functional>

#include "base/result.h"
#include "cases/case.h"
#include "cases/service.h"
#include "core/events.h"
#include "store/store.h"

namespace sb::control {

class Recorder {
 public:
  virtual ~Recorder() = default;

  virtual std::uint64_t Append(const core::Event& event) = 0;
  virtual std::uint64_t Append(store::Cdr cdr) = 0;
  virtual std::uint64_t Append(store::AuditEntry entry) = 0;
  // Opens a case after everything appended before it; `done` gets the case or why not.
  virtual void OpenCase(cases::OpenRequest request,
                        std::function<void(Result<cases::Case>)> done) = 0;
  // False when a new write would not be recorded (buffer and spill both full): the controller
  // then refuses new contacts rather than route what it cannot record.
  virtual bool CanRecord() const = 0;
  virtual std::uint64_t durable() const = 0;  // highest ticket committed
  virtual bool alarm() const = 0;             // the store is failing
};

}  // namespace sb::control
