#include "server/json_front.h"

#include <poll.h>
#include <unistd.h>

#include "server/json_lines.h"

namespace sb::server {

JsonFrontEnd::JsonFrontEnd(ServeLoop& loop, const core::EngineSettings& settings, int out_fd)
    : loop_(loop), settings_(settings), out_(out_fd) {}

JsonFrontEnd::~JsonFrontEnd() { Stop(); }

void JsonFrontEnd::Start(int in_fd) {
  reader_ = std::thread([this, in_fd] { Read(in_fd); });
}

void JsonFrontEnd::Stop() {
  stop_ = true;
  if (reader_.joinable()) reader_.join();
}

void JsonFrontEnd::Read(int fd) {
  std::string buf;
  char chunk[65536];
  bool skipping = false;  // inside a line longer than kMaxRequestBytes
  while (!stop_) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 200);  // wakes to check stop_
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buf.append(chunk, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1) {
      if (skipping) {
        skipping = false;
        continue;
      }
      Line(std::string_view(buf).substr(start, nl - start));
    }
    buf.erase(0, start);
    if (buf.size() > kMaxRequestBytes && !skipping) {
      Line(buf);  // refused for its length, with the start of it quoted
      buf.clear();
      skipping = true;
    } else if (skipping) {
      buf.clear();
    }
  }
  if (!skipping && buf.find_first_not_of(" \t\r") != std::string::npos) Line(buf);
  if (!stop_) loop_.RequestStop("end of input");
}

void JsonFrontEnd::Line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;
  auto cmd = ParseRequest(line);
  if (!cmd.ok()) {
    // Through the loop, so that the error keeps its place among the replies.
    loop_.PostTask([this, msg = EncodeParseError(cmd.status(), line)]() mutable {
      out_.Push(std::move(msg));
    });
    return;
  }
  auto done = [this](const control::Command& c, const control::Reply& r) {
    out_.Push(EncodeReply(c, r, settings_));
  };
  // The loop's queue is bounded: wait for room (back-pressure on whoever writes requests).
  while (!loop_.Post(*cmd, done)) {
    if (stop_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void JsonFrontEnd::OnEvent(const core::Event& e, control::Cause cause,
                           const control::ContactContext*) {
  // Events a command caused are in its reply; the others would reach no client otherwise.
  if (cause == control::Cause::kTimer) out_.Push(EncodeTimerEvent(e, settings_));
}

void JsonFrontEnd::OnCaseOpened(std::uint64_t contact, const Result<cases::Case>& result) {
  out_.Push(EncodeCaseOpened(contact, result));
}

void JsonFrontEnd::OnDurable(std::uint64_t ticket) {
  if (ticket <= printed_durable_) return;
  printed_durable_ = ticket;
  out_.Push(EncodeDurable(ticket));
}

}  // namespace sb::server
