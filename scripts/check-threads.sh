#!/usr/bin/env bash
# Clang's thread-safety analysis over every source that uses the annotated locks
# (base/thread_annotations.h): -fsyntax-only with the flags of the build's compile_commands.json,
# so it costs seconds, not a second build. Fails on any warning.
# Usage: scripts/check-threads.sh [BUILD_DIR]   (default build/ci; configure it first)
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
build="${1:-build/ci}"
db="$build/compile_commands.json"
[[ -f "$db" ]] || { echo "check-threads: no $db; run scripts/build.sh ci first" >&2; exit 2; }
clangxx=$(command -v clang++ || command -v clang++-14 || true)
[[ -n "$clangxx" ]] || { echo "check-threads: clang++ is missing (apt-get install clang)" >&2; exit 2; }
files=$(grep -rl --include='*.cc' -e 'thread_annotations.h' -e 'MutexLock' src | sort -u)
# Sources whose headers use the annotations count too.
for h in $(grep -rl --include='*.h' 'thread_annotations.h' src); do
  base=${h%.h}
  [[ -f "$base.cc" ]] && files+=$'\n'"$base.cc"
done
files=$(echo "$files" | sort -u)
fail=0
for f in $files; do
  args=$(python3 - "$db" "$PWD/$f" <<'PY'
import json, shlex, sys
db, path = sys.argv[1], sys.argv[2]
for e in json.load(open(db)):
    if e["file"] == path:
        cmd = shlex.split(e["command"])[1:]
        out, skip = [], False
        for a in cmd:
            if skip:
                skip = False
                continue
            if a in ("-o", "-c"):
                skip = a == "-o"
                continue
            if a.startswith("-flto") or a == path or a.startswith("-fno-fat-lto") or a == "-Wno-restrict":
                continue
            out.append(a)
        print(shlex.join(out))
        break
PY
)
  if [[ -z "$args" ]]; then
    echo "check-threads: $f is not in $db" >&2
    fail=1
    continue
  fi
  # shellcheck disable=SC2086
  if ! eval "$clangxx" $args -fsyntax-only -Wthread-safety -Werror=thread-safety "$f"; then
    fail=1
  fi
done
if ((fail)); then
  echo "check-threads: the thread-safety analysis failed (see above)" >&2
  exit 1
fi
echo "check-threads: $(echo "$files" | wc -l) files pass clang -Wthread-safety"
