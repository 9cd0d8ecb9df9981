"""Small helpers shared by the SIP end-to-end tests (tests/sip, tests/baresip): free loopback
ports and a minimal SIP message parser. Standard library only."""
import re
import socket

LO = "127.0.0.1"
_taken = set()


def free_port(tcp_too=False):
    """A UDP port (and TCP when asked) nobody uses now on 127.0.0.1; never handed out twice."""
    for _ in range(200):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((LO, 0))
        port = u.getsockname()[1]
        ok = port not in _taken
        t = None
        if ok and tcp_too:
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                t.bind((LO, port))
            except OSError:
                ok = False
        u.close()
        if t:
            t.close()
        if ok:
            _taken.add(port)
            return port
    raise RuntimeError("no free port")


def parse(data):
    """(first line, {lower-case header: first value}, body) of a SIP message."""
    text = data.decode("utf-8", errors="replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs.setdefault(k.strip().lower(), v.strip())
    return lines[0], hdrs, body


def status_of(first):
    """The status code of a response's first line, or None for a request."""
    m = re.match(r"SIP/2\.0 (\d{3})", first or "")
    return int(m.group(1)) if m else None


def ok_for(m, code=200, reason="OK"):
    """The bytes of a response to the request `m` (parse()d) with no body: its Via, From, To,
    Call-ID and CSeq copied (an answer to a BYE, a NOTIFY...)."""
    h = m[1]
    out = ["SIP/2.0 %d %s" % (code, reason), "Via: " + h.get("via", ""),
           "From: " + h.get("from", ""), "To: " + h.get("to", ""),
           "Call-ID: " + h.get("call-id", ""), "CSeq: " + h.get("cseq", ""), "Content-Length: 0"]
    return ("\r\n".join(out) + "\r\n\r\n").encode()


def rfc4733_key(digit, seq, ts, ssrc, pt=101):
    """One key press as RFC 4733 packets (event PT `pt`): 5 over 100 ms, then 3 with the end bit,
    the first with the marker bit; `ts` is the event's timestamp. (packets, next seq)."""
    event = "0123456789*#".index(digit)
    packets = []
    for i in range(8):
        end = i >= 5
        duration = 160 * min(i + 1, 5)
        payload = bytes([event, (0x80 if end else 0) | 10]) + duration.to_bytes(2, "big")
        header = bytes([0x80, (0x80 if i == 0 else 0) | pt]) + seq.to_bytes(2, "big") + \
            ts.to_bytes(4, "big") + ssrc.to_bytes(4, "big")
        seq = (seq + 1) % 65536
        packets.append(header + payload)
    return packets, seq
