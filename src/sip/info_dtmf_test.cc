// DtmfFromInfo: the bodies phones send, and what is not a key.

#include "sip/info_dtmf.h"

#include <gtest/gtest.h>

#include <string>

namespace sb::sip {
namespace {

TEST(InfoDtmf, DtmfRelaySignal) {
  EXPECT_EQ(DtmfFromInfo("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"), '5');
  EXPECT_EQ(DtmfFromInfo("Application/DTMF-Relay; charset=x", "Duration=100\r\nsignal = #\r\n"),
            '#');
  EXPECT_EQ(DtmfFromInfo("application/dtmf-relay", "Signal=*"), '*');
  EXPECT_EQ(DtmfFromInfo("application/dtmf-relay", "Signal=11\r\n"), '#');
}

TEST(InfoDtmf, PlainDtmf) {
  EXPECT_EQ(DtmfFromInfo("application/dtmf", "7"), '7');
  EXPECT_EQ(DtmfFromInfo("application/dtmf", "0\r\n"), '0');
}

TEST(InfoDtmf, NotAKey) {
  EXPECT_EQ(DtmfFromInfo("text/plain", "Signal=5"), std::nullopt);
  EXPECT_EQ(DtmfFromInfo("application/dtmf-relay", "Duration=160"), std::nullopt);
  EXPECT_EQ(DtmfFromInfo("application/dtmf-relay", "Signal=A"), std::nullopt);
  EXPECT_EQ(DtmfFromInfo("application/dtmf-relay", "Signal=16"), std::nullopt);  // flash
  EXPECT_EQ(DtmfFromInfo("application/dtmf-relay", "Signal="), std::nullopt);
  EXPECT_EQ(DtmfFromInfo("application/dtmf", ""), std::nullopt);
  EXPECT_EQ(DtmfFromInfo("application/dtmf", "55"), std::nullopt);
  EXPECT_EQ(DtmfFromInfo("", "5"), std::nullopt);
  EXPECT_EQ(DtmfFromInfo("application/dtmf-relay", std::string(2000, 'x') + "\nSignal=5"),
            std::nullopt);
}

}  // namespace
}  // namespace sb::sip
