#!/usr/bin/env bash
# Builds the release binary and runs the demo: one simulated day of configs/demo.toml through the
# routing engine, stored in the embedded SQLite store, a report from that store, a screen pop from
# sample records and a week's staffing plan; then starts the server (`switchboard serve`) on the
# demo configuration and the embedded store, takes a call through it, and (on a terminal) leaves
# it running for you to drive. Results go to sim-out/.
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

# The server: the same configuration on its own embedded store (sim-out/server.db). A scripted
# call first: an agent logs in, a caller is queued and offered to them, they answer and hang up.
echo
echo "The server (switchboard serve $config --store sim-out/server.db), one call through it:"
rm -f sim-out/server.db sim-out/server.db-wal sim-out/server.db-shm
printf '%s\n' '{"op":"login","agent":"sup-001","device":"sip:sup-001@127.0.0.1"}' \
  '{"op":"ready","agent":"sup-001"}' \
  '{"op":"enqueue","queue":"support","caller":"06 12 34 56 78"}' \
  '{"op":"accept","contact":1,"agent":"sup-001","offer":1}' \
  '{"op":"hangup","contact":1}' '{"op":"status"}' |
  $sb serve "$config" --store sim-out/server.db --records src/directory/testdata/records.csv \
    2>sim-out/server.log | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if "durable" in m and len(m) == 1:
        continue
    what = ", ".join(e["type"] + (" to " + e["agent_name"] if e["type"] == "ContactOffered" else "")
                     for e in m.get("events", []))
    if m.get("op") == "case.opened":
        print("  case opened for the call: confirmation", m["confirmation"])
    elif m.get("op") == "status":
        print("  status: agents", m["agents"], "durable", m["durable"])
    else:
        print("  %-8s ok=%s %s" % (m.get("op"), m.get("ok"), what))'
echo "  (server log: sim-out/server.log; protocol: docs/design/control-protocol.md)"
if [[ -t 0 && -t 1 ]]; then
  echo
  echo "The server is running on sim-out/server.db: type JSON requests, one per line, e.g."
  echo '  {"op":"status"}   {"op":"login","agent":"sup-002"}   {"op":"enqueue","queue":"support"}'
  echo "Ctrl-D stops it (everything it acknowledged is durable first)."
  exec $sb serve "$config" --store sim-out/server.db --records src/directory/testdata/records.csv
fi
