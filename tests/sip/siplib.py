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
