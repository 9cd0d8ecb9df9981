"""The Python peers of cases_transfer.py: a caller with its own RTP that reflects or echoes-counts,
and an agent's phone (phone.PyPhone) that transfers by REFER in its dialog. T is sip_test (its
PySip and SIP helpers), set by cases_transfer.cases()."""
import random
import re
import select
import socket
import threading
import time

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

    def _answer(self, m, src):
        h = m[1]
        out = ["SIP/2.0 200 OK", "Via: " + h.get("via", ""), "From: " + h.get("from", ""),
               "To: " + h.get("to", ""), "Call-ID: " + h.get("call-id", ""),
               "CSeq: " + h.get("cseq", ""), "Content-Length: 0"]
        self.ph.s.sendto(("\r\n".join(out) + "\r\n\r\n").encode(), src)

    def refer(self, target, timeout=4, want_bye=True):
        """REFER to sip:target@server; (final status, NOTIFY sipfrag body or None, BYE seen):
        waits for the NOTIFY and the server's BYE after a 2xx, returns at once on a refusal."""
        self._in_dialog("REFER", ["Refer-To: <sip:%s@%s>" % (target, LO),
                                  "Referred-By: <sip:phone@%s:%d>" % (LO, self.ph.port)])
        status, frag = None, None
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.ph.s], [], [], max(end - time.time(), 0))
            if not r:
                break
            data, src = self.ph.s.recvfrom(70000)
            m = T.parse(data)
            if not m:
                continue
            if m[0].startswith("SIP/2.0") and m[1].get("cseq", "").endswith("REFER"):
                status = T.status_of(m[0])
                if status >= 300:
                    break
            elif m[0].startswith("NOTIFY "):
                frag = m[2]
                self._answer(m, src)
            elif m[0].startswith("BYE "):
                self.ph.bye_from_server = True
                self._answer(m, src)
            if status and status < 300 and frag and (self.ph.bye_from_server or not want_bye):
                break
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
