"""SIP cases for hold and resume (re-INVITE, UPDATE) and PRACK (RFC 3262), run by sip_test.py
(which appends CASES to its own); session timers are in cases_timer.py. Real peers on loopback: Python UACs and phones with RTP sockets of their own, and SIPp.

bind(module) gives this file sip_test's helpers (check, PySip, Server, ...), so that every check
counts in the one suite."""
import random
import re
import select
import socket
import time

from phone import PAYLOAD as PHONE_PAYLOAD, PyPhone  # noqa: E402 (beside this file)
from siplib import parse, status_of  # noqa: E402 (beside this file)

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
        t_hold_sent = time.time()
        r = ph.reoffer("INVITE", "sendonly")
        t_hold_answered = time.time()
        T.check("hold: the re-INVITE (a=sendonly) is answered 200 with a=recvonly",
                r is not None and status_of(r[0]) == 200 and direction(r[2]) == "recvonly",
                r and (r[0], r[2]))
        v1 = origin_version(r and r[2])
        T.check("  its o= version is above the offer's (%s -> %s)" % (v0, v1),
                v0 is not None and v1 is not None and v1 > v0)
        time.sleep(0.1)
        held_music("on hold", pump(caller, ph, 1.0), "caller")
        t_resume_sent = time.time()
        r2 = ph.reoffer("INVITE", "sendrecv")
        t_resume_answered = time.time()
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
        # The server's hold lasted from its answer to the first re-INVITE to its answer to the
        # second: between what the phone saw of the two (the same SDP again is no new hold).
        low = int((t_resume_sent - t_hold_answered) * 1000) - 50
        high = int((t_resume_answered - t_hold_sent) * 1000) + 50
        d = s.call_detail(num) or {}
        T.check("call details: held once, for %d..%d ms (%s, %s ms)" %
                (low, high, d.get("hold_count"), d.get("hold_ms")),
                d.get("hold_count") == 1 and low <= (d.get("hold_ms") or -1) <= high, d)
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
        t_hold_sent = time.time()
        r = caller.reoffer("UPDATE", "inactive")
        t_hold_answered = time.time()
        T.check("hold: the UPDATE (a=inactive) is answered 200 with a=inactive",
                r is not None and status_of(r[0]) == 200 and direction(r[2]) == "inactive",
                r and (r[0], r[2]))
        time.sleep(0.1)
        held_music("on hold by UPDATE", pump(caller, ph, 1.0), "phone")
        moved = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        moved.bind((LO, 0))
        old = caller.rtp
        t_resume_sent = time.time()
        r2 = caller.reoffer("UPDATE", "sendrecv", rtp=moved)
        t_resume_answered = time.time()
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
        low = int((t_resume_sent - t_hold_answered) * 1000) - 50
        high = int((t_resume_answered - t_hold_sent) * 1000) + 50
        d = s.call_detail(num) or {}
        T.check("call details: held once by the caller, for %d..%d ms (%s, %s ms)" %
                (low, high, d.get("hold_count"), d.get("hold_ms")),
                d.get("hold_count") == 1 and low <= (d.get("hold_ms") or -1) <= high, d)
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


CASES = [("hold", case_hold_reinvite), ("holdupdate", case_hold_update), ("prack", case_prack)]
