"""TLS, SRTP (SDES) and IPv6 cases for sip_test.py (imported by it; `bind` gives this module the
suite's helpers; its Python peers are in tls_peers.py). Each case runs a server of its own:

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
import re
import socket
import ssl
import time

from tls_peers import (LO6, Peer, Phone6, cdr, has_ipv6_loopback, make_certificate,  # noqa: E402
                       new_crypto, sdp)

T = None  # sip_test, set by bind()


def bind(module):
    global T
    T = module


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
