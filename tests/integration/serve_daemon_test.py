#!/usr/bin/env python3
"""`switchboard serve` as a daemon: hostile requests, events caused by timers, a reader that
vanishes, signals (SIGTERM stops it with everything durable, SIGHUP reloads), logfmt logs, no
password printed. Every wait is bounded; loopback and temporary files only.
Usage: serve_daemon_test.py SWITCHBOARD   (exit status 0 when every check passes)
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

BIN = sys.argv[1]
failures = 0
tmp = tempfile.mkdtemp(prefix="sb-daemon-")
CONFIG = os.path.join(tmp, "fast.toml")
with open(CONFIG, "w") as f:
    f.write("""
[engine]
skills = ["fr"]
[[queue]]
name = "support"
offer_timeout = "1s"
wrap_up = "1s"
[[agent]]
name = "a1"
queues = { support = 1 }
[[agent]]
name = "a2"
queues = { support = 1 }
[routing_hints]
segment_priority = { gold = 5 }
""")


def check(name, cond):
    global failures
    print(("ok   " if cond else "FAIL ") + name, flush=True)
    if not cond:
        failures += 1


class Serve:
    def __init__(self, store, extra=()):
        self.p = subprocess.Popen([BIN, "serve", CONFIG, "--store", store, *extra],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.buf = b""
        self.durable = 0
        self.events = []  # {"event": ...} lines: caused by timers
        self.event_count = 0  # every event the server reported, in replies and event lines

    def send_raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def read(self, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                msg = json.loads(line)  # every line must be valid JSON (and so valid UTF-8)
                if "durable" in msg and len(msg) == 1:
                    self.durable = max(self.durable, msg["durable"])
                    continue
                if "event" in msg:
                    self.events.append(msg["event"])
                    self.event_count += 1
                    continue
                self.event_count += len(msg.get("events", []))
                return msg
            r, _, _ = select.select([self.p.stdout], [], [], 0.05)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if not chunk:
                    return None
                self.buf += chunk
        return None

    def call(self, req):
        """The reply to `req`: other lines (a case stored, say) may come first."""
        self.send_raw((json.dumps(req) + "\n").encode())
        while True:
            msg = self.read()
            if msg is None or msg.get("op") in (req["op"], None):
                return msg

    def wait_event(self, kind, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            for e in self.events:
                if e["type"] == kind:
                    self.events.remove(e)
                    return e
            self.read(0.1)
        return None

    def settle(self, ticket, timeout=10.0):
        end = time.time() + timeout
        while self.durable < ticket and time.time() < end:
            self.read(0.1)
        return self.durable >= ticket


def stored_events(store):
    db = sqlite3.connect(store)
    try:
        return db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        db.close()


store = os.path.join(tmp, "store.db")
s = Serve(store)

# 1. Hostile requests: each an error naming the field, the server alive, the writer unpoisoned.
hostile = [
    (b'{"op":"login","agent":"\xff"}', "not valid UTF-8"),
    (b'{"op":"login","agent":"\xc0\x80"}', "not valid UTF-8"),
    (b'{"op":"enqueue","queue":"support","caller":"' + b"1" * 70000 + b'"}', "caller: 70000 bytes"),
    (b'{"op":"pop","contact":1,"user":"' + b"u" * 70000 + b'"}', "user: 70000 bytes"),
    (b'{"op":"enqueue","queue":"support","priority":2147483647}', "priority: "),
    (b'{"op":"enqueue","queue":"support","priority":1e300}', "priority: must be a whole number"),
    (b'{"op":"enqueue","queue":"support","priority":18446744073709551616}', "priority: "),
    (b'{"op":"not_ready","agent":"a1","reason":1e300}', "reason: must be a whole number"),
    (b'{"op":"not_ready","agent":"a1","reason":256}', "reason: 256 is outside"),
    (b'{"op":"hangup","contact":2.5}', "contact: must be a whole number"),
    (b"[" * 100000 + b"]" * 100000, "bad JSON"),
    (b"x" * (300 * 1024), "bytes long"),
]
for line, fragment in hostile:
    s.send_raw(line + b"\n")
    r = s.read()
    check("hostile %r... is refused with %r" % (line[:40], fragment),
          r is not None and r.get("ok") is False and fragment in r.get("error", ""))
r = s.call({"op": "login", "agent": "a1"})
check("the server is alive after hostile input", r is not None and r["ok"])
check("  and its writes still become durable", r is not None and s.settle(r["ticket"]))
info = subprocess.run([BIN, "store", "info", "--store", store], capture_output=True, text=True)
check("  with no dead letter (the front door refused the bad fields)",
      "dead letters     0" in info.stdout)

# 2. Events caused by timers reach the client, with the agent and the offer number.
s.call({"op": "ready", "agent": "a1"})
s.call({"op": "login", "agent": "a2"})
s.call({"op": "ready", "agent": "a2"})
enq = s.call({"op": "enqueue", "queue": "support", "caller": "+33612345678"})
first = [e for e in enq["events"] if e["type"] == "ContactOffered"]
check("the reply names the agent offered and the offer number",
      len(first) == 1 and first[0]["agent_name"] in ("a1", "a2") and first[0]["offer"] == 1
      and first[0]["expires"] > first[0]["at"])
timed_out = s.wait_event("OfferTimedOut")
again = s.wait_event("ContactOffered")
check("a ring timeout re-offers from a timer, as an event line (%s)" % (again and again["agent_name"]),
      timed_out is not None and again is not None and again["offer"] == 2
      and again["agent_name"] != first[0]["agent_name"])
acc = s.call({"op": "accept", "contact": enq["contact"], "agent": again["agent_name"],
              "offer": again["offer"]}) if again else None
check("  and the offer from the event can be accepted", acc is not None and acc["ok"])
s.call({"op": "hangup", "contact": enq["contact"]})
second = s.call({"op": "enqueue", "queue": "support"})
# The other agent went not ready at the timeout; the one who answered is in wrap-up for 1 s.
after_wrap = s.wait_event("ContactOffered")
check("the offer that follows a wrap-up comes as an event line",
      second is not None and "ContactOffered" not in [e["type"] for e in second["events"]]
      and after_wrap is not None and after_wrap["contact"] == second["contact"])
s.call({"op": "accept", "contact": second["contact"], "agent": after_wrap["agent_name"], "offer": 1})
last = s.call({"op": "hangup", "contact": second["contact"]})

# 3. SIGHUP applies the file to the running engine: an agent added can log in and take calls at
#    once, one removed while idle is logged out and can no longer log in; a bad file is refused
#    and changes nothing.
time.sleep(1.5)  # the last call's 1 s wrap-up ends: nobody is busy
with open(CONFIG) as f:
    text = f.read()
with open(CONFIG, "w") as f:
    f.write(text.replace('name = "a2"', 'name = "a3"'))
s.p.send_signal(signal.SIGHUP)
changed = s.wait_event("SettingsChanged")
check("SIGHUP applies the new file as configuration version 2 (%s)" % changed,
      changed is not None and changed["version"] == 2)
gone = s.wait_event("AgentLoggedOut")
check("  the removed agent, idle, was logged out before it", gone is not None and gone["agent"] == 1)
r3 = s.call({"op": "login", "agent": "a3"})
check("  the added agent logs in", r3 is not None and r3["ok"])
r2 = s.call({"op": "login", "agent": "a2"})
check("  the removed one cannot (%s)" % (r2 and r2.get("error")),
      r2 is not None and not r2["ok"] and "a2" in r2.get("error", ""))
s.call({"op": "ready", "agent": "a3"})
s.call({"op": "logout", "agent": "a1"})
enq = s.call({"op": "enqueue", "queue": "support"})
offered = [e for e in enq["events"] if e["type"] == "ContactOffered"] if enq else []
check("  and takes the next call", len(offered) == 1 and offered[0]["agent_name"] == "a3"
      and offered[0]["agent"] == 2)
s.call({"op": "abandon", "contact": enq["contact"]})
with open(CONFIG, "w") as f:
    f.write(text.replace('[[queue]]', '[[queue]]\npriority = 1000'))
s.p.send_signal(signal.SIGHUP)
st = s.call({"op": "status"})
check("SIGHUP with a bad file: the server goes on", st is not None and st["ok"])
check("  under the configuration it had", s.wait_event("SettingsChanged", 1.0) is None)
versions = sqlite3.connect(store).execute("SELECT MAX(version) FROM config_versions").fetchone()[0]
check("  and stores no version for it (latest %s)" % versions, versions == 2)
with open(CONFIG, "w") as f:  # the file the server runs, for the starts below
    f.write(text.replace('name = "a2"', 'name = "a3"'))

# 4. SIGTERM: a clean stop with everything durable.
s.p.send_signal(signal.SIGTERM)
try:
    s.p.wait(timeout=30)
except subprocess.TimeoutExpired:
    s.p.kill()
while s.read(0.5) is not None:  # what it printed before it stopped
    pass
err = s.p.stderr.read().decode()
check("SIGTERM stops the server with exit 0 (got %s)" % s.p.returncode, s.p.returncode == 0)
check("  and says every write is durable", "every write is durable" in err)
check("SIGHUP was logged as a configuration applied",
      "configuration applied" in err and "added=\"agent a3\"" in err and "removed=\"agent a2\"" in err)
check("  and the bad file as a refusal", "reload refused" in err)
lines = [l for l in err.splitlines() if l.startswith("ts=")]
check("logs are logfmt lines (%d)" % len(lines), len(lines) >= 3 and all(" level=" in l for l in lines))
n = stored_events(store)
check("the store holds exactly the events the server reported (%d = %d)" % (n, s.event_count),
      n == s.event_count and n > 10)

# 5. A reader that vanishes never blocks the server: close our end of its output, keep sending.
s = Serve(store)
s.call({"op": "status"})
before = stored_events(store)
s.p.stdout.close()
for i in range(2000):
    s.send_raw(b'{"op":"enqueue","queue":"support","caller":"+3310000%04d"}\n' % i)
s.p.send_signal(signal.SIGTERM)
try:
    s.p.wait(timeout=30)
    code = s.p.returncode
except subprocess.TimeoutExpired:
    s.p.kill()
    code = None
check("with its reader gone the server still stops cleanly (exit %s)" % code, code == 0)
after = stored_events(store)
check("  and stored what it was sent (%d events more)" % (after - before), after - before >= 2000)

# 6. No password is ever printed.
r = subprocess.run([BIN, "serve", CONFIG, "--store", "postgresql://sb:s3cretpw@127.0.0.1:1/sb"],
                   input="", capture_output=True, text=True, timeout=60)
check("an unreachable PostgreSQL store is an error (exit %d)" % r.returncode, r.returncode != 0)
check("  that does not print the password", "s3cretpw" not in r.stderr + r.stdout)

sys.exit(1 if failures else 0)
