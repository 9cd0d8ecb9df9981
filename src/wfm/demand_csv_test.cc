// ParseDemandCsv: both time formats, and errors that name the line.

#include "wfm/demand_csv.h"

#include <gtest/gtest.h>

namespace sb::wfm {
namespace {

TEST(DemandCsv, ReadsWeekdayAndIsoRows) {
  auto w = ParseDemandCsv(
      "# demo\ninterval_start,calls,aht_seconds\nMon 08:00,112,300\r\n\n"
      "2026-11-24T09:30,40.5,280\nSun 23:30, 3 , 310\n");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->rows, 3);
  ASSERT_EQ(w->periods.size(), 7u * 48);
  EXPECT_EQ(w->periods[16].calls, 112);
  EXPECT_EQ(w->periods[16].aht, 300);
  EXPECT_EQ(w->periods[48 + 19].calls, 40.5);  // 2026-11-24 is a Tuesday
  EXPECT_EQ(w->periods[6 * 48 + 47].aht, 310);
  EXPECT_EQ(w->periods[17].calls, 0);  // no row: no calls
}

void ExpectError(std::string_view text, const std::string& fragment) {
  auto w = ParseDemandCsv(text);
  ASSERT_FALSE(w.ok()) << text;
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find(fragment), std::string::npos) << w.status().message();
}

TEST(DemandCsv, ErrorsNameTheLineAndTheExpectation) {
  ExpectError("Mon 08:00,1,300\nMon 08:30,1\n", "line 2: expected 3 columns");
  ExpectError("Mon 08:00,1,300,4\n", "line 1: expected 3 columns");
  ExpectError("Monday 08:00,1,300\n", "line 1: interval_start \"Monday 08:00\" is not like");
  ExpectError("Mon 25:00,1,300\n", "line 1: interval_start");
  ExpectError("2026-02-30T08:00,1,300\n", "line 1: interval_start");
  ExpectError("Mon 08:10,1,300\n", "line 1: Mon 08:10 is not on a 30-minute boundary");
  ExpectError("Mon 08:00,-1,300\n", "line 1: calls must be a number >= 0");
  ExpectError("Mon 08:00,many,300\n", "line 1: calls must be");
  ExpectError("Mon 08:00,5,0\n", "line 1: aht_seconds must be a number > 0");
  ExpectError("Mon 08:00,5,300\n\nMon 08:00,6,300\n",
              "line 3: interval Mon 08:00 was already "
              "given on line 1");
  ExpectError("# nothing\n", "no data rows");
  EXPECT_FALSE(ParseDemandCsv("Mon 08:00,1,300", 7).ok());
}

}  // namespace
}  // namespace sb::wfm
