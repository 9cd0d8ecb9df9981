#!/usr/bin/env python3
"""Jitter of the RTP streams the server sends, from a loopback capture (stdlib only).

Captures `--seconds` of UDP from the server's RTP port range on `lo` with dumpcap (Debian
tshark), then, for a sample of streams (by the server's source port), reports packets per second and the
spread of inter-arrival times around the 20 ms ptime: mean and p99 of |delta - 20 ms|, and the
RFC 3550 interarrival jitter estimate (in ms, from the RTP timestamps at 8 kHz).

Usage: rtp_jitter.py [--ports 10000-10999] [--seconds 3] [--sample 50] [--dst-ports A-B]
                     [--pcap FILE]
  (--pcap reads an existing capture instead of capturing)
"""
import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile


def capture(ports, seconds, dst_ports):
    fd, path = tempfile.mkstemp(suffix=".pcap")
    os.close(fd)
    lo, hi = ports.split("-")
    flt = "udp and src portrange %s-%s" % (lo, hi)
    if dst_ports:
        flt += " and dst portrange %s" % dst_ports
    cmd = ["dumpcap", "-q", "-P", "-B", "64", "-i", "lo", "-a", "duration:%d" % seconds,
           "-f", flt, "-w", path]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=seconds + 20)
    return path


def packets(path):
    """(time_s, src_port, rtp_timestamp) of each UDP/IPv4 packet carrying RTP: the server's
    source port names the stream (one per leg; the callers may share one port)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    link_len = {1: 14, 113: 16, 0: 4, 276: 20}.get(linktype)
    if link_len is None:
        sys.exit("rtp_jitter: unsupported link type %d" % linktype)
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        pkt = data[off:off + incl]
        off += incl
        ip = pkt[link_len:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 0x0F) * 4
        udp = ip[ihl:]
        sport = struct.unpack("!H", udp[0:2])[0]
        rtp = udp[8:]
        if len(rtp) < 12 or rtp[0] >> 6 != 2:
            continue
        ts = struct.unpack("!I", rtp[4:8])[0]
        yield sec + frac / (1e9 if nano else 1e6), sport, ts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    # A sample of the server's ports: capturing all of 500,000 packets/s makes dumpcap drop some.
    ap.add_argument("--ports", default="10000-10999", help="the server's RTP source ports")
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--dst-ports", help="capture only streams to these ports, e.g. 40000-40999")
    ap.add_argument("--pcap")
    a = ap.parse_args()
    path = a.pcap or capture(a.ports, a.seconds, a.dst_ports)
    streams = {}
    for t, port, ts in packets(path):
        streams.setdefault(port, []).append((t, ts))
    if not a.pcap:
        os.unlink(path)
    if not streams:
        sys.exit("rtp_jitter: no RTP captured")
    span = max(s[-1][0] for s in streams.values()) - min(s[0][0] for s in streams.values())
    random.seed(1)
    chosen = random.sample(sorted(streams), min(a.sample, len(streams)))
    devs, jitters, rates = [], [], []
    for port in chosen:
        s = streams[port]
        if len(s) < 10:
            continue
        rates.append((len(s) - 1) / (s[-1][0] - s[0][0]))
        j = 0.0
        for (t0, ts0), (t1, ts1) in zip(s, s[1:]):
            d = (t1 - t0) * 1000.0
            devs.append(abs(d - 20.0))
            transit = (t1 - t0) * 8000.0 - ((ts1 - ts0) & 0xFFFFFFFF)
            j += (abs(transit) - j) / 16.0
        jitters.append(j / 8.0)  # samples -> ms
    devs.sort()
    total = sum(len(s) for s in streams.values())
    print("streams captured %d, packets %d in %.2f s (%.0f packets/s)" %
          (len(streams), total, span, total / span if span else 0))
    print("sample of %d streams: packets/s per stream min %.1f / mean %.1f / max %.1f" %
          (len(rates), min(rates), sum(rates) / len(rates), max(rates)))
    print("|inter-arrival - 20 ms|: mean %.2f ms, p99 %.2f ms, max %.2f ms" %
          (sum(devs) / len(devs), devs[int(0.99 * (len(devs) - 1))], devs[-1]))
    print("RFC 3550 jitter: mean %.2f ms, max %.2f ms" % (sum(jitters) / len(jitters),
                                                          max(jitters)))


if __name__ == "__main__":
    main()
