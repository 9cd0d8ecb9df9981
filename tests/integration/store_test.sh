#!/usr/bin/env bash
# The store end to end, on SQLite and on a real PostgreSQL server:
#  - reports from the store equal reports from the same events in a file;
#  - SIGKILL in the middle of a burst of writes loses nothing that was acknowledged;
#  - cases from the command line, with their audit rows; retention purge.
# Usage: store_test.sh SWITCHBOARD SOURCE_DIR
set -u
bin="$1"
src="$2"
here="$(dirname "$0")"
# shellcheck source=../cli/lib.sh
source "$here/../cli/lib.sh"
# shellcheck source=pg.sh
source "$here/pg.sh"
trap 'stop_pg; rm -rf "$tmp"' EXIT
start_pg || { echo "FAIL could not start PostgreSQL"; exit 1; }

"$bin" sim "$src/configs/demo.toml" --events "$tmp/day.jsonl" >/dev/null 2>&1
"$bin" report --events "$tmp/day.jsonl" --config "$src/configs/demo.toml" --format csv >"$tmp/file.csv"
for backend in sqlite pg; do
  if [[ $backend == sqlite ]]; then url="$tmp/report.db"; else url=$(create_db report); fi
  "$bin" sim "$src/configs/demo.toml" --store "$url" >/dev/null 2>"$tmp/sim_$backend.err"
  check "$backend: sim stores its events" grep -q "stored [0-9]* events" "$tmp/sim_$backend.err"
  "$bin" report --store "$url" --config "$src/configs/demo.toml" --format csv >"$tmp/store.csv"
  # The interval rows (before the partner section) must be identical.
  sed '/^$/,$d' "$tmp/store.csv" >"$tmp/store_intervals.csv"
  check "$backend: report from the store equals the report from the event file" \
    cmp -s "$tmp/file.csv" "$tmp/store_intervals.csv"
  check "$backend: report has a partner section" grep -q "^partner,offered" "$tmp/store.csv"
done

# SIGKILL during a burst: three kills at different moments per back end.
for backend in sqlite pg; do
  for round in 1 2 3; do
    if [[ $backend == sqlite ]]; then url="$tmp/drill$round.db"; else url=$(create_db "drill$round"); fi
    acks="$tmp/acks_${backend}_$round"
    "$bin" store drill --store "$url" --events 5000000 >"$acks" 2>"$acks.err" &
    pid=$!
    # Wait (bounded) until it has acknowledged some writes, then a little more per round.
    for _ in $(seq 1 300); do
      [[ $(grep -c '^case' "$acks" 2>/dev/null || true) -ge $((round * 5)) ]] && break
      sleep 0.05
    done
    sleep "0.$round"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    n=$(grep -c '^case' "$acks")
    check "$backend round $round: the drill acknowledged writes before the kill ($n cases)" test "$n" -gt 0
    "$bin" store check-drill --store "$url" --acks "$acks" >"$acks.check" 2>&1
    check "$backend round $round: after SIGKILL every acknowledged write is there" \
      grep -q "^ok: every acknowledged write is there" "$acks.check"
    # The store opens and takes writes again after the kill.
    "$bin" store info --store "$url" >"$acks.info" 2>&1
    check "$backend round $round: the store reopens" grep -q "schema version   5" "$acks.info"
  done
done

# Cases from the command line.
for backend in sqlite pg; do
  if [[ $backend == sqlite ]]; then url="$tmp/cases.db"; else url=$(create_db cases); fi
  "$bin" case open --store "$url" --user alice --call 42 --record P-1001 --notes "lost card" >"$tmp/open" 2>&1
  number=$(sed -n 's/^case \([A-Z0-9-]*\) .*/\1/p' "$tmp/open")
  check "$backend: case open prints a confirmation number" test -n "$number"
  "$bin" case set "$number" --store "$url" --user bob --status closed >"$tmp/closed" 2>&1
  code=$?
  check "$backend: closing without a disposition is refused" test "$code" -ne 0
  check "  and says what to do" grep -q "choose one first" "$tmp/closed"
  "$bin" case set "$number" --store "$url" --user bob --config "$src/configs/demo.toml" \
    --disposition sold-a-car >"$tmp/badcode" 2>&1
  check "$backend: a disposition the queue does not list is refused, naming the valid ones" \
    grep -q "expected one of: resolved, escalated, callback-promised, wrong-number" "$tmp/badcode"
  lower=$(echo "$number" | tr 'A-Z' 'a-z' | tr -d '-')
  "$bin" case set "$lower" --store "$url" --user bob --status closed --disposition resolved >"$tmp/set" 2>&1
  check "$backend: case set closes it, found from a lower-case number without dashes" grep -q ", closed, version" "$tmp/set"
  "$bin" case show "$number" --store "$url" --user carol >"$tmp/show" 2>&1
  check "$backend: history keeps old and new values" grep -q "bob status: 'open' -> 'closed'" "$tmp/show"
  "$bin" store info --store "$url" >"$tmp/info" 2>&1
  # create, the refused change reads (a view), the change, carol's view
  check "$backend: views and changes are audited" grep -q "audit rows       [4-9]" "$tmp/info"
  "$bin" store purge --store "$url" --cases-days 30 --audit-days 30 >"$tmp/purge" 2>&1
  check "$backend: purge keeps young data and says what it removed" grep -q "purged: 0 events, 0 CDRs, 0 cases, 0 audit rows" "$tmp/purge"
done

"$bin" store info --store "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2" >"$tmp/down" 2>&1
code=$?
check "an unreachable PostgreSQL is a clear error" grep -q "is the server running" "$tmp/down"
check "  with a non-zero exit" test "$code" -ne 0
exit $fail
