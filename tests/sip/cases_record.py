"""Call recording cases for sip_test.py (imported by it; `bind` gives this module the suite's
helpers): a server of its own with queue `rec` (record = true) and queue `norec`, agent r1 on a
Python phone in both. The caller sends a 400 Hz tone, the agent a 1000 Hz tone; the recorded
call's WAV must be stereo 8 kHz 16-bit with the caller's tone on the left, the agent's on the
right and the length of the talk; the call to `norec` leaves no file and no row. rechandover:
the recording of a call handed over (an attended transfer to r2, a blind transfer into queue
`after`, which does not record) goes on in the same file with r2's 1600 Hz tone."""
import json
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


CONFIG = """[[queue]]
name = "rec"
offer_timeout = "5s"
wrap_up = "0s"
record = true
[[queue]]
name = "norec"
offer_timeout = "5s"
wrap_up = "0s"
[[queue]]
name = "after"
offer_timeout = "5s"
wrap_up = "0s"
[[agent]]
name = "r1"
queues = { rec = 1, norec = 1 }
[[agent]]
name = "r2"
queues = { after = 1 }
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
[[phone]]
agent = "r2"
contact = "sip:r2@127.0.0.1:%d"
ready = false
"""


def start_server(s, name):
    """A server of its own in s.tmp/name: (server, tmp, rec_dir, db, sip_port, r1's port, r2's
    port), or None when it does not answer OPTIONS."""
    tmp = os.path.join(s.tmp, name)
    rec_dir = os.path.join(tmp, "recordings")
    os.makedirs(tmp, exist_ok=True)
    sip_port, phone_port, r2_port = T.free_port(tcp_too=True), T.free_port(), T.free_port()
    config = os.path.join(tmp, "r.toml")
    db = os.path.join(tmp, "r.db")
    with open(config, "w") as f:
        f.write(CONFIG % (rec_dir, sip_port, T.RTP_PORTS, T.HOLD_MUSIC, phone_port, r2_port))
    server = T.Server(s.binary, tmp, config, db)
    end = time.time() + 10
    while time.time() < end and server.alive() and T.options_ok(sip_port, 0.3) != 200:
        time.sleep(0.05)
    if not T.check("%s server answers OPTIONS" % name, server.alive()):
        server.stop()
        return None
    return server, tmp, rec_dir, db, sip_port, phone_port, r2_port


def case_record(s):
    """23. Recording, on a server of its own: a call to the recorded queue `rec` (caller 400 Hz,
    agent 1000 Hz for 2.5 s) leaves a stereo WAV, caller left and agent right, as long as the
    talk, with its row in the store; a call to `norec` leaves neither."""
    got = start_server(s, "record")
    if not got:
        return
    server, tmp, rec_dir, db, sip_port, phone_port, _ = got
    try:
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


def newest_contact(db_path, newer_than=0, timeout=3.0):
    """The newest contact the store has a ContactQueued of, once newer than `newer_than` (or
    `timeout` has passed); 0 when none."""
    end = time.time() + timeout
    while True:
        rows = store_rows(db_path, "SELECT body FROM events WHERE type = 'ContactQueued'", ())
        newest = max([json.loads(b)["contact"] for (b,) in rows] + [0])
        if newest > newer_than or time.time() >= end:
            return newest
        time.sleep(0.1)


def run_phones(phones, seconds):
    threads = [threading.Thread(target=p.run, args=(seconds,), daemon=True) for p in phones]
    for t in threads:
        t.start()
    return threads


def handed_over(s, server, db, sip_port, p1, p2, how):
    """A caller (400 Hz) to `rec` talks 1.5 s with r1 (1000 Hz), then is handed over to r2
    (1600 Hz): `how` "consult" (consult r1 -> r2, r2 answers, consult_complete) or "queue"
    (transfer into queue `after`, r2 answers); 2 s with r2, then the caller's BYE. The caller's
    number, or None when a step failed."""
    num = s.caller_number()
    before = newest_contact(db, timeout=0)
    caller = T.RtpCaller(_Port(sip_port), num, "rec")
    r1, r2 = T.PyPhone(p1), T.PyPhone(p2)
    r1.payload, r2.payload = tone(1000), tone(1600)
    try:
        if not T.check("%s: the caller is answered, r1 rings and answers" % how,
                       caller.call() == 200 and r1.wait_invite(5) is not None and r1.answer()):
            return None
        threads = run_phones([r1], 8)
        talk(caller, tone(400), 1.5)
        contact = newest_contact(db, before)
        ok = server.call({"op": "login", "agent": "r2", "device": "sip:r2@127.0.0.1:%d" % p2})
        ok = ok and server.call({"op": "ready", "agent": "r2"})
        if how == "consult":
            r = server.call({"op": "consult", "contact": contact, "agent": "r1", "target": "r2"})
        else:
            r = server.call({"op": "transfer", "contact": contact, "queue": "after"})
        if not T.check("%s: r2 ready, the %s asked: ok (%s)" % (how, how, r),
                       bool(ok and ok.get("ok")) and r is not None and r.get("ok")):
            return None
        got_invite = []
        waiter = threading.Thread(target=lambda: got_invite.append(
            r2.wait_invite(5) is not None and r2.answer()), daemon=True)
        waiter.start()
        talk(caller, tone(400), 0.1)
        while waiter.is_alive():
            talk(caller, tone(400), 0.1)
        if not T.check("%s: r2 rings and answers" % how, got_invite == [True]):
            return None
        threads += run_phones([r2], 6)
        if how == "consult":
            talk(caller, tone(400), 0.5)
            r = server.call({"op": "consult_complete", "contact": contact})
            T.check("consult_complete: ok (%s)" % r, r is not None and r.get("ok"))
        talk(caller, tone(400), 2.0)
        bye = caller.bye()
        for t in threads:
            t.join(8)
        T.check("%s: the caller hangs up (200); r1 and r2 were hung up by the server" % how,
                bye is not None and T.status_of(bye[0]) == 200 and r1.bye_from_server and
                r2.bye_from_server)
        return num
    finally:
        caller.close()
        r1.close()
        r2.close()
        server.call({"op": "logout", "agent": "r2"})


def check_handover_wav(db, num, how):
    """One recording of the caller's contact, named for r2 (the last agent, as the CDR), whose
    right channel has r1's 1000 Hz in its first second and r2's 1600 Hz in its last second."""
    rows = []
    end = time.time() + 5
    while time.time() < end and not rows:
        rows = store_rows(db, "SELECT r.path, r.agent, r.cut_short FROM recordings r JOIN cdrs c "
                          "ON c.contact = r.contact WHERE c.caller = ?", (num,))
        time.sleep(0.1)
    if not T.check("%s: store: one recording of the contact, agent r2, not cut short (%s)" %
                   (how, rows), len(rows) == 1 and rows[0][1:] == ("r2", 0)):
        return
    ch, rate, width, left, right = read_wav(rows[0][0])
    secs = len(left) / 8000.0
    T.check("%s: the file lasts the whole call (%.2f s, more than 3.5)" % (how, secs), secs > 3.5)
    first, last = right[2000:8000], right[-10000:-2000]
    T.check("%s: right channel, first second: r1's 1000 Hz (rms %.0f)" % (how, rms(first)),
            rms(first) > 2000 and power(first, 1000) > 100 * power(first, 1600))
    T.check("%s: right channel after the handover: r2's 1600 Hz (rms %.0f), no 1000 Hz" %
            (how, rms(last)), rms(last) > 2000 and power(last, 1600) > 100 * power(last, 1000))
    tail = left[-10000:-2000]
    T.check("%s: left channel after the handover: the caller's 400 Hz (rms %.0f)" %
            (how, rms(tail)), rms(tail) > 2000 and power(tail, 400) > 100 * power(tail, 1600))


def case_record_handover(s):
    """rechandover. A recorded call handed over goes on in the same file: an attended transfer
    (consult by command, completed) and a blind transfer into queue `after` (which does not
    record) each leave one recording whose right channel has r1's tone, then r2's."""
    got = start_server(s, "rechandover")
    if not got:
        return
    server, tmp, rec_dir, db, sip_port, p1, p2 = got
    try:
        for how in ("consult", "queue"):
            num = handed_over(s, server, db, sip_port, p1, p2, how)
            if num:
                check_handover_wav(db, num, how)
        T.check("the handover is logged",
                any("the recording goes on with the next agent" in ln
                    for ln in open(os.path.join(tmp, "server.log"), errors="replace")))
    finally:
        rc = server.stop()
    T.check("the rechandover server stops cleanly (exit %s)" % rc, rc == 0)
