#pragma once
// Input checks shared by the wfm sources (private to wfm). Each returns InvalidArgument naming
// the input when the value is NaN, infinite or out of range; OK otherwise.

#include <cmath>
#include <string>

#include "base/status.h"

namespace sb::wfm::internal {

inline Status Positive(const char* name, double v) {
  if (std::isfinite(v) && v > 0) return Status::Ok();
  return InvalidArgument(std::string(name) + " must be a finite number > 0");
}

inline Status NonNegative(const char* name, double v) {
  if (std::isfinite(v) && v >= 0) return Status::Ok();
  return InvalidArgument(std::string(name) + " must be a finite number >= 0");
}

}  // namespace sb::wfm::internal
