// [sip] tls_port, tls_certificate, tls_key and srtp -> config::TelephonyConfig (config.h). The
// certificate and key are read and checked here, so that `check-config` and a SIGHUP reload
// catch a missing, unreadable, non-PEM, encrypted, expired or mismatched pair with the file,
// line and field, before sofia-sip (which would only log it and serve a TLS port that fails
// every handshake) sees them. The key's bytes are wiped after the check and never quoted.

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include "config/config.h"
#include "config/internal.h"

namespace sb::config::internal {
namespace {

constexpr std::size_t kMaxPemBytes = 1 << 20;  // a certificate chain, or a key, is far smaller

struct Wiped {  // a buffer holding key material
  std::string bytes;
  ~Wiped() { explicit_bzero(bytes.data(), bytes.size()); }
};

// The whole file, at most kMaxPemBytes; else a message (no content quoted).
std::optional<std::string> ReadPem(const std::string& path, std::string* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot read " + path + ": " + std::strerror(errno);
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes->append(buf, static_cast<std::size_t>(in.gcount()));
    if (bytes->size() > kMaxPemBytes) return path + " is over 1 MiB: not a PEM file";
  }
  if (in.bad()) return "cannot read " + path + ": " + std::strerror(errno);
  return std::nullopt;
}

std::string OpenSslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return std::string(" (") + buf + ")";
}

// No pass phrase is ever asked for (OpenSSL's default would prompt on the terminal).
int NoPassphrase(char*, int, int, void*) { return -1; }

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Status CheckPair(const Reader& r, const std::string& cert_path, const std::string& key_path) {
  std::string cert_text;
  if (auto e = ReadPem(cert_path, &cert_text)) {
    return r.Error(r.Get("tls_certificate"), "tls_certificate", *e);
  }
  Wiped key_text;
  if (auto e = ReadPem(key_path, &key_text.bytes)) {
    return r.Error(r.Get("tls_key"), "tls_key", *e);
  }
  ERR_clear_error();
  Bio cb(BIO_new_mem_buf(cert_text.data(), static_cast<int>(cert_text.size())), BIO_free);
  Cert cert(cb ? PEM_read_bio_X509(cb.get(), nullptr, NoPassphrase, nullptr) : nullptr, X509_free);
  if (!cert) {
    return r.Error(
        r.Get("tls_certificate"), "tls_certificate",
        cert_path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)" + OpenSslError());
  }
  Bio kb(BIO_new_mem_buf(key_text.bytes.data(), static_cast<int>(key_text.bytes.size())), BIO_free);
  Key key(kb ? PEM_read_bio_PrivateKey(kb.get(), nullptr, NoPassphrase, nullptr) : nullptr,
          EVP_PKEY_free);
  if (!key) {
    ERR_clear_error();  // its text could name the key's structure; ours says enough
    const bool encrypted = key_text.bytes.find("ENCRYPTED") != std::string::npos;
    return r.Error(r.Get("tls_key"), "tls_key",
                   key_path + (encrypted ? " holds an encrypted key: give it without a pass "
                                           "phrase (readable by the server only)"
                                         : " holds no PEM private key (-----BEGIN PRIVATE "
                                           "KEY-----)"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return r.Error(r.Get("tls_key"), "tls_key",
                   key_path + " is not the key of the certificate in " + cert_path);
  }
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) <= 0) {
    return r.Error(r.Get("tls_certificate"), "tls_certificate",
                   "the certificate in " + cert_path + " has expired");
  }
  return Status::Ok();
}

Status PemPath(const Reader& r, std::string_view key, std::string* out) {
  SB_RETURN_IF_ERROR(r.String(key, out));
  if (r.Get(key) && (out->empty() || (*out)[0] != '/' || out->size() > 1024 ||
                     out->find('\0') != std::string::npos)) {
    return r.Error(r.Get(key), key, "expected the absolute path of a PEM file");
  }
  return Status::Ok();
}

}  // namespace

Status ReadSrtpMode(const Reader& r, std::string_view key, SrtpMode* out) {
  const toml::node* n = r.Get(key);
  if (n == nullptr) return Status::Ok();
  const std::string v = n->value<std::string>().value_or("");
  if (v == "off") {
    *out = SrtpMode::kOff;
  } else if (v == "optional") {
    *out = SrtpMode::kOptional;
  } else if (v == "required") {
    *out = SrtpMode::kRequired;
  } else {
    return r.Error(n, key,
                   "expected \"off\" (RTP/SAVP offers get 488), \"optional\" (as offered) or "
                   "\"required\" (RTP/AVP offers get 488)");
  }
  return Status::Ok();
}

Status ReadSipSecurity(const Reader& r, TelephonyConfig* c) {
  SB_RETURN_IF_ERROR(ReadSrtpMode(r, "srtp", &c->srtp));
  SB_RETURN_IF_ERROR(PemPath(r, "tls_certificate", &c->tls_certificate));
  SB_RETURN_IF_ERROR(PemPath(r, "tls_key", &c->tls_key));
  if (c->tls_certificate.empty() != c->tls_key.empty()) {
    const char* missing = c->tls_key.empty() ? "tls_key" : "tls_certificate";
    return r.Error(nullptr, missing, "tls_certificate and tls_key go together (PEM files)");
  }
  if (c->tls_certificate.empty()) {
    if (r.Get("tls_port")) {
      return r.Error(r.Get("tls_port"), "tls_port",
                     "needs tls_certificate and tls_key (PEM files)");
    }
    c->tls_port = 0;
    return Status::Ok();
  }
  c->tls_port = 5061;
  SB_RETURN_IF_ERROR(r.Int("tls_port", 1, 65535, &c->tls_port));
  if (c->tls_port == c->port) {
    return r.Error(r.Get("tls_port"), "tls_port",
                   "must differ from port (" + std::to_string(c->port) + ": UDP and TCP)");
  }
  return CheckPair(r, c->tls_certificate, c->tls_key);
}

}  // namespace sb::config::internal
