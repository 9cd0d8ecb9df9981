#pragma once
// Internal to config: bounds on what is handed to toml++. toml++ limits how deeply values nest
// (TOML_MAX_NESTED_VALUES) but not how many parts a dotted key has, and it walks the tables a
// key creates recursively: a header like [a.a.a...] 300,000 parts deep overflowed the stack.
// CheckTomlShape() refuses such text in one linear pass, before toml++ sees it, and also text
// with non-ASCII characters outside strings and comments: toml++ 3.3 has undefined behaviour
// (__builtin_unreachable) when it asks whether some of them are whitespace. Stateless.

#include <cstddef>
#include <string_view>

#include "base/status.h"

namespace sb::config::internal {

// The deepest a configuration needs is a few parts ([sim.stream] ... handle_time.mean); 16 leaves
// room, and 16 parts at each of the TOML_MAX_NESTED_VALUES levels stays far from the stack's end.
inline constexpr std::size_t kMaxKeyParts = 16;
// A configuration of 10,000 agents is about 2 MiB; toml++ takes ~50 bytes of memory per byte of
// a file of short keys, so this also bounds the parse's memory.
inline constexpr std::size_t kMaxTomlBytes = 8u << 20;

// InvalidArgument "NAME:LINE: a dotted key or table name of more than 16 parts ...", "NAME:LINE:
// a non-ASCII character outside a string or comment ..." or "NAME: N bytes, larger than ...") when
// the text is too large or holds a key of too many parts. Dots inside strings and comments do not
// count; the scan is conservative, so it may count the dots of a malformed line that toml++ would
// refuse anyway.
Status CheckTomlShape(std::string_view text, std::string_view name);

}  // namespace sb::config::internal
