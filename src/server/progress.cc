#include "server/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace sb::server {

bool ProgressWanted() { return isatty(STDERR_FILENO) != 0; }

void ProgressBar(std::string_view label, double fraction) {
  const int width = 40;
  const double f = std::clamp(fraction, 0.0, 1.0);
  const int filled = static_cast<int>(f * width);
  std::fprintf(stderr, "\r%.*s%s[%.*s%*s] %3.0f%%", static_cast<int>(label.size()), label.data(),
               label.empty() ? "" : " ", filled, "########################################",
               width - filled, "", f * 100);
  if (f >= 1.0) std::fputc('\n', stderr);
  std::fflush(stderr);
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
