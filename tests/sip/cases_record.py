"""Call recording cases for sip_test.py (imported by it; `bind` gives this module the suite's
helpers): a server of its own with queue `rec` (record = true) and queue `norec`, agent r1 on a
Python phone in both. The caller sends a 400 Hz tone, the agent a 1000 Hz tone; the recorded
call's WAV must be stereo 8 kHz 16-bit with the caller's tone on the left, the agent's on the
right and the length of the talk; the call to `norec` leaves no file and no row."""
import math
import os
import sqlite3
import threading
import time
import wave

T = None  # sip_test, set by bind()


def bind(module):
    global T
    T = module


def ulaw(sample):
    """16-bit linear -> G.711 µ-law (the standard bias-and-segment encoding)."""
    sign = 0x80 if sample < 0 else 0
    sample = min(abs(sample), 32635) + 0x84
    exp = 7
    while exp > 0 and not sample & (0x4000 >> (7 - exp)):
        exp -= 1
    mant = (sample >> (exp + 3)) & 0x0F
    return ~(sign | (exp << 4) | mant) & 0xFF


def tone(hz, amplitude=8000):
    """20 ms of a tone as PCMU; hz must divide into whole periods per 160 samples."""
    return bytes(ulaw(int(amplitude * math.sin(2 * math.pi * hz * i / 8000))) for i in range(160))


def power(samples, hz):
    """Goertzel: the relative power of `hz` in `samples` (8 kHz)."""
    k = 2 * math.cos(2 * math.pi * hz / 8000)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    return (s1 * s1 + s2 * s2 - k * s1 * s2) / max(len(samples), 1) ** 2


def rms(samples):
    return math.sqrt(sum(x * x for x in samples) / max(len(samples), 1))


def read_wav(path):
    """(channels, rate, width, left, right) of a 16-bit WAV."""
    with wave.open(path, "rb") as w:
        ch, rate, width, n = w.getnchannels(), w.getframerate(), w.getsampwidth(), w.getnframes()
        data = w.readframes(n)
    ints = [int.from_bytes(data[i:i + 2], "little", signed=True) for i in range(0, len(data), 2)]
    return ch, rate, width, ints[0::ch], ints[1::ch] if ch > 1 else []


class _Port:
    def __init__(self, port):
        self.sip_port = port


def talk(caller, payload, seconds):
    """The caller sends `payload` every 20 ms for `seconds`, reading what comes."""
    seq, ts = 1000, 5000
    end = time.time() + seconds
    next_at = time.time()
    while time.time() < end and not caller.bye_from_server:
        if time.time() >= next_at:
            next_at += 0.02
            hdr = bytes([0x80, 0]) + seq.to_bytes(2, "big") + ts.to_bytes(4, "big") + \
                (0x5EC0).to_bytes(4, "big")
            seq, ts = (seq + 1) % 65536, (ts + 160) % 2**32
            caller.rtp.sendto(hdr + payload, caller.remote)
        caller.drain(max(0.0, min(0.005, next_at - time.time())))


def store_rows(db_path, sql, args):
    try:
        db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True, timeout=1)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return []


def recording_of(db_path, caller, timeout):
    """(path, duration_ms, bytes, cut_short, queue, agent) of the caller's contact, or None."""
    end = time.time() + timeout
    while True:
        rows = store_rows(db_path, "SELECT r.path, r.duration_ms, r.bytes, r.cut_short, "
                          "r.queue_name, r.agent FROM recordings r JOIN cdrs c ON "
                          "c.contact = r.contact WHERE c.caller = ?", (caller,))
        if rows or time.time() >= end:
            return rows[0] if rows else None
        time.sleep(0.1)


def one_call(sip_port, phone_port, num, dialled, seconds):
    """A caller to `dialled` talking (400 Hz) with r1's phone (1000 Hz) for `seconds`, then the
    caller's BYE. True when the call was connected and hung up cleanly."""
    caller = T.RtpCaller(_Port(sip_port), num, dialled)
    ph = T.PyPhone(phone_port)
    ph.payload = tone(1000)
    try:
        if not T.check("%s: the caller is answered (200)" % dialled, caller.call() == 200):
            return False
        if not T.check("%s: r1's phone rings and answers" % dialled,
                       ph.wait_invite(5) is not None and ph.answer()):
            return False
        agent = threading.Thread(target=ph.run, args=(seconds + 2,), daemon=True)
        agent.start()
        talk(caller, tone(400), seconds)
        bye = caller.bye()
        agent.join(5)
        return T.check("%s: the caller hangs up (200) and the server hangs r1 up" % dialled,
                       bye is not None and T.status_of(bye[0]) == 200 and ph.bye_from_server)
    finally:
        caller.close()
        ph.close()


def case_record(s):
    """23. Recording, on a server of its own: a call to the recorded queue `rec` (caller 400 Hz,
    agent 1000 Hz for 2.5 s) leaves a stereo WAV, caller left and agent right, as long as the
    talk, with its row in the store; a call to `norec` leaves neither."""
    tmp = os.path.join(s.tmp, "record")
    rec_dir = os.path.join(tmp, "recordings")
    os.makedirs(tmp, exist_ok=True)
    sip_port, phone_port = T.free_port(tcp_too=True), T.free_port()
    config = os.path.join(tmp, "r.toml")
    db = os.path.join(tmp, "r.db")
    with open(config, "w") as f:
        f.write("""[[queue]]
name = "rec"
offer_timeout = "5s"
wrap_up = "0s"
record = true
[[queue]]
name = "norec"
offer_timeout = "5s"
wrap_up = "0s"
[[agent]]
name = "r1"
queues = { rec = 1, norec = 1 }
[recording]
dir = "%s"
min_free_mb = 1
[sip]
listen = "127.0.0.1"
port = %d
rtp_address = "127.0.0.1"
rtp_ports = "%s"
hold_music = "%s"
qualify_every = "0"
[[trunk]]
name = "loopback"
allow = ["127.0.0.1"]
[[number]]
number = "rec"
queue = "rec"
[[number]]
number = "norec"
queue = "norec"
[[phone]]
agent = "r1"
contact = "sip:r1@127.0.0.1:%d"
ready = true
""" % (rec_dir, sip_port, T.RTP_PORTS, T.HOLD_MUSIC, phone_port))
    server = T.Server(s.binary, tmp, config, db)
    try:
        end = time.time() + 10
        while time.time() < end and server.alive() and T.options_ok(sip_port, 0.3) != 200:
            time.sleep(0.05)
        if not T.check("record server answers OPTIONS", server.alive()):
            return
        num = s.caller_number()
        talked = 2.5
        if one_call(sip_port, phone_port, num, "rec", talked):
            row = recording_of(db, num, 5)
            if T.check("store: the recorded call has its recording row", row is not None):
                path, duration_ms, size, cut_short, queue, agent = row
                T.check("  row: queue rec, agent r1, not cut short, in the [recording] dir",
                        (queue, agent, cut_short) == ("rec", "r1", 0) and
                        os.path.dirname(path) == rec_dir, row)
                ch, rate, width, left, right = read_wav(path)
                T.check("  the file is a WAV, 2 channels, 8000 Hz, 16-bit",
                        (ch, rate, width) == (2, 8000, 2), (ch, rate, width))
                T.check("  its header is final: %d bytes on disk = the row's bytes" %
                        os.path.getsize(path), os.path.getsize(path) == size and
                        size == 44 + len(left) * 4, (size, len(left)))
                secs = len(left) / 8000.0
                T.check("  it lasts about the talk (%.2f s for %.1f s; the row says %d ms)" %
                        (secs, talked, duration_ms),
                        talked - 0.7 <= secs <= talked + 0.5 and
                        abs(duration_ms - secs * 1000) < 30)
                mid_l, mid_r = left[2000:-2000], right[2000:-2000]  # past the bridge's set-up
                T.check("  left = the caller: 400 Hz, loud (rms %.0f), 1000 Hz absent" % rms(mid_l),
                        rms(mid_l) > 2000 and power(mid_l, 400) > 100 * power(mid_l, 1000))
                T.check("  right = the agent: 1000 Hz, loud (rms %.0f), 400 Hz absent" %
                        rms(mid_r),
                        rms(mid_r) > 2000 and power(mid_r, 1000) > 100 * power(mid_r, 400))
                T.check("  the server logged it",
                        any("telephony: call recorded" in ln and path in ln
                            for ln in open(os.path.join(tmp, "server.log"), errors="replace")))
        num2 = s.caller_number()
        if one_call(sip_port, phone_port, num2, "norec", 1.0):
            end = time.time() + 5
            while time.time() < end and not store_rows(
                    db, "SELECT 1 FROM cdrs WHERE caller = ? AND outcome = 'completed'", (num2,)):
                time.sleep(0.1)
            T.check("store: the call to norec ended completed",
                    bool(store_rows(db, "SELECT 1 FROM cdrs WHERE caller = ? AND outcome = "
                                    "'completed'", (num2,))))
            T.check("  and has no recording, nor a file for it",
                    recording_of(db, num2, 1) is None and len(os.listdir(rec_dir)) == 1,
                    os.listdir(rec_dir))
    finally:
        rc = server.stop()
    T.check("the record server stops cleanly (exit %s)" % rc, rc == 0)
