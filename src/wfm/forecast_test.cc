// ForecastDay on synthetic histories whose answer is known.

#include "wfm/forecast.h"

#include <gtest/gtest.h>

namespace sb::wfm {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

// Monday 2026-11-23 00:00 UTC.
const Time kMonday = Time(std::chrono::sys_days(std::chrono::year(2026) / 11 / 23));

// `weeks` past Mondays; calls(w, slot) for w weeks back; plus noise on other weekdays.
History Build(int weeks, double (*calls)(int w, int slot)) {
  History h;
  for (int w = 1; w <= weeks; ++w) {
    const Time day = kMonday - w * days(7);
    for (int s = 0; s < 48; ++s) {
      h.push_back({day + s * minutes(30), calls(w, s), 300});
      h.push_back({day + days(1) + s * minutes(30), 9999, 999});  // a Tuesday: ignored
    }
  }
  return h;
}

TEST(Forecast, FlatHistoryForecastsTheSame) {
  auto f = ForecastDay(Build(4, [](int, int s) { return 10.0 + s; }), kMonday);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->intervals.size(), 48u);
  EXPECT_EQ(f->weeks_used, 4);
  for (int s = 0; s < 48; ++s) {
    EXPECT_NEAR(f->intervals[s].calls, 10.0 + s, 1e-9) << s;
    EXPECT_NEAR(f->intervals[s].aht_seconds, 300, 1e-9);
    EXPECT_EQ(f->intervals[s].start, kMonday + s * minutes(30));
  }
}

TEST(Forecast, LinearGrowthIsExtrapolated) {
  // 100, 110, 120, 130 going forward in time: the next week is 140.
  auto f = ForecastDay(Build(4, [](int w, int) { return 140.0 - 10 * w; }), kMonday);
  ASSERT_TRUE(f.ok());
  for (const auto& i : f->intervals) EXPECT_NEAR(i.calls, 140, 1e-9);
}

TEST(Forecast, DecliningTrendIsClampedAtZero) {
  auto f = ForecastDay(Build(3, [](int w, int) { return 10.0 * w - 5; }), kMonday);  // 25,15,5
  ASSERT_TRUE(f.ok());
  for (const auto& i : f->intervals) EXPECT_EQ(i.calls, 0);
}

TEST(Forecast, MaxWeeksLimitsTheWindowAndMissingIntervalsAreZero) {
  History h = Build(4, [](int w, int) { return w <= 2 ? 50.0 : 1000.0; });
  auto f = ForecastDay(h, kMonday, {minutes(30), 2});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->weeks_used, 2);
  EXPECT_NEAR(f->intervals[0].calls, 50, 1e-9);
  // One week with a single point at 08:00: every other interval of that Monday had no calls.
  auto one = ForecastDay({{kMonday - days(7) + hours(8), 12, 0}}, kMonday);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->intervals[16].calls, 12);
  EXPECT_EQ(one->intervals[16].aht_seconds, 0);  // unknown
  EXPECT_EQ(one->intervals[17].calls, 0);
}

TEST(Forecast, AhtIsCallWeighted) {
  History h = {{kMonday - days(7), 30, 200}, {kMonday - days(14), 10, 600}};
  auto f = ForecastDay(h, kMonday);
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f->intervals[0].aht_seconds, (30 * 200 + 10 * 600) / 40.0, 1e-9);
}

TEST(Forecast, BadInputIsRejected) {
  EXPECT_EQ(ForecastDay({}, kMonday).status().code(), StatusCode::kNotFound);
  // Only later data, or other weekdays: nothing to go on.
  EXPECT_EQ(
      ForecastDay({{kMonday + hours(1), 5, 0}, {kMonday - days(1), 5, 0}}, kMonday).status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(ForecastDay({{kMonday - days(7), -1, 0}}, kMonday).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ForecastDay({{kMonday - days(7), 1, 0}}, kMonday, {minutes(7), 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ForecastDay({{kMonday - days(7), 1, 0}}, kMonday, {minutes(0), 0}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sb::wfm
