// [[trunk]] outbound (callbacks): the keys, the choice of the callback trunk, and each refusal;
// no message ever shows a password.

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "config/config.h"

namespace sb::config {
namespace {

const std::string kBase =
    "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n"
    "[sip]\n[[number]]\nnumber = \"100\"\nqueue = \"q\"\n";

core::EngineSettings Engine() {
  auto e = EngineSettingsFromString(kBase, "t.toml");
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return *e;
}

TEST(TrunkConfig, OutboundKeysAndTheFirstOutboundTrunkDialsCallbacks) {
  const std::string toml = kBase + R"(
[[trunk]]
name = "in-only"
allow = ["192.0.2.1"]
[[trunk]]
name = "carrier"
outbound = "sip:sbc.example.net:5080;transport=tcp"
username = "acct-17"
password = "s3cret!pw"
from_number = "+33180000000"
strip = "0"
prefix = "+33"
ring_timeout = "20s"
[[trunk]]
name = "v6"
outbound = "sip:[2001:db8::1]"
from_number = "100"
)";
  auto t = TelephonyConfigFromString(toml, "t.toml", Engine());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->trunks.size(), 3u);
  EXPECT_TRUE(t->trunks[0].outbound.empty());
  const TrunkConfig& c = t->trunks[1];
  EXPECT_TRUE(c.allow.empty());
  EXPECT_EQ(c.outbound_host, "sbc.example.net:5080");
  EXPECT_EQ(c.outbound_params, ";transport=tcp");
  EXPECT_EQ(c.username, "acct-17");
  EXPECT_EQ(c.password, "s3cret!pw");
  EXPECT_EQ(c.from_number, "+33180000000");
  EXPECT_EQ(c.strip, "0");
  EXPECT_EQ(c.prefix, "+33");
  EXPECT_EQ(c.ring_timeout, std::chrono::seconds(20));
  EXPECT_EQ(t->trunks[2].outbound_host, "[2001:db8::1]");
  EXPECT_EQ(t->trunks[2].ring_timeout, std::chrono::seconds(25));
  EXPECT_EQ(t->callback_trunk, 1);

  auto named = TelephonyConfigFromString(
      "[sip]\ncallback_trunk = \"v6\"\n" + toml.substr(toml.find("[[number]]")), "t.toml",
      Engine());
  // kBase's [sip] comes first in `toml`; this one names the trunk explicitly.
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ(named->callback_trunk, 2);

  auto none = TelephonyConfigFromString(kBase, "t.toml", Engine());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->callback_trunk, -1);
}

TEST(TrunkConfig, PasswordFromAFile) {
  char path[] = "/tmp/sb-trunk-pw-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string body = "from-file-pw\r\nignored second line\n";
  ASSERT_EQ(write(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
  close(fd);
  const std::string trunk =
      "[[trunk]]\nname = \"c\"\noutbound = \"sip:192.0.2.9\"\n"
      "from_number = \"100\"\nusername = \"u\"\npassword_file = \"" +
      std::string(path) + "\"\n";
  auto t = TelephonyConfigFromString(kBase + trunk, "t.toml", Engine());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->trunks[0].password, "from-file-pw");
  std::remove(path);
  auto gone = TelephonyConfigFromString(kBase + trunk, "t.toml", Engine());
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("password_file: cannot read"), std::string::npos)
      << gone.status().message();
}

TEST(TrunkConfig, RefusalsNameTheLineAndFieldAndNeverShowThePassword) {
  const std::string head = "[[trunk]]\nname = \"c\"\n";
  const std::string out = "outbound = \"sip:192.0.2.9:5060\"\nfrom_number = \"100\"\n";
  struct Case {
    std::string toml, fragment;
  };
  for (const Case& c : std::vector<Case>{
           {head, "allow: expected the peer's addresses"},
           {head + "allow = []\n" + out, "allow: expected the peer's addresses"},
           {head + "outbound = \"192.0.2.9\"\nfrom_number = \"1\"\n", "outbound: expected"},
           {head + "outbound = \"sip:user@192.0.2.9\"\nfrom_number = \"1\"\n", "no user part"},
           {head + "outbound = \"sip:192.0.2.9:99999\"\nfrom_number = \"1\"\n", "outbound"},
           {head + "outbound = \"sip:192.0.2.9;lr\"\nfrom_number = \"1\"\n", "outbound"},
           {head + "outbound = \"sip:[::1\"\nfrom_number = \"1\"\n", "outbound"},
           {head + "outbound = \"sip:bad host\"\nfrom_number = \"1\"\n", "outbound"},
           {head + "outbound = \"sip:192.0.2.9\"\n", "from_number: is required"},
           {head + out.substr(0, out.find('\n') + 1) + "from_number = \"1 2\"\n",
            "from_number: expected the caller-ID"},
           {head + "allow = [\"192.0.2.1\"]\nusername = \"u\"\n", "username: goes with outbound"},
           {head + out + "username = \"u\"\n", "username and password"},
           {head + out + "password = \"pw-alone\"\n", "username and password"},
           {head + out + "username = \"a:b\"\npassword = \"pw\"\n", "username: expected"},
           {head + out + "username = \"u\"\npassword = \"pw\"\npassword_file = \"/x\"\n",
            "not both"},
           {head + out + "username = \"u\"\npassword_file = \"rel\"\n", "absolute path"},
           {head + out + "strip = \"a\"\n", "strip: expected up to 16"},
           {head + out + "prefix = \"00000000000000000\"\n", "prefix: expected up to 16"},
           {head + out + "ring_timeout = \"10m\"\n", "ring_timeout: expected 1s to 5m"},
           {head + out + "typo = 1\n", "typo: unknown key"},
           {"[sip]\nno_rtp_timeout = \"20s\"\n" + head + out + "ring_timeout = \"20s\"\n",
            "ring_timeout: must be shorter than [sip] no_rtp_timeout (20s)"},
           {"[sip]\ncallback_trunk = \"nope\"\n" + head + out, "callback_trunk: no [[trunk]]"},
           {"[sip]\ncallback_trunk = \"c\"\n" + head + "allow = [\"192.0.2.1\"]\n",
            "callback_trunk: trunk 'c' has no outbound"},
       }) {
    std::string toml = c.toml;
    if (toml.rfind("[sip]", 0) != 0) {
      toml = kBase + toml;
    } else {
      toml = "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n" + toml +
             "[[number]]\nnumber = \"100\"\nqueue = \"q\"\n";
    }
    auto t = TelephonyConfigFromString(toml, "t.toml", Engine());
    EXPECT_FALSE(t.ok()) << toml;
    if (t.ok()) continue;
    EXPECT_NE(t.status().message().find(c.fragment), std::string::npos)
        << toml << " -> " << t.status().message();
    EXPECT_NE(t.status().message().find("t.toml:"), std::string::npos) << t.status().message();
  }
  // Bad passwords: refused, and the message never quotes them.
  for (const std::string& pw : std::vector<std::string>{
           "\"has:colon-Secret9\"", "12345678901", "\"\"", "\"" + std::string(129, 'x') + "\""}) {
    auto t = TelephonyConfigFromString(
        kBase + head + out + "username = \"u\"\npassword = " + pw + "\n", "t.toml", Engine());
    EXPECT_FALSE(t.ok()) << pw;
    if (t.ok()) continue;
    const std::string& m = t.status().message();
    EXPECT_NE(m.find("password: expected"), std::string::npos) << m;
    EXPECT_NE(m.find("t.toml:"), std::string::npos) << m;
    EXPECT_EQ(m.find("Secret9"), std::string::npos) << m;
    EXPECT_EQ(m.find("12345678901"), std::string::npos) << m;
    EXPECT_EQ(m.find("xxxxxxxx"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace sb::config
