#!/usr/bin/env python3
"""`switchboard serve` end to end: a real process driven over its stdin protocol.

- Bad requests get clear errors and the process goes on.
- A burst of calls and case writes, then SIGKILL: after a restart every write covered by the
  last durability watermark is in the store, every confirmed case is there, and the engine's
  state is rebuilt by replaying the stored events.
Usage: serve_test.py SWITCHBOARD SOURCE_DIR   (exit status 0 when every check passes)
"""
import json
import os
import re
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
RECORDS = os.path.join(SRC, "src", "directory", "testdata", "records.csv")
failures = 0


def types(reply):
    """The event types of a reply (events carry their payloads)."""
    return [e["type"] for e in (reply or {}).get("events", [])]


def acked(reply):
    """(ticket, events) of a reply: what the server acknowledged."""
    return (reply.get("ticket", 0), len(reply.get("events", [])))


def check(name, cond):
    global failures
    print(("ok   " if cond else "FAIL ") + name, flush=True)
    if not cond:
        failures += 1


class Serve:
    def __init__(self, store):
        self.p = subprocess.Popen([BIN, "serve", CONFIG, "--store", store, "--records", RECORDS],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.buf = b""
        self.durable = 0
        self.lines = []
        self.timer_events = []

    def send(self, req):
        self.p.stdin.write((json.dumps(req) + "\n").encode())
        self.p.stdin.flush()

    def read(self, timeout=10.0):
        """Next non-watermark response (watermarks are recorded on the way)."""
        end = time.time() + timeout
        while time.time() < end:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                msg = json.loads(line)
                if "durable" in msg and len(msg) == 1:
                    self.durable = max(self.durable, msg["durable"])
                    continue
                if "event" in msg:  # caused by a timer (an offer after a wrap-up, ...)
                    self.timer_events.append(msg["event"])
                    continue
                self.lines.append(msg)
                return msg
            r, _, _ = select.select([self.p.stdout], [], [], 0.05)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if not chunk:
                    return None
                self.buf += chunk
        return None

    def call(self, req):
        """Sends a request and returns its response; case completions arriving in between
        (they come from the writer thread) are kept in self.lines."""
        self.send(req)
        while True:
            msg = self.read()
            if msg is None or msg.get("op") in (req["op"], None):
                return msg


tmp = tempfile.mkdtemp(prefix="sb-serve-")
store = os.path.join(tmp, "store.db")

# 1. Bad input never crashes the server.
s = Serve(store)
for bad, fragment in [("not json", "bad JSON"), ('{"op": 3}', "expected an object"),
                      ('{"op":"login","agent":"nobody"}', "no agent named 'nobody'"),
                      ('{"op":"enqueue","queue":"nowhere"}', "no queue named"),
                      ('{"op":"accept","contact":"x","agent":"sup-001"}', "contact: must be"),
                      ('{"op":"teleport"}', "unknown op")]:
    s.p.stdin.write((bad + "\n").encode())
    s.p.stdin.flush()
    r = s.read()
    while r is not None and r.get("op") not in (None, "login", "enqueue", "accept", "teleport"):
        r = s.read()
    check("bad request %r is refused with %r" % (bad, fragment),
          r is not None and r.get("ok") is False and fragment in r.get("error", ""))
r = s.call({"op": "accept", "contact": 999, "agent": "sup-001", "offer": 1})
check("an accept for an unknown contact is refused cleanly", r is not None and r["ok"] is False)
r = s.call({"op": "status"})
check("the server is still up after bad input", r is not None and r["ok"] is True)
s.p.stdin.close()
s.p.wait(timeout=30)
check("end of input: clean exit", s.p.returncode == 0)

# 2. A burst, then SIGKILL.
s = Serve(store)
agents = ["sup-%03d" % i for i in range(1, 21)]
for a in agents:
    s.call({"op": "login", "agent": a})
    s.call({"op": "ready", "agent": a})
acked_events = []  # (ticket, number of events) per response
confirmations = []  # filled from s.lines at the end: case results arrive asynchronously
offered = {}
t_end = time.time() + 3.0
calls = 0
while time.time() < t_end:
    r = s.call({"op": "enqueue", "queue": "support", "caller": "06 12 34 56 78"})
    if r is None:
        break
    calls += 1
    acked_events.append(acked(r))
    if "ContactOffered" in types(r):
        offered[r["contact"]] = True
    # Answer and finish every call that was offered straight away, so agents come back.
    for c in list(offered):
        for a in agents:
            rr = s.call({"op": "accept", "contact": c, "agent": a, "offer": 1})
            if rr and rr["ok"]:
                acked_events.append(acked(rr))
                hh = s.call({"op": "hangup", "contact": c})
                acked_events.append(acked(hh))
                break
        del offered[c]
    if calls % 25 == 0:
        s.send({"op": "case.open", "user": "sup-001", "contact": calls, "notes": "burst"})
# Let everything become durable and note the state; then more writes, and a kill while they are
# in flight.
def settle(srv):
    last = max(t for t, _ in acked_events)
    end = time.time() + 20
    while srv.durable < last and time.time() < end:
        srv.read(0.1)
    return srv.call({"op": "status"})


before = settle(s)
first_new = len(s.lines)
check("all writes became durable before the second burst", s.durable >= max(t for t, _ in acked_events))
for i in range(300):
    s.send({"op": "enqueue", "queue": "support", "caller": "+33100000%03d" % i})
    if i % 50 == 0:
        s.send({"op": "case.open", "user": "sup-002", "notes": "in flight %d" % i})
time.sleep(0.05)
s.p.send_signal(signal.SIGKILL)
s.p.wait(timeout=30)
# Everything the killed process printed before dying counts as acknowledged.
while True:
    r = s.read(0.2)
    if r is None:
        break
for msg in s.lines:
    if msg.get("op") == "case.opened" and msg.get("ok"):
        confirmations.append(msg["confirmation"])
for msg in s.lines[first_new:]:
    if msg.get("op") == "enqueue" and "ticket" in msg:
        acked_events.append(acked(msg))
watermark = s.durable
check("the burst made %d calls and %d cases before the kill" % (calls, len(confirmations)),
      calls > 20 and len(confirmations) > 0)
check("a durability watermark was published (%d)" % watermark, watermark > 0)
must_have = sum(n for ticket, n in acked_events if 0 < ticket <= watermark)

info = subprocess.run([BIN, "store", "info", "--store", store], capture_output=True, text=True)
stored = 0
for line in info.stdout.splitlines():
    if line.startswith("events"):
        stored = int(line.split()[-1])
check("every event below the watermark is stored (%d >= %d)" % (stored, must_have),
      stored >= must_have and must_have > 0)
confirmations = sorted(set(confirmations))
missing = [c for c in confirmations
           if subprocess.run([BIN, "case", "show", c, "--store", store, "--user", "auditor"],
                             capture_output=True).returncode != 0]
check("every confirmed case is stored (%d cases)" % len(confirmations), not missing)

# 3. Restart: the state is rebuilt from the stored events.
s = Serve(store)
r = s.call({"op": "status"})
check("the restarted server answers", r is not None and r["ok"] is True)
def logged_in(status):
    return sum(n for state, n in status["agents"].items() if state != "logged out")


check("  with the same agents logged in (%s, before the kill %s)" % (r and r.get("agents"), before["agents"]),
      r is not None and logged_in(r) == logged_in(before) == len(agents))
check("  and at least the contacts it had when all was durable (%s >= %s)"
      % (r and r.get("contacts"), before["contacts"]),
      r is not None and r["contacts"] >= before["contacts"] > 0)
err = s.p.stderr
s.p.stdin.close()
s.p.wait(timeout=30)
log = err.read().decode()
check("  after replaying the stored events", "events replayed" in log and " 0 events replayed" not in log)
r2 = subprocess.run([BIN, "store", "info", "--store", store], capture_output=True, text=True)
check("the store reopens after the kill", re.search(r"schema version +[1-9]\d*\n", r2.stdout))
check("the configuration the server ran with is stored once", "config versions  1" in r2.stdout)

# 4. Every answered call opened a case, linked to the call and the screen-pop records, and the
# calls' CDRs carry the partner attributed from the caller's record.
s = Serve(store)
# A call whose number is known in the IVR: its record (a gold partner's person) raises its
# priority by the configured 5; an unknown caller keeps 0; a caller may hang up in the IVR.
arr = s.call({"op": "arrive", "caller": "06 12 34 56 78", "trunk": "carrier-1"})
time.sleep(0.2)
enq = s.call({"op": "enqueue", "contact": arr["contact"], "queue": "support"})
check("the record found in the IVR feeds routing (segment gold -> priority %s)"
      % (enq and enq.get("priority")), enq is not None and enq["ok"] and enq["priority"] == 5)
arr2 = s.call({"op": "arrive", "caller": "+33155550000"})
typed = s.call({"op": "ivr", "contact": arr2["contact"], "ivr_id": "P-BETA"})
time.sleep(0.2)
enq2 = s.call({"op": "enqueue", "contact": arr2["contact"], "queue": "support"})
check("an id typed in the IVR is looked up too (silver -> priority %s)" % (enq2 and enq2.get("priority")),
      typed is not None and typed["ok"] and enq2 is not None and enq2["priority"] == 2)
arr3 = s.call({"op": "arrive", "caller": "+33155550001"})
gone = s.call({"op": "abandon", "contact": arr3["contact"]})
check("a caller hanging up in the IVR is let go", gone is not None and gone["ok"])
again = s.call({"op": "enqueue", "contact": arr3["contact"], "queue": "support"})
check("  and cannot be queued afterwards", again is not None and again["ok"] is False)
# After the burst the support queue is long: a priority call goes to its head, and the next agent
# to become ready is offered it.
q = s.call({"op": "enqueue", "queue": "support", "caller": "06 12 34 56 78", "priority": 9})
contact = q["contact"] if q else 0
s.call({"op": "login", "agent": "sup-050"})
ready = s.call({"op": "ready", "agent": "sup-050"})
check("the priority call is offered to the agent who became ready",
      ready is not None and "ContactOffered" in types(ready))
time.sleep(0.2)  # the pre-fetch runs on its worker thread
pop = s.call({"op": "pop", "contact": contact, "user": "sup-050"})
check("the screen pop was pre-fetched for the queued call",
      pop is not None and pop.get("ok") and pop["records"][0]["id"] == "C-1001"
      and pop.get("partner") == "P-ACME")
acc = None
for offer in range(1, 3):
    acc = s.call({"op": "accept", "contact": contact, "agent": "sup-050", "offer": offer})
    if acc and acc["ok"]:
        break
check("the agent answers the call", acc is not None and acc["ok"])
opened = None
end = time.time() + 10
while opened is None and time.time() < end:
    for msg in s.lines:
        if msg.get("op") == "case.opened" and msg.get("contact") == contact:
            opened = msg
    s.read(0.1)
check("answering opened a case with a confirmation number", opened is not None and opened.get("ok"))
s.call({"op": "hangup", "contact": contact})
s.p.stdin.close()
s.p.wait(timeout=30)
if opened:
    shown = subprocess.run([BIN, "case", "show", opened["confirmation"], "--store", store,
                            "--user", "auditor"], capture_output=True, text=True).stdout
    check("  linked to the call and the caller's record",
          ("linked call %d" % contact) in shown and "linked record C-1001" in shown)
rep = subprocess.run([BIN, "report", "--store", store, "--config", CONFIG, "--format", "csv"],
                     capture_output=True, text=True).stdout
check("the report breaks calls down by partner", "\nP-ACME," in rep)

# The stored log names agents and queues by stable ids (layouts): a configuration that removes,
# reorders or renames them applies at start as a SettingsChanged, and the log goes on replaying.
with open(CONFIG) as f:
    demo_text = f.read()
stored = subprocess.run([BIN, "store", "config", "--store", store], capture_output=True, text=True)
check("store config prints the configuration the server ran with",
      stored.returncode == 0 and stored.stdout == demo_text)
tmp = tempfile.mkdtemp()


def serve_with(text, requests=""):
    path = os.path.join(tmp, "c%d.toml" % len(os.listdir(tmp)))
    with open(path, "w") as f:
        f.write(text)
    return subprocess.run([BIN, "serve", path, "--store", store], input=requests,
                          capture_output=True, text=True, timeout=60)


def replies(r):  # the replies to requests, in order (not event or durability lines)
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    return [l for l in lines if "op" in l and "ok" in l]



# Removing agents still in wrap-up (sup-011..sup-020 and sup-050 took calls above) would cut
# their after-call work short: refused at start, with the way back, storing nothing.
busy = demo_text.replace('prefix = "sup-"\ncount = 100', 'prefix = "sup-"\ncount = 10')
before = subprocess.run([BIN, "store", "info", "--store", store], capture_output=True, text=True)
r = serve_with(busy)
check("removing agents in wrap-up is refused at start (exit %s)" % r.returncode,
      r.returncode == 2 and re.search(r"'sup-0\d\d' is removed but (wrap-up|reserved|on contact)",
                                      r.stderr) is not None
      and "store config --store" in r.stderr)
after = subprocess.run([BIN, "store", "info", "--store", store], capture_output=True, text=True)
versions = lambda info: [l for l in info.splitlines() if l.startswith("config versions")]
check("  and stores no configuration version (%s)" % versions(after.stdout),
      versions(before.stdout) == versions(after.stdout) != [])
# Agents sup-061..sup-100 (logged out) removed, the queues in the other order, partners-desk
# renamed.
fewer = demo_text.replace('prefix = "sup-"\ncount = 100', 'prefix = "sup-"\ncount = 60')
support = fewer[fewer.index('[[queue]]\nname = "support"'):fewer.index('[[queue]]\nname = "partners-desk"')]
fewer = fewer.replace(support, "")
fewer = fewer.replace('[[queue]]\nname = "partners-desk"',
                      '[[queue]]\nname = "partners"\nrenamed_from = "partners-desk"')
fewer = fewer.replace("partners-desk = 1", "partners = 1")
fewer = fewer.replace("[[agent_pool]]", support + "[[agent_pool]]", 1)
r = serve_with(fewer, '{"op":"login","agent":"sup-070"}\n{"op":"login","agent":"desk-001"}\n'
               '{"op":"enqueue","queue":"partners","caller":"+33100000000"}\n')
out = replies(r)
check("a configuration that removes, reorders and renames starts (exit %s: %s)"
      % (r.returncode, r.stderr[-300:] if r.returncode else ""),
      r.returncode == 0 and "configuration applied at start" in r.stderr)
changes = [json.loads(b) for (b,) in sqlite3.connect(store).execute(
    "SELECT body FROM events WHERE type = 'SettingsChanged'")]
check("  as a SettingsChanged in the log (%s)" % changes,
      len(changes) == 1 and changes[0]["version"] == 2)
check("  saying what changed", 'removed="agent sup-061' in r.stderr
      and 'renamed="queue partners-desk -> partners"' in r.stderr)
check("  a removed agent cannot log in", len(out) >= 3 and not out[0]["ok"]
      and "sup-070" in out[0].get("error", ""))
queued = [e for e in out[2].get("events", []) if e["type"] == "ContactQueued"] if len(out) >= 3 else []
# (partners is closed outside office hours: its call overflows to support, naming it as asked.)
check("  the renamed queue keeps its id (1) and takes calls (%s)" % out[1:3],
      len(out) >= 3 and out[1]["ok"] and out[2]["ok"] and len(queued) == 1
      and queued[0]["requested"] == 1)
# The call leaves (by day partners is open and keeps it): a queue with calls cannot go away.
leaving = out[2].get("contact", 0) if len(out) >= 3 else 0
r = serve_with(fewer, '{"op":"abandon","contact":%d}\n' % leaving)
check("  the next start replays the change", r.returncode == 0
      and "configuration applied" not in r.stderr and "replayed" in r.stderr)
# Everything back: sup-070 has its old id again, and the whole log still reads.
r = serve_with(demo_text, '{"op":"login","agent":"sup-070"}\n')
out = replies(r)
logged = [e for e in out[0].get("events", []) if e["type"] == "AgentLoggedIn"] if out else []
check("the earlier configuration comes back with the same ids (sup-070 is agent 69: %s; %s)"
      % (out[:1], r.stderr[-600:] if not out else ""),
      r.returncode == 0 and len(logged) == 1 and logged[0]["agent"] == 69)
rep = subprocess.run([BIN, "report", "--store", store, "--config", CONFIG, "--format", "csv"],
                     capture_output=True, text=True)
check("  and the report reads the whole log (exit %s)" % rep.returncode,
      rep.returncode == 0 and "\nP-ACME," in rep.stdout)
sys.exit(1 if failures else 0)
