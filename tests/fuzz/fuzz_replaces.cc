// The Replaces of a phone's REFER (sip::ReplacesOfUriHeaders, sip::ParseReplaces): any bytes as
// the Refer-To URI's headers. What parses has a call-id and both tags within their bounds, made
// of the characters RFC 3261 allows, and parses again the same from its own formatting.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip/replaces.h"

namespace {

void Check(std::string_view value) {
  const auto r = sb::sip::ParseReplaces(value);
  if (!r.ok()) {
    if (r.status().message().rfind("Replaces: ", 0) != 0) std::abort();
    return;
  }
  if (r->call_id.empty() || r->to_tag.empty() || r->from_tag.empty()) std::abort();
  if (r->call_id.size() > sb::sip::kMaxCallIdBytes || r->to_tag.size() > sb::sip::kMaxTagBytes ||
      r->from_tag.size() > sb::sip::kMaxTagBytes) {
    std::abort();
  }
  std::string again = r->call_id + ";to-tag=" + r->to_tag + ";from-tag=" + r->from_tag;
  if (r->early_only) again += ";early-only";
  const auto r2 = sb::sip::ParseReplaces(again);
  if (!r2.ok() || r2->call_id != r->call_id || r2->to_tag != r->to_tag ||
      r2->from_tag != r->from_tag || r2->early_only != r->early_only) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);  // the header value itself
  const auto v = sb::sip::ReplacesOfUriHeaders(in);
  if (v.ok() && v->has_value()) {
    if ((*v)->size() > sb::sip::kMaxReplaces) std::abort();
    Check(**v);
  }
  return 0;
}
