#!/usr/bin/env python3
"""SIP telephony end to end: `switchboard serve` with [sip], driven by real SIPp and by small
Python SIP peers, on loopback only.

One server runs the whole suite (a temporary TOML: queues `support` (offer_timeout 2s, wrap_up 0s,
agents sup1..sup3 whose readiness the test sets over the stdin control protocol), `hold` (no
agents) and `ringall` (ring-all, ring1 and ring2); every agent has a static phone that is a SIPp
UAS on a port of its own). Each case starts one SIPp process per role, checks what each side saw
(the scenarios' <log> markers, tests/sip/README.md) and what the store recorded (the CDR of the
case's own caller number). Every process is bounded (-m, -timeout) and killed at the end; every
wait has a deadline.
Usage: sip_test.py SWITCHBOARD [CASE...]   (exit status 0 when every check passes; 77 = skipped)
  CASE: answered abandoned noanswer busy ringall cancel refused noack malformed options register reinvite
        ivr announce turnaway callback cbbusy cbnoanswer cbfull cboffer qualify info language
        record rechandover supervise tls srtp ipv6 xferqueue xferout xferback xferrefused xfercmd
        xferivr xfernumber trunkauth (cases_transfer.py) consultcmd consultback consultrefer
        consulthangup consultcmdrefer consultcmdrefer2 (cases_consult.py) timer
        (cases_timer.py) hold holdupdate prack (cases_hold.py) cbearly stopcall (cases_early.py)
        cb404 cbretryok (cases_cbcause.py)
Environment: SB_SIP_KEEP=1 keeps the temporary directory (SIPp -trace_msg files, server log).
"""
import hashlib
import json
import math
import os
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import wave

import cases_early  # noqa: E402 (beside this file)
import cases_record  # noqa: E402 (beside this file)
import cases_supervise  # noqa: E402 (beside this file)
import cases_tls  # noqa: E402 (beside this file)
import cases_consult  # noqa: E402 (beside this file)
import cases_transfer  # noqa: E402 (beside this file)
from phone import PyPhone  # noqa: E402 (beside this file)
from siplib import free_port, parse, rfc4733_key, status_of  # noqa: E402 (beside this file)

HERE = os.path.dirname(os.path.abspath(__file__))
HOLD_MUSIC = "/usr/share/asterisk/moh/macroform-cold_day.wav"
SOUNDS = "/usr/share/asterisk/sounds/en_US_f_Allison"  # asterisk-core-sounds-en-wav
IVR_RECORD = "12345"  # a record id the IVR case types; the screen pop must find it
LANG_NUMBER = "0600099001"  # a caller whose record says language "fr" ([sip] languages)
TONE_HZ = 1000  # the "French" vm-press.wav: a pure tone, told apart from the English speech
LO = "127.0.0.1"
SKIP = 77

failures = 0
results = []  # (case, passed)
case_failures = 0


def check(name, cond, detail=""):
    global failures, case_failures
    print(("ok   " if cond else "FAIL ") + name + ("" if cond or not detail else "  [%s]" % (detail,)),
          flush=True)
    if not cond:
        failures += 1
        case_failures += 1
    return cond


# --- ports ------------------------------------------------------------------------------------


# The server's RTP and SIPp's media ports sit above the kernel's ephemeral range (32768-60999)
# and clear of bench/sip-load.sh (RTP 10000-39999, its SIPp 40000+ and 50000+), which may run on
# the same machine at the same time.
RTP_PORTS = "61000-61999"
_next_media = [random.randrange(62000, 62900, 4)]


def media_port():
    """SIPp binds -mp and -mp+2 (audio, video) even without RTP: a free pair, 4 apart."""
    for _ in range(400):
        p = _next_media[0]
        _next_media[0] = 62000 + (p - 62000 + 4) % 900
        socks = []
        try:
            for q in (p, p + 2):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind((LO, q))
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
        return p
    raise RuntimeError("no free media ports")


def udp_port_busy(port, ip=LO):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((ip, port))
        return False
    except OSError:
        return True
    finally:
        s.close()


# --- the server -------------------------------------------------------------------------------


class Server:
    def __init__(self, binary, tmp, config, store, extra=()):
        self.err = open(os.path.join(tmp, "server.log"), "wb")
        self.p = subprocess.Popen([binary, "serve", config, "--store", "sqlite:" + store,
                                   "--control", "stdin"] + list(extra), stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.err)
        self.lines = []  # every line out (replies, {"event":..}, {"durable":..})
        self.replies = []
        self.cv = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.p.stdout:
            try:
                msg = json.loads(raw)
            except ValueError:
                msg = {"unparsed": raw.decode(errors="replace")}
            with self.cv:
                self.lines.append(msg)
                if "op" in msg or ("ok" in msg and "event" not in msg):
                    self.replies.append(msg)
                self.cv.notify_all()

    def call(self, req, timeout=5.0):
        """Sends a request; its reply (the next reply line with its op), or None."""
        with self.cv:
            start = len(self.replies)
        try:
            self.p.stdin.write((json.dumps(req) + "\n").encode())
            self.p.stdin.flush()
        except (BrokenPipeError, ValueError):
            return None
        end = time.time() + timeout
        with self.cv:
            while time.time() < end:
                for r in self.replies[start:]:
                    if r.get("op") in (req["op"], None):
                        return r
                self.cv.wait(0.05)
        return None

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        try:
            self.p.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.err.close()
        return self.p.returncode


# --- SIPp -------------------------------------------------------------------------------------


class Sipp:
    """One SIPp process (one call, bounded); its <log> markers and message trace in tmp."""
    count = 0

    def __init__(self, tmp, role, scenario, args, ip=LO, port=None, timeout=15, calls=1):
        Sipp.count += 1
        self.role = role
        base = os.path.join(tmp, "%02d-%s" % (Sipp.count, role))
        self.log, self.msgs, self.errs = base + ".log", base + ".msg", base + ".err"
        self.port = port or free_port()
        self.ip = ip
        cmd = ["sipp"] + args + ["-sf", os.path.join(HERE, scenario), "-i", ip,
                                 "-p", str(self.port), "-mp", str(media_port()),
                                 "-m", str(calls), "-timeout", "%ds" % timeout, "-timeout_error",
                                 "-nostdin", "-trace_logs", "-log_file", self.log,
                                 "-trace_msg", "-message_file", self.msgs,
                                 "-trace_err", "-error_file", self.errs]
        self.cmd = cmd
        self.out = open(base + ".out", "wb")
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.out,
                                  stderr=subprocess.STDOUT)
        self.bound_deadline = time.time() + 3

    def wait_bound(self):
        """A UAS: until its port is taken (SIPp listens), at most 3 s."""
        while time.time() < self.bound_deadline and self.p.poll() is None:
            if udp_port_busy(self.port, self.ip):
                return True
            time.sleep(0.02)
        return self.p.poll() is None

    def markers(self):
        try:
            with open(self.log, errors="replace") as f:
                return [ln.strip() for ln in f if ln.strip()]
        except OSError:
            return []

    def has(self, marker):
        return any(m == marker or m.startswith(marker) for m in self.markers())

    def errors_mention(self, text):
        try:
            with open(self.errs, errors="replace") as f:
                return text in f.read()
        except OSError:
            return False

    def wait_marker(self, marker, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if self.has(marker):
                return time.time()
            if self.p.poll() is not None:
                return time.time() if self.has(marker) else None
            time.sleep(0.02)
        return None

    def wait(self, timeout):
        """Exit status, or None after killing it at the deadline."""
        try:
            return self.p.wait(timeout=max(timeout, 0.01))
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.out.close()

    def describe(self):
        return "%s exit=%s markers=%s trace=%s" % (self.role, self.p.poll(), self.markers(),
                                                   self.msgs)


# --- a tiny SIP peer in Python (for what SIPp does not check easily) --------------------------


class PySip:
    def __init__(self, server_port, ip=LO):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((ip, 0))
        self.ip, self.port = ip, self.s.getsockname()[1]
        self.server = (LO, server_port)
        self.tag = "py%d" % random.randrange(10**9)
        self.call_id = "py-%d@%s" % (random.randrange(10**12), ip)

    def branch(self):
        return "z9hG4bK-py-%d" % random.randrange(10**12)

    def request(self, method, user, cseq, caller="pyprobe", to_tag=None, body="", ctype=None,
                branch=None, extra=()):
        to = "<sip:%s@%s:%d>" % (user, LO, self.server[1]) + (";tag=" + to_tag if to_tag else "")
        h = ["%s sip:%s@%s:%d SIP/2.0" % (method, user, LO, self.server[1]),
             "Via: SIP/2.0/UDP %s:%d;branch=%s;rport" % (self.ip, self.port, branch or self.branch()),
             "From: <sip:%s@%s:%d>;tag=%s" % (caller, self.ip, self.port, self.tag),
             "To: " + to, "Call-ID: " + self.call_id, "CSeq: %d %s" % (cseq, method),
             "Contact: <sip:%s@%s:%d>" % (caller, self.ip, self.port), "Max-Forwards: 70"]
        h += list(extra)
        if ctype:
            h.append("Content-Type: " + ctype)
        h.append("Content-Length: %d" % len(body.encode()))
        return ("\r\n".join(h) + "\r\n\r\n" + body).encode()

    def send(self, data):
        self.s.sendto(data, self.server)

    def recv(self, timeout, pred=lambda m: True):
        """The next parsed message for which pred holds, within timeout; None otherwise."""
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return None
            data, _ = self.s.recvfrom(70000)
            m = parse(data)
            if m and pred(m):
                return m

    def reply(self, msg, code, reason):
        first, h, _ = msg
        out = ["SIP/2.0 %d %s" % (code, reason), "Via: " + h.get("via", ""),
               "From: " + h.get("from", ""), "To: " + h.get("to", ""),
               "Call-ID: " + h.get("call-id", ""), "CSeq: " + h.get("cseq", ""),
               "Content-Length: 0"]
        self.send(("\r\n".join(out) + "\r\n\r\n").encode())

    def close(self):
        self.s.close()


def sdp_offer(port, pts="0 101", ip=LO):
    return ("v=0\r\no=py 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP %s\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
            "a=sendrecv\r\n" % (ip, ip, port, pts))


def to_tag(msg):
    m = re.search(r";\s*tag=([^;>\s]+)", msg[1].get("to", ""))
    return m.group(1) if m else None


def final_for(cseq_method):
    return lambda m: (status_of(m[0]) or 0) >= 200 and m[1].get("cseq", "").endswith(cseq_method)


def options_ok(server_port, timeout=1.0):
    """One OPTIONS from a fresh socket: the status code, or None."""
    p = PySip(server_port)
    try:
        p.send(p.request("OPTIONS", "probe", 1))
        m = p.recv(timeout, lambda m: status_of(m[0]) is not None)
        return status_of(m[0]) if m else None
    finally:
        p.close()


# --- the suite --------------------------------------------------------------------------------

AGENTS = ["sup1", "sup2", "sup3", "ring1", "ring2", "reg1", "cb1"]  # declaration order = engine ids
REALM, REG_PASSWORD = "switchboard", "s3cret-Pass"  # reg1's phone REGISTERs (digest, HA1)
# The trunk callbacks go out through (a SIPp UAS): it challenges with these credentials
# (tests/sip/uas_trunk_*.xml), and the number is rewritten 0... -> +33...
TRUNK_USER, TRUNK_PASSWORD, TRUNK_FROM = "sbtrunk", "tr-Secret.42", "+33180000000"


class Suite:
    def __init__(self, binary):
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix="sb-sip-")
        self.sip_port = free_port(tcp_too=True)
        self.phone = {a: free_port() for a in AGENTS}
        self.trunk_port = free_port()
        self.store = os.path.join(self.tmp, "x.db")
        self.config = os.path.join(self.tmp, "sip.toml")
        self.records = os.path.join(self.tmp, "records.csv")
        self.trunk_pw = os.path.join(self.tmp, "trunk.pw")
        with open(self.trunk_pw, "w") as f:
            f.write(TRUNK_PASSWORD + "\n")
        with open(self.records, "w") as f:
            f.write("id,name,phone,language\n%s,Ivr Caller,,\nlang1,Marie Langue,%s,fr\n"
                    % (IVR_RECORD, LANG_NUMBER))
        self.fr_sounds = os.path.join(self.tmp, "sounds-fr")
        os.makedirs(self.fr_sounds)
        with wave.open(os.path.join(self.fr_sounds, "vm-press.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(b"".join(
                int(12000 * math.sin(2 * math.pi * TONE_HZ * i / 8000)).to_bytes(2, "little",
                                                                                signed=True)
                for i in range(8000 * 2)))
        self.procs = []
        self.numbers = iter(range(1, 1000))
        with open(self.config, "w") as f:
            f.write(self.toml())
        self.server = None
        self.noack = None  # the dangling caller of the no-ACK case

    def toml(self):
        t = """
[engine]
seed = 1
[[queue]]
name = "support"
strategy = "longest_idle"
offer_timeout = "2s"
wrap_up = "0s"
[[queue]]
name = "hold"
strategy = "longest_idle"
[[queue]]
name = "ringall"
strategy = "ring_all"
ring_all_max = 2
offer_timeout = "5s"
wrap_up = "0s"
[[queue]]
name = "brief"
strategy = "longest_idle"
max_wait = "1s"
when_max_wait = { action = "message" }
[[queue]]
name = "desk"
strategy = "longest_idle"
offer_timeout = "5s"
wrap_up = "0s"
[[queue]]
name = "callback"
strategy = "longest_idle"
offer_timeout = "5s"
wrap_up = "0s"
callback_retries = 0
[[queue]]
name = "cbfull"
strategy = "longest_idle"
offer_timeout = "5s"
wrap_up = "0s"
max_length = 1
when_full = { action = "callback" }
callback_retries = 0
[[queue]]
name = "cbwait"
strategy = "longest_idle"
offer_timeout = "5s"
wrap_up = "0s"
max_wait = "1s"
when_max_wait = { action = "callback" }
callback_retries = 0
[[queue]]
name = "cbretry"
strategy = "longest_idle"
offer_timeout = "5s"
wrap_up = "0s"
callback_retries = 2
callback_retry_after = "1s"
"""
        queue_of = {"sup": "support", "reg": "desk", "cb": "callback = 1, cbfull = 1, cbretry = 1, cbwait"}
        for a in AGENTS:
            q = queue_of.get(a.rstrip("0123456789"), "ringall")
            t += '[[agent]]\nname = "%s"\nqueues = { %s = 1 }\n' % (a, q)
        t += """
[sip]
listen = "127.0.0.1"
port = %d
rtp_address = "127.0.0.1"
rtp_ports = "%s"
no_rtp_timeout = "120s"
max_calls = 100
hold_music = "%s"
qualify_every = "0"
languages = { fr = "%s" }
[[trunk]]
name = "loopback"
allow = ["127.0.0.1"]
[[trunk]]
name = "carrier"
outbound = "sip:127.0.0.1:%d"
username = "%s"
password_file = "%s"
from_number = "%s"
strip = "0"
prefix = "+33"
ring_timeout = "2s"
[[number]]
number = "support"
queue = "support"
[[number]]
number = "hold"
queue = "hold"
[[number]]
number = "ringall"
queue = "ringall"
[[number]]
number = "desk"
queue = "desk"
[[number]]
number = "ivr"
ivr = "main"
[[number]]
number = "brief"
queue = "brief"
[[number]]
number = "cbfull"
queue = "cbfull"
[[number]]
number = "cbwait"
queue = "cbwait"
[[number]]
number = "announce"
queue = "hold"
announce_every = "5s"
[[sip.ivr]]
name = "main"
prompt = ["vm-press.wav"]
timeout = "1s"
retries = 1
choices = { "1" = { queue = "support" }, "2" = { collect = "id", then_queue = "hold", max_digits = 8 }, "3" = { menu = "sub" }, "8" = { callback = true, queue = "cbretry" }, "9" = { callback = true, queue = "callback" } }
[[sip.ivr]]
name = "sub"
prompt = ["beep.wav"]
choices = { "0" = { menu = "main" } }
default = { queue = "hold" }
""" % (self.sip_port, RTP_PORTS, HOLD_MUSIC, self.fr_sounds, self.trunk_port, TRUNK_USER,
       self.trunk_pw, TRUNK_FROM)
        # reg1 has no fixed address: its phone registers with the password behind this HA1.
        ha1 = hashlib.md5(("reg1:%s:%s" % (REALM, REG_PASSWORD)).encode()).hexdigest()
        t += '[[phone]]\nagent = "reg1"\nha1 = "%s"\nready = true\n' % ha1
        # support (and callback) agents start logged out: each case sets who is ready, and when.
        for a in [a for a in AGENTS if not a.startswith("reg")]:
            t += '[[phone]]\nagent = "%s"\ncontact = "sip:%s@127.0.0.1:%d"\nready = %s\n' % (
                a, a, self.phone[a], "false" if a.startswith(("sup", "cb")) else "true")
        return t + cases_transfer.toml(self) + cases_consult.toml(self)

    def caller_number(self):
        return "06000%05d" % next(self.numbers)

    # processes
    def sipp(self, role, scenario, args, **kw):
        p = Sipp(self.tmp, role, scenario, args, **kw)
        self.procs.append(p)
        return p

    def agent(self, name, scenario, timeout=15):
        p = self.sipp(name, scenario, [], port=self.phone[name], timeout=timeout)
        p.wait_bound()
        return p

    def caller(self, number, dialled, hangup="server", hold_ms=0, codecs="0 101",
               scenario="uac_call.xml", ip=LO, timeout=15):
        args = ["%s:%d" % (LO, self.sip_port), "-s", dialled, "-key", "caller", number,
                "-key", "codecs", codecs, "-key", "hangup", hangup]
        if hold_ms:
            args += ["-d", str(hold_ms)]
        return self.sipp("caller-" + dialled, scenario, args, ip=ip, timeout=timeout)

    def reap(self):
        for p in self.procs:
            p.kill()
        self.procs = []

    # control
    def ready_only(self, *names):
        """Support agents: exactly `names` logged in and ready, the others logged out."""
        ok = True
        for a in ("sup1", "sup2", "sup3"):
            self.server.call({"op": "logout", "agent": a})
        for a in names:
            ok &= self.make_ready(a)
        return ok

    def make_ready(self, a):
        r1 = self.server.call({"op": "login", "agent": a,
                               "device": "sip:%s@127.0.0.1:%d" % (a, self.phone[a])})
        r2 = self.server.call({"op": "ready", "agent": a})
        return bool(r1 and r1.get("ok") and r2 and r2.get("ok"))

    def status(self):
        return self.server.call({"op": "status"}) or {}

    # the store (WAL: readable while the server writes)
    def cdr(self, caller, timeout=5.0):
        """(outcome, agent name) of the caller's contact once it ended, or None."""
        end = time.time() + timeout
        while True:
            try:
                db = sqlite3.connect("file:%s?mode=ro" % self.store, uri=True, timeout=1)
                try:
                    row = db.execute("SELECT outcome, agent FROM cdrs WHERE caller = ? "
                                     "ORDER BY contact DESC LIMIT 1", (caller,)).fetchone()
                finally:
                    db.close()
                if row and row[0]:
                    agent = AGENTS[row[1]] if 0 <= row[1] < len(AGENTS) else None
                    return row[0], agent
            except sqlite3.Error:
                pass
            if time.time() >= end:
                return None
            time.sleep(0.1)

    def call_detail(self, caller, timeout=5.0):
        """The phone system's record of the caller's last call (call_details), as a dict, or
        None when none was stored within `timeout`."""
        end = time.time() + timeout
        while True:
            try:
                db = sqlite3.connect("file:%s?mode=ro" % self.store, uri=True, timeout=1)
                db.row_factory = sqlite3.Row
                try:
                    row = db.execute("SELECT * FROM call_details WHERE caller = ? "
                                     "ORDER BY contact DESC LIMIT 1", (caller,)).fetchone()
                finally:
                    db.close()
                if row:
                    return dict(row)
            except sqlite3.Error:
                pass
            if time.time() >= end:
                return None
            time.sleep(0.1)

    def live_contacts(self):
        """Contacts queued and not ended, as the store has them now."""
        try:
            db = sqlite3.connect("file:%s?mode=ro" % self.store, uri=True, timeout=1)
            try:
                rows = db.execute("SELECT type, body FROM events WHERE type IN "
                                  "('ContactQueued', 'ContactEnded')").fetchall()
            finally:
                db.close()
        except sqlite3.Error:
            return set()
        queued = {json.loads(b)["contact"] for t, b in rows if t == "ContactQueued"}
        ended = {json.loads(b)["contact"] for t, b in rows if t == "ContactEnded"}
        return queued - ended

    def no_leftovers(self, before, what=""):
        """Every contact the case made has ended (3 s for the store to catch up); the ones left
        are abandoned over the control protocol so that later cases start clean."""
        end = time.time() + 3
        left = self.live_contacts() - before
        while left and time.time() < end:
            time.sleep(0.1)
            left = self.live_contacts() - before
        check(what + "no contact of this case is left in progress", not left,
              "contacts %s still live; abandoning them" % sorted(left))
        for c in left:
            self.server.call({"op": "abandon", "contact": c})
        return not left

    def log_lines(self, text):
        """The server's log lines (stderr) holding `text`."""
        try:
            with open(os.path.join(self.tmp, "server.log"), errors="replace") as f:
                return [ln.strip() for ln in f if text in ln]
        except OSError:
            return []

    def cdr_count(self, caller):
        try:
            db = sqlite3.connect("file:%s?mode=ro" % self.store, uri=True, timeout=1)
            try:
                return db.execute("SELECT count(*) FROM cdrs WHERE caller = ?",
                                  (caller,)).fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error:
            return -1

    def start(self):
        self.server = Server(self.binary, self.tmp, self.config, self.store,
                             ["--records", self.records])
        end = time.time() + 15
        while time.time() < end and self.server.alive():
            if options_ok(self.sip_port, 0.3) == 200:
                return True
        return False


def finish(procs, timeout):
    """Waits for every process until one shared deadline; exit statuses (None = killed)."""
    end = time.time() + timeout
    return [p.wait(end - time.time()) for p in procs]


# --- cases ------------------------------------------------------------------------------------


def case_answered(s):
    """1. Queued, offered to sup1 (rings 300 ms, answers, hangs up after 1 s): the caller gets the
    server's BYE; the agent's INVITE carries the caller's number in From; CDR completed."""
    num = s.caller_number()
    check("sup1 alone is ready", s.ready_only("sup1"))
    agent = s.agent("sup1", "uas_answer.xml")
    caller = s.caller(num, "support", hangup="server")
    rc_caller, rc_agent = finish([caller, agent], 12)
    check("caller: answered, then BYE from the server, exit 0",
          rc_caller == 0 and caller.has("ANSWERED") and caller.has("BYE-FROM-SERVER"),
          caller.describe())
    check("agent: INVITE From user is the caller's number, To is the agent",
          agent.has("FROM=%s TO=sup1" % num), agent.describe())
    check("agent: connected, hung up (BYE answered 200), exit 0",
          rc_agent == 0 and agent.has("CONNECTED") and agent.has("BYE-SENT"), agent.describe())
    check("store: the contact ended completed, handled by sup1",
          s.cdr(num) == ("completed", "sup1"), s.cdr(num, 0.1))
    d = s.call_detail(num) or {}
    # (Our 200 may follow the agent's INVITE: a free agent is offered the call at once.)
    times = [d.get(k, 0) for k in ("invite_ms", "queued_ms", "offered_ms", "agent_answered_ms",
                                   "ended_ms")]
    check("call detail: INVITE <= queued <= offered <= agent's 200 <= end, INVITE <= our 200 "
          "<= end, all set", all(times) and times == sorted(times) and d.get("ivr_exit_ms") == 0
          and d["invite_ms"] <= d.get("answered_ms", 0) <= d["ended_ms"], d)
    check("call detail: sup1 connected, the agent hung up (bye), 200, Call-ID and trunk kept",
          d.get("agent") == "sup1" and d.get("ended_by") == "agent" and d.get("cause") == "bye"
          and d.get("status") == 200 and d.get("call_id") and d.get("trunk") == "loopback"
          and d.get("dialled") == "support", d)


def call_hold(s, num):
    """A Python caller INVITEs `hold` with an RTP socket of its own: (peer, rtp socket, its port,
    the final response or None)."""
    p = PySip(s.sip_port)
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind((LO, 0))
    rport = rtp.getsockname()[1]
    p.send(p.request("INVITE", "hold", 1, caller=num, body=sdp_offer(rport),
                     ctype="application/sdp"))
    return p, rtp, rport, p.recv(5, final_for("INVITE"))


def case_abandoned(s):
    """2. A Python caller into `hold` (no agents): 200 with SDP, hold music as PCMU RTP to its media
    port; BYE after 1 s -> 200, the music stops; CDR abandoned."""
    num = s.caller_number()
    p, rtp, rport, ok = call_hold(s, num)
    try:
        if not check("INVITE to hold answered 200", ok is not None and status_of(ok[0]) == 200,
                     ok and ok[0]):
            return
        answer = ok[2]
        m = re.search(r"m=audio (\d+) RTP/AVP ([\d ]+)", answer)
        c = re.search(r"c=IN IP4 ([\d.]+)", answer)
        check("the answer offers PCMU (0) and telephone-event (101) on 127.0.0.1",
              m and c and m.group(2).split()[0] == "0" and c.group(1) == LO, answer)
        tag = to_tag(ok)
        p.send(p.request("ACK", "hold", 1, caller=num, to_tag=tag))
        pkts, srcs, pts, seqs, ssrcs, octets = 0, set(), set(), [], set(), set()
        end = time.time() + 1.0
        while time.time() < end:
            r, _, _ = select.select([rtp], [], [], max(end - time.time(), 0))
            if not r:
                continue
            data, src = rtp.recvfrom(2048)
            if len(data) < 12:
                continue
            pkts += 1
            srcs.add(src)
            pts.add(data[1] & 0x7F)
            seqs.append(int.from_bytes(data[2:4], "big"))
            ssrcs.add(data[8:12])
            octets.update(data[12:])
        check("hold music: >= 35 RTP packets in 1 s (got %d)" % pkts, pkts >= 35)
        check("hold music: PCMU (PT 0), one SSRC, sequence numbers +1 each",
              pts == {0} and len(ssrcs) == 1 and
              all((b - a) % 65536 == 1 for a, b in zip(seqs, seqs[1:])),
              "pts=%s ssrcs=%d" % (pts, len(ssrcs)))
        check("hold music: not silence (%d distinct octets)" % len(octets), len(octets) > 20)
        if m:
            check("RTP comes from the port of the server's SDP answer (symmetric RTP)",
                  srcs == {(LO, int(m.group(1)))}, "sources %s, SDP port %s" % (srcs, m.group(1)))
        p.send(p.request("BYE", "hold", 2, caller=num, to_tag=tag))
        bye = p.recv(3, final_for("BYE"))
        check("BYE answered 200", bye is not None and status_of(bye[0]) == 200, bye and bye[0])
        time.sleep(0.3)
        while select.select([rtp], [], [], 0)[0]:
            rtp.recvfrom(2048)
        late = 0
        end = time.time() + 0.5
        while time.time() < end:
            if select.select([rtp], [], [], max(end - time.time(), 0))[0]:
                rtp.recvfrom(2048)
                late += 1
        check("the music stops after the BYE (%d packets later)" % late, late == 0)
        check("store: the contact ended abandoned", s.cdr(num) == ("abandoned", None),
              s.cdr(num, 0.1))
        d = s.call_detail(num) or {}
        check("call detail: the caller hung up (bye) while queued, never offered",
              d.get("ended_by") == "caller" and d.get("cause") == "bye" and
              d.get("queued_ms", 0) > 0 and d.get("offered_ms") == 0 and d.get("agent") == ""
              and d.get("ended_ms", 0) >= d.get("queued_ms", 0), d)
    finally:
        p.close()
        rtp.close()


def count_rtp(sock, seconds):
    n, end = 0, time.time() + seconds
    while time.time() < end:
        if select.select([sock], [], [], max(end - time.time(), 0))[0]:
            sock.recvfrom(2048)
            n += 1
    return n


def case_reinvite(s):
    """15. A re-INVITE in the dialog (what a carrier sends to refresh a session, or a phone to
    hold): 200 with the server's SDP unchanged, the call stays up with its hold music; BYE ends
    it as abandoned."""
    num = s.caller_number()
    p, rtp, rport, ok = call_hold(s, num)
    try:
        if not check("INVITE to hold answered 200", ok is not None and status_of(ok[0]) == 200,
                     ok and ok[0]):
            return
        tag = to_tag(ok)
        p.send(p.request("ACK", "hold", 1, caller=num, to_tag=tag))
        check("hold music before the re-INVITE", count_rtp(rtp, 0.5) >= 15)
        p.send(p.request("INVITE", "hold", 2, caller=num, to_tag=tag, body=sdp_offer(rport),
                         ctype="application/sdp"))
        again = p.recv(5, final_for("INVITE"))
        check("the re-INVITE is answered 200 with SDP",
              again is not None and status_of(again[0]) == 200 and "m=audio" in again[2],
              again and again[0])
        if again:
            check("  with the same SDP as the first answer (nothing changed)",
                  again[2].strip() == ok[2].strip(), again[2])
            p.send(p.request("ACK", "hold", 2, caller=num, to_tag=tag))
        check("hold music goes on after the re-INVITE", count_rtp(rtp, 0.5) >= 15)
        p.send(p.request("BYE", "hold", 3, caller=num, to_tag=tag))
        bye = p.recv(3, final_for("BYE"))
        check("BYE answered 200", bye is not None and status_of(bye[0]) == 200, bye and bye[0])
        check("store: the contact ended abandoned", s.cdr(num) == ("abandoned", None),
              s.cdr(num, 0.1))
    finally:
        p.close()
        rtp.close()


def case_noanswer(s):
    """3. sup1 rings and never answers: after offer_timeout (2 s) the server CANCELs it and offers
    sup2, who answers; the caller is connected to sup2."""
    num = s.caller_number()
    check("sup1 alone is ready", s.ready_only("sup1"))
    a1 = s.agent("sup1", "uas_noanswer.xml")
    a2 = s.agent("sup2", "uas_answer.xml")
    caller = s.caller(num, "support", hangup="server")
    t_invite = a1.wait_marker("FROM=", 5)
    check("sup1 is offered the call first", t_invite is not None, a1.describe())
    check("then sup2 becomes ready", s.make_ready("sup2"))
    t_cancel = a1.wait_marker("CANCELLED", 6)
    rc_caller, rc1, rc2 = finish([caller, a1, a2], 12)
    ring = (t_cancel - t_invite) if t_invite and t_cancel else None
    check("sup1: CANCEL after ringing ~2 s (%s s), 200 + 487, ACK" %
          ("%.1f" % ring if ring else "-"),
          rc1 == 0 and ring is not None and 1.5 <= ring <= 4.0, a1.describe())
    check("sup2: offered with the caller's number, connected, hung up",
          rc2 == 0 and a2.has("FROM=%s TO=sup2" % num) and a2.has("CONNECTED")
          and a2.has("BYE-SENT"), a2.describe())
    check("caller: BYE from the server after sup2 hung up",
          rc_caller == 0 and caller.has("BYE-FROM-SERVER"), caller.describe())
    check("store: completed by sup2", s.cdr(num) == ("completed", "sup2"), s.cdr(num, 0.1))


def case_busy(s):
    """4. sup1 answers 486 Busy Here: the engine declines it and offers sup2, who answers."""
    num = s.caller_number()
    check("sup1 alone is ready", s.ready_only("sup1"))
    a1 = s.agent("sup1", "uas_busy.xml")
    a2 = s.agent("sup2", "uas_answer.xml")
    caller = s.caller(num, "support", hangup="server")
    check("sup1 is offered the call and is busy (486 ACKed)",
          a1.wait_marker("BUSY-ACKED", 5) is not None, a1.describe())
    check("then sup2 becomes ready", s.make_ready("sup2"))
    rc_caller, rc1, rc2 = finish([caller, a1, a2], 10)
    check("sup1: 486 with the caller's number in From, exit 0",
          rc1 == 0 and a1.has("FROM=%s TO=sup1" % num), a1.describe())
    check("sup2: connected, hung up", rc2 == 0 and a2.has("FROM=%s TO=sup2" % num)
          and a2.has("CONNECTED") and a2.has("BYE-SENT"), a2.describe())
    check("caller: BYE from the server", rc_caller == 0 and caller.has("BYE-FROM-SERVER"),
          caller.describe())
    check("store: completed by sup2", s.cdr(num) == ("completed", "sup2"), s.cdr(num, 0.1))


def case_ringall(s):
    """5. Ring-all: ring1 and ring2 both answer 200 after 200 ms. Exactly one is connected (WON:
    no BYE for 1 s after its ACK, then the BYE that follows the caller's own BYE at 3 s); the
    other is CANCELled before its 200 (LOST-CANCELLED) or ACKed then BYEd at once (LOST-BYE)."""
    num = s.caller_number()
    r1 = s.agent("ring1", "uas_ringall.xml")
    r2 = s.agent("ring2", "uas_ringall.xml")
    caller = s.caller(num, "ringall", hangup="caller", hold_ms=3000)
    rc_caller, rc1, rc2 = finish([caller, r1, r2], 12)
    won = [r for r in (r1, r2) if r.has("WON")]
    # A CANCEL landing in the instant between the UAS's 200 ms timer and its 200 is an
    # "unexpected CANCEL" to SIPp: it answers it 200 and aborts the call. The server did right.
    aborted = [r for r in (r1, r2) if r.errors_mention("unexpected CANCEL")]
    lost = [r for r in (r1, r2) if r.has("LOST-CANCELLED") or r.has("LOST-BYE") or r in aborted]
    print("     ring-all: ring1 %s, ring2 %s%s" % (
        r1.markers()[1:], r2.markers()[1:],
        "; %s: CANCEL as its 200 was due (SIPp aborted it)" % aborted[0].role if aborted else ""),
        flush=True)
    check("both phones were offered the call with the caller's number",
          r1.has("FROM=%s TO=ring1" % num) and r2.has("FROM=%s TO=ring2" % num),
          "%s | %s" % (r1.describe(), r2.describe()))
    check("exactly one phone stays connected, the other is cancelled or hung up at once",
          len(won) == 1 and len(lost) == 1, "%s | %s" % (r1.describe(), r2.describe()))
    if len(won) == 1:
        check("the winner gets the BYE after the caller hangs up",
              won[0].has("BYE-FROM-SERVER"), won[0].describe())
    check("both phone scenarios end cleanly (exit 0, or SIPp's abort above)",
          all(rc == 0 or r in aborted for r, rc in ((r1, rc1), (r2, rc2))),
          "%s | %s" % (r1.describe(), r2.describe()))
    check("caller: answered, hung up, BYE answered", rc_caller == 0 and caller.has("BYE-SENT"),
          caller.describe())
    got = s.cdr(num)
    check("store: completed by the winner (%s)" % (got,),
          len(won) == 1 and got == ("completed", won[0].role))


def case_cancel(s):
    """6. (a) The caller hangs up while sup1 rings: sup1 gets CANCEL well before the 2 s ring
    timeout; CDR abandoned. (b) A Python caller CANCELs on 100 Trying, racing the 200 the server
    sends once the call is queued (a queued caller is answered at once, so a CANCEL can only race
    that 200): 487 (or, when the 200 won, ACK + BYE); sup1, if it was offered the call, is
    CANCELled; CDR abandoned."""
    num = s.caller_number()
    check("sup1 alone is ready", s.ready_only("sup1"))
    a1 = s.agent("sup1", "uas_noanswer.xml")
    caller = s.caller(num, "support", hangup="caller", hold_ms=700)
    t_invite = a1.wait_marker("FROM=", 5)
    t_cancel = a1.wait_marker("CANCELLED", 5)
    rc_caller, rc1 = finish([caller, a1], 6)
    ring = (t_cancel - t_invite) if t_invite and t_cancel else None
    check("(a) caller: answered, BYE after 0.7 s, exit 0", rc_caller == 0 and caller.has("BYE-SENT"),
          caller.describe())
    check("(a) sup1 rang, then got CANCEL before the ring timeout (%s s)" %
          ("%.1f" % ring if ring else "-"), rc1 == 0 and ring is not None and ring < 1.6,
          a1.describe())
    check("(a) store: abandoned", s.cdr(num) == ("abandoned", None), s.cdr(num, 0.1))

    # (b) is a race the server wins or loses by a fraction of a millisecond: up to 4 tries, and
    # the first one that goes wrong fails the case.
    for attempt in range(1, 5):
        before_b = s.live_contacts()
        num = s.caller_number()
        ok = check("(b%d) sup1 ready again" % attempt, s.ready_only("sup1"))
        a1 = s.agent("sup1", "uas_noanswer.xml", timeout=8)
        outcome, seen = cancel_race(s, num)
        print("     cancel race %d: %s; caller saw %s" % (attempt, outcome, seen), flush=True)
        ok &= check("(b%d) caller: 200 to the CANCEL and 487 to the INVITE (ACKed), or the 200 "
                    "first (then ACK + BYE answered 200)" % attempt,
                    outcome in ("487", "200 first"), seen)
        # sup1 may never be offered (the CANCEL got in before the Enqueue): then nothing rings.
        offered = a1.wait_marker("FROM=", 0.5) is not None
        rc1 = a1.wait(4) if offered else (a1.kill() or "killed: never offered")
        ok &= check("(b%d) sup1 was never offered the call, or it was CANCELled (%s)" %
                    (attempt, "offered" if offered else "not offered"),
                    (not offered) or (rc1 == 0 and a1.has("CANCELLED")), a1.describe())
        ok &= check("(b%d) store: abandoned" % attempt, s.cdr(num, 2) == ("abandoned", None),
                    s.cdr(num, 0.1))
        ok &= s.no_leftovers(before_b, "(b%d) " % attempt)
        s.reap()
        if not ok:
            break

    # (c) the same with the CANCEL right behind the INVITE: it reaches the server before the
    # call is queued, which is the window (b) only hits now and then.
    before_c = s.live_contacts()
    num = s.caller_number()
    check("sup1 ready again", s.ready_only("sup1"))
    a1 = s.agent("sup1", "uas_noanswer.xml", timeout=8)
    outcome, seen = cancel_race(s, num, at_once=True)
    print("     cancel at once: %s; caller saw %s" % (outcome, seen), flush=True)
    check("(c) caller: 200 to the CANCEL and 487 to the INVITE, or the 200 first then BYE",
          outcome in ("487", "200 first"), seen)
    offered = a1.wait_marker("FROM=", 1.0) is not None
    rc1 = a1.wait(4) if offered else (a1.kill() or "killed: never offered")
    check("(c) sup1 was never offered the call, or it was CANCELled (%s)" %
          ("offered" if offered else "not offered"),
          (not offered) or (rc1 == 0 and a1.has("CANCELLED")), a1.describe())
    got = s.cdr(num)
    check("(c) store: abandoned, or no contact at all (%s)" % (got,),
          got == ("abandoned", None) or (got is None and not (s.live_contacts() - before_c)))


def cancel_race(s, num, at_once=False):
    """A Python caller: INVITE to support, CANCEL the moment 100 Trying arrives (RFC 3261 9.1:
    not before a provisional; at_once: right behind the INVITE, as a UAC that ignores 9.1 or a
    proxy forwarding a CANCEL would), then whatever the server says.
    ("487" | "200 first" | ..., what it saw)"""
    p = PySip(s.sip_port)
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind((LO, 0))
    seen = []
    try:
        branch = p.branch()
        p.send(p.request("INVITE", "support", 1, caller=num, branch=branch,
                         body=sdp_offer(rtp.getsockname()[1]), ctype="application/sdp"))
        if at_once:
            p.send(p.request("CANCEL", "support", 1, caller=num, branch=branch))
            seen.append("> CANCEL at once")
            invite_final = None
        else:
            trying = p.recv(3, lambda m: status_of(m[0]) is not None)
            seen.append(trying[0] if trying else "no response")
            if not trying:
                return "no 100", seen
            if status_of(trying[0]) == 100:
                p.send(p.request("CANCEL", "support", 1, caller=num, branch=branch))
                seen.append("> CANCEL")
            invite_final = trying if status_of(trying[0]) >= 200 else None
        end = time.time() + 2
        while time.time() < end:
            m = p.recv(end - time.time(), lambda m: status_of(m[0]) is not None)
            if not m:
                break
            if status_of(m[0]) == 100:
                seen.append(m[0])
                continue
            seen.append("%s (%s)" % (m[0], m[1].get("cseq")))
            if m[1].get("cseq", "").endswith("INVITE") and status_of(m[0]) >= 200:
                invite_final = invite_final or m
                if status_of(m[0]) >= 300:
                    p.send(p.request("ACK", "support", 1, caller=num, branch=branch,
                                     to_tag=to_tag(m)))
                    break
                # 2xx: the CANCEL lost; its own answer (481 or 200) may still come
                end = min(end, time.time() + 0.3)
        if invite_final is None:
            return "no final response", seen
        code = status_of(invite_final[0])
        if code == 487:
            return "487", seen
        if code != 200:
            return "final %d" % code, seen
        tag = to_tag(invite_final)
        p.send(p.request("ACK", "support", 1, caller=num, to_tag=tag))
        p.send(p.request("BYE", "support", 2, caller=num, to_tag=tag))
        seen.append("> ACK, BYE")
        bye = p.recv(3, final_for("BYE"))
        seen.append(bye[0] if bye else "no answer to BYE")
        return ("200 first" if bye and status_of(bye[0]) == 200 else "BYE failed"), seen
    finally:
        p.close()
        rtp.close()


def case_refused(s):
    """7. 488 for an offer of G.729 only (PT 18), 404 for an unknown number, 403 from 127.0.0.2
    (not in the trunk's allow-list); none of them becomes a contact."""
    for want, dialled, codecs, ip in ((488, "support", "18", LO), (404, "nosuch", "0 101", LO),
                                      (403, "support", "0 101", "127.0.0.2")):
        num = s.caller_number()
        c = s.caller(num, dialled, codecs=codecs, scenario="uac_refused.xml", ip=ip, timeout=6)
        rc = c.wait(8)
        check("%s from %s with PT %s -> %d (ACKed)" % (dialled, ip, codecs, want),
              rc == 0 and c.has("FINAL=%d" % want), c.describe())
        check("  no contact was created for it", s.cdr_count(num) == 0)


def case_noack_start(s):
    """8 (start). A caller into `hold` that never ACKs the 200: the server retransmits the 200
    (T1 doubling); the suite goes on meanwhile (the finish checks that the dialog was ended)."""
    num = s.caller_number()
    p = PySip(s.sip_port)
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind((LO, 0))
    p.send(p.request("INVITE", "hold", 1, caller=num, body=sdp_offer(rtp.getsockname()[1]),
                     ctype="application/sdp"))
    first = p.recv(5, final_for("INVITE"))
    t0 = time.time()
    check("no-ACK caller: INVITE answered 200", first is not None and status_of(first[0]) == 200,
          first and first[0])
    again = 0
    while p.recv(max(t0 + 2.2 - time.time(), 0), final_for("INVITE")):
        again += 1
    check("the 200 is retransmitted while no ACK comes (%d copies in 2.2 s)" % again, again >= 2)
    check("OPTIONS still answered meanwhile", options_ok(s.sip_port) == 200)
    s.noack = (num, p, rtp, t0)


def case_noack_finish(s):
    """8 (finish). Within ~32 s (64*T1) of the unacknowledged 200 the server ends the dialog:
    the contact ends abandoned (and we log whether a BYE came)."""
    if not s.noack:
        return
    num, p, rtp, t0 = s.noack
    try:
        byes, t_bye, got = 0, None, None
        end = max(t0 + 36, time.time() + 0.5)
        while time.time() < end and got is None:
            m = p.recv(0.2, lambda m: m[0].startswith("BYE "))
            if m:  # answered at once, so the BYE transaction ends the leg
                byes += 1
                t_bye = t_bye or time.time() - t0
                p.reply(m, 200, "OK")
            got = s.cdr(num, timeout=0)
        print("     no-ACK dialog: first BYE read %s s after the 200 (%d copies); contact %s"
              % ("%.1f" % t_bye if t_bye else "never", byes, got), flush=True)
        check("no-ACK: the contact ended abandoned within 36 s of the 200", got == ("abandoned", None),
              got)
    finally:
        p.close()
        rtp.close()


def case_malformed(s):
    """9. Malformed SIP over UDP (and a 70 KB message over TCP): garbage, a broken CSeq, a
    Content-Length larger than the body, a 65 KB datagram, an unknown method (405/501); after all of
    them OPTIONS is answered and a normal call goes through."""
    p = PySip(s.sip_port)
    seen = {}
    try:
        def probe(name, data, timeout=0.7):
            p.send(data)
            m = p.recv(timeout, lambda m: status_of(m[0]) is not None)
            seen[name] = status_of(m[0]) if m else None
            return seen[name]

        probe("garbage", bytes(random.randrange(256) for _ in range(300)))
        probe("garbage line", b"HELLO WORLD\r\n\r\n")
        bad_cseq = p.request("OPTIONS", "support", 1).replace(b"CSeq: 1 OPTIONS", b"CSeq: x1 OPTIONS")
        probe("broken CSeq", bad_cseq)
        no_via = b"\r\n".join(ln for ln in p.request("OPTIONS", "support", 2).split(b"\r\n")
                              if not ln.startswith(b"Via:"))
        probe("no Via", no_via)
        long_body = p.request("INVITE", "support", 3, caller="0600099999", body=sdp_offer(40000),
                              ctype="application/sdp")
        probe("Content-Length > body", long_body.replace(b"Content-Length: ", b"Content-Length: 9"))
        neg = p.request("OPTIONS", "support", 4).replace(b"Content-Length: 0", b"Content-Length: -5")
        probe("negative Content-Length", neg)
        big = p.request("OPTIONS", "support", 5, extra=["X-Padding: " + "a" * 64000])
        code = probe("64 KB datagram", big, 1.0)  # well-formed, only large: 200 or 513 are fine
        check("a 64 KB OPTIONS datagram -> 200 or 513, or dropped (got %s)" % code,
              code in (200, 513, None))
        code = probe("unknown method FROB", p.request("FROB", "support", 6))
        check("unknown method FROB -> 405 or 501 (got %s)" % code, code in (405, 501))
        # 70 KB over TCP (a datagram cannot be that large)
        t = socket.create_connection((LO, s.sip_port), timeout=2)
        try:
            msg = p.request("OPTIONS", "support", 7, extra=["X-Padding: " + "b" * 70000])
            msg = msg.replace(b"SIP/2.0/UDP", b"SIP/2.0/TCP")
            t.settimeout(2)
            try:
                t.sendall(msg)
                data = t.recv(4096)
                seen["70 KB over TCP"] = status_of(data.split(b"\r\n", 1)[0].decode(errors="replace")) \
                    if data else "closed"
            except OSError as e:
                seen["70 KB over TCP"] = "error %s" % e.__class__.__name__
        finally:
            t.close()
        print("     malformed input answers: %s" % seen, flush=True)
        check("none of the malformed requests got a 2xx",
              not any(isinstance(v, int) and 200 <= v < 300 for k, v in seen.items()
                      if k != "64 KB datagram"), seen)
        check("the server process is still running", s.server.alive())
        check("OPTIONS answered 200 after all of it", options_ok(s.sip_port) == 200)
    finally:
        p.close()
    num = s.caller_number()
    check("sup3 alone is ready", s.ready_only("sup3"))
    agent = s.agent("sup3", "uas_answer.xml")
    caller = s.caller(num, "support", hangup="server")
    rc_caller, rc_agent = finish([caller, agent], 10)
    check("a normal call goes through afterwards", rc_caller == 0 and rc_agent == 0 and
          caller.has("BYE-FROM-SERVER") and agent.has("CONNECTED"),
          "%s | %s" % (caller.describe(), agent.describe()))
    check("store: completed by sup3", s.cdr(num) == ("completed", "sup3"), s.cdr(num, 0.1))


def register(s, user, password, contact_port, ip=LO, expires=300):
    p = s.sipp("register-" + user, "uac_register.xml",
               ["%s:%d" % (LO, s.sip_port), "-key", "user", user, "-key", "contact_port",
                str(contact_port), "-key", "expires", str(expires), "-au", user, "-ap", password],
               ip=ip, timeout=5)
    p.wait(8)
    return p


def case_register(s):
    """11. REGISTER: a wrong password gets 403 after the challenge; the right one registers the
    phone, and the next call to the agent's queue rings it there; a source that keeps failing
    gets 403 without a challenge, even with the right password."""
    bad = register(s, "reg1", "wrong", s.phone["reg1"])
    check("wrong password: challenged (401), then 403", bad.has("CHALLENGED") and
          bad.has("RESULT 403"), bad.describe())
    unknown = register(s, "nobody", REG_PASSWORD, s.phone["reg1"])
    check("unknown user: challenged, then 403", unknown.has("RESULT 403"), unknown.describe())
    good = register(s, "reg1", REG_PASSWORD, s.phone["reg1"])
    check("right password: challenged (401), then 200", good.has("CHALLENGED") and
          good.has("RESULT 200"), good.describe())
    num = s.caller_number()
    agent = s.agent("reg1", "uas_answer.xml")
    caller = s.caller(num, "desk", hangup="server")
    rc_caller, rc_agent = finish([caller, agent], 12)
    check("the registered phone rang with the caller's number in From and answered",
          rc_agent == 0 and agent.has("FROM=%s TO=reg1" % num), agent.describe())
    check("caller: answered, then BYE from the server", rc_caller == 0 and
          caller.has("BYE-FROM-SERVER"), caller.describe())
    check("store: completed by reg1", s.cdr(num) == ("completed", "reg1"), s.cdr(num, 0.1))
    # A scanner: ten failures from one address, then even the right password is refused.
    scanner = "127.0.0.3"
    for _ in range(10):
        register(s, "reg1", "guess", s.phone["reg1"], ip=scanner)
    blocked = register(s, "reg1", REG_PASSWORD, s.phone["reg1"], ip=scanner)
    check("after 10 failures the source gets no challenge (403 at once)",
          not blocked.has("CHALLENGED") and not blocked.has("RESULT 200"), blocked.describe())
    again = register(s, "reg1", REG_PASSWORD, s.phone["reg1"])
    check("another address still registers", again.has("RESULT 200"), again.describe())
    # The phone goes away (Expires: 0): its agent leaves routing.
    before = s.status().get("agents", {}).get("logged out", 0)
    gone = register(s, "reg1", REG_PASSWORD, s.phone["reg1"], expires=0)
    check("unregistering (Expires: 0) is accepted", gone.has("RESULT 200"), gone.describe())
    end = time.time() + 3
    after = before
    while time.time() < end and after == before:
        after = s.status().get("agents", {}).get("logged out", 0)
        time.sleep(0.05)
    check("  and reg1 is logged out (logged out %d -> %d)" % (before, after), after == before + 1)
    back = register(s, "reg1", REG_PASSWORD, s.phone["reg1"])
    end = time.time() + 3
    while time.time() < end and s.status().get("agents", {}).get("logged out", 0) != before:
        time.sleep(0.05)
    check("registering again logs reg1 back in",
          back.has("RESULT 200") and s.status().get("agents", {}).get("logged out", 0) == before)


class RtpCaller:
    """A Python caller with its own RTP socket: INVITE, ACK, RFC 4733 key presses to the server's
    RTP port from its SDP answer, BYE; it answers the server's BYE. Reads and counts what the
    server sends (marker bits mark each new playout)."""

    def __init__(self, s, num, dialled):
        self.p = PySip(s.sip_port)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((LO, 0))
        self.num, self.dialled = num, dialled
        self.seq, self.ts, self.ssrc = random.randrange(65536), random.randrange(2**31), 0x5b0c
        self.tag, self.remote, self.bye_from_server = None, None, False
        self.packets, self.markers = 0, []

    def call(self):
        self.p.send(self.p.request("INVITE", self.dialled, 1, caller=self.num,
                                   body=sdp_offer(self.rtp.getsockname()[1]),
                                   ctype="application/sdp"))
        ok = self.p.recv(5, final_for("INVITE"))
        if not ok or status_of(ok[0]) != 200:
            return ok and ok[0]
        m = re.search(r"m=audio (\d+)", ok[2])
        c = re.search(r"c=IN IP4 ([\d.]+)", ok[2])
        self.remote = (c.group(1), int(m.group(1))) if m and c else None
        self.tag = to_tag(ok)
        self.p.send(self.p.request("ACK", self.dialled, 1, caller=self.num, to_tag=self.tag))
        return 200

    def drain(self, seconds):
        """Reads the server's RTP (and SIP: a BYE is answered) for `seconds`."""
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                return
            r, _, _ = select.select([self.rtp, self.p.s], [], [], left)
            if self.rtp in r:
                data, _ = self.rtp.recvfrom(2048)
                if len(data) >= 12:
                    self.packets += 1
                    if data[1] & 0x80:
                        self.markers.append(time.time())
            if self.p.s in r:
                data, _ = self.p.s.recvfrom(70000)
                m = parse(data)
                if m and m[0].startswith("BYE "):
                    self.bye_from_server = True
                    self.p.reply(m, 200, "OK")

    def key(self, digit):
        """One key press: RFC 4733 event packets (PT 101) over 100 ms, then 3 end packets."""
        self.ts = (self.ts + 1600) % 2**32
        packets, self.seq = rfc4733_key(digit, self.seq, self.ts, self.ssrc)
        for p in packets:
            self.rtp.sendto(p, self.remote)
            self.drain(0.02)

    def keys(self, digits, gap=0.1):
        for d in digits:
            self.key(d)
            self.drain(gap)

    def bye(self):
        self.p.send(self.p.request("BYE", self.dialled, 2, caller=self.num, to_tag=self.tag))
        return self.p.recv(3, final_for("BYE"))

    def close(self):
        self.p.close()
        self.rtp.close()


def case_ivr(s):
    """12. IVR (number `ivr`, menu `main`, RFC 4733 keys from a Python caller): key 1 queues into
    `support`, offered to sup1 who answers (CDR completed); key 2 then 12345# is an id the screen
    pop finds, then `hold`; a hang-up in the menu is abandoned_in_ivr; a caller who presses
    nothing hears the prompt twice, then the goodbye, then the server's BYE."""
    # (d) no input, in the background: prompt, 1 s, prompt, 1 s, goodbye, BYE
    silent = RtpCaller(s, s.caller_number(), "ivr")
    silent_answer = silent.call()
    t_silent = time.time()
    # (a) key 1 -> support -> sup1
    num = s.caller_number()
    check("(a) sup1 alone is ready", s.ready_only("sup1"))
    agent = s.agent("sup1", "uas_answer.xml")
    c = RtpCaller(s, num, "ivr")
    try:
        check("(a) INVITE to ivr answered 200 with an RTP port", c.call() == 200 and c.remote,
              c.remote)
        c.drain(0.3)
        check("(a) the prompt plays (%d RTP packets in 0.3 s)" % c.packets, c.packets >= 8)
        offered_before = agent.has("FROM=")
        c.keys("1")
        t = agent.wait_marker("FROM=%s TO=sup1" % num, 4)
        check("(a) not offered before the key; after key 1 sup1 is offered the call",
              not offered_before and t is not None, agent.describe())
        end = time.time() + 6
        while time.time() < end and not c.bye_from_server:
            c.drain(0.1)
        rc_agent = agent.wait(4)
        check("(a) sup1 connected and hung up; the caller got the server's BYE",
              rc_agent == 0 and agent.has("CONNECTED") and c.bye_from_server, agent.describe())
        check("(a) store: completed by sup1", s.cdr(num) == ("completed", "sup1"), s.cdr(num, 0.1))
        d = s.call_detail(num) or {}
        check("(a) call detail: answered, then out of the IVR on key 1, then queued and offered",
              0 < d.get("answered_ms", 0) < d.get("ivr_exit_ms", 0) <= d.get("queued_ms", 0) <=
              d.get("offered_ms", 0) and d.get("dialled") == "ivr", d)
    finally:
        c.close()
    # (b) key 2, then 12345#: the id reaches the controller (screen pop), then queue `hold`
    before = s.live_contacts()
    num = s.caller_number()
    c = RtpCaller(s, num, "ivr")
    try:
        check("(b) INVITE to ivr answered 200", c.call() == 200 and c.remote)
        c.drain(0.2)
        check("(b) nothing queued while in the menu", not (s.live_contacts() - before))
        c.keys("2")
        c.keys(IVR_RECORD + "#")
        end = time.time() + 3
        new = s.live_contacts() - before
        while not new and time.time() < end:
            c.drain(0.1)
            new = s.live_contacts() - before
        check("(b) queued after the digits and #", len(new) == 1, new)
        if new:
            contact = sorted(new)[0]
            pop = s.server.call({"op": "pop", "contact": contact, "user": "sip-test"}) or {}
            ids = [r.get("id") for r in pop.get("records", [])]
            check("(b) the screen pop found the record typed in the IVR (%s)" % ids,
                  IVR_RECORD in ids, pop)
        c.drain(0.3)
        bye = c.bye()
        check("(b) BYE answered 200", bye is not None and status_of(bye[0]) == 200)
        check("(b) store: abandoned (in the queue)", s.cdr(num) == ("abandoned", None),
              s.cdr(num, 0.1))
    finally:
        c.close()
    # (c) hang-up in the menu
    num = s.caller_number()
    c = RtpCaller(s, num, "ivr")
    try:
        check("(c) INVITE to ivr answered 200", c.call() == 200)
        c.drain(0.5)
        bye = c.bye()
        check("(c) BYE answered 200", bye is not None and status_of(bye[0]) == 200)
        got = s.cdr(num)
        check("(c) store: abandoned_in_ivr (%s)" % (got,), got is not None and
              got[0] == "abandoned_in_ivr")
    finally:
        c.close()
    # (d) the silent caller
    try:
        check("(d) silent caller answered 200", silent_answer == 200)
        end = t_silent + 8
        while time.time() < end and not silent.bye_from_server:
            silent.drain(0.1)
        took = time.time() - t_silent
        check("(d) no key: prompt, prompt again, goodbye, then the server's BYE (%.1f s, %d "
              "playouts)" % (took, len(silent.markers)),
              silent.bye_from_server and 2.5 <= took and len(silent.markers) >= 3)
        got = s.cdr(silent.num)
        check("(d) store: abandoned_in_ivr (%s)" % (got,), got is not None and
              got[0] == "abandoned_in_ivr")
    finally:
        silent.close()


def case_announce(s):
    """13. Announcements: a caller into `hold` by number `announce` (announce_every 5 s): the hold
    music is interrupted by the position and the wait (a new playout, RTP marker bit), then
    resumes (another marker), and again 5 s later."""
    num = s.caller_number()
    c = RtpCaller(s, num, "announce")
    try:
        check("INVITE to announce answered 200", c.call() == 200)
        t0 = time.time()
        c.drain(6)
        said = s.log_lines("telephony: announcement")
        ms = int(re.search(r"ms=(\d+)", said[-1]).group(1)) if said else 0
        print("     announced: %s" % (said[-1].split("msg=")[-1] if said else "nothing"), flush=True)
        c.drain(max(ms / 1000.0 + 1.0 - (time.time() - t0 - 5), 0.5))
        marks = [round(t - c.markers[0], 1) for t in c.markers] if c.markers else []
        print("     playouts started at %s s (hold music, announcement, hold music)" % marks,
              flush=True)
        check("hold music, then the announcement 5 s in, then the music again when it ends "
              "(%.1f s later)" % (ms / 1000.0),
              len(marks) >= 3 and 4.5 <= marks[1] <= 6.0 and
              abs(marks[2] - marks[1] - ms / 1000.0) < 0.8, marks)
        check("RTP kept flowing (%d packets in %.1f s)" % (c.packets, time.time() - t0),
              c.packets >= 40 * (time.time() - t0))
        bye = c.bye()
        check("BYE answered 200", bye is not None and status_of(bye[0]) == 200)
        check("store: abandoned", s.cdr(num) == ("abandoned", None), s.cdr(num, 0.1))
    finally:
        c.close()


def case_turnaway(s):
    """14. A queue that turns the caller away (`brief`: max_wait 1 s, then its message): hold
    music, then after ~1 s the max-wait message (a new playout), and only when it has played the
    server's BYE; CDR max_wait."""
    num = s.caller_number()
    c = RtpCaller(s, num, "brief")
    try:
        check("INVITE to brief answered 200", c.call() == 200)
        t0 = time.time()
        while time.time() < t0 + 8 and not c.bye_from_server:
            c.drain(0.1)
        took = time.time() - t0
        marks = [round(t - t0, 1) for t in c.markers]
        # sorry.wav + please-try-call-later.wav: about 3.4 s of speech after the 1 s wait
        check("hold music, the message after ~1 s, the BYE once it has played (%.1f s; "
              "playouts at %s)" % (took, marks),
              c.bye_from_server and len(marks) >= 2 and 0.8 <= marks[1] <= 2.0 and
              took >= marks[1] + 3.0 and took <= 7.0)
        got = s.cdr(num)
        check("store: max_wait (%s)" % (got,), got is not None and got[0] == "max_wait")
    finally:
        c.close()


def request_callback(s, num, key="9"):
    """A caller to `ivr` presses 9 (callback into queue `callback`, whose agent cb1 is logged out;
    8: into `cbretry`, which dials it again twice): the thank-you plays and the server hangs up;
    the contact stays waiting. True if so."""
    s.server.call({"op": "logout", "agent": "cb1"})
    before = s.live_contacts()
    c = RtpCaller(s, num, "ivr")
    try:
        if not check("caller: INVITE to ivr answered 200", c.call() == 200 and c.remote):
            return False
        c.drain(0.3)
        c.keys(key)
        end = time.time() + 8
        while time.time() < end and not c.bye_from_server:
            c.drain(0.1)
        waiting = s.live_contacts() - before
        return check("caller: key %s -> the server hangs up; the callback waits (contacts %s)" %
                     (key, sorted(waiting)), c.bye_from_server and len(waiting) == 1 and
                     s.cdr(num, 0.1) is None)
    finally:
        c.close()


def digest_ok(header, method, user, password):
    """Whether a Digest (Proxy-)Authorization header value answers its challenge for `password`
    (RFC 2617 MD5, without qop: what the trunk scenarios offer)."""
    f = dict(re.findall(r'(\w+)="?([^",]*)"?', header or ""))
    if f.get("username") != user or not f.get("response"):
        return False
    md5 = lambda t: hashlib.md5(t.encode()).hexdigest()  # noqa: E731
    ha1 = md5("%s:%s:%s" % (user, f.get("realm", ""), password))
    ha2 = md5("%s:%s" % (method, f.get("uri", "")))
    return f["response"] == md5("%s:%s:%s" % (ha1, f.get("nonce", ""), ha2))


def trunk(s, scenario, calls=1):
    p = s.sipp("trunk", scenario, ["-rtp_echo"], port=s.trunk_port, timeout=15, calls=calls)
    p.wait_bound()
    return p


def case_callback(s):
    """16. Callback dialled: a caller asks for a callback in the IVR and is hung up on; cb1 becomes
    ready, its phone (Python) rings with From "Callback" <the caller's number>, answers and hears
    ringback; the server dials the customer through the trunk (SIPp: 401, then checks the digest,
    answers, echoes RTP), bridges: cb1's own RTP comes back echoed; cb1 hangs up -> the trunk gets
    BYE; CDR completed by cb1."""
    num = s.caller_number()
    if not request_callback(s, num):
        return
    tr = trunk(s, "uas_trunk_answer.xml")
    ph = PyPhone(s.phone["cb1"])
    try:
        check("cb1 becomes ready", s.make_ready("cb1"))
        inv = ph.wait_invite(5)
        if not check("cb1's phone rings", inv is not None):
            return
        frm = ph.from_header()
        check("  From is \"Callback\" <sip:%s@...> (%s)" % (num, frm),
              frm.startswith('"Callback" <sip:%s@' % num))
        check("  To the agent (Request-URI user %s)" % ph.request_user(), ph.request_user() == "cb1")
        check("cb1 answers (200, ACK)", ph.answer())
        ph.run(6, until=lambda p: p.echoed >= 25)
        check("cb1 hears ringback while the customer rings (%d packets before the bridge)" %
              ph.other_before_echo, ph.other_before_echo >= 10)
        check("cb1's own audio comes back from the customer's phone across the bridge (%d "
              "echoed)" % ph.echoed, ph.echoed >= 25)
        check("cb1 hangs up (BYE answered 200)", ph.bye() == 200)
        rc = tr.wait(5)
        check("trunk: From %s, To +33%s (rewritten), challenged, digest accepted" % (TRUNK_FROM,
                                                                                    num[1:]),
              tr.has("FROM=%s TO=+33%s" % (TRUNK_FROM, num[1:])) and tr.has("CHALLENGED") and
              tr.has("AUTH-OK user=%s" % TRUNK_USER), tr.describe())
        check("trunk: connected, then the server's BYE after cb1's (exit 0)",
              rc == 0 and tr.has("CONNECTED") and tr.has("BYE-FROM-SERVER"), tr.describe())
        check("store: the callback ended completed, handled by cb1",
              s.cdr(num) == ("completed", "cb1"), s.cdr(num, 0.1))
        cases_cbcause.check_records(s, num, "a first try that reached: 1 attempt, one case", 1,
                                    200, "reached", 1)
        check("the trunk password is not in the server's log",
              not s.log_lines(TRUNK_PASSWORD))
    finally:
        ph.close()
        s.server.call({"op": "logout", "agent": "cb1"})


def case_callback_busy(s):
    """17. Callback to a busy line, dialled again twice: the caller asks with key 8 (queue
    cbretry: callback_retries = 2, callback_retry_after = 1 s); cb1 (SIPp, three calls) answers;
    the trunk (a proxy) challenges with 407, then answers 486: the server hangs cb1 up and the
    callback waits (no CDR); about 1 s later cb1 is rung and the trunk dialled again, busy again,
    twice, and only then the engine ends the callback callback_unreached, 3 attempts in its CDR
    and call details (status 486, cause busy). The caller's number has visual separators
    (06-000.NNNNN): the trunk is sent digits only."""
    plain = s.caller_number()
    num = plain[:2] + "-" + plain[2:5] + "." + plain[5:]
    if not request_callback(s, num, key="8"):
        return
    tr = trunk(s, "uas_trunk_busy.xml", calls=3)
    agent = s.sipp("cb1", "uas_answer.xml", [], port=s.phone["cb1"], timeout=15, calls=3)
    agent.wait_bound()
    dialled = "FROM=%s TO=+33%s" % (TRUNK_FROM, plain[1:])

    def count(p, marker):
        return sum(1 for m in p.markers() if m.startswith(marker))

    def wait_count(p, marker, n, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if count(p, marker) >= n:
                return time.time()
            time.sleep(0.02)
        return None

    try:
        check("cb1 becomes ready", s.make_ready("cb1"))
        t_first = wait_count(tr, "BUSY-ACKED", 1, 8)
        check("trunk: the first dial is busy (486 ACKed)", t_first is not None, tr.describe())
        check("  no CDR yet: the callback waits for its retry", s.cdr(num, 0.1) is None,
              s.cdr(num, 0.1))
        t_second = wait_count(tr, dialled, 2, 8)
        gap = (t_second - t_first) if t_first and t_second else None
        check("trunk: dialled again about 1 s after the busy (%s s)" %
              ("%.1f" % gap if gap is not None else "-"),
              gap is not None and 0.9 <= gap <= 5, tr.describe())
        rc_tr, rc_agent = finish([tr, agent], 10)
        check("cb1: rung three times with the caller's number (digits only), answered, then "
              "the server's BYE each time",
              count(agent, "FROM=%s TO=cb1" % plain) == 3 and count(agent, "CONNECTED") == 3 and
              count(agent, "BYE-FROM-SERVER") == 3, agent.describe())
        auth = next((m[len("PROXY-AUTH "):] for m in tr.markers() if m.startswith("PROXY-AUTH ")),
                    None)
        check("trunk: To +33%s (separators dropped) three times, 407 answered with a "
              "Proxy-Authorization that is right for the password, 486 ACKed each time (exit 0)"
              % plain[1:],
              rc_tr == 0 and count(tr, dialled) == 3 and digest_ok(auth, "INVITE", TRUNK_USER,
                                                                   TRUNK_PASSWORD) and
              count(tr, "BUSY-ACKED") == 3, tr.describe())
        check("  (and the check refuses another password)",
              not digest_ok(auth, "INVITE", TRUNK_USER, TRUNK_PASSWORD + "x"))
        check("store: callback_unreached, by cb1", s.cdr(num) == ("callback_unreached", "cb1"),
              s.cdr(num, 0.1))
        cases_cbcause.check_records(s, num, "3 attempts (1 + 2 retries), the last busy, no case "
                                    "(nobody was reached)", 3, 486, "busy", 0)
        check("the server logged the retry", bool(s.log_lines("callback to be dialled again")))
    finally:
        s.server.call({"op": "logout", "agent": "cb1"})


def case_callback_noanswer(s):
    """18. Callback nobody picks up: the trunk rings (180) and never answers; after the trunk's
    ring_timeout (2 s) the server CANCELs it, hangs cb1 up; CDR callback_unreached."""
    num = s.caller_number()
    if not request_callback(s, num):
        return
    tr = trunk(s, "uas_noanswer.xml")
    ph = PyPhone(s.phone["cb1"])
    try:
        check("cb1 becomes ready", s.make_ready("cb1"))
        check("cb1's phone rings and answers", ph.wait_invite(5) is not None and ph.answer())
        t_invite = tr.wait_marker("FROM=", 3)
        ph.run(6)
        t_cancel = tr.wait_marker("CANCELLED", 3)
        ring = (t_cancel - t_invite) if t_invite and t_cancel else None
        check("trunk: CANCELled after ringing ~2 s (%s s)" % ("%.1f" % ring if ring else "-"),
              ring is not None and 1.5 <= ring <= 3.5, tr.describe())
        check("cb1: the server hangs up (BYE), having played ringback (%d packets)" % ph.other,
              ph.bye_from_server and ph.other >= 50)
        check("store: callback_unreached, by cb1", s.cdr(num) == ("callback_unreached", "cb1"),
              s.cdr(num, 0.1))
    finally:
        ph.close()
        s.server.call({"op": "logout", "agent": "cb1"})


def case_callback_full(s):
    """19. A full queue takes callers as callbacks (cbfull: max_length 1, when_full = callback):
    the first caller waits; the second hears the thank-you and is hung up on, then leaves the
    queue as a callback; the first hangs up (abandoned); cb1 becomes ready and the second caller
    is dialled back through the trunk and bridged; the customer hangs up first, then the server
    hangs cb1 up (CDR completed by cb1)."""
    s.server.call({"op": "logout", "agent": "cb1"})
    first, second = s.caller_number(), s.caller_number()
    a, b = RtpCaller(s, first, "cbfull"), RtpCaller(s, second, "cbfull")
    ph = None
    try:
        check("first caller: answered (200), waits", a.call() == 200)
        a.drain(0.3)
        check("second caller: answered (200)", b.call() == 200)
        end = time.time() + 8
        while time.time() < end and not b.bye_from_server:
            b.drain(0.1)
        a.drain(0.1)
        check("second caller: the server hangs up (the thank-you); the first still waits",
              b.bye_from_server and not a.bye_from_server)
        bye = a.bye()
        check("first caller hangs up: abandoned", bye is not None and
              s.cdr(first) == ("abandoned", None), s.cdr(first, 0.1))
        tr = trunk(s, "uas_trunk_answer.xml")
        ph = PyPhone(s.phone["cb1"])
        check("cb1 becomes ready", s.make_ready("cb1"))
        check("cb1's phone rings with \"Callback\" and the second caller's number, answers",
              ph.wait_invite(5) is not None and
              ph.from_header().startswith('"Callback" <sip:%s@' % second) and ph.answer(),
              ph.from_header())
        ph.run(6)  # until the server hangs up, after the customer (3 s in)
        check("cb1's audio comes back across the bridge (%d echoed)" % ph.echoed, ph.echoed >= 50)
        rc = tr.wait(3)
        check("the customer hangs up (trunk BYE answered 200), then the server hangs cb1 up",
              rc == 0 and tr.has("BYE-SENT") and ph.bye_from_server, tr.describe())
        check("trunk: the second caller's number dialled, digest accepted",
              tr.has("FROM=%s TO=+33%s" % (TRUNK_FROM, second[1:])) and
              tr.has("AUTH-OK user=%s" % TRUNK_USER), tr.describe())
        check("store: the callback completed by cb1", s.cdr(second) == ("completed", "cb1"),
              s.cdr(second, 0.1))
    finally:
        a.close()
        b.close()
        if ph:
            ph.close()
        s.server.call({"op": "logout", "agent": "cb1"})


def case_callback_offered(s):
    """20. A queue offers a waiting caller a callback (cbwait: max_wait 1 s, when_max_wait =
    callback): about 1 s in the music gives way to the offer ("press 1 ..."), the caller presses
    1, hears the thank-you and is hung up on; the callback is dialled when cb1 is ready (the
    trunk is busy: callback_unreached)."""
    s.server.call({"op": "logout", "agent": "cb1"})
    num = s.caller_number()
    c = RtpCaller(s, num, "cbwait")
    try:
        if not check("caller: answered (200), hold music", c.call() == 200):
            return
        c.drain(0.5)
        before = list(c.markers)
        c.drain(1.5)
        offer = [t for t in c.markers if t not in before]
        check("the callback offer plays about 1 s in (a new playout)", len(offer) >= 1,
              "markers %d -> %d" % (len(before), len(c.markers)))
        c.keys("1")
        end = time.time() + 8
        while time.time() < end and not c.bye_from_server:
            c.drain(0.1)
        check("key 1: the thank-you, then the server hangs up", c.bye_from_server)
        check("  no CDR yet: the callback waits", s.cdr(num, 0.3) is None)
    finally:
        c.close()
    tr = trunk(s, "uas_trunk_busy.xml")
    agent = s.agent("cb1", "uas_answer.xml")
    try:
        check("cb1 becomes ready", s.make_ready("cb1"))
        rc_tr, rc_agent = finish([tr, agent], 8)
        check("cb1 rung with the caller's number; the trunk dialled it (busy)",
              agent.has("FROM=%s TO=cb1" % num) and
              tr.has("FROM=%s TO=+33%s" % (TRUNK_FROM, num[1:])) and tr.has("BUSY-ACKED"),
              "%s / %s" % (agent.describe(), tr.describe()))
        check("store: callback_unreached, by cb1", s.cdr(num) == ("callback_unreached", "cb1"),
              s.cdr(num, 0.1))
    finally:
        s.server.call({"op": "logout", "agent": "cb1"})


def case_options(s):
    """10. SIPp OPTIONS -> 200 with an Allow header naming INVITE, ACK, BYE, CANCEL, OPTIONS."""
    c = s.sipp("options", "uac_options.xml", ["%s:%d" % (LO, s.sip_port), "-s", "support",
                                              "-key", "caller", "probe"], timeout=5)
    rc = c.wait(7)
    allow = next((m for m in c.markers() if m.startswith("ALLOW=")), "")
    check("OPTIONS -> 200 (exit 0)", rc == 0, c.describe())
    check("Allow names INVITE, ACK, BYE, CANCEL, OPTIONS (%s)" % allow,
          all(x in allow for x in ("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS")))


def case_qualify(s):
    """21. OPTIONS qualify, on a server of its own (qualify_every = 1s): agent q1's static phone,
    a SIPp answering OPTIONS, keeps q1 ready; killed, q1 is not ready within 5 s with the reason
    "phone unreachable" (logged); answering again, q1 is ready again."""
    tmp = os.path.join(s.tmp, "qualify")
    os.makedirs(tmp, exist_ok=True)
    sip_port, phone_port = free_port(tcp_too=True), free_port()
    config = os.path.join(tmp, "q.toml")
    with open(config, "w") as f:
        f.write("""[[queue]]
name = "q"
[[agent]]
name = "q1"
queues = { q = 1 }
[sip]
listen = "127.0.0.1"
port = %d
rtp_address = "127.0.0.1"
rtp_ports = "%s"
hold_music = "%s"
qualify_every = "1s"
[[number]]
number = "q"
queue = "q"
[[phone]]
agent = "q1"
contact = "sip:q1@127.0.0.1:%d"
ready = true
""" % (sip_port, RTP_PORTS, HOLD_MUSIC, phone_port))

    def phone():
        p = s.sipp("qualify-phone", "uas_options.xml", [], port=phone_port, timeout=20, calls=100)
        p.wait_bound()
        return p

    def agents(server):
        return (server.call({"op": "status"}) or {}).get("agents", {})

    def wait_state(server, state, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if agents(server).get(state, 0) == 1:
                return True
            time.sleep(0.05)
        return False

    def logged(text):
        try:
            with open(os.path.join(tmp, "server.log"), errors="replace") as f:
                return [ln.strip() for ln in f if text in ln]
        except OSError:
            return []

    first = phone()
    server = Server(s.binary, tmp, config, os.path.join(tmp, "q.db"))
    try:
        end = time.time() + 10
        while time.time() < end and server.alive() and options_ok(sip_port, 0.3) != 200:
            time.sleep(0.05)
        if not check("qualify server answers OPTIONS", server.alive()):
            return
        end = time.time() + 4
        while time.time() < end and sum(m.startswith("OPTIONS TO=q1 ") for m in first.markers()) < 2:
            time.sleep(0.05)
        check("the phone is sent OPTIONS about every second (2 within 4 s)",
              sum(m.startswith("OPTIONS TO=q1 ") for m in first.markers()) >= 2, first.describe())
        check("  and q1 stays ready", wait_state(server, "ready", 1), agents(server))
        first.kill()
        t0 = time.time()
        gone = wait_state(server, "not ready", 5)
        check("phone killed: q1 is not ready %.1f s later (< 5 s)" % (time.time() - t0), gone,
              agents(server))
        check("  the log says the phone is unreachable and why q1 is not ready",
              any("q1" in ln for ln in logged("telephony: phone unreachable")) and
              any("phone unreachable" in ln for ln in logged("telephony: agent set not ready")),
              logged("telephony:")[-5:])
        again = phone()
        t1 = time.time()
        back = wait_state(server, "ready", 5)
        check("the phone answers again: q1 is ready %.1f s later" % (time.time() - t1), back,
              agents(server))
        check("  the log says the phone is reachable again",
              any("q1" in ln for ln in logged("telephony: phone reachable again")),
              logged("telephony:")[-5:])
        again.kill()
    finally:
        rc = server.stop()
    check("the qualify server stops cleanly (exit %s)" % rc, rc == 0)


def case_info(s):
    """22. SIP INFO DTMF (a Python caller to `ivr`, keys by INFO, no RTP events): key 2 as
    application/dtmf-relay, a text/plain INFO (200, ignored), 12345 as application/dtmf and #
    as dtmf-relay: every INFO gets 200, the call is queued and the screen pop finds 12345."""
    before = s.live_contacts()
    num = s.caller_number()
    c = RtpCaller(s, num, "ivr")
    cseq = [1]

    def info(body, ctype):
        cseq[0] += 1
        c.p.send(c.p.request("INFO", c.dialled, cseq[0], caller=c.num, to_tag=c.tag, body=body,
                             ctype=ctype))
        m = c.p.recv(2, final_for("INFO"))
        return status_of(m[0]) if m else None

    def relay(d):
        return info("Signal=%s\r\nDuration=160\r\n" % d, "application/dtmf-relay")

    try:
        check("INVITE to ivr answered 200", c.call() == 200 and c.remote)
        c.drain(0.2)
        statuses = [relay("2"), info("hello", "text/plain")]
        statuses += [info(d, "application/dtmf") for d in IVR_RECORD] + [relay("#")]
        check("every INFO answered 200 (%s)" % statuses, statuses == [200] * len(statuses))
        end = time.time() + 3
        new = s.live_contacts() - before
        while not new and time.time() < end:
            c.drain(0.1)
            new = s.live_contacts() - before
        check("queued after key 2, the digits and # by INFO", len(new) == 1, new)
        if new:
            pop = s.server.call({"op": "pop", "contact": sorted(new)[0], "user": "sip-test"}) or {}
            ids = [r.get("id") for r in pop.get("records", [])]
            check("the screen pop found the record typed by INFO (%s)" % ids, IVR_RECORD in ids,
                  pop)
        cseq[0] += 1
        c.p.send(c.p.request("BYE", c.dialled, cseq[0], caller=c.num, to_tag=c.tag))
        bye = c.p.recv(3, final_for("BYE"))
        check("BYE answered 200", bye is not None and status_of(bye[0]) == 200)
        check("store: abandoned (in the queue)", s.cdr(num) == ("abandoned", None),
              s.cdr(num, 0.1))
    finally:
        c.close()


def ulaw_to_linear(b):
    """G.711 mu-law octet -> 16-bit sample."""
    b = ~b & 0xFF
    t = (((b & 0x0F) << 3) + 0x84) << ((b & 0x70) >> 4)
    return (0x84 - t) if b & 0x80 else (t - 0x84)


def tone_share(payloads, hz):
    """The share of the audio's energy at `hz` (Goertzel over 20 ms frames): near 1 for a pure
    tone, small for speech or music."""
    coeff = 2 * math.cos(2 * math.pi * hz / 8000)
    at, total = 0.0, 0.0
    for p in payloads:
        x = [ulaw_to_linear(b) for b in p]
        s1 = s2 = 0.0
        for v in x:
            s1, s2 = v + coeff * s1 - s2, s1
        at += (s1 * s1 + s2 * s2 - coeff * s1 * s2) * 2 / len(x)
        total += sum(v * v for v in x)
    return at / total if total else 0.0


def prompt_audio(c, seconds):
    """The PCMU payloads the server sends the RtpCaller `c` for `seconds`."""
    out, end = [], time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([c.rtp], [], [], max(end - time.time(), 0))
        if r:
            data, _ = c.rtp.recvfrom(2048)
            if len(data) > 12 and data[1] & 0x7F == 0:
                out.append(data[12:])
    return out


def case_language(s):
    """A caller whose record (found by number) says "fr" hears the French version of the menu's
    prompt ([sip] languages: a tone here), another caller the English one; the rest of the
    French caller's sounds fall back to English where the language has no file."""
    fr = RtpCaller(s, LANG_NUMBER, "ivr")
    en = RtpCaller(s, s.caller_number(), "ivr")
    try:
        check("both callers answered", fr.call() == 200 and en.call() == 200)
        fr_audio, en_audio = prompt_audio(fr, 1.0), prompt_audio(en, 1.0)
        share_fr, share_en = tone_share(fr_audio[5:], TONE_HZ), tone_share(en_audio[5:], TONE_HZ)
        check("the French caller hears the French prompt (%.2f of its energy at %d Hz, %d "
              "packets)" % (share_fr, TONE_HZ, len(fr_audio)), share_fr > 0.8 and
              len(fr_audio) >= 30)
        check("the other caller hears the English prompt (%.2f at %d Hz, %d packets)"
              % (share_en, TONE_HZ, len(en_audio)), share_en < 0.3 and len(en_audio) >= 30)
        check("the server logged the caller's language",
              any("language=fr" in ln for ln in s.log_lines("the caller's language")),
              s.log_lines("language"))
        for c in (fr, en):
            bye = c.bye()
            check("BYE answered 200", bye is not None and status_of(bye[0]) == 200)
    finally:
        fr.close()
        en.close()


CASES = [("options", case_options), ("noack", case_noack_start), ("answered", case_answered),
         ("abandoned", case_abandoned), ("noanswer", case_noanswer), ("busy", case_busy),
         ("ringall", case_ringall), ("cancel", case_cancel), ("refused", case_refused),
         ("malformed", case_malformed), ("register", case_register), ("reinvite", case_reinvite), ("ivr", case_ivr),
         ("announce", case_announce), ("turnaway", case_turnaway), ("callback", case_callback),
         ("cbbusy", case_callback_busy), ("cbnoanswer", case_callback_noanswer),
         ("cbfull", case_callback_full), ("cboffer", case_callback_offered),
         ("qualify", case_qualify), ("info", case_info), ("language", case_language)]
cases_record.bind(sys.modules[__name__])
CASES.append(("record", cases_record.case_record))
CASES.append(("rechandover", cases_record.case_record_handover))
cases_supervise.bind(sys.modules[__name__])
CASES.append(("supervise", cases_supervise.case_supervise))
cases_tls.bind(sys.modules[__name__])
CASES += [("tls", cases_tls.case_tls), ("srtp", cases_tls.case_srtp),
          ("ipv6", cases_tls.case_ipv6)]
CASES += cases_transfer.cases(sys.modules[__name__])
CASES += cases_early.cases(sys.modules[__name__])
CASES += cases_consult.cases(sys.modules[__name__])
import cases_cbcause  # noqa: E402 (beside this file: callbacks' attempts, causes and cases)
CASES += cases_cbcause.cases(sys.modules[__name__])

import cases_hold  # noqa: E402 (beside this file: hold, UPDATE, PRACK)
import cases_timer  # noqa: E402 (beside this file: session timers, a PRACK that never comes)
cases_hold.bind(sys.modules[__name__])
CASES = cases_timer.EARLY + CASES + cases_hold.CASES


def main():
    global case_failures
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    only = set(sys.argv[2:])
    if shutil.which("sipp") is None:
        print("SKIP: sipp is not installed (Debian package sip-tester)")
        return SKIP
    if not os.path.exists(os.path.join(SOUNDS, "vm-press.wav")):
        print("SKIP: %s is missing (Debian package asterisk-core-sounds-en-wav)" % SOUNDS)
        return SKIP
    if not os.path.exists(HOLD_MUSIC):
        print("SKIP: %s is missing (Debian package asterisk-moh-opsound-wav)" % HOLD_MUSIC)
        return SKIP
    started = time.time()
    s = Suite(sys.argv[1])
    print("temporary directory %s; SIP on %s:%d" % (s.tmp, LO, s.sip_port), flush=True)
    rc_server = None
    try:
        if not s.start():
            check("the server answers OPTIONS within 15 s", False,
                  open(os.path.join(s.tmp, "server.log"), errors="replace").read()[-2000:])
            return 1
        for name, fn in CASES:
            if only and name not in only:
                continue
            case_failures = 0
            t = time.time()
            print("--- %s: %s" % (name, " ".join(fn.__doc__.split()[:14])), flush=True)
            before = s.live_contacts()
            try:
                fn(s)
            except Exception as e:  # noqa: BLE001 (a broken case must not stop the suite)
                check("%s raised %r" % (name, e), False)
            finally:
                s.reap()
            if name != "noack":
                s.no_leftovers(before)
            if name != "noack":
                results.append((name, case_failures == 0))
                print("%s %s (%.1f s)" % ("PASS" if case_failures == 0 else "FAIL", name,
                                          time.time() - t), flush=True)
            else:
                noack_failures = case_failures
        if s.noack:
            case_failures = noack_failures
            print("--- noack: finish", flush=True)
            case_noack_finish(s)
            results.append(("noack", case_failures == 0))
            print("%s noack" % ("PASS" if case_failures == 0 else "FAIL"), flush=True)
        for name, finish in cases_timer.BACKGROUND:  # started with the other cases
            if only and name not in only:
                continue
            case_failures = 0
            print("--- %s: finish" % name, flush=True)
            try:
                finish(s)
            except Exception as e:  # noqa: BLE001
                check("%s raised %r" % (name, e), False)
            results.append((name + " (finish)", case_failures == 0))
            print("%s %s (finish)" % ("PASS" if case_failures == 0 else "FAIL", name), flush=True)
        st = s.status()
        print("     status at the end: contacts=%s agents=%s" % (st.get("contacts"),
                                                                 st.get("agents")), flush=True)
    finally:
        s.reap()
        if s.server:
            rc_server = s.server.stop()
    check("the server stops cleanly at end of input (exit %s)" % rc_server, rc_server == 0)
    print("summary: %s; %.1f s" % (", ".join("%s %s" % (n, "PASS" if ok else "FAIL")
                                             for n, ok in results), time.time() - started))
    if failures == 0 and not os.environ.get("SB_SIP_KEEP"):
        shutil.rmtree(s.tmp, ignore_errors=True)
    else:
        print("traces kept in %s" % s.tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
