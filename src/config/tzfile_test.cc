#include "config/tzfile.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "config/config.h"

namespace sb::config {
namespace {

using namespace std::chrono;

Time Utc(int y, unsigned m, unsigned d, int hh, int mm = 0) {
  return time_point_cast<milliseconds>(sys_days{year{y} / m / d} + hours{hh} + minutes{mm});
}

TEST(TzFile, ParisAndNewYorkOffsetsAndDaylightSavingInstants) {
  auto paris = LoadZone("Europe/Paris");
  ASSERT_TRUE(paris.ok()) << paris.status().ToString();
  EXPECT_EQ(paris->OffsetAt(Utc(2026, 1, 15, 12)), hours(1));
  EXPECT_EQ(paris->OffsetAt(Utc(2026, 7, 15, 12)), hours(2));
  // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
  EXPECT_EQ(paris->OffsetAt(Utc(2026, 3, 29, 0, 59)), hours(1));
  EXPECT_EQ(paris->OffsetAt(Utc(2026, 3, 29, 1, 0)), hours(2));
  EXPECT_EQ(paris->OffsetAt(Utc(2026, 10, 25, 0, 59)), hours(2));
  EXPECT_EQ(paris->OffsetAt(Utc(2026, 10, 25, 1, 0)), hours(1));
  auto ny = LoadZone("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(ny->OffsetAt(Utc(2026, 1, 15, 12)), hours(-5));
  EXPECT_EQ(ny->OffsetAt(Utc(2026, 7, 15, 12)), hours(-4));
}

// After 2037 the files list no transitions; the footer's POSIX rule carries on.
TEST(TzFile, DaylightSavingRulesGoOnAfter2037) {
  auto paris = LoadZone("Europe/Paris");
  ASSERT_TRUE(paris.ok());
  EXPECT_EQ(paris->OffsetAt(Utc(2040, 3, 25, 0, 59)), hours(1));
  EXPECT_EQ(paris->OffsetAt(Utc(2040, 3, 25, 1, 0)), hours(2));
  EXPECT_EQ(paris->OffsetAt(Utc(2040, 10, 28, 0, 59)), hours(2));
  EXPECT_EQ(paris->OffsetAt(Utc(2040, 10, 28, 1, 0)), hours(1));
  EXPECT_EQ(paris->OffsetAt(Utc(2099, 3, 29, 1, 0)), hours(2));
  EXPECT_EQ(paris->OffsetAt(Utc(2099, 12, 1, 12)), hours(1));
  auto ny = LoadZone("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(ny->OffsetAt(Utc(2045, 3, 12, 6, 59)), hours(-5));
  EXPECT_EQ(ny->OffsetAt(Utc(2045, 3, 12, 7, 0)), hours(-4));
  EXPECT_EQ(ny->OffsetAt(Utc(2045, 11, 5, 5, 59)), hours(-4));
  EXPECT_EQ(ny->OffsetAt(Utc(2045, 11, 5, 6, 0)), hours(-5));
  // Southern hemisphere: summer spans the new year.
  auto sydney = LoadZone("Australia/Sydney");
  ASSERT_TRUE(sydney.ok());
  EXPECT_EQ(sydney->OffsetAt(Utc(2050, 1, 15, 12)), hours(11));
  EXPECT_EQ(sydney->OffsetAt(Utc(2050, 4, 2, 15, 59)), hours(11));
  EXPECT_EQ(sydney->OffsetAt(Utc(2050, 4, 2, 16, 0)), hours(10));
  EXPECT_EQ(sydney->OffsetAt(Utc(2050, 10, 1, 15, 59)), hours(10));
  EXPECT_EQ(sydney->OffsetAt(Utc(2050, 10, 1, 16, 0)), hours(11));
  // A zone without daylight saving stays put.
  auto tokyo = LoadZone("Asia/Tokyo");
  ASSERT_TRUE(tokyo.ok());
  EXPECT_EQ(tokyo->OffsetAt(Utc(2060, 7, 1, 0)), hours(9));
}

TEST(TzFile, ACalendarFollowsDaylightSaving) {
  core::Calendar office;
  office.always_open = false;
  office.zone = *LoadZone("Europe/Paris");
  for (int d = 0; d < 5; ++d) office.weekly[d] = {{8 * 60, 18 * 60}};
  EXPECT_TRUE(office.IsOpen(Utc(2026, 1, 15, 7, 0)));    // 08:00 CET
  EXPECT_FALSE(office.IsOpen(Utc(2026, 7, 15, 16, 0)));  // 18:00 CEST: closed
  EXPECT_TRUE(office.IsOpen(Utc(2026, 7, 15, 6, 0)));    // 08:00 CEST
}

TEST(TzFile, BadNamesAndFilesAreRefusedClearly) {
  auto unknown = LoadZone("Mars/Olympus");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("Europe/Paris"), std::string::npos);
  EXPECT_EQ(LoadZone("../../etc/passwd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadZone("/etc/passwd").status().code(), StatusCode::kInvalidArgument);
  auto nodb = LoadZone("Europe/Paris", "/nonexistent");
  EXPECT_NE(nodb.status().message().find("tzdata"), std::string::npos);
  EXPECT_FALSE(ParseTzif("TZif2", "x").ok());
  EXPECT_FALSE(ParseTzif(std::string(100, '\0'), "x").ok());
}

TEST(TzFile, GarbledFilesNeverCrash) {
  std::ifstream f(std::string(kZoneinfoRoot) + "/Europe/Paris", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 100u);
  std::mt19937 rng(9);
  for (int i = 0; i < 2000; ++i) {
    std::string b = bytes.substr(0, rng() % bytes.size());
    for (int k = 0; k < 4 && !b.empty(); ++k) b[rng() % b.size()] = static_cast<char>(rng());
    auto z = ParseTzif(b, "garbled");
    if (z.ok()) {
      EXPECT_FALSE(z->name.empty());
    }
  }
}

TEST(TzFile, ConfigurationAcceptsNamedZones) {
  EXPECT_EQ(ParseZone("Europe/Paris")->name, "Europe/Paris");
  EXPECT_EQ(ParseZone("+02:00")->initial_offset_seconds, 7200);
  EXPECT_FALSE(ParseZone("+2").ok());
}

}  // namespace
}  // namespace sb::config
