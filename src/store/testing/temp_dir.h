#pragma once
// Test support for the store's tests: a fresh temporary directory per test, and a bounded wait
// for the writer's thread. Test-only.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "base/time.h"

namespace sb::store::testing {

// An empty directory under the system's temporary directory, named after `tag` and the process.
inline std::string TempDir(const std::string& tag) {
  auto dir =
      std::filesystem::temp_directory_path() / ("sb-store-" + tag + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

// Polls `cond` every 10 ms for up to `limit`; true as soon as it holds.
template <typename F>
bool Eventually(F cond, Duration limit = Duration(20000)) {
  for (Duration waited{0}; waited < limit; waited += Duration(10)) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

}  // namespace sb::store::testing
