"""Early media (RFC 3960) from a trunk, for sip_test.py (which adds cases(module) to its CASES).

Case:
  cbearly  a callback (IVR key 9); cb1's phone (Python) answers; the customer's leg goes out to
           the trunk, here a Python UAS that answers 183 Session Progress with SDP, sends 1.5 s
           of audio of its own (the carrier's "number unavailable" announcement), then 486: cb1
           hears that audio (not only our ringback) before the server's BYE; the server logs
           `telephony: early media from the far end`; CDR callback_unreached by cb1.
"""
import select
import time

from phone import PyPhone  # noqa: E402 (beside this file)
from siplib import parse  # noqa: E402 (beside this file)

T = None  # the sip_test module (check, request_callback, Suite helpers), set by cases()

ANNOUNCEMENT = bytes([0x55] * 160)  # 20 ms of the far end's audio, told apart by its payload


class EarlyTrunk(PyPhone):
    """A trunk that answers an INVITE with early media, then a final failure."""

    def early_then_fail(self, seconds, code=486, reason="Busy Here"):
        self._response(100, "Trying")
        sdp = ("v=0\r\no=trunk 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
               "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" %
               (self.ip, self.ip, self.rtp.getsockname()[1]))
        self._response(183, "Session Progress", sdp)
        self.payload = ANNOUNCEMENT
        self.run(seconds)
        self._response(code, reason)
        end = time.time() + 3
        while time.time() < end:
            r, _, _ = select.select([self.s], [], [], max(end - time.time(), 0))
            if not r:
                return False
            m = parse(self.s.recvfrom(70000)[0])
            if m and m[0].startswith("ACK "):
                return True
        return False


def case_callback_early_media(s):
    """cbearly. A callback whose trunk sends early media (183 with SDP, then 486): the agent
    hears the far end's audio, not only our ringback."""
    check = T.check
    num = s.caller_number()
    if not T.request_callback(s, num):
        return
    trunk = EarlyTrunk(s.trunk_port)
    ph = PyPhone(s.phone["cb1"])
    ph.keep_heard = True
    try:
        check("cb1 becomes ready", s.make_ready("cb1"))
        check("cb1's phone rings and answers", ph.wait_invite(5) is not None and ph.answer())
        ph.run(0.3)  # our ringback while the trunk is dialled
        inv = trunk.wait_invite(5)
        if not check("the trunk is dialled", inv is not None):
            return
        # cb1 keeps reading (and answers the server's BYE) in the trunk's pauses: run both.
        acked = trunk.early_then_fail(1.5)
        ph.run(4, until=lambda p: p.bye_from_server)
        heard = sum(1 for _, payload in ph.heard if payload == ANNOUNCEMENT)
        check("trunk: 183 with SDP, its audio, then 486 ACKed", acked)
        check("cb1 heard the far end's early media (%d packets of it, of %d)" %
              (heard, len(ph.heard)), heard >= 25)
        check("cb1: the server hangs up after the failure", ph.bye_from_server)
        check("the server logged the early media",
              bool(s.log_lines("telephony: early media from the far end")))
        check("store: callback_unreached, by cb1", s.cdr(num) == ("callback_unreached", "cb1"),
              s.cdr(num, 0.1))
    finally:
        ph.close()
        trunk.close()
        s.server.call({"op": "logout", "agent": "cb1"})


def cases(module):
    global T
    T = module
    return [("cbearly", case_callback_early_media)]
