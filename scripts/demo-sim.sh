#!/usr/bin/env bash
# Builds the release binary and runs the simulation demo: one simulated day of configs/demo.toml
# through the routing engine, stored in the embedded SQLite store, a report from that store, a
# screen pop from sample records and a week's staffing plan. Results go to sim-out/.
# Usage: scripts/demo-sim.sh [CONFIG]
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release --target switchboard
config="${1:-configs/demo.toml}"
./build/release/src/server/switchboard check-config "$config"
mkdir -p sim-out
rm -f sim-out/switchboard.db sim-out/switchboard.db-wal sim-out/switchboard.db-shm
sb=./build/release/src/server/switchboard
$sb sim "$config" --out sim-out --events sim-out/events.jsonl --store sim-out/switchboard.db
echo
echo "Per-partner report from the store (every call of the day; CDRs from the engine's events):"
$sb report --store sim-out/switchboard.db --config "$config" --format table | sed -n '/^partner/,$p'
echo
echo "Screen pop for a call from 06 12 34 56 78 (sample records; the look-up is audited):"
$sb lookup --records src/directory/testdata/records.csv --store sim-out/switchboard.db \
  --user demo --call 1 --phone "06 12 34 56 78"
$sb store info --store sim-out/switchboard.db
echo
echo "Staffing plan for a week of the demo line (configs/demo-forecast.csv):"
./build/release/src/server/switchboard staff configs/demo-forecast.csv --time-limit 10 | tail -4
echo
echo "Results: sim-out/ (intervals.csv, summary.json, chart.svg, events.jsonl, switchboard.db)."
echo "Next: switchboard explain sim-out/events.jsonl --contact 100 --config $config"
