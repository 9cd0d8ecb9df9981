#include "base/assert.h"

#include <cstdio>
#include <cstdlib>

namespace sb {
namespace {
std::atomic<std::uint64_t> g_dcheck_failures{0};
}

void CheckFailed(const char* file, int line, const char* cond, const char* why) {
  std::fprintf(stderr, "fatal: %s:%d: check failed: %s (%s)\n", file, line, cond, why);
  std::abort();
}

void DcheckFailed(const char* file, int line, const char* cond, const char* why) {
#ifndef NDEBUG
  CheckFailed(file, line, cond, why);
#else
  (void)file;
  (void)line;
  (void)cond;
  (void)why;
  g_dcheck_failures.fetch_add(1, std::memory_order_relaxed);
#endif
}

std::uint64_t DcheckFailures() { return g_dcheck_failures.load(std::memory_order_relaxed); }

}  // namespace sb
