#!/usr/bin/env bash
# Keeps the routing core, the staffing maths and the simulator pure: no clock reads, no global
# randomness, no threads, no I/O. Tests and testing/ support are exempt. Prints each offending
# line and fails if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='system_clock::now|steady_clock::now|high_resolution_clock::now|[^_a-zA-Z]rand\(|srand\(|<thread>|<mutex>|<boost/asio|<sqlite3.h>|std::cout|std::cerr|<fstream>|<iostream>|fopen\(|[^a-z]printf\(|fprintf\('
if grep -rnE "$pattern" src/core src/wfm src/sim --include='*.h' --include='*.cc' \
    --exclude='*_test.cc' --exclude-dir=testing; then
  echo "check-purity: the lines above break the purity rule of core/wfm/sim (docs/style.md)" >&2
  exit 1
fi
echo "check-purity: core, wfm and sim are pure"
