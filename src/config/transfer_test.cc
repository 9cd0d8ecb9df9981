// [sip.transfer] (blind transfers to numbers) and [[trunk]] inbound_user / inbound_ha1 (digest
// authentication of the trunk's calls): what they read, and each refusal with file:line:field.

#include <gtest/gtest.h>

#include "config/config.h"

namespace sb::config {
namespace {

const std::string kEngine =
    "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n";
const std::string kNumber = "[[number]]\nnumber = \"100\"\nqueue = \"q\"\n";
const std::string kOut =
    "[[trunk]]\nname = \"carrier\"\noutbound = \"sip:192.0.2.9\"\nfrom_number = \"100\"\n";
const std::string kHa1 = "0123456789abcdef0123456789abcdef";

core::EngineSettings Engine() {
  auto e = EngineSettingsFromString(kEngine, "t.toml");
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return *e;
}

Result<TelephonyConfig> Load(const std::string& body) {
  return TelephonyConfigFromString(kEngine + "[sip]\n" + kNumber + body, "t.toml", Engine());
}

TEST(TransferConfig, DefaultsToTheCallbackTrunkAndNoDestination) {
  auto t = Load(kOut);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->transfer_trunk, 0);
  EXPECT_TRUE(t->transfer_allow.empty());
  EXPECT_FALSE(t->transfer_caller_id);
  EXPECT_TRUE(t->transfer_return);  // a failed transfer out returns the caller to its queue
  auto none = Load("");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->transfer_trunk, -1);
}

TEST(TransferConfig, ReadsTrunkAllowAndCallerId) {
  auto t = Load(kOut +
                "[[trunk]]\nname = \"other\"\noutbound = \"sip:192.0.2.10\"\nfrom_number = \"1\"\n"
                "[sip.transfer]\ntrunk = \"other\"\nallow = [\"+33612345678\", \"0800*\"]\n"
                "caller_id = \"caller\"\non_failure = \"hangup\"\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_FALSE(t->transfer_return);
  EXPECT_EQ(t->transfer_trunk, 1);
  EXPECT_EQ(t->callback_trunk, 0);
  EXPECT_EQ(t->transfer_allow, (std::vector<std::string>{"+33612345678", "0800*"}));
  EXPECT_TRUE(t->transfer_caller_id);
}

TEST(TrunkAuthConfig, InboundUserAndHa1AloneOrWithTheAllowList) {
  auto t = Load("[[trunk]]\nname = \"a\"\ninbound_user = \"carrier-2\"\ninbound_ha1 = \"" + kHa1 +
                "\"\n[[trunk]]\nname = \"b\"\nallow = [\"192.0.2.7\"]\ninbound_user = \"c3\"\n"
                "inbound_ha1 = \"" +
                kHa1 + "\"\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->trunks.size(), 2u);
  EXPECT_TRUE(t->trunks[0].allow.empty());
  EXPECT_EQ(t->trunks[0].inbound_user, "carrier-2");
  EXPECT_EQ(t->trunks[0].inbound_ha1, kHa1);
  EXPECT_EQ(t->trunks[1].allow, (std::vector<std::string>{"192.0.2.7"}));
}

TEST(TransferConfig, RefusalsNameTheLineAndField) {
  const std::string in = "[[trunk]]\nname = \"a\"\n";
  struct Case {
    std::string body, fragment;
  };
  for (const Case& c : std::vector<Case>{
           {"[sip.transfer]\nallow = [\"0612\"]\n", "sip.transfer: allow: no trunk takes"},
           {kOut + "[sip.transfer]\ntrunk = \"nope\"\n", "trunk: no [[trunk]] named 'nope'"},
           {kOut + in + "allow = [\"192.0.2.1\"]\n[sip.transfer]\ntrunk = \"a\"\n",
            "trunk: trunk 'a' has no outbound"},
           {kOut + "[sip.transfer]\nallow = [\"sip:x@y\"]\n", "allow: expected numbers"},
           {kOut + "[sip.transfer]\nallow = [\"*\"]\n", "allow: expected numbers"},
           {kOut + "[sip.transfer]\nallow = [\"\"]\n", "allow: expected numbers"},
           {kOut + "[sip.transfer]\ncaller_id = \"mine\"\n", "caller_id: expected \"trunk\""},
           {kOut + "[sip.transfer]\ntypo = 1\n", "typo: unknown key"},
           {kOut + "[sip.transfer]\non_failure = \"retry\"\n", "on_failure: expected \"return\""},
           {kOut + "[sip.transfer]\non_failure = 1\n", "on_failure"},
           {in + "inbound_user = \"u\"\n", "inbound_ha1: inbound_user and inbound_ha1 go"},
           {in + "inbound_ha1 = \"" + kHa1 + "\"\n", "inbound_user: inbound_user and"},
           {in + "inbound_user = \"a b\"\ninbound_ha1 = \"" + kHa1 + "\"\n",
            "inbound_user: expected 1 to 64"},
           {in + "inbound_user = \"u\"\ninbound_ha1 = \"0123\"\n", "inbound_ha1: expected 32"},
           {in + "inbound_user = \"u\"\ninbound_ha1 = \"" + std::string(32, 'A') + "\"\n",
            "inbound_ha1: expected 32"},
       }) {
    auto t = Load(c.body);
    EXPECT_FALSE(t.ok()) << c.body;
    if (t.ok()) continue;
    EXPECT_NE(t.status().message().find(c.fragment), std::string::npos)
        << t.status().message() << "\nwanted: " << c.fragment;
    EXPECT_EQ(t.status().message().rfind("t.toml:", 0), 0u) << t.status().message();
  }
}

}  // namespace
}  // namespace sb::config
