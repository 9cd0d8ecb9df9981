// The TOML configuration loader: every entry point that reads a file's text. A bad file must be
// a Status, never a crash, a hang or undefined behaviour (a dotted key 300,000 parts deep
// overflowed the stack in toml++).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/utf8.h"
#include "config/config.h"

namespace {

// Messages quote keys and values of the file: they must stay valid UTF-8 without control bytes.
void CheckMessage(const sb::Status& s) {
  if (!s.ok() && sb::Printable(s.message(), SIZE_MAX) != s.message()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Sim settings load the engine's first, so both readers run.
  CheckMessage(sb::config::SimSettingsFromString(text, "fuzz.toml").status());
  CheckMessage(sb::config::StoreConfigFromString(text, "fuzz.toml").status());
  CheckMessage(sb::config::RoutingHintsFromString(text, "fuzz.toml").status());
  return 0;
}
