#include "sip/tls_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace sb::sip {
namespace {

constexpr std::size_t kMaxPem = 1 << 20;

struct Wiped {
  std::string bytes;
  ~Wiped() { explicit_bzero(bytes.data(), bytes.size()); }
};

Status Read(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable("sip: tls: cannot read " + path + ": " + std::strerror(errno));
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out->append(buf, static_cast<std::size_t>(in.gcount()));
    if (out->size() > kMaxPem) return InvalidArgument("sip: tls: " + path + " is over 1 MiB");
  }
  return Status::Ok();
}

Status Write(const std::string& path, const std::string& a, const std::string& b) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Unavailable("sip: tls: cannot create " + path + ": " + std::strerror(errno));
  bool ok = true;
  for (const std::string* s : {&a, &b}) {
    std::size_t done = 0;
    while (ok && done < s->size()) {
      const ssize_t n = ::write(fd, s->data() + done, s->size() - done);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) done += static_cast<std::size_t>(n);
    }
  }
  ok = ::close(fd) == 0 && ok;
  return ok ? Status::Ok() : Unavailable("sip: tls: cannot write " + path);
}

}  // namespace

Result<TlsDir> TlsDir::Make(const std::string& certificate, const std::string& key) {
  std::string cert_text;
  Wiped key_text;
  SB_RETURN_IF_ERROR(Read(certificate, &cert_text));
  SB_RETURN_IF_ERROR(Read(key, &key_text.bytes));
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && tmp[0] == '/' ? tmp : "/tmp") + "/switchboard-tls-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {  // mode 0700
    return Unavailable("sip: tls: cannot make a private directory in " +
                       tmpl.substr(0, tmpl.rfind('/')) + ": " + std::strerror(errno));
  }
  TlsDir dir(tmpl);
  if (!key_text.bytes.empty() && key_text.bytes.back() != '\n') key_text.bytes += '\n';
  SB_RETURN_IF_ERROR(Write(dir.path_ + "/agent.pem", key_text.bytes, cert_text));
  SB_RETURN_IF_ERROR(Write(dir.path_ + "/cafile.pem", cert_text, {}));
  return dir;
}

TlsDir::~TlsDir() {
  if (path_.empty()) return;
  for (const char* f : {"/agent.pem", "/cafile.pem"}) ::unlink((path_ + f).c_str());
  ::rmdir(path_.c_str());
}

}  // namespace sb::sip
