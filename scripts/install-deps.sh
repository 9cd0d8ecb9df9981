#!/usr/bin/env bash
# Installs every Debian package the build and the tests need. Idempotent: packages that are
# already installed are skipped, so a second run does nothing and needs no network.
# Usage: scripts/install-deps.sh [--help]
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

packages=(
  g++ cmake make git pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev   # tests and benchmarks
  libtomlplusplus-dev                           # configuration (TOML with line numbers)
  nlohmann-json3-dev                            # JSON output and reference-case tests
  libcli11-dev                                  # command line with --help on every command
  libglpk-dev                                   # MIP solver for shift scheduling
  libsqlite3-dev                                # the embedded store
  libpq-dev                                     # the PostgreSQL store (client library)
  libboost-dev                                  # Boost.Asio: the server's event loop
  dpkg-dev                                      # dpkg-shlibdeps for the Debian package (cpack)
  sqlite3                                       # inspecting stores in tests and backups
  postgresql                                    # a real server for the PostgreSQL store tests
  python3                                       # small test drivers
  tzdata                                        # named time zones in calendars
  clang libclang-rt-14-dev                      # libFuzzer targets (scripts/fuzz.sh), thread-safety analysis
  clang-format                                  # scripts/check-format.sh
  libsofia-sip-ua-dev                           # SIP stack (nua) under src/sip
  libsndfile1-dev                               # prompts and hold music (WAV) for src/media
  libsrtp2-dev                                  # SRTP (SDES keys) in the media engine
  liburing-dev                                  # io_uring: a tick's RTP sends in one system call
  libssl-dev openssl                            # TLS certificates checked by config; test certificates
  asterisk-moh-opsound-wav                      # default hold music (CC-BY-SA)
  asterisk-core-sounds-en-wav                   # default prompts: digits, queue announcements
  sip-tester                                    # SIPp: real SIP peers in tests and benchmarks
  baresip-core                                  # a real softphone for the end-to-end test
  sox espeak-ng                                 # audio checks, spoken prompts the packages lack
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
