#!/usr/bin/env python3
"""`switchboard serve` checkpoints: a restart loads the latest checkpoint and replays only what
followed; a SIGKILL while checkpoints are being written loses nothing; contact ids keep
increasing across restarts. Bounded waits, loopback and temporary files only.
Usage: serve_checkpoint_test.py SWITCHBOARD SOURCE_DIR
"""
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

BIN, SRC = sys.argv[1], sys.argv[2]
# The demo configuration without its telephony tables: the JSON-lines front end alone (the
# default without [sip]), and no SIP port shared with tests running beside this one.
CONFIG = os.path.join(tempfile.mkdtemp(prefix="sb-cfg-"), "demo-no-sip.toml")
with open(os.path.join(SRC, "configs", "demo.toml")) as f:
    _demo = f.read()
assert "\n# Telephony:" in _demo, "configs/demo.toml: the telephony section moved; update this test"
with open(CONFIG, "w") as f:
    f.write(_demo.split("\n# Telephony:")[0] + "\n")
failures = 0


def check(name, cond):
    global failures
    print(("ok   " if cond else "FAIL ") + name, flush=True)
    if not cond:
        failures += 1


class Serve:
    def __init__(self, store, every="300"):
        self.p = subprocess.Popen([BIN, "serve", CONFIG, "--store", store, "--checkpoint-every", every],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.buf = b""
        self.durable = 0

    def read(self, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                msg = json.loads(line)
                if "durable" in msg and len(msg) == 1:
                    self.durable = max(self.durable, msg["durable"])
                    continue
                if "event" in msg or msg.get("op") == "case.opened":
                    continue
                return msg
            r, _, _ = select.select([self.p.stdout], [], [], 0.05)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if not chunk:
                    return None
                self.buf += chunk
        return None

    def call(self, req):
        self.p.stdin.write((json.dumps(req) + "\n").encode())
        self.p.stdin.flush()
        return self.read()

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        self.p.wait(timeout=60)
        return self.p.stderr.read().decode()


def checkpoints(store):
    db = sqlite3.connect(store)
    try:
        return db.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM checkpoints").fetchone()
    finally:
        db.close()


tmp = tempfile.mkdtemp(prefix="sb-checkpoint-")
store = os.path.join(tmp, "store.db")

# 1. A clean stop writes a checkpoint; the next start replays nothing.
s = Serve(store)
agents = ["sup-%03d" % i for i in range(1, 11)]
for a in agents:
    s.call({"op": "login", "agent": a})
    s.call({"op": "ready", "agent": a})
contacts = []
for i in range(30):
    r = s.call({"op": "enqueue", "queue": "support", "caller": "+3361234%04d" % i})
    contacts.append(r["contact"])
before = s.call({"op": "status"})
err = s.stop()
check("a clean stop exits 0 and stores a checkpoint", s.p.returncode == 0 and "checkpoint stored" in err)
n, seq = checkpoints(store)
check("  covering the whole log (%d checkpoints, seq %d)" % (n, seq), n >= 1 and seq > 0)
s = Serve(store)
after = s.call({"op": "status"})
check("the next start replays nothing after the checkpoint",
      after is not None and after["contacts"] == before["contacts"] and after["agents"] == before["agents"])
err = s.stop()
check("  (its log says so)", "0 events replayed after the checkpoint" in err)
s = Serve(store)
r = s.call({"op": "enqueue", "queue": "support", "caller": "+33100000000"})
check("contact ids keep increasing across restarts (%s > %s)" % (r and r["contact"], max(contacts)),
      r is not None and r["contact"] > max(contacts))
s.stop()

# 2. SIGKILL while checkpoints are written every 50 ms under load: the restart restores from
# the newest checkpoint that was committed and replays what followed; nothing acknowledged lost.
for round_ in range(3):
    s = Serve(store, every="0.05")
    last_ticket = 0
    i = 0
    t_end = time.time() + 0.8  # several checkpoints (every 50 ms) while calls come in
    while i < 400 or time.time() < t_end:
        r = s.call({"op": "enqueue", "queue": "support", "caller": "+331%07d" % (round_ * 100000 + i)})
        last_ticket = max(last_ticket, r.get("ticket", 0))
        i += 1
    end = time.time() + 10
    while s.durable < last_ticket and time.time() < end:
        s.read(0.05)
    durable_status = s.call({"op": "status"})
    for i in range(200):  # more writes in flight at the kill
        s.p.stdin.write(b'{"op":"enqueue","queue":"support"}\n')
    s.p.stdin.flush()
    time.sleep(0.01 * (round_ + 1))
    s.p.send_signal(signal.SIGKILL)
    s.p.wait(timeout=30)
    err = s.p.stderr.read().decode()
    check("round %d: checkpoints were being written under load" % round_,
          err.count("checkpoint stored") >= 2)
    # A copy without its checkpoints rebuilds from the whole log: both must agree.
    copy = os.path.join(tmp, "copy-%d.db" % round_)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(store + suffix):
            with open(store + suffix, "rb") as f, open(copy + suffix, "wb") as g:
                g.write(f.read())
    db = sqlite3.connect(copy)
    db.execute("DELETE FROM checkpoints")
    db.commit()
    db.close()
    s = Serve(store)
    st = s.call({"op": "status"})
    err = s.stop()
    full = Serve(copy)
    st_full = full.call({"op": "status"})
    full_err = full.stop()
    keys = ("contacts", "waiting", "agents")
    check("round %d: the checkpoint and the whole log rebuild the same state (%s)"
          % (round_, st and {k: st[k] for k in keys}),
          st is not None and st_full is not None and all(st[k] == st_full[k] for k in keys)
          and "the whole log" in full_err)
    check("round %d: the restart answers with at least the durable contacts (%s >= %s)"
          % (round_, st and st["contacts"], durable_status["contacts"]),
          st is not None and st["contacts"] >= durable_status["contacts"])
    check("round %d: it restored from a checkpoint" % round_,
          "after the checkpoint" in err and "not usable" not in err)
sys.exit(1 if failures else 0)
