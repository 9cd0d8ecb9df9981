// The event-log decoder, which also reads every event back from the store. A line decodes or is
// an error naming the field; what decodes must encode to a line that decodes to the same event
// (the log is the source of truth, so a value that does not survive the round trip is a bug).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/utf8.h"
#include "eventlog/eventlog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  auto event = sb::eventlog::Decode(line);
  if (!event.ok()) {
    const std::string& m = event.status().message();
    if (sb::Printable(m, SIZE_MAX) != m) std::abort();
    return 0;
  }
  const std::string once = sb::eventlog::Encode(*event);
  auto again = sb::eventlog::Decode(once);
  if (!again.ok() || sb::eventlog::Encode(*again) != once) std::abort();
  return 0;
}
