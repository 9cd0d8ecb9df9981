#pragma once
// The server's log: one structured line per happening on standard error, logfmt style
// ("ts=2026-12-01T19:25:35.123Z level=info msg=\"store: writes resumed\" key=value"), which
// journald keeps and a log shipper parses. Store URLs go through RedactUrl first: no password
// is ever printed. Thread safety: any thread (one write(2) per line).

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::server {

void LogLine(std::string_view level, std::string_view msg,
             std::initializer_list<std::pair<std::string_view, std::string>> fields = {});
void LogLine(std::string_view level, std::string_view msg,
             const std::vector<std::pair<std::string, std::string>>& fields);
inline void LogInfo(std::string_view msg,
                    std::initializer_list<std::pair<std::string_view, std::string>> f = {}) {
  LogLine("info", msg, f);
}
inline void LogWarn(std::string_view msg,
                    std::initializer_list<std::pair<std::string_view, std::string>> f = {}) {
  LogLine("warn", msg, f);
}
inline void LogError(std::string_view msg,
                     std::initializer_list<std::pair<std::string_view, std::string>> f = {}) {
  LogLine("error", msg, f);
}

// "postgresql://sb:secret@db/x" -> "postgresql://sb:***@db/x"; "password=secret" -> "password=***"
// (libpq key/value form); anything else unchanged.
std::string RedactUrl(std::string_view url);

}  // namespace sb::server
