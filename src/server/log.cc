#include "server/log.h"

#include <unistd.h>

#include <chrono>

#include "base/time.h"

namespace sb::server {
namespace {

void Quote(std::string& out, std::string_view v) {
  const bool bare = !v.empty() && v.find_first_of(" \"=\\\n\t") == std::string_view::npos;
  if (bare) {
    out += v;
    return;
  }
  out += '"';
  for (const char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

namespace {
template <typename Fields>
void WriteLine(std::string_view level, std::string_view msg, const Fields& fields) {
  std::string line = "ts=";
  line += FormatTime(std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()));
  line += " level=";
  line += level;
  line += " msg=";
  Quote(line, msg);
  for (const auto& [k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    Quote(line, v);
  }
  line += '\n';
  // One write per line, so lines from several threads never interleave.
  ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
  (void)n;
}
}  // namespace

void LogLine(std::string_view level, std::string_view msg,
             std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  WriteLine(level, msg, fields);
}
void LogLine(std::string_view level, std::string_view msg,
             const std::vector<std::pair<std::string, std::string>>& fields) {
  WriteLine(level, msg, fields);
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    const auto at = out.find('@', scheme + 3);
    const auto colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (std::size_t p = 0; (p = out.find("password=", p)) != std::string::npos;) {
    const std::size_t v = p + 9;
    std::size_t end = out.find_first_of(" &", v);
    if (end == std::string::npos) end = out.size();
    out.replace(v, end - v, "***");
    p = v + 3;
  }
  return out;
}

}  // namespace sb::server
