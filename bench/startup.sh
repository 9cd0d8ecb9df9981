#!/usr/bin/env bash
# Start-up time and peak memory of `switchboard serve` on a store holding 1 day and 30 days of
# the demo's traffic: the first start replays the whole log (and writes a checkpoint), the
# second starts from that checkpoint. Goal: with a checkpoint, 30 days start within 1.5 times
# the 1-day start. Figures go to bench/RESULTS.md by hand.
# Usage: bench/startup.sh [WORKDIR]   (default /tmp/sb-startup; needs ~2 GB)
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
scripts/build.sh release --target switchboard
sb=$PWD/build/release/src/server/switchboard
work="${1:-/tmp/sb-startup}"
mkdir -p "$work"
# The demo without its telephony tables: the start-up of the server core alone.
sed '/^# Telephony:/,$d' configs/demo.toml >"$work/serve.toml"
for days in 1 30; do
  store="$work/demo-$days.db"
  if [[ ! -f "$store" ]]; then
    sed "s/^days = [0-9][0-9]*$/days = $days/" configs/demo.toml >"$work/demo-$days.toml"
    grep -q "^days = $days" "$work/demo-$days.toml" || {
      echo "startup.sh: configs/demo.toml has no 'days =' line to change" >&2
      exit 1
    }
    mkdir -p "$work/out-$days"
    "$sb" sim "$work/demo-$days.toml" --out "$work/out-$days" --store "$store" >/dev/null
  fi
  "$sb" store info --store "$store" | grep -E "^events|^checkpoints" || true
  for run in "whole log" "checkpoint"; do
    # A start that stops at once (end of input): its time is the start-up, its peak RSS the
    # memory the rebuild took.
    /usr/bin/time -f "%e s %M KiB" -o "$work/time" \
      "$sb" serve "$work/serve.toml" --store "$store" </dev/null 2>"$work/log" >/dev/null
    echo "$days day(s), from the $run: $(cat "$work/time") ($(grep -o '[0-9]* events replayed[a-z ]*' "$work/log"))"
  done
done
