"""TLS, SRTP (SDES) and IPv6 cases for sip_test.py (imported by it; `bind` gives this module the
suite's helpers). Each case runs a server of its own:

- `tls`: [sip] with tls_certificate/tls_key (a self-signed certificate made by `openssl req` in
  the case's temporary directory, never committed) on a free tls_port. A Python client over TLS
  (the ssl module, verifying the server's certificate against that one) sends OPTIONS, REGISTERs
  an agent's phone (digest: a wrong password 403, the right one 200, the agent logged in) and
  calls queue `tq`: the call is answered over TLS, bridged to agent t1's phone (a Python UDP
  phone, phone.py) and audio crosses the bridge both ways (the caller echoes what it hears; the
  phone counts its own payload coming back); the phone hangs up and the server's BYE reaches the
  caller over its TLS connection.
- `srtp`: the same kind of server; trunk `secure` (127.0.0.1) has srtp = "required", trunk
  `plain` (127.0.0.2) srtp = "off". Over UDP: a plain offer from 127.0.0.1 gets 488, an RTP/SAVP
  offer with a=crypto gets 200 with RTP/SAVP, the same tag and suite and a key of the server's
  own, and the hold music arrives as SRTP (each packet 10 bytes longer than RTP: the tag, and
  not the clip's plain bytes); from 127.0.0.2 the SAVP offer gets 488 and the plain one 200.
- `ipv6`: [sip] listen = "::1", rtp_address = "::1"; a Python caller over UDP/IPv6 with
  c=IN IP6 calls queue `v6q`, agent v6a's phone is a Python UAS on [::1]; the answer's c= is
  IN IP6 ::1 and audio crosses the bridge both ways over IPv6; an IPv4 offer gets 488.
"""
import base64
import hashlib
import os
import random
import re
import select
import socket
import ssl
import subprocess
import time

from phone import PAYLOAD as PHONE_PAYLOAD  # noqa: E402 (beside this file)

T = None  # sip_test, set by bind()
LO6 = "::1"
PAYLOAD_CALLER = bytes((0x40 + 5 * i) % 256 for i in range(160))


def bind(module):
    global T
    T = module


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
            m = T.parse(data)
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
        m = self.recv(3, lambda m: T.status_of(m[0]) is not None)
        return T.status_of(m[0]) if m else None

    def register(self, user, password, expires=300):
        """REGISTER, answering the 401 with digest (qop=auth): the final status."""
        data, _ = self.build("REGISTER", user, 1, user, extra=["Expires: %d" % expires])
        self.send(data)
        m = self.recv(3, lambda m: (T.status_of(m[0]) or 0) >= 200)
        if not m or T.status_of(m[0]) != 401:
            return m and T.status_of(m[0])
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
        m = self.recv(3, lambda m: (T.status_of(m[0]) or 0) >= 200)
        return m and T.status_of(m[0])

    def invite(self, dialled, number, sdp):
        """INVITE with `sdp`; ACK; the final response (first line, headers, body) or None."""
        data, self.invite_branch = self.build("INVITE", dialled, 1, number, body=sdp,
                                              ctype="application/sdp")
        self.dialled, self.number = dialled, number
        self.send(data)
        final = self.recv(8, T.final_for("INVITE"))
        if final is None:
            return None
        self.to_tag = T.to_tag(final)
        ok = T.status_of(final[0]) == 200
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
        return self.recv(3, T.final_for("BYE"))

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


def server_config(tmp, body):
    path = os.path.join(tmp, "s.toml")
    with open(path, "w") as f:
        f.write(body)
    return path


def start_server(tmp, body, probe):
    server = T.Server(T_binary(), tmp, server_config(tmp, body), os.path.join(tmp, "s.db"))
    end = time.time() + 10
    while time.time() < end and server.alive():
        if probe():
            return server
        time.sleep(0.05)
    return server


_binary = [None]


def T_binary():
    return _binary[0]


def log_of(tmp):
    try:
        with open(os.path.join(tmp, "server.log"), errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def case_tls(s):
    """TLS on its own port: OPTIONS, REGISTER (digest) and a call over TLS, the server's
    certificate verified by the client; audio across the bridge both ways; BYE over TLS."""
    _binary[0] = s.binary
    tmp = os.path.join(s.tmp, "tls")
    os.makedirs(tmp, exist_ok=True)
    cert, key = make_certificate(tmp)
    sip_port, tls_port, phone_port = T.free_port(tcp_too=True), T.free_port(tcp_too=True), \
        T.free_port()
    ha1 = hashlib.md5(("t2:%s:%s" % (T.REALM, T.REG_PASSWORD)).encode()).hexdigest()
    body = """[[queue]]
name = "tq"
offer_timeout = "5s"
wrap_up = "0s"
[[agent]]
name = "t1"
queues = { tq = 1 }
[[agent]]
name = "t2"
queues = { tq = 1 }
[sip]
listen = "127.0.0.1"
port = %d
tls_port = %d
tls_certificate = "%s"
tls_key = "%s"
rtp_address = "127.0.0.1"
rtp_ports = "%s"
hold_music = "%s"
qualify_every = "0"
[[trunk]]
name = "loopback"
allow = ["127.0.0.1"]
[[number]]
number = "tq"
queue = "tq"
[[phone]]
agent = "t1"
contact = "sip:t1@127.0.0.1:%d"
ready = true
[[phone]]
agent = "t2"
ha1 = "%s"
ready = true
""" % (sip_port, tls_port, cert, key, T.RTP_PORTS, T.HOLD_MUSIC, phone_port, ha1)
    ctx = ssl.create_default_context(cafile=cert)  # verifies the server's certificate

    def tls_up():
        try:
            p = Peer(T.LO, tls_port, tls=ctx)
        except OSError:
            return False
        try:
            return p.options() == 200
        finally:
            p.close()

    server = start_server(tmp, body, tls_up)
    phone = None
    try:
        if not T.check("TLS server answers OPTIONS over TLS (certificate verified)",
                       server.alive() and tls_up(), log_of(tmp)[-1500:]):
            return
        check_key_dir_gone = [d for d in os.listdir("/tmp") if d.startswith("switchboard-tls-")]
        p = Peer(T.LO, tls_port, tls=ctx)
        try:
            T.check("TLS 1.2 or 1.3 (%s), certificate CN switchboard.test" % p.s.version(),
                    p.s.version() in ("TLSv1.2", "TLSv1.3") and
                    ("commonName", "switchboard.test") in
                    [x for rdn in p.s.getpeercert()["subject"] for x in rdn])
            T.check("a wrong password over TLS: 403 after the challenge",
                    p.register("t2", "wrong") == 403)
            T.check("the right password over TLS: 200", p.register("t2", T.REG_PASSWORD) == 200)
        finally:
            p.close()
        end = time.time() + 3
        while time.time() < end and \
                (server.call({"op": "status"}) or {}).get("agents", {}).get("logged out", 0):
            time.sleep(0.05)
        agents = (server.call({"op": "status"}) or {}).get("agents", {})
        T.check("  and agent t2 is logged in (registered over TLS) %s" % agents,
                agents.get("logged out", 0) == 0)
        # t2 registered with a TLS contact nobody listens on: log it out, so t1 takes the call.
        server.call({"op": "logout", "agent": "t2"})
        phone = T.PyPhone(phone_port)
        num = s.caller_number()
        c = Peer(T.LO, tls_port, tls=ctx)
        try:
            final = c.invite("tq", num, sdp(T.LO, c.rtp.getsockname()[1]))
            T.check("INVITE over TLS answered 200 with SDP", final is not None and
                    T.status_of(final[0]) == 200 and c.remote is not None, final and final[0])
            T.check("t1's phone is offered the call with the caller's number",
                    phone.wait_invite(5) is not None and
                    ("sip:%s@" % num) in phone.from_header(), phone.from_header())
            if phone.invite:
                T.check("t1 answers (ACK)", phone.answer())
                t0 = time.time()
                while time.time() - t0 < 2.5:
                    phone.run(0.05)
                    c.echo(0.05)
                T.check("audio crosses the bridge both ways: t1's payload comes back from the "
                        "TLS caller (%d echoed)" % phone.echoed, phone.echoed >= 25)
            T.check("t1 hangs up (BYE answered 200)", phone.invite and phone.bye() == 200)
            c.echo(3)
            T.check("the server's BYE reaches the caller over its TLS connection",
                    c.bye_from_server)
        finally:
            c.close()
        T.check("store: completed by t1",
                cdr(os.path.join(tmp, "s.db"), num) == ("completed", 0))
        T.check("the certificate directory handed to sofia-sip is gone (%s)" % check_key_dir_gone,
                not check_key_dir_gone)
    finally:
        if phone:
            phone.close()
        rc = server.stop()
    T.check("the TLS server stops cleanly (exit %s)" % rc, rc == 0)


def cdr(store, caller, timeout=5.0):
    import sqlite3
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


def case_srtp(s):
    """SRTP by trunk policy: required from 127.0.0.1 (plain offers 488; SAVP answered SAVP with
    the offer's tag and suite and a key of the server's own; the hold music arrives as SRTP),
    off from 127.0.0.2 (SAVP offers 488, plain answered)."""
    _binary[0] = s.binary
    tmp = os.path.join(s.tmp, "srtp")
    os.makedirs(tmp, exist_ok=True)
    sip_port = T.free_port(tcp_too=True)
    body = """[[queue]]
name = "hold"
[sip]
listen = "127.0.0.1"
port = %d
rtp_address = "127.0.0.1"
rtp_ports = "%s"
hold_music = "%s"
qualify_every = "0"
[[trunk]]
name = "secure"
allow = ["127.0.0.1"]
srtp = "required"
[[trunk]]
name = "plain"
allow = ["127.0.0.2"]
srtp = "off"
[[number]]
number = "hold"
queue = "hold"
""" % (sip_port, T.RTP_PORTS, T.HOLD_MUSIC)
    server = start_server(tmp, body, lambda: T.options_ok(sip_port, 0.3) == 200)
    try:
        if not T.check("SRTP server answers OPTIONS", server.alive(), log_of(tmp)[-1500:]):
            return

        def call(source, crypto):
            p = Peer(T.LO, sip_port, source=source)
            final = p.invite("hold", s.caller_number(), sdp(source, p.rtp.getsockname()[1],
                                                            crypto))
            return p, final

        p, final = call(T.LO, None)
        T.check("required: a plain offer gets 488", final and T.status_of(final[0]) == 488,
                final and final[0])
        p.close()
        # The hold music in the clear (from the trunk with srtp = "off"), to compare with.
        p, final = call("127.0.0.2", None)
        T.check("off: a plain offer gets 200 RTP/AVP", final and T.status_of(final[0]) == 200 and
                "RTP/AVP" in (p.answer or "") and "crypto" not in (p.answer or ""),
                final and final[0])
        p.echo(1.0)
        clear = [b for _, b in p.heard]
        T.check("  plain hold music: %d packets of 172 bytes" % len(clear),
                len(clear) >= 35 and {n for n, _ in p.heard} == {172})
        if final and T.status_of(final[0]) == 200:
            p.bye()
        p.close()
        p, final = call("127.0.0.2", new_crypto()[0])
        T.check("off: an RTP/SAVP offer gets 488", final and T.status_of(final[0]) == 488,
                final and final[0])
        p.close()
        crypto, key = new_crypto(7, "AES_CM_128_HMAC_SHA1_80")
        p, final = call(T.LO, crypto)
        try:
            ok = final is not None and T.status_of(final[0]) == 200
            T.check("required: an RTP/SAVP offer with a=crypto gets 200", ok, final and final[0])
            ans = p.answer or ""
            got = re.findall(r"a=crypto:(\d+) (\S+) inline:([A-Za-z0-9+/=]+)", ans)
            T.check("  the answer is RTP/SAVP with one a=crypto: tag 7, the suite offered, "
                    "a key of its own", "RTP/SAVP" in ans and len(got) == 1 and
                    got[0][0] == "7" and got[0][1] == "AES_CM_128_HMAC_SHA1_80" and
                    got[0][2] != key and len(base64.b64decode(got[0][2])) == 30, ans)
            p.echo(1.0)  # the hold music, which this peer cannot decrypt
            sizes = sorted({n for n, _ in p.heard})
            T.check("  hold music arrives as SRTP: %d packets of %s bytes (RTP + 10-byte tag)"
                    % (len(p.heard), sizes), len(p.heard) >= 35 and sizes == [182])
            same = sum(1 for _, b in p.heard if b[:160] in clear)
            T.check("  none of its payloads is the music in the clear (%d are)" % same, same == 0)
            bye = p.bye()
            T.check("  BYE answered", bye is not None and T.status_of(bye[0]) == 200)
            T.check("  the server logged no key", key not in log_of(tmp) and
                    (not got or got[0][2] not in log_of(tmp)))
        finally:
            p.close()
        T.check("  the 488s say why in the log",
                "SRTP is required" in log_of(tmp) and "SRTP is off" in log_of(tmp))
    finally:
        rc = server.stop()
    T.check("the SRTP server stops cleanly (exit %s)" % rc, rc == 0)


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
            m = T.parse(data)
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
                    T.parse(self.s.recvfrom(70000)[0])[0].startswith("ACK "):
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
                m = T.parse(data)
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


def case_ipv6(s):
    """IPv6 on ::1: SIP and RTP (c=IN IP6) both ways across the bridge to an agent's phone on
    [::1]; an IPv4 offer to the IPv6 server gets 488."""
    _binary[0] = s.binary
    if not has_ipv6_loopback():
        print("SKIP ipv6: this machine has no ::1")
        return
    tmp = os.path.join(s.tmp, "ipv6")
    os.makedirs(tmp, exist_ok=True)
    probe = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    probe.bind((LO6, 0))
    sip_port = probe.getsockname()[1]
    probe2 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    probe2.bind((LO6, 0))
    phone_port = probe2.getsockname()[1]
    probe.close()
    probe2.close()
    body = """[[queue]]
name = "v6q"
offer_timeout = "5s"
wrap_up = "0s"
[[agent]]
name = "v6a"
queues = { v6q = 1 }
[sip]
listen = "::1"
port = %d
rtp_address = "::1"
rtp_ports = "%s"
hold_music = "%s"
qualify_every = "0"
[[trunk]]
name = "loopback6"
allow = ["::1"]
[[number]]
number = "v6q"
queue = "v6q"
[[phone]]
agent = "v6a"
contact = "sip:v6a@[::1]:%d"
ready = true
""" % (sip_port, T.RTP_PORTS, T.HOLD_MUSIC, phone_port)

    def up():
        p = Peer(LO6, sip_port)
        try:
            return p.options() == 200
        finally:
            p.close()

    server = start_server(tmp, body, up)
    phone = None
    try:
        if not T.check("the IPv6 server answers OPTIONS on [::1]", server.alive() and up(),
                       log_of(tmp)[-1500:]):
            return
        p = Peer(LO6, sip_port)
        final = p.invite("v6q", s.caller_number(), sdp("127.0.0.1", p.rtp.getsockname()[1]))
        T.check("an IPv4 offer to an IPv6 server gets 488", final and T.status_of(final[0]) == 488,
                final and final[0])
        p.close()
        phone = Phone6(phone_port)
        num = s.caller_number()
        c = Peer(LO6, sip_port)
        try:
            final = c.invite("v6q", num, sdp(LO6, c.rtp.getsockname()[1]))
            T.check("INVITE over IPv6 answered 200 with c=IN IP6 ::1",
                    final is not None and T.status_of(final[0]) == 200 and
                    "c=IN IP6 ::1" in (c.answer or ""), final and final[0])
            T.check("the agent's phone on [::1] is offered the call, SDP c=IN IP6",
                    phone.wait_invite(5) is not None and phone.remote is not None and
                    ("sip:%s@" % num) in phone.invite[1].get("from", ""),
                    phone.invite and phone.invite[2])
            if phone.invite:
                T.check("the phone answers (ACK)", phone.answer())
                t0 = time.time()
                while time.time() - t0 < 2.5:
                    phone.run(0.05)
                    c.echo(0.05)
                T.check("audio crosses the bridge both ways over IPv6 (%d echoed)" % phone.echoed,
                        phone.echoed >= 25)
            bye = c.bye()
            T.check("BYE over IPv6 answered 200", bye is not None and T.status_of(bye[0]) == 200)
            phone.run(2)
            T.check("the server hangs the phone up", phone.bye_from_server)
        finally:
            c.close()
        T.check("store: completed by v6a", cdr(os.path.join(tmp, "s.db"), num) == ("completed", 0))
    finally:
        if phone:
            phone.close()
        rc = server.stop()
    T.check("the IPv6 server stops cleanly (exit %s)" % rc, rc == 0)
