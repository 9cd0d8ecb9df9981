"""A small agent's phone in Python for the SIP tests: a UAS on its own UDP port that answers the
server's INVITE with its own RTP socket, sends RTP with a payload of its own and counts what
comes back (its own payload: echoed from the far end across the server's bridge; anything else:
the server's tones), answers the server's BYE and can hang up itself. Standard library only."""
import random
import re
import select
import socket
import time

from siplib import parse

LO = "127.0.0.1"
PAYLOAD = bytes((0x21 + 7 * i) % 256 for i in range(160))  # 20 ms of PCMU of our own


class PyPhone:
    def __init__(self, port, ip=LO):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((ip, port))
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((ip, 0))
        self.ip, self.port = ip, port
        self.invite = None   # (first line, headers, body) of the server's INVITE
        self.server = None   # where it came from
        self.remote = None   # the server's RTP address from its SDP offer
        self.tag = "ph%d" % random.randrange(10**9)
        self.seq, self.ts = random.randrange(65536), random.randrange(2**31)
        self.echoed = 0      # packets back with our payload
        self.other = 0       # packets back with another payload (ringback)
        self.other_before_echo = 0
        self.bye_from_server = False
        self.last_sent = 0.0
        self.payload = PAYLOAD  # what it sends every 20 ms (a test may give it a tone)
        self.heard = []  # (time, payload) of every RTP packet received, when keep_heard is set
        self.keep_heard = False

    def wait_invite(self, timeout):
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.s], [], [], max(end - time.time(), 0))
            if not r:
                break
            data, src = self.s.recvfrom(70000)
            m = parse(data)
            if m and m[0].startswith("INVITE "):
                self.invite, self.server = m, src
                body = m[2]
                c = re.search(r"c=IN IP4 ([\d.]+)", body)
                p = re.search(r"m=audio (\d+)", body)
                if c and p:
                    self.remote = (c.group(1), int(p.group(1)))
                return m
        return None

    def from_header(self):
        return self.invite[1].get("from", "") if self.invite else ""

    def request_user(self):
        m = re.match(r"INVITE sip:([^@]*)@", self.invite[0]) if self.invite else None
        return m.group(1) if m else None

    def _response(self, code, reason, body=""):
        h = self.invite[1]
        out = ["SIP/2.0 %d %s" % (code, reason), "Via: " + h.get("via", ""),
               "From: " + h.get("from", ""), "To: %s;tag=%s" % (h.get("to", ""), self.tag),
               "Call-ID: " + h.get("call-id", ""), "CSeq: " + h.get("cseq", ""),
               "Contact: <sip:phone@%s:%d>" % (self.ip, self.port)]
        if body:
            out.append("Content-Type: application/sdp")
        out.append("Content-Length: %d" % len(body.encode()))
        self.s.sendto(("\r\n".join(out) + "\r\n\r\n" + body).encode(), self.server)

    def answer(self, ring=0.2, timeout=3):
        """180, `ring` seconds, 200 with PCMU on our RTP port; True once the ACK came."""
        self._response(180, "Ringing")
        time.sleep(ring)
        sdp = ("v=0\r\no=phone 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
               "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" %
               (self.ip, self.ip, self.rtp.getsockname()[1]))
        self._response(200, "OK", sdp)
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.s], [], [], max(end - time.time(), 0))
            if not r:
                break
            m = parse(self.s.recvfrom(70000)[0])
            if m and m[0].startswith("ACK "):
                return True
        return False

    def run(self, seconds, until=lambda ph: False):
        """Sends our RTP every 20 ms and reads what comes (RTP and SIP: a BYE is answered) for
        `seconds`, or until `until(self)` holds or the server hung up."""
        end = time.time() + seconds
        while time.time() < end and not until(self) and not self.bye_from_server:
            now = time.time()
            if self.remote and now - self.last_sent >= 0.02:
                self.last_sent = now
                hdr = bytes([0x80, 0]) + self.seq.to_bytes(2, "big") + \
                    self.ts.to_bytes(4, "big") + (0x9f1e).to_bytes(4, "big")
                self.seq, self.ts = (self.seq + 1) % 65536, (self.ts + 160) % 2**32
                self.rtp.sendto(hdr + self.payload, self.remote)
            r, _, _ = select.select([self.rtp, self.s], [], [], 0.005)
            if self.rtp in r:
                data = self.rtp.recvfrom(2048)[0]
                if len(data) > 12:
                    if self.keep_heard:
                        self.heard.append((time.time(), data[12:]))
                    if data[12:] == self.payload:
                        self.echoed += 1
                    else:
                        self.other += 1
                        if not self.echoed:
                            self.other_before_echo += 1
            if self.s in r:
                data, src = self.s.recvfrom(70000)
                m = parse(data)
                if m and m[0].startswith("BYE "):
                    # A BYE of an earlier call on this port (retransmitted to a phone that was
                    # closed) is answered, but does not end this one.
                    if not self.invite or m[1].get("call-id") == self.invite[1].get("call-id"):
                        self.bye_from_server = True
                    h = m[1]
                    out = ["SIP/2.0 200 OK", "Via: " + h.get("via", ""), "From: " + h.get("from", ""),
                           "To: " + h.get("to", ""), "Call-ID: " + h.get("call-id", ""),
                           "CSeq: " + h.get("cseq", ""), "Content-Length: 0"]
                    self.s.sendto(("\r\n".join(out) + "\r\n\r\n").encode(), src)

    def bye(self, timeout=3):
        """Hangs up; the status of the server's answer, or None."""
        h = self.invite[1]
        contact = re.search(r"<([^>]+)>", h.get("contact", "")) or re.search(r"<([^>]+)>",
                                                                          h.get("from", ""))
        target = contact.group(1) if contact else "sip:%s:%d" % self.server
        out = ["BYE %s SIP/2.0" % target,
               "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-ph-%d;rport" % (self.ip, self.port,
                                                                       random.randrange(10**12)),
               "From: %s;tag=%s" % (h.get("to", ""), self.tag), "To: " + h.get("from", ""),
               "Call-ID: " + h.get("call-id", ""), "CSeq: 1 BYE", "Max-Forwards: 70",
               "Content-Length: 0"]
        self.s.sendto(("\r\n".join(out) + "\r\n\r\n").encode(), self.server)
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.s], [], [], max(end - time.time(), 0))
            if not r:
                break
            m = parse(self.s.recvfrom(70000)[0])
            if m and m[0].startswith("SIP/2.0") and m[1].get("cseq", "").endswith("BYE"):
                return int(m[0].split()[1])
        return None

    def close(self):
        self.s.close()
        self.rtp.close()
