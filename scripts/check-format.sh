#!/usr/bin/env bash
# Fails if a C++ file differs from what clang-format makes of it (.clang-format: Google-based,
# 100 columns). Fix with: clang-format -i FILE (or every file: scripts/check-format.sh --fix).
# Usage: scripts/check-format.sh [--fix]
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc' 'bench/*.h' 'tests/fuzz/*.cc')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "check-format: $f is not formatted (clang-format -i $f)" >&2
    bad=1
  fi
done
((bad == 0)) || exit 1
echo "check-format: ${#files[@]} files formatted"
