#pragma once
// JsonFrontEnd: the JSON-lines front end of `serve --control stdin` (protocol in json_lines.h).
// A reader thread reads requests from a descriptor, parses them off the control thread and posts
// them to the ServeLoop (waiting while its queue is full: back-pressure on the writer of the
// requests, never on the control thread). Replies, timer events, case confirmations and
// durability watermarks go to an Output, whose own thread writes them: a slow or vanished reader
// never blocks the control thread. End of input asks the loop to stop.
//
// Thread safety: OnEvent/OnCaseOpened/OnDurable are called on the control thread; Start/Stop
// from the thread that owns the front end.

#include <atomic>
#include <thread>

#include "control/subscriber.h"
#include "server/output.h"
#include "server/serve_loop.h"

namespace sb::server {

class JsonFrontEnd : public control::Subscriber {
 public:
  JsonFrontEnd(ServeLoop& loop, const core::EngineSettings& settings, int out_fd);
  ~JsonFrontEnd() override;

  void Start(int in_fd);  // starts the reader thread
  void Stop();            // stops reading; lines already queued are still written
  Output& output() { return out_; }

  void OnEvent(const core::Event& e, control::Cause cause,
               const control::ContactContext* contact) override;
  void OnCaseOpened(std::uint64_t contact, const Result<cases::Case>& result) override;
  void OnDurable(std::uint64_t ticket) override;

 private:
  void Read(int fd);
  void Line(std::string_view line);

  ServeLoop& loop_;
  const core::EngineSettings& settings_;
  Output out_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
  std::uint64_t printed_durable_ = 0;  // control thread
};

}  // namespace sb::server
