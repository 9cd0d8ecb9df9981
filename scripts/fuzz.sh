#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang, ASan + UBSan) and runs each for a bounded
# time from its committed seed corpus (tests/fuzz/corpus/TARGET). Fails on the first crash, leak,
# timeout or sanitizer report; the input that caused it is saved as build/fuzz/artifacts/TARGET-*.
# New inputs found go to build/fuzz/corpus/TARGET, not into the repository.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET (default 30)] [TARGET...]
#   targets: config csv_import jsonl_import eventlog control sdp rtp replaces (default: all)
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
((${#targets[@]} > 0)) || targets=(config csv_import jsonl_import eventlog control sdp rtp replaces)

scripts/build.sh fuzz --target "${targets[@]/#/fuzz_}"
mkdir -p build/fuzz/artifacts
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$t"
  echo "fuzz: $t for ${seconds}s"
  # -rss_limit_mb and -timeout turn runaway memory and hangs into failures too; -max_len lets
  # inputs grow past the default 4 KiB so deep and wide documents get tried.
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1" \
    "build/fuzz/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$t-" \
    "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t"
done
echo "fuzz: no crash in ${#targets[@]} target(s), ${seconds}s each"
