// JSON Lines import of records: as for CSV, every line is applied or rejected with a reason that
// is valid UTF-8, and nlohmann's exceptions never escape.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/utf8.h"
#include "directory/import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sb::directory::Directory dir;
  auto report = sb::directory::ImportJsonLines(text, dir);
  if (!report.ok()) return 0;
  for (const sb::directory::Reject& r : report->rejects) {
    if (!sb::directory::IsValidUtf8(r.reason, nullptr)) std::abort();
  }
  if (dir.snapshot()->record_count() > report->rows) std::abort();
  return 0;
}
