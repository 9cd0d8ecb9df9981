#include "server/memory.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace sb::server {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizerAllocator = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitizerAllocator = true;
#else
constexpr bool kSanitizerAllocator = false;
#endif
#else
constexpr bool kSanitizerAllocator = false;
#endif

TEST(Memory, ResidentBytesIsThisProcesssRss) {
  const std::size_t rss = ResidentBytes();
  EXPECT_GT(rss, std::size_t{1} << 20);   // a running test binary holds more than 1 MB
  EXPECT_LT(rss, std::size_t{16} << 30);  // and less than the machine
}

// A load peak that has passed: 64 MB of small blocks, every 16th still in use, so the freed ones
// cannot shrink the heap's top and glibc keeps them. Returning them must bring the RSS down.
TEST(Memory, ReturnsWhatAPassedPeakLeftFreed) {
#if !defined(__GLIBC__)
  GTEST_SKIP() << "only glibc's allocator can tell and trim";
#endif
  if (kSanitizerAllocator) GTEST_SKIP() << "the sanitizer's allocator is not glibc's";
  constexpr std::size_t kBlock = 4000;
  constexpr std::size_t kBlocks = (std::size_t{64} << 20) / kBlock;
  std::vector<std::unique_ptr<char[]>> blocks(kBlocks);
  for (auto& b : blocks) {
    b = std::make_unique<char[]>(kBlock);
    for (std::size_t i = 0; i < kBlock; i += 512) b[i] = 1;  // touched: resident
  }
  for (std::size_t i = 0; i < kBlocks; ++i) {
    if (i % 16 != 0) blocks[i].reset();
  }
  EXPECT_GE(FreedBytes(), std::size_t{56} << 20);
  EXPECT_EQ(ReturnFreedMemory(std::size_t{1} << 40), 0u);  // above the threshold: nothing done
  const std::size_t before = ResidentBytes();
  const std::size_t freed = ReturnFreedMemory(std::size_t{16} << 20);
  const std::size_t after = ResidentBytes();
  EXPECT_GE(freed, std::size_t{56} << 20);
  EXPECT_LT(after + (std::size_t{32} << 20), before) << "before " << before << ", after " << after;
}

}  // namespace
}  // namespace sb::server
