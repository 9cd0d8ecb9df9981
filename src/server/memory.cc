#include "server/memory.h"

#include <unistd.h>

#include <fstream>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sb::server {

std::size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size_pages = 0;
  std::size_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  const long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? resident_pages * static_cast<std::size_t>(page) : 0;
}

std::size_t FreedBytes() {
#if defined(__GLIBC__)
  return mallinfo2().fordblks;  // every arena: main, and one per busy thread
#else
  return 0;
#endif
}

std::size_t ReturnFreedMemory(std::size_t above) {
#if defined(__GLIBC__)
  const std::size_t freed = FreedBytes();
  if (freed <= above) return 0;
  malloc_trim(0);
  return freed;
#else
  (void)above;
  return 0;
#endif
}

}  // namespace sb::server
