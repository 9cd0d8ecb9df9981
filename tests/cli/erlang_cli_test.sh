#!/usr/bin/env bash
# End-to-end checks of `switchboard erlang` and `switchboard staff`: real binary, real files.
# Usage: erlang_cli_test.sh SWITCHBOARD SOURCE_DIR
set -u
bin="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

for sub in "erlang b" "erlang c" "erlang a" "staff"; do
  $bin $sub --help >"$tmp/help" 2>&1
  check "$sub --help" grep -qi "usage" "$tmp/help"
done

"$bin" erlang c --arrival-rate 0.05555555555555555 --aht 180 --agents 14 \
  --target-answer-time 20 --json >"$tmp/c.json" 2>&1
check "erlang c --json prints erlang.json names" grep -q '"service_level": 0.88835001917946' "$tmp/c.json"
"$bin" erlang c --arrival-rate 0.05555555555555555 --aht 180 --target-answer-time 20 \
  --target-service-level 0.8 --shrinkage 0.3 --json >"$tmp/size.json" 2>&1
check "erlang c without --agents sizes (C-05)" grep -q '"scheduled_with_shrinkage": 20' "$tmp/size.json"
"$bin" erlang b --offered-load 10 --max-blocking 0.02 >"$tmp/b" 2>&1
check "erlang b sizes trunks (B-11)" grep -Eq '^min_trunks +17$' "$tmp/b"
"$bin" erlang a --arrival-rate 48 --aht 1 --mean-patience 2 --agents 50 \
  --target-answer-time 0.3333333333333333 --json >"$tmp/a.json" 2>&1
check "erlang a reports abandonment (A-03)" grep -q '"p_abandon": 0.0309122491' "$tmp/a.json"

"$bin" erlang c --arrival-rate -1 --aht 180 --agents 14 --target-answer-time 20 >"$tmp/e1" 2>&1
code=$?
check "negative rate: exit 2" test "$code" -eq 2
check "  and says which flag" grep -q -- "--arrival-rate must be" "$tmp/e1"
"$bin" erlang c --arrival-rate 0.05 --agents 14 --target-answer-time 20 >"$tmp/e2" 2>&1
code=$?
check "missing --aht: exit 2 naming it" test "$code" -eq 2 -a -n "$(grep -- '--aht' "$tmp/e2")"
"$bin" erlang c --arrival-rate fast --aht 180 >"$tmp/e3" 2>&1
code=$?
check "non-numeric flag: exit 2" test "$code" -eq 2

"$bin" staff "$src/configs/demo-forecast.csv" --time-limit 3 --json >"$tmp/staff.json" 2>&1
code=$?
check "staff plans the demo week" test "$code" -eq 0
check "  with shifts, a cost and a gap" grep -q '"gap"' "$tmp/staff.json"
printf 'interval_start,calls,aht_seconds\nMon 08:00,10,300\nMon 08:30,ten,300\n' >"$tmp/bad.csv"
"$bin" staff "$tmp/bad.csv" >"$tmp/e4" 2>&1
code=$?
check "staff: malformed row is exit 2" test "$code" -eq 2
check "  naming the line" grep -q "line 3: calls must be a number" "$tmp/e4"
"$bin" staff "$tmp/missing.csv" >"$tmp/e5" 2>&1
code=$?
check "staff: missing file is exit 2" test "$code" -eq 2

exit $fail
