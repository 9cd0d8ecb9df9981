// [sip], [[trunk]], [[number]], [[phone]]: the load configuration and each refusal.

#include <gtest/gtest.h>

#include "config/config.h"

namespace sb::config {
namespace {

const std::string kDir = std::string(SB_SOURCE_DIR) + "/configs/";

TEST(TelephonyConfig, SipLoadHasItsNumbersAndStaticPhonesOnCyclingPorts) {
  auto engine = LoadEngineSettings(kDir + "sip-load.toml");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto t = LoadTelephonyConfig(kDir + "sip-load.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->enabled);
  EXPECT_EQ(t->port, 5060);
  EXPECT_EQ(t->rtp_min, 10000);
  ASSERT_EQ(t->numbers.size(), 3u);
  EXPECT_EQ(t->numbers[0].number, "support");
  ASSERT_EQ(t->phones.size(), 820u);
  EXPECT_EQ(t->phones[0].agent, "agent0001");
  EXPECT_EQ(t->phones[0].contact, "sip:agent0001@127.0.0.1:5070");
  EXPECT_EQ(t->phones[1].contact, "sip:agent0002@127.0.0.1:5071");
  EXPECT_EQ(t->phones[4].contact, "sip:agent0005@127.0.0.1:5070");
  EXPECT_EQ(t->phones[799].agent, "agent0800");
  EXPECT_TRUE(t->phones[799].ready);
  EXPECT_EQ(t->phones[800].agent, "ring0001");
}

TEST(TelephonyConfig, WithoutSipNothingIsEnabled) {
  auto engine = LoadEngineSettings(kDir + "demo.toml");
  ASSERT_TRUE(engine.ok());
  auto t = LoadTelephonyConfig(kDir + "demo.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_FALSE(t->enabled);
}

TEST(TelephonyConfig, RefusalsNameTheField) {
  const std::string base =
      "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n";
  auto engine = EngineSettingsFromString(base, "t.toml");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  struct Case {
    std::string toml, fragment;
  };
  const std::string ok_number = "[[number]]\nnumber = \"100\"\nqueue = \"q\"\n";
  for (const Case& c : std::vector<Case>{
           {"[sip]\nlisten = \"localhost\"\n" + ok_number, "listen: expected a numeric"},
           {"[sip]\nport = 70000\n" + ok_number, "port"},
           {"[sip]\nrtp_ports = \"30000-20000\"\n" + ok_number, "rtp_ports: expected a range"},
           {"[sip]\nno_rtp_timeout = \"0s\"\n" + ok_number, "no_rtp_timeout: expected at least"},
           {"[sip]\nlisten_typo = 1\n" + ok_number, "listen_typo: unknown key"},
           {"[sip]\n", "no [[number]]"},
           {"[[number]]\nnumber = \"1 00\"\nqueue = \"q\"\n", "number: expected 1 to 64"},
           {"[[number]]\nnumber = \"100\"\nqueue = \"nope\"\n", "no queue named 'nope'"},
           {ok_number + ok_number, "declared already"},
           {"[[trunk]]\nname = \"t\"\nallow = [\"example.com\"]\n", "expected numeric IP"},
           {"[[trunk]]\nname = \"t\"\n", "allow: expected the peer's addresses"},
           {"[[phone]]\nagent = \"bob\"\ncontact = \"sip:bob@192.0.2.1\"\n", "names no agent"},
           {"[[phone]]\nagent = \"alice\"\ncontact = \"tel:1\"\n", "contact: expected a SIP URI"},
           {"[[phone]]\nagent = \"alice\"\ncontact = \"sip:a@h:{port}\"\n", "{port}"},
           {"[[phone]]\nagent = \"alice\"\nprefix = \"a\"\ncontact = \"sip:a@h\"\n",
            "either agent"},
       }) {
    auto t = TelephonyConfigFromString(base + c.toml, "t.toml", *engine);
    ASSERT_FALSE(t.ok()) << c.toml;
    EXPECT_NE(t.status().message().find(c.fragment), std::string::npos)
        << c.toml << " -> " << t.status().message();
    EXPECT_NE(t.status().message().find("t.toml"), std::string::npos) << t.status().message();
  }
}

}  // namespace
}  // namespace sb::config
