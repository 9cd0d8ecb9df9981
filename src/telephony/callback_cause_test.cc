// The callback failure table (callback_cause.h): what is retried and what ends a callback.

#include "telephony/callback_cause.h"

#include <gtest/gtest.h>

namespace sb::telephony {
namespace {

TEST(CallbackCause, BusyNoAnswerAndServersDownForNowAreRetried) {
  for (int s : {486, 600, 408, 480, 487, 603, 481, 491, 500, 502, 503, 504, 580, 699}) {
    EXPECT_FALSE(CauseOfStatus(s).permanent) << s;
  }
  EXPECT_EQ(CauseOfStatus(486).cause, "busy");
  EXPECT_EQ(CauseOfStatus(600).cause, "busy");
  EXPECT_EQ(CauseOfStatus(480).cause, "no_answer");
  EXPECT_EQ(CauseOfStatus(408).cause, "no_answer");
  EXPECT_EQ(CauseOfStatus(603).cause, "declined");
  EXPECT_EQ(CauseOfStatus(503).cause, "unavailable");
}

TEST(CallbackCause, NumbersThatCannotBeReachedAndRefusalsAreNotRetried) {
  for (int s : {404, 410, 484, 485, 604}) {
    EXPECT_TRUE(CauseOfStatus(s).permanent) << s;
    EXPECT_EQ(CauseOfStatus(s).cause, "unreachable") << s;
  }
  for (int s : {401, 402, 403, 407}) EXPECT_EQ(CauseOfStatus(s).cause, "refused") << s;
  for (int s : {488, 606, 415, 406}) EXPECT_EQ(CauseOfStatus(s).cause, "not_acceptable") << s;
  // Our own request, a redirect we do not follow, a 4xx we do not know (read as 400).
  for (int s : {400, 420, 482, 483, 501, 505, 513, 302, 499}) {
    EXPECT_TRUE(CauseOfStatus(s).permanent) << s;
    EXPECT_EQ(CauseOfStatus(s).cause, "failed") << s;
  }
}

}  // namespace
}  // namespace sb::telephony
