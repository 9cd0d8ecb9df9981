#pragma once
// The server's memory as the system sees it, and giving back what a passed load peak left:
// glibc keeps freed heap memory for reuse, so without this a server's RSS follows a load up but
// never down.

#include <cstddef>

namespace sb::server {

// Resident set size of this process in bytes (/proc/self/statm); 0 where it cannot be read.
std::size_t ResidentBytes();

// What the C library holds freed but not returned to the system, in bytes (0 where it cannot
// tell). Walks its free lists: cheap, but not for a hot path.
std::size_t FreedBytes();

// When the C library holds more than `above` bytes freed but not returned, returns their pages
// to the system (glibc's malloc_trim) and says how many bytes were held freed; 0 otherwise, and
// always 0 where the C library cannot tell (another libc, or a sanitizer's allocator).
std::size_t ReturnFreedMemory(std::size_t above);

}  // namespace sb::server
