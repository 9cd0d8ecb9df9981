"""The Python peers of cases_consult.py: a caller that reflects what it receives and counts it
(its first agent's payload, the consulted agent's payload, anything else: our hold music), a
phone that rejects an INVITE, and a way to run several phones at once. T is sip_test, set by
cases_consult.cases()."""
import random
import re
import select
import socket
import threading
import time

from siplib import ok_for
from transfer_peers import Caller

T = None
LO = "127.0.0.1"

# Payloads of each agent's phone, so that who hears whom is known packet by packet.
SUP1_PAYLOAD = bytes((0x21 + 7 * i) % 256 for i in range(160))  # phone.PyPhone's default
CS1_PAYLOAD = bytes((0x90 + 11 * i) % 256 for i in range(160))


class CountingCaller(Caller):
    """A Python caller into `support` that reflects every RTP packet (so each agent's phone hears
    its own audio back while bridged to the caller) and counts what it got: sup1's payload,
    cs1's, or other (the server's hold music)."""

    def __init__(self, s, num):
        Caller.__init__(self, s, num)
        self.got = {"sup1": 0, "cs1": 0, "other": 0}

    def start(self, reflect=True):
        def loop():
            while not self.stop.is_set():
                r, _, _ = select.select([self.rtp, self.p.s], [], [], 0.005)
                if self.rtp in r:
                    data, src = self.rtp.recvfrom(2048)
                    self.rtp.sendto(data, src)
                    body = data[12:]
                    key = "sup1" if body == SUP1_PAYLOAD else "cs1" if body == CS1_PAYLOAD \
                        else "other"
                    self.got[key] += 1
                if self.p.s in r:
                    m = T.parse(self.p.s.recvfrom(70000)[0])
                    if m and m[0].startswith("BYE "):
                        self.bye_from_server = True
                        self.p.reply(m, 200, "OK")
        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()

    def snapshot(self):
        return dict(self.got)


def reject(ph, code=486, reason="Busy Here", timeout=3):
    """The phone refuses the INVITE it got (after a 180); True once our final response is ACKed."""
    ph._response(180, "Ringing")
    ph._response(code, reason)
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([ph.s], [], [], max(end - time.time(), 0))
        if not r:
            break
        m = T.parse(ph.s.recvfrom(70000)[0])
        if m and m[0].startswith("ACK "):
            return True
    return False


def run_all(phones, seconds, until=lambda: False):
    """Runs each PyPhone's RTP loop on its own thread for `seconds` (or until `until()`)."""
    stop = threading.Event()
    threads = [threading.Thread(target=p.run, args=(seconds, lambda _p: stop.is_set()),
                                daemon=True) for p in phones]
    for t in threads:
        t.start()
    end = time.time() + seconds
    while time.time() < end and not until():
        time.sleep(0.02)
    stop.set()
    for t in threads:
        t.join(seconds + 1)


def heard(ph, payload):
    """Packets with `payload` the phone received (keep_heard must be set)."""
    return sum(1 for _, p in ph.heard if p == payload)


class ConsultLine:
    """The first agent's phone calling the consulted agent itself: a second dialog from the same
    SIP socket (so from the address the server knows the phone by), with an RTP socket of its
    own sending `payload` and keeping what it hears."""

    def __init__(self, ph, sip_port, payload):
        self.ph, self.sip_port, self.payload = ph, sip_port, payload
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((LO, 0))
        self.call_id = "consult-%d@%s" % (random.randrange(10**12), LO)
        self.tag = "cl%d" % random.randrange(10**9)
        self.remote_tag, self.remote, self.contact = None, None, None
        self.heard = []
        self.bye_from_server = False
        self.seq, self.ts = random.randrange(65536), random.randrange(2**31)
        self.last_sent = 0.0
        self.statuses = []

    def _send(self, method, cseq, uri, to_tag=None, body=""):
        out = ["%s %s SIP/2.0" % (method, uri),
               "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-cl-%d;rport" % (LO, self.ph.port,
                                                                       random.randrange(10**12)),
               "From: <sip:%s@%s:%d>;tag=%s" % ("sup1", LO, self.ph.port, self.tag),
               "To: <sip:cs1@%s:%d>%s" % (LO, self.sip_port, ";tag=" + to_tag if to_tag else ""),
               "Call-ID: " + self.call_id, "CSeq: %d %s" % (cseq, method),
               "Contact: <sip:sup1@%s:%d>" % (LO, self.ph.port), "Max-Forwards: 70"]
        if body:
            out.append("Content-Type: application/sdp")
        out.append("Content-Length: %d" % len(body.encode()))
        self.ph.s.sendto(("\r\n".join(out) + "\r\n\r\n" + body).encode(), (LO, self.sip_port))

    def invite(self, target="cs1", timeout=4):
        """INVITE sip:target@server; the first provisional or final status (not 100)."""
        self._send("INVITE", 1, "sip:%s@%s:%d" % (target, LO, self.sip_port),
                   body=T.sdp_offer(self.rtp.getsockname()[1]))
        return self._wait(timeout, lambda st: st > 100)

    def _wait(self, timeout, want):
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.ph.s], [], [], max(end - time.time(), 0))
            if not r:
                return None
            data, src = self.ph.s.recvfrom(70000)
            m = T.parse(data)
            if not m or m[1].get("call-id", "") != self.call_id:
                continue
            st = T.status_of(m[0])
            if st is None:
                if m[0].startswith("BYE "):
                    self.bye_from_server = True
                    self.ph.s.sendto(ok_for(m), src)
                continue
            self.statuses.append(st)
            if st >= 200 and m[1].get("cseq", "").endswith("INVITE"):
                self.remote_tag = T.to_tag(m)
                c = re.search(r"<([^>]+)>", m[1].get("contact", ""))
                self.contact = c.group(1) if c else "sip:%s:%d" % (LO, self.sip_port)
                mp = re.search(r"m=audio (\d+)", m[2])
                ip = re.search(r"c=IN IP4 ([\d.]+)", m[2])
                self.remote = (ip.group(1), int(mp.group(1))) if mp and ip else None
                self._send("ACK", 1, self.contact, to_tag=self.remote_tag)
            if want(st):
                return st
        return None

    def wait_answer(self, timeout=5):
        return self._wait(timeout, lambda st: st >= 200)

    def run(self, seconds, until=lambda line: False):
        end = time.time() + seconds
        while time.time() < end and not until(self) and not self.bye_from_server:
            now = time.time()
            if self.remote and now - self.last_sent >= 0.02:
                self.last_sent = now
                hdr = bytes([0x80, 0]) + self.seq.to_bytes(2, "big") + \
                    self.ts.to_bytes(4, "big") + (0x7c01).to_bytes(4, "big")
                self.seq, self.ts = (self.seq + 1) % 65536, (self.ts + 160) % 2**32
                self.rtp.sendto(hdr + self.payload, self.remote)
            r, _, _ = select.select([self.rtp], [], [], 0.005)
            if self.rtp in r:
                data = self.rtp.recvfrom(2048)[0]
                if len(data) > 12:
                    self.heard.append((time.time(), data[12:]))

    def close(self):
        self.rtp.close()
