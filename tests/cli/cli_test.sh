#!/usr/bin/env bash
# End-to-end checks of the `switchboard` command line: real binary, real files.
# Usage: cli_test.sh SWITCHBOARD SOURCE_DIR
set -u
bin="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

"$bin" --help >"$tmp/help" 2>&1
for cmd in sim check-config explain report erlang staff forecast store case serve import lookup \
    phone-ha1; do
  check "--help lists $cmd" grep -qE "^  $cmd( |$)" "$tmp/help"
done
# Each command's help shows its own options: a word only that command's help has, so a help
# wired to the wrong command (or to none) fails.
while read -r cmd option; do
  "$bin" "$cmd" --help >"$tmp/h_$cmd" 2>&1
  code=$?
  check "$cmd --help exits 0" test "$code" -eq 0
  check "$cmd --help shows $option" grep -q -- "$option" "$tmp/h_$cmd"
  check "  and its usage names $cmd" grep -qE "^Usage: .*$cmd" "$tmp/h_$cmd"
done <<'EOF2'
sim --replications
check-config FILE
explain --contact
report --interval
erlang --offered-load
staff --shift-templates
forecast --week-of
serve --shutdown-timeout
import --rejects
lookup --phone
phone-ha1 --realm
EOF2

"$bin" check-config "$src/configs/demo.toml" >"$tmp/cc" 2>&1
check "check-config accepts the demo" grep -q "OK" "$tmp/cc"
check "  and summarises its telephony" grep -q "telephony: SIP on 127.0.0.1:5060" "$tmp/cc"
ha1=$(printf 'Circle Of Life\n' | "$bin" phone-ha1 Mufasa --realm testrealm@host.com)
check "phone-ha1 prints RFC 2617's HA1 for its example" test "$ha1" = 939e7578ed9e3c518a452acee763bce9
printf '' | "$bin" phone-ha1 alice >/dev/null 2>"$tmp/ha1err"
code=$?
check "phone-ha1 without a password exits 2 and says so" \
  bash -c "test $code -eq 2 && grep -q 'no password' '$tmp/ha1err'"
"$bin" check-config "$src/configs/bad/unknown_key.toml" >"$tmp/bad" 2>&1
code=$?
check "check-config rejects a typo with exit 2" test "$code" -eq 2
check "  and names file, line and key" grep -q "unknown_key.toml:7: queue 'support': service_levle" "$tmp/bad"

"$bin" sim "$src/configs/demo.toml" --out "$tmp" --events "$tmp/day.jsonl" >"$tmp/sim" 2>&1
check "sim runs the demo" grep -q "service level" "$tmp/sim"
check "sim writes intervals.csv (48 half-hours + header)" test "$(wc -l <"$tmp/intervals.csv")" -eq 49
check "sim writes summary.json" grep -q '"service_level"' "$tmp/summary.json"
check "sim writes chart.svg" grep -q "<svg" "$tmp/chart.svg"
check "sim writes the event log" test "$(wc -l <"$tmp/day.jsonl")" -gt 10000

answered=$(grep -m1 '"type":"OfferAccepted"' "$tmp/day.jsonl" | grep -o '"contact":[0-9]*' | cut -d: -f2)
"$bin" explain "$tmp/day.jsonl" --contact "$answered" --config "$src/configs/demo.toml" >"$tmp/explain" 2>&1
check "explain tells a contact's story" grep -q "ContactQueued" "$tmp/explain"
check "  with the decision's rule" grep -q "rule " "$tmp/explain"

"$bin" report --events "$tmp/day.jsonl" --config "$src/configs/demo.toml" --format csv --interval 15 >"$tmp/report.csv" 2>&1
accepted=$(grep -c '"type":"OfferAccepted"' "$tmp/day.jsonl")
reported=$(awk -F, 'NR > 1 { s += $3 } END { print s }' "$tmp/report.csv")
check "report's answered calls equal the log's accepted offers ($accepted)" test "$accepted" = "$reported"
check "report has 15-minute intervals" grep -q "T00:15:00" "$tmp/report.csv"
"$bin" report --events "$tmp/day.jsonl" --config "$src/configs/demo.toml" --interval 20 >"$tmp/r20" 2>&1
code=$?
check "report refuses a 20-minute interval" test "$code" -eq 2

"$bin" sim "$src/configs/demo.toml" --days 8 --events "$tmp/past.jsonl" >/dev/null 2>&1
"$bin" forecast --events "$tmp/past.jsonl" --config "$src/configs/demo.toml" --week-of 2026-11-30 >"$tmp/week.csv" 2>"$tmp/forecast.err"
check "forecast writes a week of half-hours" test "$(grep -c '^2026-' "$tmp/week.csv")" -eq 336
check "forecast says how many weeks it used" grep -q "past week" "$tmp/forecast.err"
"$bin" staff "$tmp/week.csv" --time-limit 2 >"$tmp/staff.txt" 2>&1
check "staff reads the forecast" grep -q "agents" "$tmp/staff.txt"
"$bin" forecast --events "$tmp/past.jsonl" --config "$src/configs/demo.toml" --week-of 2026-11-02 >/dev/null 2>&1
code=$?
check "forecast without history fails cleanly" test "$code" -eq 2

echo '{"type":"Bogus"}' >"$tmp/bad.jsonl"
"$bin" explain "$tmp/bad.jsonl" --contact 1 >"$tmp/explain_bad" 2>&1
code=$?
check "explain rejects a bad log with its line" test "$code" -eq 2
check "  naming line 1" grep -q "bad.jsonl:1" "$tmp/explain_bad"

"$bin" sim "$src/configs/missing.toml" >"$tmp/missing" 2>&1
code=$?
check "sim on a missing file fails cleanly" test "$code" -eq 2

exit $fail
