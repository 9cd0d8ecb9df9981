// CSV import of records: a file is refused or its rows are applied or rejected one by one; the
// reasons must be valid UTF-8 and the directory must hold exactly the rows it accepted.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/utf8.h"
#include "directory/import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sb::directory::Directory dir;
  auto report = sb::directory::ImportCsv(text, dir);
  if (!report.ok()) {
    if (sb::Printable(report.status().message(), SIZE_MAX) != report.status().message()) {
      std::abort();  // a message that is not valid UTF-8, or holds control characters
    }
    return 0;
  }
  for (const sb::directory::Reject& r : report->rejects) {
    if (!sb::directory::IsValidUtf8(r.reason, nullptr)) std::abort();
  }
  if (dir.snapshot()->record_count() > report->rows) std::abort();
  return 0;
}
