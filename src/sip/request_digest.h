#pragma once
// The Digest credentials of a request, read with sofia-sip's parser: shared by the registrar
// (REGISTER) and the trunks' INVITEs (trunk_invite.cc). Internal to the sip module: it names a
// sofia-sip type. Thread safety: pure functions.

#include <cstdint>
#include <optional>

#include "sip/digest.h"

struct sip_s;  // sofia-sip's sip_t

namespace sb::sip {

// The parameters of the first Digest Authorization header; nullopt when there is none, or when
// it does not parse (`*malformed` is then set).
std::optional<DigestResponse> DigestOfRequest(const sip_s* sip, bool* malformed);
// Seconds on the steady clock: the time of nonces and failure limits.
std::int64_t SteadySeconds();

}  // namespace sb::sip
