#!/usr/bin/env bash
# Configures and builds one CMake preset (default: dev). Builds are serialised through a lock
# file so that two builds never compete for the machine's cores.
# Usage: scripts/build.sh [PRESET] [extra cmake --build args, e.g. --target core_test]
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
preset="${1:-dev}"
shift || true
exec 9>/tmp/switchboard-build.lock
flock 9
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" "$@"
