#!/usr/bin/env bash
# Builds the release binary and runs the demo: one simulated day of configs/demo.toml through the
# routing engine, then a week's staffing plan (the server itself is not built yet). Results go
# to sim-out/.
# Usage: scripts/demo.sh [CONFIG]
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release --target switchboard
config="${1:-configs/demo.toml}"
./build/release/src/server/switchboard check-config "$config"
mkdir -p sim-out
./build/release/src/server/switchboard sim "$config" --out sim-out --events sim-out/events.jsonl
echo
echo "Staffing plan for a week of the demo line (configs/demo-forecast.csv):"
./build/release/src/server/switchboard staff configs/demo-forecast.csv --time-limit 10 | tail -4
echo
echo "Results: sim-out/ (intervals.csv, summary.json, chart.svg, events.jsonl)."
echo "Next: switchboard explain sim-out/events.jsonl --contact 100 --config $config"
