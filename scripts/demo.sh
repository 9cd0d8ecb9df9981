#!/usr/bin/env bash
# Builds the release binary and starts the server on the demo configuration (configs/demo.toml)
# and the embedded SQLite store (sim-out/server.db), with SIP on 127.0.0.1:5060. It first places
# one call through it with SIPp (a caller dials `support`; sup-002's phone, a SIPp UAS on
# 127.0.0.1:5070, rings, answers and hangs up) and prints what the store recorded; then, on a
# terminal, it keeps the server running and prints how to call it and how to register a
# softphone as an agent. The simulation demo is scripts/demo-sim.sh.
# Usage: scripts/demo.sh [CONFIG]
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release --target switchboard
config="${1:-configs/demo.toml}"
sb=./build/release/src/server/switchboard
$sb check-config "$config"
mkdir -p sim-out
rm -f sim-out/server.db sim-out/server.db-wal sim-out/server.db-shm

probe() {  # until the server answers OPTIONS on 127.0.0.1:5060 (at most 30 s)
  python3 - <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(0.3)
port, end, n = s.getsockname()[1], time.time() + 30, 0
while time.time() < end:
    n += 1
    s.sendto((f"OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-demo{n}\r\n"
              f"From: <sip:demo@127.0.0.1>;tag=d{n}\r\nTo: <sip:127.0.0.1>\r\nCall-ID: demo-{n}\r\n"
              f"CSeq: {n} OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n").encode(),
             ("127.0.0.1", 5060))
    try:
        if s.recvfrom(65536)[0].startswith(b"SIP/2.0 200"):
            sys.exit(0)
    except socket.timeout:
        pass
sys.exit("the server did not answer OPTIONS on 127.0.0.1:5060 within 30 s (sim-out/server.log)")
PY
}

echo
echo "The server (switchboard serve $config --store sim-out/server.db), one phone call through it:"
$sb serve "$config" --store sim-out/server.db --records src/directory/testdata/records.csv \
  2>sim-out/server.log &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
probe
work=$(mktemp -d)
# sup-002's phone (fixed address 127.0.0.1:5070), then a caller from 06 12 34 56 78.
sipp -sf tests/sip/uas_answer.xml -i 127.0.0.1 -p 5070 -m 1 -timeout 20s -timeout_error \
  -nostdin -trace_logs -log_file "$work/agent.log" >/dev/null 2>&1 &
agent=$!
sleep 0.5
sipp 127.0.0.1:5060 -sf tests/sip/uac_call.xml -s support -key caller 0612345678 \
  -key codecs "0 101" -key hangup server -i 127.0.0.1 -p 5080 -m 1 -timeout 20s -timeout_error \
  -nostdin -trace_logs -log_file "$work/caller.log" >/dev/null 2>&1 || true
wait $agent || true
sed 's/^/  caller: /' "$work/caller.log" 2>/dev/null | head -4
sed 's/^/  sup-002 phone: /' "$work/agent.log" 2>/dev/null | head -4
rm -rf "$work"
sleep 0.5
sqlite3 -readonly sim-out/server.db \
  "SELECT '  stored CDR: caller ' || caller || ', outcome ' || outcome FROM cdrs ORDER BY contact DESC LIMIT 1" ||
  true

if [[ -t 0 && -t 1 ]]; then
  cat <<'TXT'

The server is running: SIP on 127.0.0.1:5060 (UDP and TCP), the demo configuration, the store in
sim-out/server.db, its log in sim-out/server.log.

Place a call (the caller hears hold music until an agent's phone answers):
  sipp -sn uac 127.0.0.1:5060 -s support -m 1 -d 20000     # or any softphone: sip:support@127.0.0.1

Register a softphone as agent sup-001 (user sup-001, password "demo", realm "switchboard"),
e.g. baresip: put this line in ~/.baresip/accounts, run `baresip`, then type /uanew or restart:
  <sip:sup-001@127.0.0.1>;auth_pass=demo;outbound="sip:127.0.0.1:5060"
Linphone: SIP account sup-001, domain 127.0.0.1, password demo, transport UDP.
sup-002 has a phone at a fixed address: a softphone listening on 127.0.0.1:5070 rings for it.
Agents are logged in and ready when their phone is (sup-002 at start); more in docs/operations.md.

Press Enter to stop the server (everything it acknowledged is durable first).
TXT
  read -r _ || true
fi
