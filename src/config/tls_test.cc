// [sip] tls_port, tls_certificate, tls_key and srtp; [[trunk]] and [[phone]] srtp. The
// certificates are made here with OpenSSL (a fresh EC key and a self-signed certificate per
// test) in a temporary directory; no key is committed.

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "config/config.h"

namespace sb::config {
namespace {

const std::string kBase =
    "[[queue]]\nname = \"q\"\n[[agent]]\nname = \"alice\"\nqueues = { q = 1 }\n"
    "[[number]]\nnumber = \"100\"\nqueue = \"q\"\n";

core::EngineSettings Engine() {
  auto e = EngineSettingsFromString(kBase, "t.toml");
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return *e;
}

// A key and a self-signed certificate valid from now + `from_days` for `days` days.
struct Pair {
  std::string cert, key;
};

class TlsFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sb-tls-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Pair Make(const std::string& name, long from_days = 0, long days = 30, bool encrypt = false) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    EXPECT_NE(key, nullptr);
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), from_days * 86400L);
    X509_gmtime_adj(X509_getm_notAfter(x), (from_days + days) * 86400L);
    X509_set_pubkey(x, key);
    X509_NAME* n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("switchboard.test"), -1, -1,
                               0);
    X509_set_issuer_name(x, n);
    EXPECT_GT(X509_sign(x, key, EVP_sha256()), 0);
    Pair p{dir_ + "/" + name + ".crt", dir_ + "/" + name + ".key"};
    FILE* f = std::fopen(p.cert.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(p.key.c_str(), "w");
    if (encrypt) {
      PEM_write_PrivateKey(f, key, EVP_aes_128_cbc(), nullptr, 0, nullptr,
                           const_cast<char*>("pass"));
    } else {
      PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    }
    std::fclose(f);
    X509_free(x);
    EVP_PKEY_free(key);
    return p;
  }

  Result<TelephonyConfig> Load(const std::string& sip) {
    return TelephonyConfigFromString(kBase + "[sip]\n" + sip, "t.toml", Engine());
  }

  std::string dir_;
};

std::string Files(const Pair& p) {
  return "tls_certificate = \"" + p.cert + "\"\ntls_key = \"" + p.key + "\"\n";
}

TEST_F(TlsFiles, AGoodPairTurnsTlsOnAt5061) {
  const Pair p = Make("good");
  auto t = Load(Files(p));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->tls_port, 5061);
  EXPECT_EQ(t->tls_certificate, p.cert);
  EXPECT_EQ(t->tls_key, p.key);
  auto other = Load(Files(p) + "tls_port = 5081\n");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->tls_port, 5081);
  auto none = Load("");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->tls_port, 0);  // no certificate: no TLS
  EXPECT_EQ(none->srtp, SrtpMode::kOptional);
}

TEST_F(TlsFiles, EachBadPairIsRefusedWithFileLineAndField) {
  const Pair good = Make("good"), other = Make("other"), expired = Make("old", -40, 10),
             locked = Make("locked", 0, 30, true);
  std::ofstream(dir_ + "/junk.pem") << "hello\n";
  struct Case {
    std::string sip, where, what;
  };
  const std::vector<Case> cases = {
      {"tls_certificate = \"" + dir_ + "/nope.crt\"\ntls_key = \"" + good.key + "\"\n",
       "t.toml:10: sip: tls_certificate", "cannot read"},
      {"tls_certificate = \"" + good.cert + "\"\ntls_key = \"" + dir_ + "/nope.key\"\n",
       "t.toml:11: sip: tls_key", "cannot read"},
      {"tls_certificate = \"" + dir_ + "/junk.pem\"\ntls_key = \"" + good.key + "\"\n",
       "tls_certificate", "no PEM certificate"},
      {"tls_certificate = \"" + good.cert + "\"\ntls_key = \"" + dir_ + "/junk.pem\"\n", "tls_key",
       "no PEM private key"},
      {"tls_certificate = \"" + good.cert + "\"\ntls_key = \"" + other.key + "\"\n", "tls_key",
       "is not the key of the certificate"},
      {Files(expired), "tls_certificate", "has expired"},
      {Files(locked), "tls_key", "encrypted key"},
      {"tls_certificate = \"relative.crt\"\ntls_key = \"" + good.key + "\"\n", "tls_certificate",
       "absolute path"},
      {"tls_certificate = \"" + good.cert + "\"\n", "tls_key", "go together"},
      {"tls_port = 5061\n", "tls_port", "needs tls_certificate"},
      {Files(good) + "tls_port = 5060\n", "tls_port", "must differ from port"},
      {Files(good) + "tls_port = 70000\n", "tls_port", ""},
      {"srtp = \"maybe\"\n", "t.toml:10: sip: srtp", "expected \"off\""},
      {"srtp = true\n", "srtp", "expected \"off\""},
  };
  for (const Case& c : cases) {
    auto t = Load(c.sip);
    ASSERT_FALSE(t.ok()) << c.sip;
    const std::string& m = t.status().message();
    EXPECT_NE(m.find(c.where), std::string::npos) << m;
    EXPECT_NE(m.find(c.what), std::string::npos) << m;
    EXPECT_EQ(m.find("BEGIN EC PRIVATE"), std::string::npos) << m;
  }
}

TEST_F(TlsFiles, SrtpPolicyPerServerTrunkAndPhone) {
  auto t = TelephonyConfigFromString(kBase + R"(
[sip]
srtp = "required"
[[trunk]]
name = "plain"
allow = ["192.0.2.1"]
srtp = "off"
[[trunk]]
name = "default"
allow = ["192.0.2.2"]
[[phone]]
agent = "alice"
contact = "sip:alice@192.0.2.9"
srtp = true
)",
                                     "t.toml", Engine());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->srtp, SrtpMode::kRequired);
  EXPECT_EQ(t->trunks[0].srtp, SrtpMode::kOff);
  EXPECT_FALSE(t->trunks[1].srtp.has_value());
  EXPECT_TRUE(t->phones[0].srtp);
  auto bad = TelephonyConfigFromString(kBase +
                                           "[sip]\n[[trunk]]\nname = \"x\"\nallow = "
                                           "[\"192.0.2.1\"]\nsrtp = \"sometimes\"\n",
                                       "t.toml", Engine());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("trunk: srtp"), std::string::npos)
      << bad.status().message();
  auto tls_trunk = TelephonyConfigFromString(
      kBase +
          "[sip]\n[[trunk]]\nname = \"x\"\noutbound = \"sip:192.0.2.1:5061;transport=tls\"\n"
          "from_number = \"100\"\n",
      "t.toml", Engine());
  ASSERT_TRUE(tls_trunk.ok()) << tls_trunk.status().ToString();
  EXPECT_EQ(tls_trunk->trunks[0].outbound_params, ";transport=tls");
}

}  // namespace
}  // namespace sb::config
