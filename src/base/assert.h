#pragma once
// Assertions in the three tiers of errors of docs/style.md.
//  SB_DCHECK(cond, why): a programmer invariant. Debug builds abort; release builds count the
//    failure (see DcheckFailures()) and go on. Never for what a peer, a user or the disk causes.
//  SB_CHECK(cond, why): unrecoverable; aborts in every build with the reason.

#include <atomic>
#include <cstdint>

namespace sb {

[[noreturn]] void CheckFailed(const char* file, int line, const char* cond, const char* why);
void DcheckFailed(const char* file, int line, const char* cond, const char* why);
// Number of SB_DCHECK failures seen in release builds since start.
std::uint64_t DcheckFailures();

}  // namespace sb

#define SB_CHECK(cond, why) ((cond) ? (void)0 : ::sb::CheckFailed(__FILE__, __LINE__, #cond, why))
#define SB_DCHECK(cond, why) ((cond) ? (void)0 : ::sb::DcheckFailed(__FILE__, __LINE__, #cond, why))
