#!/usr/bin/env bash
# Keeps the repository standalone: a clone with nothing beside it builds and passes its tests, so
# nothing outside bench/ may read or cite ../shared/ (tests carry fixtures in tests/data/, and
# what code and help text cite is written in docs/). Prints each offending line and fails if
# there is one. tests/data/README.md may name where its copies came from.
# Usage: scripts/check-standalone.sh
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
pattern='\.\./shared|shared/(reference|STYLE|ARCHITECTURE|hooks)|SB_SHARED_DIR'
if grep -rnE "$pattern" src tests scripts cmake docs CMakeLists.txt CMakePresets.json \
    --exclude=check-standalone.sh --exclude=README.md --exclude-dir=data; then
  echo "check-standalone: the lines above reach outside the repository; only bench/ may" >&2
  exit 1
fi
# READMEs other than tests/data's are checked too.
if find README.md src tests scripts cmake docs -name README.md -not -path 'tests/data/*' -print0 |
    xargs -0 -r grep -nE "$pattern"; then
  echo "check-standalone: the lines above reach outside the repository; only bench/ may" >&2
  exit 1
fi
echo "check-standalone: nothing outside bench/ reads ../shared"
