#include "sip/registrar.h"

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "sip/request_digest.h"

namespace sb::sip {
namespace {

const char* UserOf(const url_t* u) { return u && u->url_user ? u->url_user : ""; }

}  // namespace

Registrar::Registrar(const Options& options, Listener& listener)
    : options_(options),
      listener_(listener),
      nonces_(Md5Hex(std::to_string(SteadySeconds()) + ":" +
                     std::to_string(reinterpret_cast<std::uintptr_t>(this)))),
      limiter_(options.max_auth_failures) {}

void Registrar::Expire() {
  const std::int64_t now = SteadySeconds();
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    if (it->second.expires_at <= now) {
      const std::string user = it->first;
      it = bindings_.erase(it);
      listener_.OnRegistration(user, "");
    } else {
      ++it;
    }
  }
  n_bindings_.store(bindings_.size(), std::memory_order_relaxed);
}

void Registrar::Handle(nua_t* nua, nua_handle_t* nh, const sip_t* sip, const std::string& source) {
  const std::int64_t now = SteadySeconds();
  const Options& o = options_;
  // A null tag ends the tag list: the optional header is left out.
  auto respond = [&](int status, tag_type_t tag = nullptr, tag_value_t value = 0) {
    nua_respond(nh, status, sip_status_phrase(status), NUTAG_WITH_THIS(nua), tag, value, TAG_END());
    nua_handle_destroy(nh);
  };
  if (!sip || !sip->sip_to) return respond(400);
  if (limiter_.Blocked(source, now)) return respond(403);
  const std::string user = UserOf(sip->sip_to->a_url);
  auto fail = [&] {
    limiter_.Failed(source, now);
    n_auth_failed_.fetch_add(1, std::memory_order_relaxed);
    listener_.OnAuthFailed(source, user);
    respond(403);
  };
  const auto challenge = [&](bool stale) {
    const std::string h = "Digest realm=\"" + o.realm + "\", nonce=\"" + nonces_.Make(now) +
                          "\", algorithm=MD5, qop=\"auth\"" + (stale ? ", stale=true" : "");
    respond(401, SIPTAG_WWW_AUTHENTICATE_STR(h.c_str()));
  };
  bool malformed = false;
  const std::optional<DigestResponse> digest = DigestOfRequest(sip, &malformed);
  if (malformed) return fail();
  if (!digest) return challenge(false);
  const DigestResponse& r = *digest;
  auto ha1 = o.ha1.find(user);
  if (ha1 == o.ha1.end() || r.username != user || r.realm != o.realm) return fail();
  if (!nonces_.Fresh(r.nonce, now, 300)) return challenge(true);
  if (!VerifyDigest(r, ha1->second, "REGISTER")) return fail();

  std::int64_t expires = o.default_expires;
  if (sip->sip_expires) expires = static_cast<std::int64_t>(sip->sip_expires->ex_delta);
  const sip_contact_t* m = sip->sip_contact;
  if (m && m->m_expires) expires = std::atoll(m->m_expires);
  if (!m) {  // a query: the current binding
    auto b = bindings_.find(user);
    if (b == bindings_.end()) return respond(200);
    const std::string c = "<" + b->second.contact + ">;expires=" +
                          std::to_string(std::max<std::int64_t>(0, b->second.expires_at - now));
    return respond(200, SIPTAG_CONTACT_STR(c.c_str()));
  }
  if (expires == 0 || m->m_url->url_type == url_any) {  // "*" or expires=0: unregister
    if (bindings_.erase(user) > 0) listener_.OnRegistration(user, "");
    n_bindings_.store(bindings_.size(), std::memory_order_relaxed);
    return respond(200);
  }
  if (expires < o.min_expires) {
    const std::string min = std::to_string(o.min_expires);
    return respond(423, SIPTAG_MIN_EXPIRES_STR(min.c_str()));
  }
  expires = std::min(expires, o.max_expires);
  su_home_t home[1] = {SU_HOME_INIT(home)};
  char* uri = url_as_string(home, m->m_url);
  const std::string contact = uri ? uri : "";
  su_home_deinit(home);
  if (contact.rfind("sip:", 0) != 0 || contact.size() > 512) return respond(400);
  Binding& b = bindings_[user];
  const bool changed = b.contact != contact;
  b.contact = contact;
  b.expires_at = now + expires;
  n_bindings_.store(bindings_.size(), std::memory_order_relaxed);
  if (changed) listener_.OnRegistration(user, contact);
  const std::string c = "<" + contact + ">;expires=" + std::to_string(expires);
  respond(200, SIPTAG_CONTACT_STR(c.c_str()));
}

}  // namespace sb::sip
