#include "directory/prefetch.h"

#include <gtest/gtest.h>

#include "directory/import.h"

namespace sb::directory {
namespace {

const std::string kRecords = std::string(SB_SOURCE_DIR) + "/src/directory/testdata/records.csv";

class PrefetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = ImportFile(kRecords, dir_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->rejected, 0u);
  }
  Directory dir_;
};

PopRequest Caller(std::string number) {
  PopRequest r;
  r.caller = std::move(number);
  return r;
}

TEST_F(PrefetchTest, ALookUpStartedEarlyIsReadyWhenTheAgentIsOffered) {
  Prefetcher p(dir_);
  ASSERT_TRUE(p.Start(1, Caller("06 12 34 56 78")));
  auto pop = p.Get(1, std::chrono::seconds(5));
  ASSERT_TRUE(pop.has_value());
  const ScreenPop direct = dir_.Pop(Caller("06 12 34 56 78"));
  ASSERT_EQ(pop->records.size(), direct.records.size());
  ASSERT_FALSE(pop->records.empty());
  EXPECT_EQ(pop->records[0].id, "C-1001");
  ASSERT_TRUE(pop->partner.has_value());
  EXPECT_EQ(pop->partner->partner.id, "P-ACME");
  const RoutingHints hints = HintsOf(*pop);
  EXPECT_EQ(hints.language, "fr");
  EXPECT_EQ(hints.segment, "gold");
  // The result stays until the call is forgotten, then is gone.
  EXPECT_TRUE(p.Get(1, std::chrono::milliseconds(0)).has_value());
  p.Forget(1);
  EXPECT_FALSE(p.Get(1, std::chrono::milliseconds(0)).has_value());
  EXPECT_EQ(p.tracked(), 0u);
}

TEST_F(PrefetchTest, AnIdTypedInTheIvrReplacesTheNumbersLookUp) {
  Prefetcher p(dir_);
  ASSERT_TRUE(p.Start(7, Caller("+33999999999")));  // unknown number
  PopRequest typed = Caller("+33999999999");
  typed.ivr_id = "C-1002";
  ASSERT_TRUE(p.Start(7, typed));
  auto pop = p.Get(7, std::chrono::seconds(5));
  ASSERT_TRUE(pop.has_value());
  ASSERT_EQ(pop->records.size(), 1u);
  EXPECT_EQ(pop->records[0].id, "C-1002");
}

TEST_F(PrefetchTest, ManyCallsAtOnceAndABoundOnTrackedCalls) {
  Prefetcher p(dir_, 500);
  for (std::uint64_t c = 0; c < 500; ++c) {
    ASSERT_TRUE(p.Start(c, Caller(c % 2 ? "06 12 34 56 78" : "+33100000000")));
  }
  EXPECT_FALSE(p.Start(999, Caller("06 12 34 56 78")));  // full: refused, not blocking
  for (std::uint64_t c = 0; c < 500; ++c) {
    auto pop = p.Get(c, std::chrono::seconds(5));
    ASSERT_TRUE(pop.has_value()) << c;
    EXPECT_EQ(pop->records.empty(), c % 2 == 0) << c;
  }
  EXPECT_FALSE(p.Get(12345, std::chrono::milliseconds(0)).has_value());  // never started
}

}  // namespace
}  // namespace sb::directory
