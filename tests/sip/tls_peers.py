"""Python SIP peers for cases_tls.py: a UAC over UDP (IPv4 or IPv6) or TLS with its own RTP
socket (Peer), an agent's phone on [::1] (Phone6), a test certificate made by `openssl req`, and
small helpers. Standard library only (ssl for TLS); no key is ever committed."""
import base64
import hashlib
import os
import random
import re
import select
import socket
import sqlite3
import subprocess
import time

from phone import PAYLOAD as PHONE_PAYLOAD  # noqa: E402 (beside this file)
from siplib import parse, status_of  # noqa: E402 (beside this file)

LO6 = "::1"
PAYLOAD_CALLER = bytes((0x40 + 5 * i) % 256 for i in range(160))


def final_for(cseq_method):
    return lambda m: (status_of(m[0]) or 0) >= 200 and m[1].get("cseq", "").endswith(cseq_method)


def to_tag(msg):
    m = re.search(r";\s*tag=([^;>\s]+)", msg[1].get("to", ""))
    return m.group(1) if m else None


def make_certificate(tmp):
    """A self-signed certificate for switchboard.test / 127.0.0.1 / ::1 and its key (PEM)."""
    cert, key = os.path.join(tmp, "server.crt"), os.path.join(tmp, "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days",
                    "2", "-subj", "/CN=switchboard.test", "-addext",
                    "subjectAltName=DNS:switchboard.test,IP:127.0.0.1,IP:::1"],
                   check=True, capture_output=True, timeout=30)
    os.chmod(key, 0o600)
    return cert, key


def has_ipv6_loopback():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind((LO6, 0))
        s.close()
        return True
    except OSError:
        return False


class Peer:
    """A Python SIP UAC over UDP (IPv4 or IPv6) or TLS, with an RTP socket of its own: INVITE,
    ACK, BYE, REGISTER with digest; answers the server's BYE. `echo` sends back what it hears."""

    def __init__(self, server, port, tls=None, source=None):
        self.host = server
        self.family = socket.AF_INET6 if ":" in server else socket.AF_INET
        self.ip = source or server
        self.tls = tls is not None
        if self.tls:
            raw = socket.create_connection((server, port), timeout=5)
            self.s = tls.wrap_socket(raw, server_hostname="switchboard.test")
        else:
            self.s = socket.socket(self.family, socket.SOCK_DGRAM)
            self.s.bind((self.ip, 0))
        self.port = self.s.getsockname()[1]
        self.server = (server, port)
        self.rtp = socket.socket(self.family, socket.SOCK_DGRAM)
        self.rtp.bind((self.ip, 0))
        self.tag = "tp%d" % random.randrange(10**9)
        self.call_id = "tls-%d@test" % random.randrange(10**12)
        self.buf = b""
        self.to_tag = self.remote = self.answer = None
        self.bye_from_server = False
        self.invite_branch = None
        self.heard = []  # (length, payload) of RTP received
        self.seq, self.ts = random.randrange(65536), random.randrange(2**31)

    def hostport(self, host, port):
        return ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)

    def uri(self, user):
        scheme_params = ";transport=tls" if self.tls else ""
        return "sip:%s@%s%s" % (user, self.hostport(*self.server), scheme_params)

    def build(self, method, user, cseq, caller, body="", ctype=None, branch=None, extra=(),
              to_tag=None):
        branch = branch or "z9hG4bK-tp-%d" % random.randrange(10**12)
        via = "SIP/2.0/%s %s;branch=%s;rport" % ("TLS" if self.tls else "UDP",
                                                  self.hostport(self.ip, self.port), branch)
        contact = "<sip:%s@%s%s>" % (caller, self.hostport(self.ip, self.port),
                                     ";transport=tls" if self.tls else "")
        to = "<%s>" % self.uri(user) + (";tag=" + to_tag if to_tag else "")
        h = ["%s %s SIP/2.0" % (method, self.uri(user)), "Via: " + via,
             "From: <sip:%s@%s>;tag=%s" % (caller, self.hostport(self.ip, self.port), self.tag),
             "To: " + to, "Call-ID: " + self.call_id, "CSeq: %d %s" % (cseq, method),
             "Contact: " + contact, "Max-Forwards: 70"] + list(extra)
        if ctype:
            h.append("Content-Type: " + ctype)
        h.append("Content-Length: %d" % len(body.encode()))
        return ("\r\n".join(h) + "\r\n\r\n" + body).encode(), branch

    def send(self, data):
        if self.tls:
            self.s.sendall(data)
        else:
            self.s.sendto(data, self.server)

    def _frames(self, timeout):
        """The next SIP message's bytes within timeout, or None."""
        end = time.time() + timeout
        while True:
            if self.tls:
                head, sep, rest = self.buf.partition(b"\r\n\r\n")
                if sep:
                    m = re.search(rb"(?im)^(?:content-length|l)\s*:\s*(\d+)", head)
                    n = int(m.group(1)) if m else 0
                    if len(rest) >= n:
                        self.buf = rest[n:]
                        return head + sep + rest[:n]
            left = end - time.time()
            if left <= 0:
                return None
            if not (self.tls and self.s.pending()) and \
                    not select.select([self.s], [], [], left)[0]:
                return None
            if self.tls:
                data = self.s.recv(65536)
                if not data:
                    return None
                self.buf += data
            else:
                return self.s.recvfrom(70000)[0]

    def recv(self, timeout, pred):
        end = time.time() + timeout
        while True:
            data = self._frames(max(end - time.time(), 0))
            if data is None:
                return None
            m = parse(data)
            if m[0].startswith("BYE "):
                self.bye_from_server = True
                self.reply(m, 200, "OK")
                continue
            if pred(m):
                return m

    def reply(self, msg, code, reason):
        h = msg[1]
        out = ["SIP/2.0 %d %s" % (code, reason)] + ["%s: %s" % (k, h.get(k.lower(), "")) for k in
                                                    ("Via", "From", "To", "Call-ID", "CSeq")]
        self.send(("\r\n".join(out) + "\r\nContent-Length: 0\r\n\r\n").encode())

    def options(self):
        data, _ = self.build("OPTIONS", "probe", 1, "probe")
        self.send(data)
        m = self.recv(3, lambda m: status_of(m[0]) is not None)
        return status_of(m[0]) if m else None

    def register(self, user, password, expires=300):
        """REGISTER, answering the 401 with digest (qop=auth): the final status."""
        data, _ = self.build("REGISTER", user, 1, user, extra=["Expires: %d" % expires])
        self.send(data)
        m = self.recv(3, lambda m: (status_of(m[0]) or 0) >= 200)
        if not m or status_of(m[0]) != 401:
            return m and status_of(m[0])
        f = dict(re.findall(r'(\w+)="?([^",]*)"?', m[1].get("www-authenticate", "")))
        md5 = lambda t: hashlib.md5(t.encode()).hexdigest()  # noqa: E731
        uri = self.uri(user)
        ha1 = md5("%s:%s:%s" % (user, f.get("realm", ""), password))
        ha2 = md5("REGISTER:%s" % uri)
        cnonce, nc = "c%d" % random.randrange(10**9), "00000001"
        resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, f.get("nonce", ""), nc, cnonce, ha2))
        auth = ('Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", '
                'response="%s", algorithm=MD5, qop=auth, nc=%s, cnonce="%s"' %
                (user, f.get("realm", ""), f.get("nonce", ""), uri, resp, nc, cnonce))
        data, _ = self.build("REGISTER", user, 2, user, extra=["Expires: %d" % expires, auth])
        self.send(data)
        m = self.recv(3, lambda m: (status_of(m[0]) or 0) >= 200)
        return m and status_of(m[0])

    def invite(self, dialled, number, sdp):
        """INVITE with `sdp`; ACK; the final response (first line, headers, body) or None."""
        data, self.invite_branch = self.build("INVITE", dialled, 1, number, body=sdp,
                                              ctype="application/sdp")
        self.dialled, self.number = dialled, number
        self.send(data)
        final = self.recv(8, final_for("INVITE"))
        if final is None:
            return None
        self.to_tag = to_tag(final)
        ok = status_of(final[0]) == 200
        branch = None if ok else self.invite_branch  # a non-2xx ACK is of the INVITE's transaction
        data, _ = self.build("ACK", dialled, 1, number, branch=branch, to_tag=self.to_tag)
        self.send(data)
        if ok:
            self.answer = final[2]
            m = re.search(r"m=audio (\d+)", final[2])
            c = re.search(r"c=IN IP[46] ([0-9a-fA-F.:]+)", final[2])
            self.remote = (c.group(1), int(m.group(1))) if m and c else None
        return final

    def echo(self, seconds, send_own=False):
        """Reads RTP for `seconds` (answering a BYE), sending back each packet's payload (or our
        own payload every packet when `send_own`)."""
        end = time.time() + seconds
        while time.time() < end and not self.bye_from_server:
            r, _, _ = select.select([self.rtp, self.s], [], [], 0.02)
            if self.rtp in r:
                data = self.rtp.recvfrom(2048)[0]
                if len(data) >= 12:
                    self.heard.append((len(data), data[12:]))
                    if self.remote:
                        body = PAYLOAD_CALLER if send_own else data[12:]
                        hdr = bytes([0x80, 0]) + self.seq.to_bytes(2, "big") + \
                            self.ts.to_bytes(4, "big") + (0x7e57).to_bytes(4, "big")
                        self.seq, self.ts = (self.seq + 1) % 65536, (self.ts + 160) % 2**32
                        self.rtp.sendto(hdr + body, self.remote)
            if self.s in r or (self.tls and self.s.pending()):
                self.recv(0.01, lambda m: False)

    def bye(self):
        data, _ = self.build("BYE", self.dialled, 2, self.number, to_tag=self.to_tag)
        self.send(data)
        return self.recv(3, final_for("BYE"))

    def close(self):
        for x in (self.s, self.rtp):
            try:
                x.close()
            except OSError:
                pass


def sdp(ip, port, crypto=None):
    v = "IP6" if ":" in ip else "IP4"
    proto = "RTP/SAVP" if crypto else "RTP/AVP"
    s = ("v=0\r\no=py 1 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n"
         "m=audio %d %s 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
         "a=sendrecv\r\n" % (v, ip, v, ip, port, proto))
    if crypto:
        s += "a=crypto:%s\r\n" % crypto
    return s


def cdr(store, caller, timeout=5.0):
    end = time.time() + timeout
    while True:
        try:
            db = sqlite3.connect("file:%s?mode=ro" % store, uri=True, timeout=1)
            try:
                row = db.execute("SELECT outcome, agent FROM cdrs WHERE caller = ? "
                                 "ORDER BY contact DESC LIMIT 1", (caller,)).fetchone()
            finally:
                db.close()
            if row and row[0]:
                return row
        except sqlite3.Error:
            pass
        if time.time() >= end:
            return None
        time.sleep(0.1)


def new_crypto(tag=1, suite="AES_CM_128_HMAC_SHA1_80"):
    key = base64.b64encode(os.urandom(30)).decode()
    return "%d %s inline:%s" % (tag, suite, key), key


class Phone6:
    """An agent's phone on [::1]: answers the server's INVITE with c=IN IP6, sends its own
    payload every 20 ms and counts it coming back (echoed by the caller across the bridge)."""

    def __init__(self, port):
        self.s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.s.bind((LO6, port))
        self.rtp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.rtp.bind((LO6, 0))
        self.invite = self.server = self.remote = None
        self.tag = "p6%d" % random.randrange(10**9)
        self.echoed, self.seq = 0, random.randrange(65536)
        self.bye_from_server = False

    def wait_invite(self, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if not select.select([self.s], [], [], max(end - time.time(), 0))[0]:
                break
            data, src = self.s.recvfrom(70000)
            m = parse(data)
            if m[0].startswith("INVITE "):
                self.invite, self.server = m, src
                c = re.search(r"c=IN IP6 ([0-9a-fA-F:]+)", m[2])
                p = re.search(r"m=audio (\d+)", m[2])
                self.remote = (c.group(1), int(p.group(1))) if c and p else None
                return m
        return None

    def respond(self, code, reason, body=""):
        h = self.invite[1]
        out = ["SIP/2.0 %d %s" % (code, reason), "Via: " + h.get("via", ""),
               "From: " + h.get("from", ""), "To: %s;tag=%s" % (h.get("to", ""), self.tag),
               "Call-ID: " + h.get("call-id", ""), "CSeq: " + h.get("cseq", ""),
               "Contact: <sip:phone@[::1]:%d>" % self.s.getsockname()[1]]
        if body:
            out.append("Content-Type: application/sdp")
        out.append("Content-Length: %d" % len(body.encode()))
        self.s.sendto(("\r\n".join(out) + "\r\n\r\n" + body).encode(), self.server)

    def answer(self):
        self.respond(180, "Ringing")
        self.respond(200, "OK", sdp(LO6, self.rtp.getsockname()[1]))
        end = time.time() + 3
        while time.time() < end:
            if select.select([self.s], [], [], 0.1)[0] and \
                    parse(self.s.recvfrom(70000)[0])[0].startswith("ACK "):
                return True
        return False

    def run(self, seconds):
        end = time.time() + seconds
        while time.time() < end and not self.bye_from_server:
            if self.remote:
                hdr = bytes([0x80, 0]) + self.seq.to_bytes(2, "big") + bytes(4) + \
                    (0x6666).to_bytes(4, "big")
                self.seq = (self.seq + 1) % 65536
                self.rtp.sendto(hdr + PHONE_PAYLOAD, self.remote)
            r, _, _ = select.select([self.rtp, self.s], [], [], 0.02)
            if self.rtp in r:
                data = self.rtp.recvfrom(2048)[0]
                if data[12:] == PHONE_PAYLOAD:
                    self.echoed += 1
            if self.s in r:
                data, src = self.s.recvfrom(70000)
                m = parse(data)
                if m[0].startswith("BYE "):
                    self.bye_from_server = True
                    h = m[1]
                    out = ["SIP/2.0 200 OK"] + ["%s: %s" % (k, h.get(k.lower(), "")) for k in
                                                ("Via", "From", "To", "Call-ID", "CSeq")]
                    self.s.sendto(("\r\n".join(out) + "\r\nContent-Length: 0\r\n\r\n").encode(),
                                  src)

    def close(self):
        self.s.close()
        self.rtp.close()
