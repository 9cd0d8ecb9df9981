#!/usr/bin/env bash
# Hostile input through the real binary (issue 8 §4): each is a clear error naming the file, line
# and field, exits 2 at once, and leaves the program alive to say so (no crash, no hang).
# Usage: hostile_cli_test.sh SWITCHBOARD SOURCE_DIR
set -u
bin="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
demo="$src/configs/demo.toml"

# expect NAME CODE PATTERN FILE -- COMMAND...: COMMAND exits CODE within 20 s and FILE (its
# output) matches PATTERN.
expect() {
  local name="$1" want="$2" pattern="$3" out="$4"
  shift 5
  timeout 20 "$@" >"$out" 2>&1
  local code=$?
  check "$name (exit $want, got $code)" test "$code" -eq "$want"
  check "  says: $pattern" grep -q -- "$pattern" "$out"
}

python3 -c "print('[' + '.'.join(['a'] * 300000) + ']')" >"$tmp/deep.toml"
expect "check-config: a header 300,000 keys deep" 2 "deep.toml:1: a dotted key" "$tmp/cc" -- \
  "$bin" check-config "$tmp/deep.toml"

sed 's/service_level = 0.8/service_level = -9223372036854775808/' "$demo" >"$tmp/sl.toml"
expect "check-config: an integer past 2^53" 2 "got -9223372036854775808" "$tmp/sl" -- \
  "$bin" check-config "$tmp/sl.toml"

sed 's/profile = \[0.15, /profile = [1e308, /' "$demo" >"$tmp/w.toml"
expect "sim: a profile weight of 1e308" 2 "w.toml:[0-9]*: sim.stream: profile: weights" \
  "$tmp/w" -- "$bin" sim "$tmp/w.toml"

sed 's/calls_per_day = 6000/calls_per_day = 1e9/' "$demo" >"$tmp/v.toml"
expect "sim: 10^9 calls a day" 2 "v.toml:[0-9]*: sim.stream: calls_per_day" "$tmp/v" -- \
  "$bin" sim "$tmp/v.toml"
expect "sim: a run of 1.4e9 expected calls" 2 "expected calls" "$tmp/long" -- \
  "$bin" sim "$demo" --days 731 --replications 300
expect "sim: --days past its range" 105 "days" "$tmp/days" -- \
  "$bin" sim "$demo" --days 100000000

python3 -c "print('id,' + ','.join('x_%d' % i for i in range(300000)))" >"$tmp/wide.csv"
expect "import: 300,001 header columns" 2 "wide.csv: header (line 1): 300001 columns" \
  "$tmp/wide" -- "$bin" import "$tmp/wide.csv"

printf '{"type":"AgentReady","at":5,"agent":0}\n{"type":"AgentNotReady","at":6,"agent":0,"reason":256}\n' \
  >"$tmp/bad.jsonl"
expect "explain: a reason code of 256" 2 "bad.jsonl:2: field 'reason': expected an integer in 0..255" \
  "$tmp/ex" -- "$bin" explain "$tmp/bad.jsonl" --contact 1
exit $fail
