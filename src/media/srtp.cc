// libsrtp2 behind SrtpSession (srtp.h). Two sessions per leg rather than one with two streams:
// ssrc_any_outbound and ssrc_any_inbound templates let the peer change its SSRC (a restart) and
// let our own SSRC stay private to the media thread, without telling libsrtp either in advance.

#include "media/srtp.h"

#include <srtp2/srtp.h>

#include <climits>
#include <cstring>
#include <mutex>

namespace sb::media {
namespace {

srtp_err_status_t InitOnce() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  return status;
}

void SetPolicy(SrtpSuite suite, srtp_policy_t* p) {
  if (suite == SrtpSuite::kAesCm128HmacSha1_32) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
  }
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);  // RFC 4568 §6.2.2
}

}  // namespace

static_assert(SRTP_MAX_TRAILER_LEN <= kSrtpMaxTrailer, "libsrtp's trailer bound grew");

struct SrtpSession::Impl {
  srtp_t out = nullptr, in = nullptr;
  ~Impl() {
    if (out) srtp_dealloc(out);
    if (in) srtp_dealloc(in);
  }
};

Result<std::unique_ptr<SrtpSession>> SrtpSession::Create(const SrtpKeys& keys) {
  if (InitOnce() != srtp_err_status_ok) return Internal("srtp: libsrtp could not be initialised");
  std::unique_ptr<SrtpSession> s(new SrtpSession());
  s->impl_ = std::make_unique<Impl>();
  for (bool outbound : {true, false}) {
    KeySalt key = outbound ? keys.local : keys.remote;  // libsrtp wants a mutable pointer
    srtp_policy_t p;
    std::memset(&p, 0, sizeof p);
    SetPolicy(keys.suite, &p);
    p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    p.key = key.bytes.data();
    p.window_size = 128;
    p.allow_repeat_tx = 0;
    srtp_t* session = outbound ? &s->impl_->out : &s->impl_->in;
    if (srtp_create(session, &p) != srtp_err_status_ok) {
      *session = nullptr;
      return Internal("srtp: libsrtp refused a session");
    }
  }
  return s;
}

SrtpSession::~SrtpSession() = default;

std::size_t SrtpSession::Protect(std::uint8_t* packet, std::size_t size, std::size_t capacity) {
  if (size < 12 || size + kSrtpMaxTrailer > capacity || size > INT_MAX / 2) return 0;
  int len = static_cast<int>(size);
  if (srtp_protect(impl_->out, packet, &len) != srtp_err_status_ok || len <= 0) return 0;
  return static_cast<std::size_t>(len);
}

std::size_t SrtpSession::Unprotect(std::uint8_t* packet, std::size_t size) {
  if (size < 12 + 4 || size > INT_MAX / 2) return 0;  // a header and at least the short tag
  int len = static_cast<int>(size);
  if (srtp_unprotect(impl_->in, packet, &len) != srtp_err_status_ok || len < 12) return 0;
  return static_cast<std::size_t>(len);
}

}  // namespace sb::media
