"""The Python peers of cases_transfer.py and cases_consult.py: a caller with its own RTP that
reflects or echoes-counts (and presses keys by RFC 4733), an agent's phone (phone.PyPhone) that
transfers by REFER in its dialog, and the set-up both files share (a caller connected to sup1,
an agent readied, the store's rows). T is sip_test (its PySip and SIP helpers), set by
cases_transfer.cases() and cases_consult.cases()."""
import json
import random
import re
import select
import socket
import sqlite3
import threading
import time

from siplib import ok_for, rfc4733_key

T = None
LO = "127.0.0.1"
PAYLOAD = bytes((0x55 + 3 * i) % 256 for i in range(160))  # the caller's own audio


# --- peers ------------------------------------------------------------------------------------


class Caller:
    """A Python caller into `support`: INVITE, ACK, its own RTP socket. run() either reflects
    what it receives (so an agent's phone hears its own audio back) or sends its own payload and
    counts what comes back echoed (a far end that echoes)."""

    def __init__(self, s, num, dialled="support", ip=LO):
        self.p = T.PySip(s.sip_port, ip=ip)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((ip, 0))
        self.num, self.dialled, self.ip = num, dialled, ip
        self.branch = None
        self.tag, self.remote, self.bye_from_server = None, None, False
        self.seq, self.ts = random.randrange(65536), random.randrange(2**31)
        self.echoed = self.other = 0
        self.markers = []  # when each new playout of the server began (the RTP marker bit)
        self.stop = threading.Event()
        self.thread = None

    def invite(self, extra=(), cseq=1):
        """The final response to an INVITE with this CSeq (retransmissions of an earlier one's
        are skipped)."""
        self.branch = self.p.branch()
        self.p.send(self.p.request("INVITE", self.dialled, cseq, caller=self.num,
                                   body=T.sdp_offer(self.rtp.getsockname()[1], ip=self.ip),
                                   ctype="application/sdp", branch=self.branch, extra=extra))
        want = "%d INVITE" % cseq
        return self.p.recv(5, lambda m: (T.status_of(m[0]) or 0) >= 200 and
                           m[1].get("cseq", "") == want)

    def ack_failure(self, response, cseq):
        """The ACK of a non-2xx final response: the INVITE's own branch (RFC 3261 17.1.1.3)."""
        self.p.send(self.p.request("ACK", self.dialled, cseq, caller=self.num,
                                   to_tag=T.to_tag(response), branch=self.branch))

    def call(self):
        ok = self.invite()
        if not ok or T.status_of(ok[0]) != 200:
            return ok and ok[0]
        m = re.search(r"m=audio (\d+)", ok[2])
        c = re.search(r"c=IN IP4 ([\d.]+)", ok[2])
        self.remote = (c.group(1), int(m.group(1))) if m and c else None
        self.tag = T.to_tag(ok)
        self.p.send(self.p.request("ACK", self.dialled, 1, caller=self.num, to_tag=self.tag))
        return 200

    def start(self, reflect):
        """RTP on a thread until close(): reflect, or send our payload every 20 ms and count."""
        def loop():
            last = 0.0
            while not self.stop.is_set():
                now = time.time()
                if not reflect and self.remote and now - last >= 0.02:
                    last = now
                    hdr = bytes([0x80, 0]) + self.seq.to_bytes(2, "big") + \
                        self.ts.to_bytes(4, "big") + (0x5eed).to_bytes(4, "big")
                    self.seq, self.ts = (self.seq + 1) % 65536, (self.ts + 160) % 2**32
                    self.rtp.sendto(hdr + PAYLOAD, self.remote)
                r, _, _ = select.select([self.rtp, self.p.s], [], [], 0.005)
                if self.rtp in r:
                    data, src = self.rtp.recvfrom(2048)
                    if len(data) >= 12 and data[1] & 0x80:
                        self.markers.append(time.time())
                    if reflect:
                        self.rtp.sendto(data, src)
                    elif data[12:] == PAYLOAD:
                        self.echoed += 1
                    else:
                        self.other += 1
                if self.p.s in r:
                    m = T.parse(self.p.s.recvfrom(70000)[0])
                    if m and m[0].startswith("BYE "):
                        self.bye_from_server = True
                        self.p.reply(m, 200, "OK")
        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()

    def key(self, digit):
        """One key press by RFC 4733 (PT 101) from our RTP socket, over about 160 ms."""
        self.ts = (self.ts + 1600) % 2**32
        packets, self.seq = rfc4733_key(digit, self.seq, self.ts, 0x5eed)
        for p in packets:
            self.rtp.sendto(p, self.remote)
            time.sleep(0.02)

    def bye(self):
        self.halt()
        self.p.send(self.p.request("BYE", self.dialled, 2, caller=self.num, to_tag=self.tag))
        m = self.p.recv(3, T.final_for("BYE"))
        return T.status_of(m[0]) if m else None

    def halt(self):
        self.stop.set()
        if self.thread:
            self.thread.join(2)
            self.thread = None

    def close(self):
        self.halt()
        self.p.close()
        self.rtp.close()


class AgentPhone:
    """An agent's Python phone (phone.PyPhone) that can also transfer by REFER in its dialog and
    hang up with a CSeq after it."""

    def __init__(self, port):
        self.ph = T.PyPhone(port)
        self.cseq = 1

    def __getattr__(self, name):
        return getattr(self.ph, name)

    def _in_dialog(self, method, extra=()):
        ph = self.ph
        h = ph.invite[1]
        contact = re.search(r"<([^>]+)>", h.get("contact", ""))
        target = contact.group(1) if contact else "sip:%s:%d" % ph.server
        out = ["%s %s SIP/2.0" % (method, target),
               "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-ag-%d;rport" % (ph.ip, ph.port,
                                                                       random.randrange(10**12)),
               "From: %s;tag=%s" % (h.get("to", ""), ph.tag), "To: " + h.get("from", ""),
               "Call-ID: " + h.get("call-id", ""), "CSeq: %d %s" % (self.cseq, method),
               "Contact: <sip:phone@%s:%d>" % (ph.ip, ph.port), "Max-Forwards: 70"]
        out += list(extra) + ["Content-Length: 0"]
        self.cseq += 1
        ph.s.sendto(("\r\n".join(out) + "\r\n\r\n").encode(), ph.server)

    def refer(self, target, timeout=4, want_bye=True):
        """REFER to sip:target@server; (final status, NOTIFY sipfrag body or None, BYE seen):
        waits for the NOTIFY and the server's BYE after a 2xx, returns at once on a refusal."""
        status, frag, byes = refer(self, "<sip:%s@%s>" % (target, LO), timeout,
                                   byes=1 if want_bye else 0)
        return status, frag, self.ph.bye_from_server

    def hangup(self):
        self._in_dialog("BYE")
        end = time.time() + 3
        while time.time() < end:
            r, _, _ = select.select([self.ph.s], [], [], max(end - time.time(), 0))
            if not r:
                break
            m = T.parse(self.ph.s.recvfrom(70000)[0])
            if m and m[0].startswith("SIP/2.0") and m[1].get("cseq", "").endswith("BYE"):
                return T.status_of(m[0])
        return None


def refer(agent_phone, refer_to, timeout=4, byes=1):
    """agent_phone (an AgentPhone) REFERs its call with this Refer-To value: (final status, the
    NOTIFY's sipfrag or None, the Call-IDs the server sent BYE in). After a 2xx waits for the
    NOTIFY and `byes` BYEs (each answered); returns at once on a refusal."""
    ph = agent_phone.ph
    agent_phone._in_dialog("REFER", ["Refer-To: " + refer_to,
                                     "Referred-By: <sip:phone@%s:%d>" % (LO, ph.port)])
    status, frag, got = None, None, []
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([ph.s], [], [], max(end - time.time(), 0))
        if not r:
            break
        data, src = ph.s.recvfrom(70000)
        m = T.parse(data)
        if not m:
            continue
        if m[0].startswith("SIP/2.0") and m[1].get("cseq", "").endswith("REFER"):
            status = T.status_of(m[0])
            if status >= 300:
                break
        elif m[0].startswith("NOTIFY "):
            frag = m[2]
            ph.s.sendto(ok_for(m), src)
        elif m[0].startswith("BYE "):
            got.append(m[1].get("call-id", ""))
            if m[1].get("call-id", "") == ph.invite[1].get("call-id", ""):
                ph.bye_from_server = True
            ph.s.sendto(ok_for(m), src)
        if status and status < 300 and frag and len(got) >= byes:
            break
    return status, frag, got


# --- the set-up cases_transfer.py and cases_consult.py share -------------------------------


def store_rows(s, sql, args=()):
    try:
        db = sqlite3.connect("file:%s?mode=ro" % s.store, uri=True, timeout=1)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return []


def events_of(s, contact, kind):
    return [json.loads(b) for t, b in store_rows(s, "SELECT type, body FROM events WHERE type = ?",
                                                 (kind,)) if json.loads(b).get("contact") == contact]


def last_cdr(s, num, timeout=5.0):
    """The caller's last CDR once ended, as a dict, or None."""
    end = time.time() + timeout
    while True:
        try:
            db = sqlite3.connect("file:%s?mode=ro" % s.store, uri=True, timeout=1)
            db.row_factory = sqlite3.Row
            try:
                row = db.execute("SELECT * FROM cdrs WHERE caller = ? ORDER BY contact DESC "
                                 "LIMIT 1", (num,)).fetchone()
            finally:
                db.close()
            if row and row["outcome"]:
                return dict(row)
        except sqlite3.Error:
            pass
        if time.time() >= end:
            return None
        time.sleep(0.1)


def ready(s, agent, port):
    """Logs `agent` in with its Python phone on `port` and makes it ready."""
    r1 = s.server.call({"op": "login", "agent": agent,
                        "device": "sip:%s@127.0.0.1:%d" % (agent, port)})
    r2 = s.server.call({"op": "ready", "agent": agent})
    return bool(r1 and r1.get("ok") and r2 and r2.get("ok"))


def connected_to_sup1(s, c, reflect=True):
    """The caller `c` (a Caller, not called yet) into `support`, answered by sup1's Python phone
    (an AgentPhone), its RTP started: (phone, contact) or None (c closed)."""
    T.check("sup1 alone is ready", s.ready_only("sup1"))
    before = s.live_contacts()
    ph = AgentPhone(s.phone["sup1"])
    if not T.check("caller: 200 from %s" % c.dialled, c.call() == 200):
        c.close()
        ph.close()
        return None
    inv = ph.wait_invite(5)
    if not T.check("sup1's phone rings with the caller's number", inv is not None and
                   ph.from_header().startswith("<sip:%s@" % c.num), inv and ph.from_header()):
        c.close()
        ph.close()
        return None
    T.check("sup1 answers", ph.answer())
    c.start(reflect=reflect)
    end = time.time() + 3
    contacts = sorted(s.live_contacts() - before)
    while not contacts and time.time() < end:
        time.sleep(0.05)
        contacts = sorted(s.live_contacts() - before)
    return ph, contacts[-1] if contacts else None
