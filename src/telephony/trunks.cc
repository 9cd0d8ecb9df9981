// Which [[trunk]] a call comes from: the one that authenticated it by digest (the SIP stack
// checked it, sip/trunk_auth.h), else one that allows its source address and asks for no
// authentication. And what the stack needs to check them.

#include <algorithm>

#include "config/config.h"
#include "sip/stack.h"

namespace sb::telephony {

void AddTrunks(const config::TelephonyConfig& c, sip::Options* so) {
  for (const auto& t : c.trunks) {
    if (t.inbound_user.empty()) {
      so->open_sources.insert(so->open_sources.end(), t.allow.begin(), t.allow.end());
    } else {
      so->trunk_auth.push_back(sip::TrunkAuth{t.name, t.allow, t.inbound_user, t.inbound_ha1});
    }
  }
}

const config::TrunkConfig* TrunkOf(const config::TelephonyConfig& c, const sip::Incoming& call) {
  const config::TrunkConfig* trunk = nullptr;
  for (const auto& t : c.trunks) {
    const bool by_address = t.inbound_user.empty() &&
                            std::find(t.allow.begin(), t.allow.end(), call.source) != t.allow.end();
    if (call.trunk.empty() ? by_address : t.name == call.trunk) trunk = &t;
  }
  return trunk;
}

}  // namespace sb::telephony
