#!/usr/bin/env bash
# Builds the release preset and runs every benchmark; results go to bench/RESULTS.md by hand,
# with the machine they ran on. Long runs live here, never in the test suite.
# Usage: bench/run.sh [benchmark-name-filter]
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
scripts/build.sh release
lscpu | grep 'Model name' || true
nproc
for b in build/release/bench/*_bench; do
  [[ -n "${1:-}" && "$b" != *"$1"* ]] && continue
  echo "== $b"
  "$b"
done
