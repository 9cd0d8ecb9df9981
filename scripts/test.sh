#!/usr/bin/env bash
# Builds and runs every test: one build with AddressSanitizer + UndefinedBehaviorSanitizer,
# warnings as errors, every header compiled alone and the benchmarks compiled (the ci-asan
# preset), then every test under it (unit, CLI, store on SQLite and a real PostgreSQL, serve,
# SIP with real SIPp peers, the Debian package), clang's thread-safety analysis, and the fuzz
# targets for a bounded time. Installs missing Debian packages first.
# Usage: scripts/test.sh [--quick | --release]
#   --quick    skip the fuzzing
#   --release  also build and test the optimised release build (the ci preset, LTO)
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-purity.sh
scripts/check-format.sh

scripts/build.sh ci-asan
scripts/check-threads.sh build/ci-asan
ctest --preset ci-asan -j2

if [[ "${1:-}" == "--release" ]]; then
  scripts/build.sh ci
  ctest --preset ci -j2
fi
if [[ "${1:-}" != "--quick" ]]; then
  # Each parser's fuzz target, bounded (SB_FUZZ_SECONDS each, default 10): fails on a crash.
  scripts/fuzz.sh "${SB_FUZZ_SECONDS:-10}"
fi
echo "test.sh: all tests passed"
