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
  const std::string base =
      "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n";
  auto engine = EngineSettingsFromString(base, "t.toml");
  ASSERT_TRUE(engine.ok());
  auto t = TelephonyConfigFromString(base, "t.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_FALSE(t->enabled);
  EXPECT_TRUE(t->menus.empty());
}

TEST(TelephonyConfig, DemoLoads) {
  auto engine = LoadEngineSettings(kDir + "demo.toml");
  ASSERT_TRUE(engine.ok());
  auto t = LoadTelephonyConfig(kDir + "demo.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
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
           {"[sip]\nmedia_threads = 9\n" + ok_number, "media_threads"},
           {"[sip]\nmedia_send = \"uring\"\n" + ok_number, "media_send: expected \"auto\""},
           {"[sip]\nmedia_send = 1\n" + ok_number, "media_send: expected \"auto\""},
           {"[sip]\nrtp_ports = \"30000-20000\"\n" + ok_number, "rtp_ports: expected a range"},
           {"[sip]\nno_rtp_timeout = \"0s\"\n" + ok_number, "no_rtp_timeout: expected at least"},
           {"[sip]\nqualify_every = \"500ms\"\n" + ok_number, "qualify_every: expected 0 (off)"},
           {"[sip]\nqualify_every = \"2h\"\n" + ok_number, "qualify_every: expected 0 (off)"},
           {"[sip]\nqualify_every = \"soon\"\n" + ok_number, "qualify_every: expected a dur"},
           {"[sip]\nqualify_every = true\n" + ok_number, "qualify_every: expected a duration"},
           {"[sip]\nlisten_typo = 1\n" + ok_number, "listen_typo: unknown key"},
           {"[sip]\nlanguages = \"fr\"\n" + ok_number, "languages: expected a table"},
           {"[sip]\nlanguages = { fr = \"fr\" }\n" + ok_number,
            "languages.fr: expected the absolute directory"},
           {"[sip]\nlanguages = { fr = 1 }\n" + ok_number,
            "languages.fr: expected the absolute directory"},
           {"[sip]\nlanguages = { \"f r\" = \"/x\" }\n" + ok_number, "expected a language code"},
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

const std::string kIvrBase =
    "[[queue]]\nname = \"q\"\n[[queue]]\nname = \"billing\"\n"
    "[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n";

TEST(TelephonyConfig, LanguagesMapRecordLanguagesToSoundDirectories) {
  const std::string base =
      "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n"
      "[[number]]\nnumber = \"100\"\nqueue = \"q\"\n";
  auto engine = EngineSettingsFromString(base, "t.toml");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto t = TelephonyConfigFromString(
      "[sip]\nlanguages = { fr = \"/snd/fr/\", pt-BR = \"/snd/pt\" }\n" + base, "t.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->languages,
            (std::map<std::string, std::string>{{"fr", "/snd/fr"}, {"pt-BR", "/snd/pt"}}));
}

TEST(TelephonyConfig, MediaSendIsAutoUnlessSendmmsgIsAsked) {
  const std::string base =
      "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n"
      "[[number]]\nnumber = \"100\"\nqueue = \"q\"\n";
  auto engine = EngineSettingsFromString(base, "t.toml");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto t = TelephonyConfigFromString("[sip]\n" + base, "t.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->media_io_uring);
  t = TelephonyConfigFromString("[sip]\nmedia_send = \"sendmmsg\"\n" + base, "t.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_FALSE(t->media_io_uring);
  t = TelephonyConfigFromString("[sip]\nmedia_send = \"auto\"\n" + base, "t.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->media_io_uring);
}

TEST(TelephonyConfig, QualifyEveryDefaultsTo30sAndZeroTurnsItOff) {
  const std::string base =
      "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n"
      "[[number]]\nnumber = \"100\"\nqueue = \"q\"\n";
  auto engine = EngineSettingsFromString(base, "t.toml");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto t = TelephonyConfigFromString("[sip]\n" + base, "t.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->qualify_every, std::chrono::seconds(30));
  for (const char* off : {"0", "\"0s\""}) {
    t = TelephonyConfigFromString(std::string("[sip]\nqualify_every = ") + off + "\n" + base,
                                  "t.toml", *engine);
    ASSERT_TRUE(t.ok()) << off << ": " << t.status().ToString();
    EXPECT_EQ(t->qualify_every, Duration{0}) << off;
  }
  t = TelephonyConfigFromString("[sip]\nqualify_every = \"1s\"\n" + base, "t.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->qualify_every, std::chrono::seconds(1));
}

TEST(TelephonyConfig, SessionExpiresDefaultsTo1800sZeroTurnsItOffAndBadValuesAreRefused) {
  const std::string base =
      "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n"
      "[[number]]\nnumber = \"100\"\nqueue = \"q\"\n";
  auto engine = EngineSettingsFromString(base, "t.toml");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto t = TelephonyConfigFromString("[sip]\n" + base, "t.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->session_expires, std::chrono::seconds(1800));
  for (const auto& [value, expected] :
       std::vector<std::pair<std::string, Duration>>{{"0", Duration{0}},
                                                     {"\"90s\"", std::chrono::seconds(90)},
                                                     {"\"1h\"", std::chrono::hours(1)},
                                                     {"\"24h\"", std::chrono::hours(24)}}) {
    t = TelephonyConfigFromString("[sip]\nsession_expires = " + value + "\n" + base, "t.toml",
                                  *engine);
    ASSERT_TRUE(t.ok()) << value << ": " << t.status().ToString();
    EXPECT_EQ(t->session_expires, expected) << value;
  }
  for (const char* bad : {"\"89s\"", "\"25h\"", "\"90500ms\"", "\"soon\"", "true", "-5"}) {
    t = TelephonyConfigFromString(std::string("[sip]\nsession_expires = ") + bad + "\n" + base,
                                  "t.toml", *engine);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find("t.toml:2"), std::string::npos) << t.status().message();
    EXPECT_NE(t.status().message().find("session_expires"), std::string::npos)
        << t.status().message();
  }
}

TEST(TelephonyConfig, IvrMenusAndAnnouncements) {
  auto engine = EngineSettingsFromString(kIvrBase, "t.toml");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  const std::string toml = R"(
[sip]
sounds = "/snd/"
closed_message = ["closed.wav", "/abs/bye.wav"]
[[sip.ivr]]
name = "main"
prompt = ["welcome.wav", "/abs/options.wav"]
timeout = "3s"
retries = 1
choices = { "1" = { queue = "q" }, "2" = { menu = "billing" }, "#" = { callback = true, queue = "q" }, "3" = { collect = "id", then_queue = "billing", max_digits = 12, prompt = ["enter.wav"] } }
default = { queue = "q" }
[[sip.ivr]]
name = "billing"
prompt = ["billing.wav"]
choices = { "0" = { menu = "main" }, "9" = { collect = "pin", then_queue = "q", max_digits = 4 } }
[[number]]
number = "100"
ivr = "main"
announce_every = "30s"
[[number]]
number = "200"
queue = "q"
)";
  auto t = TelephonyConfigFromString(kIvrBase + toml, "t.toml", *engine);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->sounds, "/snd");
  EXPECT_EQ(t->closed_message, (std::vector<std::string>{"/snd/closed.wav", "/abs/bye.wav"}));
  EXPECT_EQ(t->full_message[0], "/snd/all-circuits-busy-now.wav");
  EXPECT_EQ(t->callback_offer_message[1], "/snd/digits/1.wav");
  ASSERT_EQ(t->menus.size(), 2u);
  const IvrMenu& m = t->menus[0];
  EXPECT_EQ(m.name, "main");
  EXPECT_EQ(m.prompt, (std::vector<std::string>{"/snd/welcome.wav", "/abs/options.wav"}));
  EXPECT_EQ(m.timeout, std::chrono::seconds(3));
  EXPECT_EQ(m.retries, 1);
  ASSERT_EQ(m.choices.size(), 4u);
  EXPECT_EQ(m.choices.at('1').kind, IvrChoice::Kind::kQueue);
  EXPECT_EQ(m.choices.at('1').target, "q");
  EXPECT_EQ(m.choices.at('2').kind, IvrChoice::Kind::kMenu);
  EXPECT_EQ(m.choices.at('2').target, "billing");
  EXPECT_EQ(m.choices.at('#').kind, IvrChoice::Kind::kCallback);
  const IvrChoice& collect = m.choices.at('3');
  EXPECT_EQ(collect.kind, IvrChoice::Kind::kCollect);
  EXPECT_EQ(collect.target, "billing");
  EXPECT_FALSE(collect.pin);
  EXPECT_EQ(collect.max_digits, 12);
  EXPECT_EQ(collect.prompt, (std::vector<std::string>{"/snd/enter.wav"}));
  EXPECT_TRUE(m.has_fallback);
  EXPECT_EQ(m.fallback.target, "q");
  EXPECT_FALSE(t->menus[1].has_fallback);
  EXPECT_EQ(t->menus[1].timeout, std::chrono::seconds(5));
  EXPECT_TRUE(t->menus[1].choices.at('9').pin);
  ASSERT_EQ(t->numbers.size(), 2u);
  EXPECT_EQ(t->numbers[0].ivr, "main");
  EXPECT_EQ(t->numbers[0].queue, "");
  EXPECT_EQ(t->numbers[0].announce_every, std::chrono::seconds(30));
  EXPECT_EQ(t->numbers[1].announce_every, Duration{0});
}

TEST(TelephonyConfig, IvrRefusalsNameTheFileLineAndField) {
  auto engine = EngineSettingsFromString(kIvrBase, "t.toml");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  struct Case {
    std::string toml, fragment;
  };
  const std::string num = "[[number]]\nnumber = \"100\"\nivr = \"main\"\n";
  auto menu = [](const std::string& name, const std::string& rest) {
    return "[[sip.ivr]]\nname = \"" + name + "\"\nprompt = [\"p.wav\"]\n" + rest;
  };
  const std::string ok_choices = "choices = { \"1\" = { queue = \"q\" } }\n";
  for (const Case& c : std::vector<Case>{
           {"[sip]\n" + menu("main", ok_choices) + "[[number]]\nnumber = \"100\"\n",
            "give either queue"},
           {"[sip]\n" + menu("main", ok_choices) +
                "[[number]]\nnumber = \"100\"\nqueue = \"q\"\nivr = \"main\"\n",
            "give either queue"},
           {"[sip]\n" + menu("main", ok_choices) + "[[number]]\nnumber = \"100\"\nivr = \"nope\"\n",
            "ivr: no [[sip.ivr]] menu named 'nope'"},
           {"[sip]\n" + menu("main", ok_choices) + num + "announce_every = \"2s\"\n",
            "announce_every: expected 5s to 1h"},
           {"[sip]\n[[sip.ivr]]\nname = \"main\"\n" + ok_choices + num,
            "'main': prompt: is required"},
           {"[sip]\n" + menu("main", "") + num, "choices: is required"},
           {"[sip]\n" + menu("main", ok_choices) + menu("main", ok_choices) + num,
            "declared already"},
           {"[sip]\n" + menu("main", "choices = { \"12\" = { queue = \"q\" } }\n") + num,
            "expected keys 0-9, * or #"},
           {"[sip]\n" + menu("main", "choices = { \"A\" = { queue = \"q\" } }\n") + num,
            "expected keys 0-9, * or #"},
           {"[sip]\n" + menu("main", "choices = { \"1\" = { queue = \"nope\" } }\n") + num,
            "choices: \"1\": queue: no queue named 'nope'"},
           {"[sip]\n" + menu("main", "choices = { \"1\" = { menu = \"nope\" } }\n") + num,
            "choices: \"1\": menu: no [[sip.ivr]] menu named 'nope'"},
           {"[sip]\n" + menu("main", "choices = { \"1\" = { queue = \"q\", menu = \"main\" } }\n") +
                num,
            "exactly one of"},
           {"[sip]\n" + menu("main", "choices = { \"1\" = \"q\" }\n") + num, "expected a table"},
           {"[sip]\n" +
                menu("main", "choices = { \"1\" = { collect = \"id\", then_queue = \"q\" } }\n") +
                num,
            "max_digits: is required"},
           {"[sip]\n" +
                menu("main",
                     "choices = { \"1\" = { collect = \"id\", then_queue = \"q\", max_digits = 99 "
                     "} }\n") +
                num,
            "max_digits: expected an integer in 1..32"},
           {"[sip]\n" +
                menu("main",
                     "choices = { \"1\" = { collect = \"acct\", then_queue = \"q\", max_digits = 4 "
                     "} }\n") +
                num,
            "collect: expected \"id\""},
           {"[sip]\n" + menu("main", "choices = { \"1\" = { queue = \"q\", max_digits = 4 } }\n") +
                num,
            "max_digits: goes with collect only"},
           {"[sip]\n" +
                menu("main", "choices = { \"1\" = { callback = false, queue = \"q\" } }\n") + num,
            "callback: expected true"},
           {"[sip]\n" + menu("main", ok_choices + "timeout = \"0s\"\n") + num,
            "timeout: expected 1s to 60s"},
           {"[sip]\n" + menu("main", ok_choices + "retries = 11\n") + num,
            "retries: expected an integer"},
           {"[sip]\n" + menu("main", ok_choices + "prompt_typo = 1\n") + num,
            "prompt_typo: unknown key"},
           {"[sip]\n" + menu("main", ok_choices + "default = { menu = \"main\" }\n") + num,
            "lead back to menu 'main'"},
           {"[sip]\n" + menu("main", ok_choices + "default = { menu = \"b\" }\n") +
                menu("b", ok_choices + "default = { menu = \"main\" }\n") + num,
            "lead back to menu"},
           {"[sip]\nclosed_message = []\n" + menu("main", ok_choices) + num,
            "closed_message: expected 1 to 16 WAV files"},
           {"[sip]\nsounds = \"relative\"\n" + menu("main", ok_choices) + num,
            "sounds: expected an absolute directory"},
       }) {
    auto t = TelephonyConfigFromString(kIvrBase + c.toml, "t.toml", *engine);
    ASSERT_FALSE(t.ok()) << c.toml;
    EXPECT_NE(t.status().message().find(c.fragment), std::string::npos)
        << c.toml << " -> " << t.status().message();
    EXPECT_NE(t.status().message().find("t.toml:"), std::string::npos) << t.status().message();
  }
  // A menu that leads back to itself through a key (with input) is fine: the caller chose it.
  auto t = TelephonyConfigFromString(
      kIvrBase + "[sip]\n" + menu("main", "choices = { \"0\" = { menu = \"main\" } }\n") + num,
      "t.toml", *engine);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
}

}  // namespace
}  // namespace sb::config
