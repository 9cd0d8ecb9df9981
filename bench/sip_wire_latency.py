#!/usr/bin/env python3
"""Caller INVITE -> agent INVITE as the server's loopback saw it, from a capture of its SIP port.

Usage: bench/sip_wire_latency.py CAPTURE [--server-port 5060] [--caller-port 5080] [--worst N]

Matches each caller's INVITE (caller port -> server port) with the server's first INVITE
to an agent carrying the same From user (the harness's caller number), and prints
min/p50/p90/p99/p99.9/max in ms, how the slowest calls spread over the run (per second),
and the N slowest with their times, so a tail can be laid beside the server's log.
Needs tshark (apt-get install tshark).
"""
import argparse
import collections
import subprocess
import sys


def pct(v, p):
    if not v:
        return float("nan")
    k = (len(v) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(v) - 1)
    return v[f] + (v[c] - v[f]) * (k - f)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("capture")
    ap.add_argument("--server-port", type=int, default=5060)
    ap.add_argument("--caller-port", type=int, default=5080)
    ap.add_argument("--worst", type=int, default=10)
    a = ap.parse_args()
    cmd = ["tshark", "-r", a.capture, "-n", "-d", f"udp.port=={a.server_port},sip", "-Y",
           "sip.Method == \"INVITE\"", "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
           "-e", "frame.time_epoch", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "sip.from.user"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"sip_wire_latency: tshark failed on {a.capture}: {e}")
    inv, ainv = {}, {}
    for line in out.splitlines():
        p = line.split("|")
        if len(p) != 4 or not p[3]:
            continue
        t, sp, dp, user = float(p[0]), int(p[1]), int(p[2]), p[3]
        if sp == a.caller_port and dp == a.server_port:
            inv.setdefault(user, t)
        elif sp == a.server_port and dp != a.caller_port:
            ainv.setdefault(user, t)
    pairs = sorted(((ainv[u] - t) * 1000, t, u) for u, t in inv.items() if u in ainv)
    if not pairs:
        sys.exit("sip_wire_latency: no caller INVITE matched an agent INVITE in the capture")
    v = [d for d, _, _ in pairs]
    print(f"caller INVITE -> agent INVITE on the wire: n={len(v)} min {v[0]:.2f} p50 {pct(v, 50):.2f} "
          f"p90 {pct(v, 90):.2f} p99 {pct(v, 99):.2f} p99.9 {pct(v, 99.9):.2f} max {v[-1]:.2f} ms")
    t0 = min(t for _, t, _ in pairs)
    slow = collections.Counter(int(t - t0) for d, t, _ in pairs if d >= pct(v, 99))
    print("calls at or above p99, by second of the capture:",
          " ".join(f"{s}s:{n}" for s, n in sorted(slow.items())))
    for d, t, u in pairs[-a.worst:][::-1]:
        print(f"  {d:8.2f} ms  at +{t - t0:7.3f} s  caller {u}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
