"""Early media (RFC 3960) from a trunk, and calls up when the server stops, for sip_test.py
(which adds cases(module) to its CASES).

Cases:
  cbearly  a callback (IVR key 9); cb1's phone (Python) answers; the customer's leg goes out to
           the trunk, here a Python UAS that answers 183 Session Progress with SDP, sends 1.5 s
           of audio of its own (the carrier's "number unavailable" announcement), then 486: cb1
           hears that audio (not only our ringback) before the server's BYE; the server logs
           `telephony: early media from the far end`; CDR callback_unreached by cb1.
  stopcall a server of its own; a Python caller waits in a queue with no agents when the server
           stops (end of its control input): the caller gets the server's BYE, the server exits
           0, and the store has the call's call_details row (ended by `system`, cause
           `shutdown`, status 200), written after the control loop had stopped.
"""
import os
import sqlite3
import types
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


def case_stop_with_a_call_up(s):
    """stopcall. A call still up when the server stops gets its call details."""
    check = T.check
    import transfer_peers  # noqa: E402 (beside this file; its T is set by cases_transfer)
    tmp = os.path.join(s.tmp, "stopcall")
    os.makedirs(tmp, exist_ok=True)
    sip_port = T.free_port(tcp_too=True)
    config = os.path.join(tmp, "stop.toml")
    with open(config, "w") as f:
        f.write("""[[queue]]
name = "q"
[sip]
listen = "127.0.0.1"
port = %d
rtp_address = "127.0.0.1"
rtp_ports = "%s"
hold_music = "%s"
[[trunk]]
name = "lo"
allow = ["127.0.0.1"]
[[number]]
number = "q"
queue = "q"
""" % (sip_port, T.RTP_PORTS, T.HOLD_MUSIC))
    store = os.path.join(tmp, "stop.db")
    server = T.Server(s.binary, tmp, config, store)
    num = s.caller_number()
    c = None
    rc = None
    try:
        end = time.time() + 10
        while time.time() < end and server.alive() and T.options_ok(sip_port, 0.3) != 200:
            time.sleep(0.05)
        if not check("stopcall server answers OPTIONS", server.alive()):
            return
        c = transfer_peers.Caller(types.SimpleNamespace(sip_port=sip_port), num, dialled="q")
        if not check("caller: 200 from q", c.call() == 200):
            return
        c.start(reflect=True)
        time.sleep(0.5)
    finally:
        rc = server.stop()
    end = time.time() + 3
    while c and time.time() < end and not c.bye_from_server:
        time.sleep(0.05)
    check("the caller gets the server's BYE at the stop", c is not None and c.bye_from_server)
    check("the server exits 0 (%s)" % rc, rc == 0)
    if c:
        c.close()
    rows = []
    try:
        db = sqlite3.connect("file:%s?mode=ro" % store, uri=True, timeout=1)
        rows = db.execute("SELECT ended_by, cause, status FROM call_details WHERE caller = ?",
                          (num,)).fetchall()
        db.close()
    except sqlite3.Error as e:
        rows = [("error", str(e), 0)]
    check("store: the call's details, ended by the system at the shutdown (%s)" % rows,
          rows == [("system", "shutdown", 200)])


def cases(module):
    global T
    T = module
    return [("cbearly", case_callback_early_media), ("stopcall", case_stop_with_a_call_up)]
