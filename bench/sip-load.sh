#!/usr/bin/env bash
# SIP load run: starts `switchboard serve configs/sip-load.toml` on a fresh SQLite store, waits
# until it answers OPTIONS on 127.0.0.1:5060, runs the shared SIPp harness against it
# (cc_load.py, from ../shared/bench/sip-load or $SB_SIP_LOAD), then stops the server with
# SIGTERM and prints the harness's summary and the server's RSS before and after the load.
# Usage: bench/sip-load.sh [--binary PATH] [--queue support|hold|ringall] [--agents N]
#                          [--capture-sip S] [--perf S] [--preload LIB] [--jitter-at S]
#                          -- CC_LOAD_ARGS...
#   --capture-sip S captures the SIP on 127.0.0.1:5060 for S seconds from the start and
#   prints the server's own caller INVITE -> agent INVITE times on the wire (pcap_latency.py).
#   --perf S records `perf record -g` of the server for S seconds from the start.
#   --jitter-at S runs bench/rtp_jitter.py (3 s capture, a sample of 100 of the streams the
#   server sends from ports 10000-10999) S seconds from the start, e.g. on a full hold queue.
#   --preload LIB starts the server with LD_PRELOAD=LIB (e.g. another malloc), nothing else.
#   --agents N gives the queue's agent pool N agents instead of the configuration's 800 (support)
#   or 20 (ringall), in a copy of configs/sip-load.toml: 800 agents busy 5.5 s a call complete at
#   most 145 calls/s, so a 250 calls/s run needs about 1,600.
#   e.g. bench/sip-load.sh -- --rate 25 --duration 60 --ring-ms 500 --hold-ms 5000
#        bench/sip-load.sh --queue hold -- --agent-ports none --rate 200 --calls 2000 \
#            --concurrency 2000 --max-wait-ms 30000 --rtp-capture-at 20
# The binary defaults to build/release/src/server/switchboard (scripts/build.sh release).
# Results go to bench/results/sip-load/LABEL (not committed); record figures in bench/RESULTS.md.
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
binary=build/release/src/server/switchboard
queue=support
agents=""
capture_sip=""
perf_secs=""
preload=""
jitter_at=""
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --queue) queue="$2"; shift 2 ;;
    --agents) agents="$2"; shift 2 ;;
    --capture-sip) capture_sip="$2"; shift 2 ;;
    --perf) perf_secs="$2"; shift 2 ;;
    --preload) preload="$2"; shift 2 ;;
    --jitter-at) jitter_at="$2"; shift 2 ;;
    *) echo "sip-load: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "${1:-}" == "--" ]] && shift
harness="${SB_SIP_LOAD:-../shared/bench/sip-load}"
[[ -x "$binary" ]] || { echo "sip-load: no $binary; run scripts/build.sh release" >&2; exit 2; }
[[ -f "$harness/cc_load.py" ]] || {
  echo "sip-load: no harness at $harness; set SB_SIP_LOAD to the sip-load directory" >&2
  exit 2
}
command -v sipp >/dev/null || { echo "sip-load: sipp is missing (apt-get install sip-tester)" >&2; exit 2; }

for v in "$capture_sip" "$perf_secs" "$jitter_at"; do
  if [[ -n "$v" ]] && ! [[ "$v" =~ ^[1-9][0-9]{0,3}$ ]]; then
    echo "sip-load: --capture-sip, --perf and --jitter-at take seconds (1-9999), not '$v'" >&2
    exit 2
  fi
done
[[ -z "$capture_sip$jitter_at" ]] || command -v dumpcap >/dev/null || {
  echo "sip-load: --capture-sip and --jitter-at need dumpcap and tshark (apt-get install tshark)" >&2; exit 2; }
[[ -z "$perf_secs" ]] || command -v perf >/dev/null || {
  echo "sip-load: --perf needs perf (apt-get install linux-perf)" >&2; exit 2; }
[[ -z "$preload" || -f "$preload" ]] || { echo "sip-load: --preload: no file $preload" >&2; exit 2; }
if [[ -n "$agents" ]] && ! [[ "$agents" =~ ^[1-9][0-9]{0,4}$ && "$agents" -le 9999 ]]; then
  echo "sip-load: --agents takes a number of agents from 1 to 9999, not '$agents'" >&2
  exit 2
fi
case "$queue" in
  support) pool=agent ;;
  ringall) pool=ring ;;
  hold) pool="" ;;
  *) echo "sip-load: --queue is support, hold or ringall, not '$queue'" >&2; exit 2 ;;
esac
if [[ -n "$agents" && -z "$pool" ]]; then
  echo "sip-load: the hold queue has no agents; --agents does not apply" >&2
  exit 2
fi

work=$(mktemp -d /tmp/sb-sip-load.XXXXXX)
config=configs/sip-load.toml
if [[ -n "$agents" ]]; then
  # The pool's `count` is the line after its `prefix`; everything else stays as configured.
  config="$work/sip-load.toml"
  awk -v pool="$pool" -v n="$agents" '
    $0 == "prefix = \"" pool "\"" { in_pool = 1; print; next }
    in_pool && /^count = / { print "count = " n; in_pool = 0; next }
    { print }' configs/sip-load.toml >"$config"
  grep -q "^count = $agents\$" "$config" || { echo "sip-load: could not set the $pool pool's count" >&2; exit 2; }
fi
label="${queue}${agents:+-$agents}-$(date +%Y%m%d-%H%M%S)"
out="bench/results/sip-load/$label"
mkdir -p "$out"
env ${preload:+LD_PRELOAD=$preload} "$binary" serve "$config" --store "sqlite:$work/load.db" \
  --checkpoint-every 0 2>"$out/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT

# Ready when OPTIONS gets a 200 (bounded: 30 s).
python3 - <<'PY'
import socket, sys, time
deadline = time.time() + 30
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(0.5)
port = s.getsockname()[1]
n = 0
while time.time() < deadline:
    n += 1
    msg = (f"OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-ready{n}\r\n"
           f"From: <sip:probe@127.0.0.1>;tag=p{n}\r\nTo: <sip:127.0.0.1>\r\nCall-ID: ready-{n}@127.0.0.1\r\n"
           f"CSeq: {n} OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
    s.sendto(msg.encode(), ("127.0.0.1", 5060))
    try:
        data, _ = s.recvfrom(65536)
        if data.startswith(b"SIP/2.0 200"):
            sys.exit(0)
    except socket.timeout:
        pass
sys.exit("sip-load: the server did not answer OPTIONS within 30 s")
PY
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$server/status"; }
echo "sip-load: server ready (pid $server, RSS $(rss))"
side=()
if [[ -n "$capture_sip" ]]; then
  dumpcap -q -i lo -f "udp port 5060" -a "duration:$capture_sip" -w "$out/sip.pcapng" \
    2>"$out/dumpcap.log" &
  side+=($!)
fi
if [[ -n "$perf_secs" ]]; then
  perf record -q -g -p "$server" -o "$out/perf.data" -- sleep "$perf_secs" 2>"$out/perf.log" &
  side+=($!)
fi
if [[ -n "$jitter_at" ]]; then
  (sleep "$jitter_at" && python3 bench/rtp_jitter.py --seconds 3 --sample 100 >"$out/jitter.txt" 2>&1) &
  side+=($!)
fi
python3 "$harness/cc_load.py" --target 127.0.0.1:5060 --queue-uri "sip:$queue@127.0.0.1:5060" \
  --agent-ports 5070-5073 --server-pid "$server" --out "$out" --label "$label" "$@"
echo "sip-load: RSS right after the load: $(rss)"
for p in "${side[@]}"; do wait "$p" || true; done
if [[ -n "$capture_sip" ]]; then
  echo "sip-load: on the wire (server's own time; SIPp's scheduling excluded):"
  python3 "$harness/tools/pcap_latency.py" "$out/sip.pcapng" --server-port 5060 --caller-port 5080 \
    | tee "$out/pcap_latency.txt"
fi
if [[ -n "$jitter_at" ]]; then
  echo "sip-load: RTP jitter at ${jitter_at} s (a sample of the streams the server sent):"
  cat "$out/jitter.txt"
fi
[[ -z "$perf_secs" ]] || echo "sip-load: profile in $out/perf.data (perf report -i $out/perf.data)"
sleep 10
echo "sip-load: RSS 10 s after the load: $(rss)"
sleep 30  # the server returns freed memory every 30 s (serve: freed memory returned ...)
echo "sip-load: RSS 40 s after the load: $(rss)"
echo "sip-load: results in $out (summary.json), server log in $out/server.log"
