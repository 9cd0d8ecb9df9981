#include "core/calendar.h"

#include <gtest/gtest.h>

namespace sb::core {
namespace {

using namespace std::chrono;

Time Utc(int y, unsigned m, unsigned d, int hh, int mm) {
  return time_point_cast<milliseconds>(sys_days{year{y} / m / d} + hours{hh} + minutes{mm});
}

Calendar Office() {
  Calendar c;
  c.name = "office";
  c.always_open = false;
  c.zone.name = "Europe/Paris";
  c.zone.initial_offset_seconds = 3600;
  // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
  c.zone.transitions = {{ToMillis(Utc(2026, 3, 29, 1, 0)) / 1000, 7200},
                        {ToMillis(Utc(2026, 10, 25, 1, 0)) / 1000, 3600}};
  for (int d = 0; d < 5; ++d) c.weekly[d] = {{8 * 60, 12 * 60}, {13 * 60, 17 * 60}};
  c.holidays = {sys_days{year{2026} / 12 / 25}};
  return c;
}

TEST(Calendar, OpensInLocalTimeAcrossDaylightSaving) {
  const Calendar c = Office();
  EXPECT_TRUE(c.IsOpen(Utc(2026, 11, 23, 7, 0)));    // Mon 08:00 Paris (UTC+1)
  EXPECT_FALSE(c.IsOpen(Utc(2026, 11, 23, 6, 59)));  // 07:59
  EXPECT_TRUE(c.IsOpen(Utc(2026, 7, 15, 6, 0)));     // Wed 08:00 Paris (UTC+2)
  EXPECT_FALSE(c.IsOpen(Utc(2026, 7, 15, 10, 30)));  // 12:30 lunch
  EXPECT_FALSE(c.IsOpen(Utc(2026, 11, 28, 10, 0)));  // Saturday
  EXPECT_FALSE(c.IsOpen(Utc(2026, 12, 25, 10, 0)));  // holiday
  EXPECT_DOUBLE_EQ(c.WeeklyOpenHours(), 40.0);
}

TEST(Calendar, AlwaysOpen) {
  Calendar c;
  EXPECT_TRUE(c.IsOpen(Utc(2026, 12, 25, 3, 0)));
  EXPECT_DOUBLE_EQ(c.WeeklyOpenHours(), 168.0);
}

}  // namespace
}  // namespace sb::core
