#!/usr/bin/env bash
# `switchboard import` and `switchboard lookup`: real binary, real files, a real SQLite store.
# Usage: directory_cli_test.sh SWITCHBOARD SOURCE_DIR
set -u
bin="$1"
src="$2"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
records="$src/src/directory/testdata/records.csv"

"$bin" import --help >"$tmp/h" 2>&1
check "import --help" grep -qi "usage" "$tmp/h"
"$bin" import "$records" >"$tmp/imp" 2>&1
check "import loads the sample records" grep -q "7 rows: 7 inserted, 0 updated, 0 deleted, 0 rejected" "$tmp/imp"

cat >"$tmp/bad.csv" <<'CSV'
id,name,phone,birth_date
A-1,Anne Martin,06 11 22 33 44,1980-01-01
A-2,Bad Date,06 11 22 33 45,2023-02-30
,No Id,06 11 22 33 46,
A-3,"Unterminated,06 11 22 33 47,
CSV
"$bin" import "$tmp/bad.csv" --rejects "$tmp/rejects.txt" >"$tmp/badimp" 2>&1
code=$?
check "a file with bad rows still imports the good ones" grep -q "1 inserted" "$tmp/badimp"
check "  and exits 0" test "$code" -eq 0
check "  rejects name the line of a bad date" grep -q "line 3: .*2023-02-30" "$tmp/rejects.txt"
check "  and of a missing id" grep -q "line 4: .*id" "$tmp/rejects.txt"
printf 'id,nmae\nX,Y\n' >"$tmp/typo.csv"
"$bin" import "$tmp/typo.csv" >"$tmp/typo" 2>&1
code=$?
check "an unknown column rejects the file, naming it" grep -q "nmae" "$tmp/typo"
check "  with exit 2" test "$code" -eq 2
check "  naming the file once" test "$(grep -o "typo.csv" "$tmp/typo" | wc -l)" -eq 1

db="$tmp/audit.db"
"$bin" lookup --records "$records" --store "$db" --user alice --call 77 --phone "06 12 34 56 78" >"$tmp/pop" 2>&1
check "screen pop by caller number finds the record" grep -q "^C-1001 .*Marie Dupont" "$tmp/pop"
check "  and its partner" grep -q "^partner: P-ACME" "$tmp/pop"
check "  and the partner's people" grep -q "^  contact: C-1002" "$tmp/pop"
"$bin" lookup --records "$records" --store "$db" --user bob --name "dupond marie" >"$tmp/search" 2>&1
check "name search forgives a typo and swapped words" grep -q "C-1001 .*score" "$tmp/search"
"$bin" store info --store "$db" >"$tmp/info" 2>&1
# pop: the record and the partner; search: one search row and one view per result
check "every look-up is audited" grep -Eq "audit rows +([5-9]|[1-9][0-9])" "$tmp/info"
"$bin" lookup --records "$records" --store "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2" \
  --user eve --phone "06 12 34 56 78" >"$tmp/noaudit" 2>&1
code=$?
check "no store, no look-up: nothing is shown unaudited" test "$code" -ne 0
check "  (no record printed)" bash -c "! grep -q 'Marie' '$tmp/noaudit'"
exit $fail
