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
# ccache, when the machine has it, makes a fresh worktree's first build cheap (paths relative to
# the checkout, so worktrees share the cache). CI machines without it build as before.
if command -v ccache >/dev/null 2>&1 && [[ -z "${SB_NO_CCACHE:-}" ]]; then
  export CMAKE_CXX_COMPILER_LAUNCHER="${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}"
  export CMAKE_C_COMPILER_LAUNCHER="${CMAKE_C_COMPILER_LAUNCHER:-ccache}"
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
exec 9>/tmp/switchboard-build.lock
flock 9
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" "$@"
