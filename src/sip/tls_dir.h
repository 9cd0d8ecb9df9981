#pragma once
// The certificate directory sofia-sip's TLS transport reads (TPTAG_CERTIFICATE): it takes a
// directory, not files, and loads `agent.pem` (the private key and the certificate, in one file)
// and `cafile.pem` (CA certificates; here the whole certificate file again, so that OpenSSL
// finds the intermediate certificates and sends the chain). TlsDir builds that directory from
// the configured PEM files in a private temporary directory (0700, files 0600) and removes it
// when destroyed: the stack destroys it as soon as nua has created its transports, since
// OpenSSL has the key in memory by then, so the copy lives on disk for milliseconds.
//
// Not thread-safe; one owner (the SIP thread while it starts).

#include <string>

#include "base/result.h"

namespace sb::sip {

class TlsDir {
 public:
  // Errors: a file cannot be read, or the directory cannot be made or written (naming the path,
  // never the contents).
  static Result<TlsDir> Make(const std::string& certificate, const std::string& key);
  TlsDir(TlsDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TlsDir& operator=(TlsDir&&) = delete;
  TlsDir(const TlsDir&) = delete;
  ~TlsDir();  // removes the files and the directory
  const std::string& path() const { return path_; }

 private:
  explicit TlsDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace sb::sip
