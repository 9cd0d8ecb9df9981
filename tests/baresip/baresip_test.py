#!/usr/bin/env python3
"""End to end with a real softphone (issue 10 §5): baresip is agent alice's phone, a small Python
SIP caller dials the queue, and audio must cross the server's bridge both ways.

Set-up (loopback only, a temporary directory): `switchboard serve` with a temporary TOML (queue
`support`, agent `alice` whose static phone is baresip, ready at start; RTP 62900-62949) and a
SQLite store; baresip 1.0.0 headless with a config directory of its own (`-f`): SIP on a free
port, no registration, auto answer, G.711, a 440 Hz tone as its microphone (aufile), what it hears
written to a WAV (sndfile), its events over ctrl_tcp. The caller offers PCMU, sends a 1000 Hz
tone at 50 packets/s to the server's RTP port from the 200's SDP, records the RTP it gets, and
hangs up ~3 s after baresip reports the call established.

Checks: baresip was offered the call with the caller's number in From and answered; the caller
heard 440 Hz once connected (and hold music, not the tone, before); baresip heard 1000 Hz; the
store has the contact completed, handled by alice. Every process is bounded and killed at the end.
Usage: baresip_test.py SWITCHBOARD   (exit 0 when every check passes, 1 otherwise, 77 = skipped)
Environment: SB_BARESIP_KEEP=1 keeps the temporary directory (logs, WAVs, config);
SB_BARESIP_CALLER_SILENT=1 makes the caller send silence (the 1000 Hz check must then fail).
"""
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sip"))
from siplib import free_port, parse, status_of  # noqa: E402

LO = "127.0.0.1"
SKIP = 77
HOLD_MUSIC = "/usr/share/asterisk/moh/macroform-cold_day.wav"
MODULES = "/usr/lib/baresip/modules"
NEEDED_MODULES = ["g711.so", "aufile.so", "aubridge.so", "sndfile.so", "ctrl_tcp.so",
                  "account.so"]
SERVER_RTP = "62900-62949"  # clear of tests/sip (RTP 61000-61999, SIPp media 62000-62899)
BARESIP_RTP = "62950-62999"
AGENT_TONE, CALLER_TONE = 440, 1000  # Hz
CONNECTED_S = 3.0  # how long the caller stays once baresip has the call established
RATE, FRAME = 8000, 160  # G.711, 20 ms

failures = 0


def check(name, cond, detail=""):
    global failures
    print(("ok   " if cond else "FAIL ") + name + ("" if cond or not detail else "  [%s]" % detail),
          flush=True)
    if not cond:
        failures += 1
    return cond



# --- G.711 µ-law and tone detection -----------------------------------------------------------


def _ulaw_to_linear(u):
    u = ~u & 0xFF
    t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
    return (0x84 - t) if u & 0x80 else (t - 0x84)


ULAW = [_ulaw_to_linear(u) for u in range(256)]


def tone_share(samples, freq, block=800):
    """The median, over 100 ms blocks that are not silent, of the share of a block's power at
    `freq` (Goertzel; 1.0 for a pure tone at freq, near 0 for other sounds), and how many blocks
    counted. 440 and 1000 Hz fall on exact bins of an 800-sample block at 8 kHz."""
    shares = []
    coeff = 2 * math.cos(2 * math.pi * freq / RATE)
    for at in range(0, len(samples) - block + 1, block):
        x = samples[at:at + block]
        energy = sum(v * v for v in x)
        if energy < block * 100 ** 2:  # quieter than about -50 dBFS: silence, not a tone
            continue
        s1 = s2 = 0.0
        for v in x:
            s1, s2 = v + coeff * s1 - s2, s1
        power = s1 * s1 + s2 * s2 - coeff * s1 * s2
        shares.append(2 * power / (block * energy))
    if not shares:
        return 0.0, 0
    shares.sort()
    return shares[len(shares) // 2], len(shares)


# --- the server -------------------------------------------------------------------------------


def server_toml(sip_port, phone_port, rec_dir):
    return """
[engine]
seed = 1
[[queue]]
name = "support"
strategy = "longest_idle"
offer_timeout = "5s"
wrap_up = "0s"
record = true
[recording]
dir = "%s"
min_free_mb = 1
[[agent]]
name = "alice"
queues = { support = 1 }
[sip]
listen = "127.0.0.1"
port = %d
rtp_address = "127.0.0.1"
rtp_ports = "%s"
no_rtp_timeout = "30s"
max_calls = 10
hold_music = "%s"
[[trunk]]
name = "loopback"
allow = ["127.0.0.1"]
[[number]]
number = "support"
queue = "support"
[[phone]]
agent = "alice"
contact = "sip:alice@127.0.0.1:%d"
ready = true
""" % (rec_dir, sip_port, SERVER_RTP, HOLD_MUSIC, phone_port)


class Server:
    def __init__(self, binary, tmp, config, store):
        self.err = open(os.path.join(tmp, "server.log"), "wb")
        self.p = subprocess.Popen([binary, "serve", config, "--store", "sqlite:" + store,
                                   "--control", "stdin"], stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, stderr=self.err)

    def stop(self):
        """Ends its input (a clean stop), SIGTERM after 15 s, SIGKILL after 5 more; the status."""
        try:
            self.p.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        for sig, wait in ((None, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if sig is not None and self.p.poll() is None:
                self.p.send_signal(sig)
            try:
                self.p.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                pass
        self.err.close()
        return self.p.returncode


# --- the caller: a minimal SIP UAC over UDP and its RTP --------------------------------------


class Caller:
    """INVITE (PCMU and telephone-event), ACK, RTP both ways, BYE; answers a BYE from the
    server. RTP runs on a thread of its own between start_media() and stop_media()."""

    def __init__(self, server_port, number, dialled, silent):
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind((LO, 0))
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((LO, 0))
        self.port, self.rtp_port = self.sip.getsockname()[1], self.rtp.getsockname()[1]
        self.server = (LO, server_port)
        self.number, self.dialled = number, dialled
        self.tag = "bc%d" % random.randrange(10**9)
        self.call_id = "baresip-test-%d@127.0.0.1" % random.randrange(10**12)
        self.to_tag, self.remote = None, None
        self.received = []  # (arrival time, payload type, payload) of every RTP packet
        self.bye_from_server = False
        self.silent = silent
        self._stop = threading.Event()
        self._thread = None
        self._lock = threading.Lock()

    def request(self, method, cseq, body="", ctype=None):
        uri = "sip:%s@%s:%d" % (self.dialled, LO, self.server[1])
        h = ["%s %s SIP/2.0" % (method, uri),
             "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-bc-%d;rport" % (LO, self.port,
                                                                   random.randrange(10**12)),
             "From: <sip:%s@%s:%d>;tag=%s" % (self.number, LO, self.port, self.tag),
             "To: <%s>" % uri + (";tag=" + self.to_tag if self.to_tag else ""),
             "Call-ID: " + self.call_id, "CSeq: %d %s" % (cseq, method),
             "Contact: <sip:%s@%s:%d>" % (self.number, LO, self.port), "Max-Forwards: 70"]
        if ctype:
            h.append("Content-Type: " + ctype)
        h.append("Content-Length: %d" % len(body.encode()))
        self.sip.sendto(("\r\n".join(h) + "\r\n\r\n" + body).encode(), self.server)

    def recv(self, timeout, pred):
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0 or not select.select([self.sip], [], [], left)[0]:
                return None
            m = parse(self.sip.recvfrom(70000)[0])
            if m[0].startswith("BYE "):
                self._answer_bye(m)
                continue
            if pred(m):
                return m

    def _answer_bye(self, m):
        self.bye_from_server = True
        h = m[1]
        out = ["SIP/2.0 200 OK"] + ["%s: %s" % (k, h.get(k.lower(), "")) for k in
                                    ("Via", "From", "To", "Call-ID", "CSeq")]
        self.sip.sendto(("\r\n".join(out) + "\r\nContent-Length: 0\r\n\r\n").encode(),
                        self.server)

    def invite(self):
        sdp = ("v=0\r\no=caller 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
               "m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
               "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n" % (LO, LO, self.rtp_port))
        self.request("INVITE", 1, sdp, "application/sdp")
        final = self.recv(10, lambda m: (status_of(m[0]) or 0) >= 200 and
                          m[1].get("cseq", "").endswith("INVITE"))
        if final is None or status_of(final[0]) != 200:
            return final and final[0]
        m = re.search(r"m=audio (\d+)", final[2])
        c = re.search(r"c=IN IP4 ([\d.]+)", final[2])
        self.remote = (c.group(1), int(m.group(1))) if m and c else None
        t = re.search(r";\s*tag=([^;>\s]+)", final[1].get("to", ""))
        self.to_tag = t.group(1) if t else None
        self.request("ACK", 1)
        return 200

    def start_media(self, tone_ulaw):
        self._thread = threading.Thread(target=self._media, args=(tone_ulaw,), daemon=True)
        self._thread.start()

    def _media(self, tone):
        seq, ts, ssrc = random.randrange(65536), random.randrange(2**31), 0x1000
        frame, next_send = 0, time.time()
        silence = bytes([0xFF]) * FRAME
        while not self._stop.is_set():
            now = time.time()
            if now >= next_send:
                at = (frame * FRAME) % (len(tone) - FRAME)
                payload = silence if self.silent else tone[at:at + FRAME]
                header = bytes([0x80, 0x80 if frame == 0 else 0]) + seq.to_bytes(2, "big") + \
                    ts.to_bytes(4, "big") + ssrc.to_bytes(4, "big")
                self.rtp.sendto(header + payload, self.remote)
                seq, ts, frame = (seq + 1) % 65536, (ts + FRAME) % 2**32, frame + 1
                next_send += FRAME / RATE
                continue
            if select.select([self.rtp], [], [], max(0.0, min(next_send - now, 0.02)))[0]:
                data = self.rtp.recvfrom(2048)[0]
                if len(data) >= 12 and data[0] >> 6 == 2:
                    cc = data[0] & 0x0F
                    with self._lock:
                        self.received.append((time.time(), data[1] & 0x7F, data[12 + 4 * cc:]))

    def stop_media(self):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)

    def audio(self, since, until=None):
        """The PCMU samples received between two times, decoded to linear."""
        with self._lock:
            pkts = [p for t, pt, p in self.received if t >= since and (until is None or t < until)
                    and pt == 0]
        return [ULAW[b] for p in pkts for b in p]

    def bye(self):
        self.request("BYE", 2)
        return self.recv(5, lambda m: (status_of(m[0]) or 0) >= 200 and
                         m[1].get("cseq", "").endswith("BYE"))

    def close(self):
        self.sip.close()
        self.rtp.close()


def options_ok(port, timeout=0.3):
    """Whether the server answers an OPTIONS (200) within `timeout`."""
    probe = Caller(port, "probe", "probe", True)
    try:
        probe.request("OPTIONS", 1)
        m = probe.recv(timeout, lambda m: status_of(m[0]) is not None)
        return m is not None and status_of(m[0]) == 200
    finally:
        probe.close()


# --- baresip ----------------------------------------------------------------------------------


def baresip_config(d, sip_port, ctrl_port, tone_wav):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config"), "w") as f:
        f.write("""poll_method epoll
sip_listen 127.0.0.1:%d
net_interface 127.0.0.1
rtp_ports %s
audio_source aufile,%s
audio_player aubridge,nowhere
audio_alert aubridge,nowhere
module_path %s
module g711.so
module aufile.so
module aubridge.so
module sndfile.so
snd_path %s
module_tmp account.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:%d
""" % (sip_port, BARESIP_RTP, tone_wav, MODULES, d, ctrl_port))
    with open(os.path.join(d, "accounts"), "w") as f:
        f.write("<sip:alice@127.0.0.1>;regint=0;answermode=auto\n")
    open(os.path.join(d, "contacts"), "w").close()


class Ctrl:
    """baresip's ctrl_tcp: netstrings of JSON; every event kept."""

    def __init__(self, port, timeout=10):
        end = time.time() + timeout
        self.s = None
        while time.time() < end:
            try:
                self.s = socket.create_connection((LO, port), timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        self.buf, self.events = b"", []  # events: (arrival time, the event's JSON)

    def poll(self, timeout):
        if self.s is None:
            time.sleep(timeout)
            return
        if select.select([self.s], [], [], timeout)[0]:
            data = self.s.recv(65536)
            if not data:
                self.s.close()
                self.s = None
                return
            self.buf += data
            while True:
                m = re.match(rb"(\d+):", self.buf)
                if not m or len(self.buf) < m.end() + int(m.group(1)) + 1:
                    break
                body = self.buf[m.end():m.end() + int(m.group(1))]
                self.buf = self.buf[m.end() + int(m.group(1)) + 1:]
                try:
                    self.events.append((time.time(), json.loads(body)))
                except ValueError:
                    pass

    def wait(self, kind, timeout):
        """(arrival time, event) of the first event of type `kind`, once it came (within
        timeout), else None."""
        end = time.time() + timeout
        while True:
            for t, e in self.events:
                if e.get("type") == kind:
                    return t, e
            left = end - time.time()
            if left <= 0:
                return None
            self.poll(min(left, 0.1))

    def command(self, cmd):
        if self.s is not None:
            body = json.dumps({"command": cmd, "token": "t"}).encode()
            self.s.sendall(b"%d:%s," % (len(body), body))


def stop_process(p, wait=5):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def read_wav(path):
    """Mono 16-bit samples of a WAV, or None."""
    try:
        with wave.open(path, "rb") as w:
            if w.getsampwidth() != 2:
                return None
            raw = w.readframes(w.getnframes())
            ch = w.getnchannels()
            return [int.from_bytes(raw[i:i + 2], "little", signed=True)
                    for i in range(0, len(raw), 2 * ch)], w.getframerate()
    except (OSError, EOFError, wave.Error):
        return None


def sox_rms(path, channel):
    """The RMS amplitude (0..1) sox `stat` gives for one channel of a WAV, or None."""
    r = subprocess.run(["sox", path, "-n", "remix", str(channel), "stat"], capture_output=True,
                       text=True, timeout=30)
    m = re.search(r"RMS\s+amplitude:\s+([\d.]+)", r.stderr)
    return float(m.group(1)) if m else None


def check_recording(store, number, talked):
    """The queue records: the call's WAV (its row in the store) is stereo, the caller's 1000 Hz
    on the left and baresip's 440 Hz on the right, both with energy, as long as the talk."""
    try:
        db = sqlite3.connect("file:%s?mode=ro" % store, uri=True, timeout=2)
        try:
            row = db.execute("SELECT r.path, r.duration_ms FROM recordings r JOIN cdrs c ON "
                             "c.contact = r.contact WHERE c.caller = ?", (number,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error as e:
        row = None
        print("recordings: %r" % e)
    if not check("store: the recorded queue's call has a recording", row is not None):
        return
    path, duration_ms = row
    try:
        with wave.open(path, "rb") as w:
            ch, rate, n = w.getnchannels(), w.getframerate(), w.getnframes()
            raw = w.readframes(n)
    except (OSError, EOFError, wave.Error) as e:
        check("the recording is a readable WAV", False, e)
        return
    check("the recording is stereo 8 kHz (%d channels, %d Hz)" % (ch, rate),
          ch == 2 and rate == RATE)
    ints = [int.from_bytes(raw[i:i + 2], "little", signed=True) for i in range(0, len(raw), 2)]
    left, right = ints[0::2], ints[1::2]
    secs = n / float(RATE)
    check("the recording lasts about the call (%.2f s; talked %.2f s; row %d ms)" %
          (secs, talked or 0, duration_ms),
          talked is not None and talked - 0.8 <= secs <= talked + 0.8)
    rms_l, rms_r = sox_rms(path, 1), sox_rms(path, 2)
    check("sox stat: both channels carry audio (RMS left %s, right %s)" % (rms_l, rms_r),
          rms_l is not None and rms_r is not None and rms_l > 0.05 and rms_r > 0.05)
    share, blocks = tone_share(left, CALLER_TONE)
    check("left channel = the caller: %d Hz (share %.2f over %d blocks)" %
          (CALLER_TONE, share, blocks), share > 0.8 and blocks >= 15)
    share, blocks = tone_share(right, AGENT_TONE)
    check("right channel = baresip: %d Hz (share %.2f over %d blocks)" %
          (AGENT_TONE, share, blocks), share > 0.8 and blocks >= 15)


# --- the test ---------------------------------------------------------------------------------


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    for tool, package in (("baresip", "baresip-core"), ("sox", "sox")):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed (Debian package %s)" % (tool, package))
            return SKIP
    missing = [m for m in NEEDED_MODULES if not os.path.exists(os.path.join(MODULES, m))]
    if missing:
        print("SKIP: baresip modules missing in %s: %s" % (MODULES, " ".join(missing)))
        return SKIP
    if not os.path.exists(HOLD_MUSIC):
        print("SKIP: %s is missing (Debian package asterisk-moh-opsound-wav)" % HOLD_MUSIC)
        return SKIP

    # The detector tells a tone from music: the hold music is no 440 Hz or 1000 Hz tone.
    music = read_wav(HOLD_MUSIC)
    if music and music[1] == RATE:
        for freq in (AGENT_TONE, CALLER_TONE):
            share, n = tone_share(music[0][:10 * RATE], freq)
            check("the tone detector: hold music is not a %d Hz tone (share %.2f over %d blocks)"
                  % (freq, share, n), share < 0.3 and n > 50)

    tmp = tempfile.mkdtemp(prefix="sb-baresip-")
    print("temporary directory %s" % tmp, flush=True)
    sip_port, phone_port, ctrl_port = free_port(tcp_too=True), free_port(), free_port(tcp_too=True)
    agent_tone = os.path.join(tmp, "tone440.wav")
    caller_tone = os.path.join(tmp, "tone1000.ul")
    for out, freq, fmt in ((agent_tone, AGENT_TONE, ["-b", "16", "-e", "signed-integer"]),
                           (caller_tone, CALLER_TONE, ["-e", "u-law", "-t", "raw"])):
        subprocess.run(["sox", "-n", "-r", str(RATE), "-c", "1"] + fmt +
                       [out, "synth", "30", "sine", str(freq), "vol", "0.5"],
                       check=True, timeout=30)
    with open(caller_tone, "rb") as f:
        tone_ulaw = f.read()
    config, store = os.path.join(tmp, "server.toml"), os.path.join(tmp, "x.db")
    with open(config, "w") as f:
        f.write(server_toml(sip_port, phone_port, os.path.join(tmp, "recordings")))
    bdir = os.path.join(tmp, "baresip")
    baresip_config(bdir, phone_port, ctrl_port, agent_tone)
    number = "0700%06d" % random.randrange(10**6)

    server = baresip = ctrl = caller = None
    rc_server = t_bye = t_connected = None
    try:
        server = Server(binary, tmp, config, store)
        bout = open(os.path.join(tmp, "baresip.out"), "wb")
        baresip = subprocess.Popen(["baresip", "-f", bdir, "-t", "60"], stdin=subprocess.DEVNULL,
                                   stdout=bout, stderr=subprocess.STDOUT)
        ctrl = Ctrl(ctrl_port)
        if not check("baresip is up (ctrl_tcp accepts)", ctrl.s is not None,
                     open(os.path.join(tmp, "baresip.out"), errors="replace").read()[-1500:]):
            return 1
        end = time.time() + 15
        while time.time() < end and server.p.poll() is None and not options_ok(sip_port):
            pass
        caller = Caller(sip_port, number, "support", os.environ.get("SB_BARESIP_CALLER_SILENT"))
        answer = caller.invite()
        if not check("the caller's INVITE to support is answered 200 with SDP",
                     answer == 200 and caller.remote is not None, answer):
            return 1
        caller.start_media(tone_ulaw)

        established = ctrl.wait("CALL_ESTABLISHED", 10)
        if not check("baresip answers (call established)", established is not None,
                     [e for _, e in ctrl.events]):
            return 1
        t_connected, event = established
        # With auto answer, baresip 1.0.0 reports no CALL_INCOMING: the peer of the established
        # call is the From of the server's INVITE, and its log says whom it answered.
        with open(os.path.join(tmp, "baresip.out"), errors="replace") as f:
            answered = re.findall(r"answering call on line \d+ from (\S+) with 200", f.read())
        check("baresip was offered the call From the caller's number and answered it",
              event.get("peeruri", "").startswith("sip:%s@" % number) and
              answered == ["sip:%s@127.0.0.1" % number], (event, answered))
        end = t_connected + CONNECTED_S
        while time.time() < end:
            ctrl.poll(0.1)
        t_bye = time.time()
        caller.stop_media()
        bye = caller.bye()
        check("the caller's BYE is answered 200", bye is not None and status_of(bye[0]) == 200,
              bye and bye[0])
        closed = ctrl.wait("CALL_CLOSED", 10)
        check("baresip's call is closed by the server", closed is not None,
              [e for _, e in ctrl.events])

        # What the caller heard once bridged (it may have heard hold music before).
        after = caller.audio(t_connected + 0.5, t_bye)
        share, n = tone_share(after, AGENT_TONE)
        check("the caller hears baresip's %d Hz tone once connected (share %.2f over %d "
              "blocks of 100 ms)" % (AGENT_TONE, share, n), share > 0.8 and n >= 15)

        # What baresip heard: sndfile wrote it (dump-<peer>-dec.wav) when the call closed.
        dumps = [f for f in os.listdir(bdir) if f.startswith("dump-") and f.endswith("dec.wav")]
        heard = read_wav(os.path.join(bdir, dumps[0])) if len(dumps) == 1 else None
        if check("baresip recorded what it heard (one dump-*-dec.wav)", heard is not None,
                 os.listdir(bdir)):
            samples, rate = heard
            check("baresip's recording is 8 kHz (%d Hz)" % rate, rate == RATE)
            share, n = tone_share(samples, CALLER_TONE)
            check("baresip hears the caller's %d Hz tone (share %.2f over %d blocks of "
                  "100 ms, %.1f s recorded)" % (CALLER_TONE, share, n, len(samples) / RATE),
                  share > 0.8 and n >= 15)
        ctrl.command("quit")
        try:
            baresip.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    finally:
        for c in (caller,):
            if c:
                c.stop_media()
                c.close()
        if baresip:
            stop_process(baresip)
        if server:
            rc_server = server.stop()
    check("the server stops cleanly at end of input (exit %s)" % rc_server, rc_server == 0)
    row = None
    try:
        db = sqlite3.connect("file:%s?mode=ro" % store, uri=True, timeout=2)
        try:
            row = db.execute("SELECT outcome, agent FROM cdrs WHERE caller = ? "
                             "ORDER BY contact DESC LIMIT 1", (number,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error as e:
        row = repr(e)
    check("store: the contact ended completed, handled by alice (agent 0)",
          row == ("completed", 0), row)
    check_recording(store, number, t_bye - t_connected if t_bye else None)
    if failures == 0 and not os.environ.get("SB_BARESIP_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("kept %s" % tmp)
    print("%s: %d failed check(s)" % ("FAIL" if failures else "PASS", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
