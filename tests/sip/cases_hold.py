"""SIP cases for hold and resume (re-INVITE, UPDATE), session timers (RFC 4028) and PRACK
(RFC 3262), run by sip_test.py (which appends CASES to its own and runs BACKGROUND's finishes at
the end). Real peers on loopback: Python UACs and phones with RTP sockets of their own, and SIPp.

bind(module) gives this file sip_test's helpers (check, PySip, Server, ...), so that every check
counts in the one suite."""
import os
import random
import re
import select
import socket
import time

from phone import PAYLOAD as PHONE_PAYLOAD, PyPhone  # noqa: E402 (beside this file)
from siplib import free_port, parse, status_of  # noqa: E402 (beside this file)

T = None  # sip_test, once bound
LO = "127.0.0.1"
CALLER_PAYLOAD = bytes((0x55 + 3 * i) % 256 for i in range(160))  # 20 ms the caller "says"


def bind(module):
    global T
    T = module


def sdp(port, direction="sendrecv", ip=LO, version=1, pts="0 101"):
    return ("v=0\r\no=py 1 %d IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP %s\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
            "a=%s\r\n" % (version, ip, ip, port, pts, direction))


def origin_version(body):
    m = re.search(r"^o=\S+ \S+ (\d+) ", body or "", re.M)
    return int(m.group(1)) if m else None


def direction(body):
    m = re.search(r"^a=(sendrecv|sendonly|recvonly|inactive)\s*$", body or "", re.M)
    return m.group(1) if m else "sendrecv"


def rtp_packet(seq, ts, ssrc, payload):
    return bytes([0x80, 0]) + seq.to_bytes(2, "big") + ts.to_bytes(4, "big") + \
        ssrc.to_bytes(4, "big") + payload


class Caller:
    """A Python UAC with its own RTP socket: INVITE, ACK, in-dialog re-INVITE or UPDATE with SDP,
    BYE; it answers the server's BYE."""

    def __init__(self, s, num, dialled, extra=()):
        self.p = T.PySip(s.sip_port)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((LO, 0))
        self.num, self.dialled, self.extra = num, dialled, list(extra)
        self.cseq, self.version, self.tag, self.remote = 1, 1, None, None
        self.seq, self.ts = random.randrange(65536), random.randrange(2**31)
        self.answer, self.bye_from_server, self.bye_msg = None, False, None

    def port(self):
        return self.rtp.getsockname()[1]

    def call(self):
        self.p.send(self.p.request("INVITE", self.dialled, 1, caller=self.num,
                                   body=sdp(self.port()), ctype="application/sdp",
                                   extra=self.extra))
        ok = self.p.recv(5, T.final_for("INVITE"))
        if not ok or status_of(ok[0]) != 200:
            return ok
        self.answer = ok
        self.learn(ok[2])
        self.tag = T.to_tag(ok)
        self.p.send(self.p.request("ACK", self.dialled, 1, caller=self.num, to_tag=self.tag))
        return ok

    def learn(self, body):
        m = re.search(r"m=audio (\d+)", body)
        c = re.search(r"c=IN IP4 ([\d.]+)", body)
        if m and c:
            self.remote = (c.group(1), int(m.group(1)))

    def reoffer(self, method, dir_, rtp=None):
        """A re-INVITE (ACKed) or UPDATE with our SDP in direction dir_; the final response."""
        if rtp is not None:
            self.rtp = rtp
        self.cseq += 1
        self.version += 1
        self.p.send(self.p.request(method, self.dialled, self.cseq, caller=self.num,
                                   to_tag=self.tag, body=sdp(self.port(), dir_,
                                                             version=self.version),
                                   ctype="application/sdp"))
        r = self.p.recv(5, T.final_for(method))
        if r and method == "INVITE":
            self.p.send(self.p.request("ACK", self.dialled, self.cseq, caller=self.num,
                                       to_tag=self.tag))
        return r

    def send_rtp(self):
        if self.remote:
            self.rtp.sendto(rtp_packet(self.seq, self.ts, 0xca11, CALLER_PAYLOAD), self.remote)
            self.seq, self.ts = (self.seq + 1) % 65536, (self.ts + 160) % 2**32

    def on_sip(self):
        data, _ = self.p.s.recvfrom(70000)
        m = parse(data)
        if m and m[0].startswith("BYE "):
            self.bye_from_server = True
            self.bye_msg = m
            self.p.reply(m, 200, "OK")

    def bye(self):
        self.cseq += 1
        self.p.send(self.p.request("BYE", self.dialled, self.cseq, caller=self.num,
                                   to_tag=self.tag))
        return self.p.recv(3, T.final_for("BYE"))

    def close(self):
        self.p.close()
        self.rtp.close()


class HoldPhone(PyPhone):
    """An agent's phone (phone.PyPhone) that can also send in-dialog requests itself (re-INVITE,
    UPDATE, BYE) and answers the server's UPDATEs (session refreshes)."""

    cseq = 0
    version = 1
    updates = 0

    def in_dialog(self, method, body="", timeout=5):
        h = self.invite[1]
        contact = re.search(r"<([^>]+)>", h.get("contact", ""))
        target = contact.group(1) if contact else "sip:%s:%d" % self.server
        self.cseq += 1
        out = ["%s %s SIP/2.0" % (method, target),
               "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-hp-%d;rport" % (self.ip, self.port,
                                                                       random.randrange(10**12)),
               "From: %s;tag=%s" % (h.get("to", ""), self.tag), "To: " + h.get("from", ""),
               "Call-ID: " + h.get("call-id", ""), "CSeq: %d %s" % (self.cseq, method),
               "Contact: <sip:phone@%s:%d>" % (self.ip, self.port), "Max-Forwards: 70"]
        if body:
            out.append("Content-Type: application/sdp")
        out.append("Content-Length: %d" % len(body.encode()))
        self.s.sendto(("\r\n".join(out) + "\r\n\r\n" + body).encode(), self.server)
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.s], [], [], max(end - time.time(), 0))
            if not r:
                break
            m = parse(self.s.recvfrom(70000)[0])
            if not m:
                continue
            if m[0].startswith("SIP/2.0") and m[1].get("cseq", "").endswith(method) and \
                    (status_of(m[0]) or 0) >= 200:
                if method == "INVITE":
                    ack = list(out)
                    ack[0] = "ACK %s SIP/2.0" % target
                    ack[1] = "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-hp-%d;rport" % (
                        self.ip, self.port, random.randrange(10**12))
                    ack[3] = "To: " + m[1].get("to", "")
                    ack[5] = "CSeq: %d ACK" % self.cseq
                    ack = [ln for ln in ack if not ln.startswith(("Content-Type", "Content-Len"))]
                    ack.append("Content-Length: 0")
                    self.s.sendto(("\r\n".join(ack) + "\r\n\r\n").encode(), self.server)
                return m
            self.on_request(m)
        return None

    def reoffer(self, method, dir_):
        self.version += 1
        return self.in_dialog(method, sdp(self.rtp.getsockname()[1], dir_,
                                          version=self.version))

    def on_request(self, m):
        """The server's UPDATE (a refresh) or BYE: answered 200."""
        if m[0].startswith(("UPDATE ", "BYE ")):
            if m[0].startswith("UPDATE "):
                self.updates += 1
            else:
                self.bye_from_server = True
            h = m[1]
            out = ["SIP/2.0 200 OK", "Via: " + h.get("via", ""), "From: " + h.get("from", ""),
                   "To: " + h.get("to", ""), "Call-ID: " + h.get("call-id", ""),
                   "CSeq: " + h.get("cseq", ""), "Content-Length: 0"]
            self.s.sendto(("\r\n".join(out) + "\r\n\r\n").encode(), self.server)

    def send_rtp(self):
        if self.remote:
            self.rtp.sendto(rtp_packet(self.seq, self.ts, 0x9f1e, PHONE_PAYLOAD), self.remote)
            self.seq, self.ts = (self.seq + 1) % 65536, (self.ts + 160) % 2**32


def pump(caller, phone, seconds):
    """Both parties talk (RTP every 20 ms) for `seconds`; what each heard: a dict of counts
    (far = the other party's own audio relayed across the bridge, other = anything else, e.g.
    the hold music) and, per hearer, the distinct octets of its `other` packets (music is not
    silence)."""
    got = {"caller_far": 0, "caller_other": 0, "phone_far": 0, "phone_other": 0}
    octets = {"caller": set(), "phone": set()}
    end, last = time.time() + seconds, 0.0
    while time.time() < end:
        now = time.time()
        if now - last >= 0.02:
            last = now
            caller.send_rtp()
            phone.send_rtp()
        r, _, _ = select.select([caller.rtp, phone.rtp, caller.p.s, phone.s], [], [], 0.005)
        if caller.rtp in r:
            data = caller.rtp.recvfrom(2048)[0]
            if len(data) > 12:
                if data[12:] == PHONE_PAYLOAD:
                    got["caller_far"] += 1
                else:
                    got["caller_other"] += 1
                    octets["caller"].update(data[12:])
        if phone.rtp in r:
            data = phone.rtp.recvfrom(2048)[0]
            if len(data) > 12:
                if data[12:] == CALLER_PAYLOAD:
                    got["phone_far"] += 1
                else:
                    got["phone_other"] += 1
                    octets["phone"].update(data[12:])
        if caller.p.s in r:
            caller.on_sip()
        if phone.s in r:
            m = parse(phone.s.recvfrom(70000)[0])
            if m:
                phone.on_request(m)
    got["caller_octets"], got["phone_octets"] = len(octets["caller"]), len(octets["phone"])
    return got


def connect(s, num):
    """sup1 alone ready, a Python caller into `support`, sup1's HoldPhone answers: (caller,
    phone) bridged, or None."""
    if not T.check("sup1 alone is ready", s.ready_only("sup1")):
        return None
    ph = HoldPhone(s.phone["sup1"])
    caller = Caller(s, num, "support")
    ok = caller.call()
    if not T.check("caller: INVITE to support answered 200", ok is not None and
                   status_of(ok[0]) == 200, ok and ok[0]):
        return caller, ph, False
    inv = ph.wait_invite(5)
    if not T.check("sup1's phone rings", inv is not None):
        return caller, ph, False
    return caller, ph, T.check("sup1 answers (200, ACK)", ph.answer(ring=0.1))


def bridged(name, got):
    return T.check("%s: bridged both ways (caller heard %d of sup1's packets, sup1 %d of the "
                   "caller's)" % (name, got["caller_far"], got["phone_far"]),
                   got["caller_far"] >= 30 and got["phone_far"] >= 30, got)


def held_music(name, got, hearer):
    """`hearer` ("caller" or "phone") hears music only; the other party hears nothing."""
    other = "phone" if hearer == "caller" else "caller"
    T.check("%s: the %s hears the hold music (%d packets, %d distinct octets), none of the "
            "other party's audio" % (name, hearer, got[hearer + "_other"],
                                     got[hearer + "_octets"]),
            got[hearer + "_other"] >= 35 and got[hearer + "_far"] == 0 and
            got[hearer + "_octets"] > 20, got)
    T.check("%s: the party who holds hears nothing (%d packets)" % (name, got[other + "_far"] +
                                                                     got[other + "_other"]),
            got[other + "_far"] + got[other + "_other"] <= 2, got)


def case_hold_reinvite(s):
    """23. Hold and resume by re-INVITE from the agent's phone: sup1 (a Python phone) answers a
    Python caller into support; sup1 re-INVITEs with a=sendonly: 200 with a=recvonly and a bumped
    o= version, the caller hears the hold music and sup1 nothing; a=sendrecv again: the bridge is
    back both ways (a=sendrecv, version up again); the caller hangs up: CDR completed by sup1."""
    num = s.caller_number()
    got = connect(s, num)
    if not got:
        return
    caller, ph, ok = got
    try:
        if not ok:
            return
        v0 = origin_version(ph.invite[2])
        bridged("before the hold", pump(caller, ph, 1.0))
        r = ph.reoffer("INVITE", "sendonly")
        T.check("hold: the re-INVITE (a=sendonly) is answered 200 with a=recvonly",
                r is not None and status_of(r[0]) == 200 and direction(r[2]) == "recvonly",
                r and (r[0], r[2]))
        v1 = origin_version(r and r[2])
        T.check("  its o= version is above the offer's (%s -> %s)" % (v0, v1),
                v0 is not None and v1 is not None and v1 > v0)
        time.sleep(0.1)
        held_music("on hold", pump(caller, ph, 1.0), "caller")
        r2 = ph.reoffer("INVITE", "sendrecv")
        v2 = origin_version(r2 and r2[2])
        T.check("resume: the re-INVITE (a=sendrecv) is answered 200 with a=sendrecv, version "
                "%s -> %s" % (v1, v2), r2 is not None and status_of(r2[0]) == 200 and
                direction(r2[2]) == "sendrecv" and v1 is not None and v2 == v1 + 1,
                r2 and (r2[0], r2[2]))
        time.sleep(0.1)
        bridged("after the resume", pump(caller, ph, 1.0))
        r3 = ph.reoffer("INVITE", "sendrecv")
        T.check("a refresh with the same SDP gets the same answer (version %s stays)" % v2,
                r3 is not None and status_of(r3[0]) == 200 and origin_version(r3[2]) == v2,
                r3 and r3[2])
        bye = caller.bye()
        T.check("the caller hangs up (BYE answered 200)", bye is not None and
                status_of(bye[0]) == 200)
        ph.run(3, until=lambda p: p.bye_from_server)
        T.check("sup1's phone gets the server's BYE", ph.bye_from_server)
        T.check("store: completed by sup1", s.cdr(num) == ("completed", "sup1"), s.cdr(num, 0.1))
        T.check("the log has the hold and the resume",
                any("sup1" in ln for ln in s.log_lines("telephony: call held")) and
                any("sup1" in ln for ln in s.log_lines("telephony: call resumed")))
    finally:
        caller.close()
        ph.close()


def case_hold_update(s):
    """24. Hold by UPDATE (RFC 3311) from the caller: a=inactive gets 200 with a=inactive, sup1
    hears the hold music and the caller nothing; a resume by UPDATE from a new RTP port (the
    phone moved) gets the bridge back, to the new port; OPTIONS lists UPDATE and PRACK in
    Allow; sup1 hangs up: the caller gets the server's BYE, CDR completed by sup1."""
    num = s.caller_number()
    got = connect(s, num)
    if not got:
        return
    caller, ph, ok = got
    try:
        if not ok:
            return
        bridged("before the hold", pump(caller, ph, 1.0))
        r = caller.reoffer("UPDATE", "inactive")
        T.check("hold: the UPDATE (a=inactive) is answered 200 with a=inactive",
                r is not None and status_of(r[0]) == 200 and direction(r[2]) == "inactive",
                r and (r[0], r[2]))
        time.sleep(0.1)
        held_music("on hold by UPDATE", pump(caller, ph, 1.0), "phone")
        moved = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        moved.bind((LO, 0))
        old = caller.rtp
        r2 = caller.reoffer("UPDATE", "sendrecv", rtp=moved)
        old.close()
        T.check("resume: the UPDATE (a=sendrecv, a new RTP port) is answered 200 with a=sendrecv",
                r2 is not None and status_of(r2[0]) == 200 and direction(r2[2]) == "sendrecv",
                r2 and (r2[0], r2[2]))
        time.sleep(0.1)
        bridged("after the resume, to the new port", pump(caller, ph, 1.0))
        p = T.PySip(s.sip_port)
        try:
            p.send(p.request("OPTIONS", "probe", 1))
            m = p.recv(2, lambda m: status_of(m[0]) is not None)
            allow = m[1].get("allow", "") if m else ""
            T.check("OPTIONS: Allow has UPDATE and PRACK (%s)" % allow,
                    "UPDATE" in allow and "PRACK" in allow)
        finally:
            p.close()
        T.check("sup1 hangs up (BYE answered 200)", ph.in_dialog("BYE") is not None)
        end = time.time() + 3
        while time.time() < end and not caller.bye_from_server:
            if select.select([caller.p.s], [], [], 0.1)[0]:
                caller.on_sip()
        T.check("the caller gets the server's BYE", caller.bye_from_server)
        T.check("store: completed by sup1", s.cdr(num) == ("completed", "sup1"), s.cdr(num, 0.1))
    finally:
        caller.close()
        ph.close()


def case_prack(s):
    """25. PRACK (RFC 3262): a SIPp caller with Require: 100rel into `hold` gets a reliable 183
    (Require: 100rel, RSeq, SDP), PRACKs it, gets 200 to the PRACK and to the INVITE, ACKs and
    hangs up after 1 s: CDR abandoned."""
    num = s.caller_number()
    caller = s.sipp("caller-prack", "uac_prack.xml",
                    ["%s:%d" % (LO, s.sip_port), "-s", "hold", "-key", "caller", num,
                     "-d", "1000"], timeout=10)
    rc = caller.wait(10)
    T.check("caller: a reliable 183 with SDP, PRACKed (200), the INVITE's 200, BYE (exit 0)",
            rc == 0 and caller.has("RELIABLE-183 rseq=") and caller.has("EARLY m=audio") and
            caller.has("BYE-SENT"), caller.describe())
    T.check("  both 200s came (PRACK and INVITE)",
            {caller.has("FIRST-200 PRACK") or caller.has("SECOND-200 PRACK"),
             caller.has("FIRST-200 INVITE") or caller.has("SECOND-200 INVITE")} == {True},
            caller.describe())
    T.check("store: the contact ended abandoned", s.cdr(num) == ("abandoned", None),
            s.cdr(num, 0.1))


# --- session timers and a missing PRACK: a server of their own, checked at the end ------------

def timer_config(tmp, sip_port, phone_port):
    path = os.path.join(tmp, "timer.toml")
    with open(path, "w") as f:
        f.write("""[[queue]]
name = "t"
offer_timeout = "5s"
wrap_up = "0s"
[[queue]]
name = "w"
[[agent]]
name = "t1"
queues = { t = 1 }
[sip]
listen = "127.0.0.1"
port = %d
rtp_address = "127.0.0.1"
rtp_ports = "%s"
hold_music = "%s"
qualify_every = "0"
no_rtp_timeout = "300s"
session_expires = "90s"
[[trunk]]
name = "loopback"
allow = ["127.0.0.1"]
[[number]]
number = "t"
queue = "t"
[[number]]
number = "w"
queue = "w"
[[phone]]
agent = "t1"
contact = "sip:t1@127.0.0.1:%d"
ready = true
""" % (sip_port, T.RTP_PORTS, T.HOLD_MUSIC, phone_port))
    return path


def cdr_of(db, num):
    import sqlite3
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
        try:
            return c.execute("SELECT outcome, agent FROM cdrs WHERE caller = ?",
                             (num,)).fetchone()
        finally:
            c.close()
    except sqlite3.Error:
        return None


def case_timer_start(s):
    """26 (start). Session timers and PRACK time-outs, on a server of its own (session_expires =
    90s): a Session-Expires of 30 gets 422 with Min-SE 90; a caller (Session-Expires 90,
    refresher=uac) bridged to agent t1 never refreshes; a caller with Require: 100rel never
    PRACKs. Checked at the end of the suite (timer: finish)."""
    tmp = os.path.join(s.tmp, "timer")
    os.makedirs(tmp, exist_ok=True)
    sip_port, phone_port = free_port(tcp_too=True), free_port()
    server = T.Server(s.binary, tmp, timer_config(tmp, sip_port, phone_port),
                      os.path.join(tmp, "t.db"))
    st = {"server": server, "tmp": tmp, "db": os.path.join(tmp, "t.db")}
    s.timer = st
    end = time.time() + 10
    while time.time() < end and server.alive() and T.options_ok(sip_port, 0.3) != 200:
        time.sleep(0.05)
    if not T.check("timer server answers OPTIONS", server.alive()):
        return

    class Port:  # what Caller needs of the suite
        pass
    port = Port()
    port.sip_port = sip_port
    short = Caller(port, "0611000001", "t", extra=["Supported: timer", "Session-Expires: 30"])
    r = short.call()
    T.check("Session-Expires 30 (< Min-SE): 422 with Min-SE: 90",
            r is not None and status_of(r[0]) == 422 and r[1].get("min-se", "").startswith("90"),
            r and (r[0], r[1].get("min-se")))
    if r is not None and status_of(r[0]) >= 300:
        short.p.send(short.p.request("ACK", "t", 1, caller=short.num, to_tag=T.to_tag(r)))
    short.close()

    ph = HoldPhone(phone_port)
    st["phone"] = ph
    caller = Caller(port, "0611000002", "t", extra=["Supported: timer",
                                                    "Session-Expires: 90;refresher=uac",
                                                    "Min-SE: 90"])
    st["caller"] = caller
    ok = caller.call()
    T.check("timer caller: 200 with Session-Expires: 90;refresher=uac and Require: timer",
            ok is not None and status_of(ok[0]) == 200 and
            re.match(r"90\s*;\s*refresher=uac", ok[1].get("session-expires", "")) is not None and
            "timer" in ok[1].get("require", ""), ok and (ok[0], ok[1].get("session-expires")))
    st["t0"] = time.time()
    inv = ph.wait_invite(5)
    T.check("t1's phone rings with Session-Expires and Supported: timer",
            inv is not None and inv[1].get("session-expires", "").startswith("90") and
            "timer" in inv[1].get("supported", ""), inv and (inv[1].get("session-expires"),
                                                             inv[1].get("supported")))
    if inv is not None:
        T.check("t1 answers (200, ACK)", ph.answer(ring=0.1))

    noprack = T.PySip(sip_port)
    st["noprack"] = noprack
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind((LO, 0))
    st["noprack_rtp"] = rtp
    noprack.send(noprack.request("INVITE", "w", 1, caller="0611000003",
                                 body=sdp(rtp.getsockname()[1]), ctype="application/sdp",
                                 extra=["Require: 100rel", "Supported: 100rel"]))
    first = noprack.recv(5, lambda m: status_of(m[0]) == 183)
    st["prack_t0"] = time.time()
    T.check("no-PRACK caller: a reliable 183 (Require: 100rel, RSeq)",
            first is not None and "100rel" in first[1].get("require", "") and
            first[1].get("rseq", "").isdigit(), first and first[0])


def case_timer_finish(s):
    """26 (finish). Within 70-92 s of the 200 the server BYEs the caller who did not refresh
    (Reason 408) and then t1's phone (which answered the server's refreshing UPDATEs); the CDR
    is completed by t1; the no-PRACK caller's INVITE ended (a final response) within 40 s and
    its contact abandoned; the timer server stops cleanly."""
    st = getattr(s, "timer", None)
    if not st:
        return
    server, caller, ph = st["server"], st.get("caller"), st.get("phone")
    try:
        if caller and ph and "t0" in st:
            t_bye = t_phone = None
            end = st["t0"] + 95
            while time.time() < end and (t_bye is None or t_phone is None):
                r, _, _ = select.select([caller.p.s, ph.s], [], [], 0.2)
                if caller.p.s in r:
                    caller.on_sip()
                    if caller.bye_from_server and t_bye is None:
                        t_bye = time.time() - st["t0"]
                if ph.s in r:
                    m = parse(ph.s.recvfrom(70000)[0])
                    if m:
                        ph.on_request(m)
                        if ph.bye_from_server and t_phone is None:
                            t_phone = time.time() - st["t0"]
            print("     session timer: caller BYE at %s s, phone BYE at %s s, %d UPDATEs to the "
                  "phone" % (t_bye and "%.1f" % t_bye, t_phone and "%.1f" % t_phone, ph.updates),
                  flush=True)
            reason = caller.bye_msg[1].get("reason", "") if caller.bye_msg else ""
            T.check("the caller who did not refresh gets the server's BYE 70-92 s in, Reason 408",
                    t_bye is not None and 70 <= t_bye <= 92 and "408" in reason,
                    (t_bye, reason))
            T.check("  and so does t1's phone, at most 3 s later (its refreshes were answered: "
                    "%d UPDATEs)" % ph.updates, t_bye is not None and t_phone is not None and
                    t_phone - t_bye <= 3 and ph.updates >= 1, (t_bye, t_phone))
            end = time.time() + 5
            row = cdr_of(st["db"], caller.num)
            while time.time() < end and not (row and row[0]):
                time.sleep(0.1)
                row = cdr_of(st["db"], caller.num)
            T.check("store: the timed-out call ended completed by t1 (%s)" % (row,),
                    row is not None and row[0] == "completed" and row[1] == 0)
            try:
                with open(os.path.join(st["tmp"], "server.log"), errors="replace") as f:
                    log = f.read()
            except OSError:
                log = ""
            T.check("  the server logged the expired session and its cause",
                    "telephony: session expired" in log and "did not refresh" in log)
        noprack = st.get("noprack")
        if noprack and "prack_t0" in st:
            # Read what is buffered too: the session timer's wait is longer than these 40 s.
            final, end = None, st["prack_t0"] + 40
            while final is None:
                m = noprack.recv(0.3, lambda m: (status_of(m[0]) or 0) >= 200)
                if m:
                    final = m
                elif time.time() >= end:
                    break
            T.check("no-PRACK: the INVITE got a final response within 40 s (%s)" %
                    (final and final[0]), final is not None and status_of(final[0]) >= 300)
            if final is not None:
                noprack.send(noprack.request("ACK", "w", 1, caller="0611000003",
                                             to_tag=T.to_tag(final)))
            end, row = time.time() + 5, None
            while time.time() < end and not (row and row[0]):
                row = cdr_of(st["db"], "0611000003")
                time.sleep(0.1)
            T.check("  and its contact ended abandoned (%s)" % (row,),
                    row is not None and row[0] == "abandoned")
    finally:
        for k in ("caller", "phone", "noprack"):
            if st.get(k):
                st[k].close()
        if st.get("noprack_rtp"):
            st["noprack_rtp"].close()
        rc = server.stop()
    T.check("the timer server stops cleanly (exit %s)" % rc, rc == 0)


# The timer case runs first (its checks wait about 85 s, while the rest of the suite runs).
EARLY = [("timer", case_timer_start)]
CASES = [("hold", case_hold_reinvite), ("holdupdate", case_hold_update), ("prack", case_prack)]
# Cases whose checks end after the rest of the suite: (name, finish), run by sip_test.main.
BACKGROUND = [("timer", case_timer_finish)]
