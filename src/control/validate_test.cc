// The front door's checks, field by field.

#include "control/validate.h"

#include <gtest/gtest.h>

namespace sb::control {
namespace {

TEST(Validate, TextFields) {
  EXPECT_TRUE(CheckField("agent", "sup-001", 128, true).ok());
  EXPECT_TRUE(CheckField("agent", "Zoë", 128, true).ok());
  EXPECT_EQ(CheckField("agent", "", 128, true).message(), "agent: is required");
  EXPECT_TRUE(CheckField("agent", "", 128, false).ok());
  EXPECT_EQ(CheckField("agent", std::string(129, 'a'), 128, true).message(),
            "agent: 129 bytes long; at most 128");
  EXPECT_EQ(CheckField("agent", "\xc0\x80", 128, true).message(), "agent: not valid UTF-8");
  EXPECT_EQ(CheckField("agent", "\xff", 128, true).message(), "agent: not valid UTF-8");
  EXPECT_EQ(CheckField("notes", std::string("a\0b", 3), 128, true).message(),
            "notes: holds a control character (byte 0)");
  EXPECT_TRUE(CheckField("notes", "a\nb\tc", 128, true, /*multiline=*/true).ok());
  EXPECT_FALSE(CheckField("agent", "a\nb", 128, true).ok());
}

TEST(Validate, CallerNumbers) {
  for (const char* ok : {"", "+33612345678", "06 12 34 56 78", "(555) 123-4567", "*31#"}) {
    EXPECT_TRUE(CheckCaller("caller", ok).ok()) << ok;
  }
  for (const char* bad : {"sip:alice@example.com", "06 12 34 56 78 x", "'; DROP TABLE"}) {
    EXPECT_FALSE(CheckCaller("caller", bad).ok()) << bad;
  }
  EXPECT_FALSE(CheckCaller("caller", std::string(65, '1')).ok());
}

TEST(Validate, Ranges) {
  EXPECT_TRUE(CheckRange("reason", 254, 0, 254).ok());
  EXPECT_EQ(CheckRange("reason", 255, 0, 254).message(), "reason: 255 is outside 0..254");
  EXPECT_EQ(CheckRange("priority", INT64_MIN, -5, 5).code(), StatusCode::kOutOfRange);
}

TEST(Validate, EveryCommandHasAName) {
  EXPECT_EQ(CommandName(Command{Login{}}), "login");
  EXPECT_EQ(CommandName(Command{OpenCase{}}), "case.open");
  EXPECT_EQ(CommandName(Command{GetPosition{}}), "position");
}

}  // namespace
}  // namespace sb::control

#include "control/log_clock.h"

namespace sb::control {
namespace {

TEST(LogClock, FollowsTheWallClockForwardButNeverBack) {
  const Time t0 = FromMillis(1'795'420'800'000);
  LogClock clock(t0 - 10s);  // the stored log ends before now
  EXPECT_EQ(clock.Now(t0, Duration(1000)), t0);
  EXPECT_EQ(clock.Now(t0 + 1s, Duration(2000)), t0 + 1s);
  // The wall clock steps back an hour: time goes on at the monotonic clock's pace.
  EXPECT_EQ(clock.Now(t0 - 3600s, Duration(3000)), t0 + 2s);
  EXPECT_EQ(clock.Now(t0 - 3599s, Duration(4500)), t0 + 3500ms);
  // A step forward is followed at once.
  EXPECT_EQ(clock.Now(t0 + 60s, Duration(4600)), t0 + 60s);
  // A log that ends in the future (the wall clock was ahead when it was written) is the floor.
  LogClock ahead(t0 + 100s);
  EXPECT_EQ(ahead.Now(t0, Duration(0)), t0 + 100s);
  EXPECT_EQ(ahead.Now(t0 + 1s, Duration(1000)), t0 + 101s);
}

}  // namespace
}  // namespace sb::control
