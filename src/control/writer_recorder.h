#pragma once
// WriterRecorder: the Recorder of the live server, over the store's group-commit writer. Writes
// are posted and never wait; case completions run on the writer thread and are handed to
// `post`, which must run them on the control thread (the event loop's post).
//
// Thread safety: Append/OpenCase/CanRecord on the control thread; `post` from the writer's.

#include <functional>

#include "control/recorder.h"
#include "store/writer.h"

namespace sb::control {

class WriterRecorder : public Recorder {
 public:
  using Post = std::function<void(std::function<void()>)>;
  WriterRecorder(store::StoreWriter& writer, cases::CaseRules rules, Post post)
      : writer_(writer), rules_(std::move(rules)), post_(std::move(post)) {}

  std::uint64_t Append(const core::Event& event) override { return writer_.Post(event); }
  std::uint64_t Append(store::Cdr cdr) override { return writer_.Post(std::move(cdr)); }
  std::uint64_t Append(store::AuditEntry entry) override { return writer_.Post(std::move(entry)); }
  void OpenCase(cases::OpenRequest request, std::function<void(Result<cases::Case>)> done) override;
  bool CanRecord() const override { return writer_.CanAccept(); }
  std::uint64_t durable() const override { return writer_.durable(); }
  bool alarm() const override { return writer_.health().alarm; }

 private:
  store::StoreWriter& writer_;
  cases::CaseRules rules_;
  Post post_;
};

}  // namespace sb::control
