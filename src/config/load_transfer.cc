// [sip.transfer] -> TelephonyConfig's transfer fields (config.h): the trunk blind transfers to
// numbers go through and the destinations an agent may send a caller to. Without `allow` no
// number outside is reachable, whatever the trunk.

#include "config/config.h"
#include "config/internal.h"

namespace sb::config::internal {
namespace {

constexpr std::size_t kMaxPatterns = 1000;

// "+3361234", "112", "0800*" (a prefix): 1 to 32 of 0-9 + * #, one trailing '*' a wildcard.
bool IsPattern(const std::string& p) {
  if (p.empty() || p.size() > 32 || p == "*") return false;
  for (char ch : p) {
    if (!((ch >= '0' && ch <= '9') || ch == '+' || ch == '*' || ch == '#')) return false;
  }
  return true;
}

}  // namespace

Status ReadTransfer(const std::string& file, const toml::table& root, TelephonyConfig* c) {
  c->transfer_trunk = c->callback_trunk;
  const toml::node* sip = root.get("sip");
  const toml::node* node = sip && sip->is_table() ? sip->as_table()->get("transfer") : nullptr;
  if (node == nullptr) return Status::Ok();
  const toml::table* t = node->as_table();
  if (t == nullptr) {
    return Reader(file, *sip->as_table(), "sip")
        .Error(node, "transfer",
               "expected a table: [sip.transfer] with trunk, allow, caller_id, on_failure");
  }
  Reader r(file, *t, "sip.transfer");
  SB_RETURN_IF_ERROR(r.OnlyKeys({"trunk", "allow", "caller_id", "on_failure"}));
  std::string name;
  SB_RETURN_IF_ERROR(r.String("trunk", &name));
  if (r.Get("trunk")) {
    c->transfer_trunk = -1;
    for (std::size_t i = 0; i < c->trunks.size(); ++i) {
      if (c->trunks[i].name == name) c->transfer_trunk = static_cast<int>(i);
    }
    if (c->transfer_trunk < 0) {
      return r.Error(r.Get("trunk"), "trunk", "no [[trunk]] named '" + name + "'");
    }
    if (c->trunks[static_cast<std::size_t>(c->transfer_trunk)].outbound.empty()) {
      return r.Error(r.Get("trunk"), "trunk",
                     "trunk '" + name + "' has no outbound = \"sip:host:port\"");
    }
  }
  SB_RETURN_IF_ERROR(r.StringList("allow", &c->transfer_allow));
  if (c->transfer_allow.size() > kMaxPatterns) {
    return r.Error(r.Get("allow"), "allow",
                   "at most " + std::to_string(kMaxPatterns) + " numbers or prefixes");
  }
  for (const std::string& p : c->transfer_allow) {
    if (!IsPattern(p)) {
      return r.Error(r.Get("allow"), "allow",
                     "expected numbers (1 to 32 of 0-9 + * #) or prefixes ending in '*', e.g. "
                     "[\"+33612345678\", \"0800*\"]; got \"" +
                         p.substr(0, 40) + "\"");
    }
  }
  if (!c->transfer_allow.empty() && c->transfer_trunk < 0) {
    return r.Error(r.Get("allow"), "allow",
                   "no trunk takes transfers: give a [[trunk]] outbound, or [sip.transfer] trunk");
  }
  std::string caller_id = "trunk";
  SB_RETURN_IF_ERROR(r.String("caller_id", &caller_id));
  if (caller_id != "trunk" && caller_id != "caller") {
    return r.Error(r.Get("caller_id"), "caller_id",
                   "expected \"trunk\" (its from_number) or \"caller\" (the caller's number)");
  }
  c->transfer_caller_id = caller_id == "caller";
  std::string on_failure = "return";
  SB_RETURN_IF_ERROR(r.String("on_failure", &on_failure));
  if (on_failure != "return" && on_failure != "hangup") {
    return r.Error(r.Get("on_failure"), "on_failure",
                   "expected \"return\" (the caller goes back to the queue it came from) or "
                   "\"hangup\"");
  }
  c->transfer_return = on_failure == "return";
  return Status::Ok();
}

}  // namespace sb::config::internal
