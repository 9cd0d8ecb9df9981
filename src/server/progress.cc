#include "server/progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace sb::server {

bool ProgressWanted() { return isatty(STDERR_FILENO) != 0; }

void ProgressBar(std::string_view label, double fraction, std::string_view suffix) {
  const int width = 40;
  const double f = std::clamp(fraction, 0.0, 1.0);
  const int filled = static_cast<int>(f * width);
  std::fprintf(stderr, "\r%.*s%s[%.*s%*s] %3.0f%%%.*s\x1b[K", static_cast<int>(label.size()),
               label.data(), label.empty() ? "" : " ", filled,
               "########################################", width - filled, "", f * 100,
               static_cast<int>(suffix.size()), suffix.data());
  if (f >= 1.0) std::fputc('\n', stderr);
  std::fflush(stderr);
}

std::function<void(double)> TimedProgressBar(std::string label) {
  using Clock = std::chrono::steady_clock;
  return [label = std::move(label), start = Clock::now()](double fraction) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    char left[48] = "";
    // Before 2 s (or 1 %) the rate says little; a finished bar needs no estimate.
    if (elapsed >= 2 && fraction >= 0.01 && fraction < 1) {
      const auto s = static_cast<long long>(elapsed * (1 - fraction) / fraction);
      if (s >= 3600) {
        std::snprintf(left, sizeof left, "  about %lldh%02lldm left", s / 3600, s % 3600 / 60);
      } else {
        std::snprintf(left, sizeof left, "  about %lldm%02llds left", s / 60, s % 60);
      }
    }
    ProgressBar(label, fraction, left);
  };
}

directory::ProgressFn ImportProgress(const std::string& file) {
  if (!ProgressWanted()) return nullptr;
  return [reading = file + " reading ", indexing = file + " indexing"](
             directory::ImportStage stage, std::uint64_t done, std::uint64_t total) {
    const double f = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
    ProgressBar(stage == directory::ImportStage::kReading ? reading : indexing, f);
  };
}

}  // namespace sb::server
