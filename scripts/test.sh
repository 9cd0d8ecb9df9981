#!/usr/bin/env bash
# Builds and runs every test: the release build with warnings as errors, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer, then the fuzz targets for a bounded time.
# Installs missing Debian packages first.
# Usage: scripts/test.sh [--quick]   (--quick: skip the sanitizer build and the fuzzing)
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-purity.sh
scripts/check-format.sh

scripts/build.sh ci
scripts/check-threads.sh build/ci
ctest --preset ci -j2

if [[ "${1:-}" != "--quick" ]]; then
  scripts/build.sh ci-asan
  ctest --preset ci-asan -j2
  # Each parser's fuzz target, bounded (SB_FUZZ_SECONDS each, default 10): fails on a crash.
  scripts/fuzz.sh "${SB_FUZZ_SECONDS:-10}"
fi
echo "test.sh: all tests passed"
