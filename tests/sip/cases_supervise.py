"""Supervision cases for sip_test.py (imported by it; `bind` gives it the suite's helpers): a
server of its own, queue `sq` with agent r1 (a Python phone sending 1000 Hz), supervisor `boss`
(an agent with a static Python phone sending 1600 Hz, logged out), a Python caller sending
400 Hz. `supervise` listen, then whisper, then barge on the live call, then `supervise_end`;
in each mode, who hears the supervisor's tone and who does not (Goertzel on the decoded RTP each
party received), and everyone still hears what they heard without supervision. A second
supervision ends when the caller hangs up."""
import math
import os
import select
import threading
import time

import cases_record

T = None  # sip_test, set by bind()
CALLER_HZ, AGENT_HZ, BOSS_HZ = 400, 1000, 1600  # whole periods in 800-sample blocks


def bind(module):
    global T
    T = module


def _ulaw_to_linear(u):
    u = ~u & 0xFF
    t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
    return (0x84 - t) if u & 0x80 else (t - 0x84)


ULAW = [_ulaw_to_linear(u) for u in range(256)]


def share(heard, since, until, hz, block=800):
    """The mean share of the power at `hz` in the 100 ms blocks of what arrived in [since,
    until): 1.0 for that tone alone, ~0.5 for it mixed with another as loud, ~0 without it."""
    samples = [ULAW[b] for t, p in heard if since <= t < until for b in p]
    k = 2 * math.cos(2 * math.pi * hz / 8000)
    shares = []
    for i in range(0, len(samples) - block + 1, block):
        x = samples[i:i + block]
        energy = sum(v * v for v in x)
        if energy < block * 100 ** 2:
            shares.append(0.0)
            continue
        s1 = s2 = 0.0
        for v in x:
            s1, s2 = v + k * s1 - s2, s1
        shares.append(2 * (s1 * s1 + s2 * s2 - k * s1 * s2) / (block * energy))
    return sum(shares) / len(shares) if shares else 0.0


class Caller:
    """A Python caller sending 400 Hz every 20 ms in a thread, keeping what it hears."""

    def __init__(self, sip_port, num, dialled):
        self.c = T.RtpCaller(cases_record._Port(sip_port), num, dialled)
        self.heard, self.stop, self.thread = [], threading.Event(), None

    def start(self):
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        payload = cases_record.tone(CALLER_HZ)
        seq, ts, next_at = 100, 1000, time.time()
        c = self.c
        while not self.stop.is_set() and not c.bye_from_server:
            if time.time() >= next_at:
                next_at += 0.02
                hdr = bytes([0x80, 0]) + seq.to_bytes(2, "big") + ts.to_bytes(4, "big") + \
                    (0xCA11).to_bytes(4, "big")
                seq, ts = (seq + 1) % 65536, (ts + 160) % 2**32
                c.rtp.sendto(hdr + payload, c.remote)
            r, _, _ = select.select([c.rtp, c.p.s], [], [], max(0.0, min(0.005, next_at - time.time())))
            if c.rtp in r:
                data = c.rtp.recvfrom(2048)[0]
                if len(data) > 12:
                    self.heard.append((time.time(), data[12:]))
            if c.p.s in r:
                m = T.parse(c.p.s.recvfrom(70000)[0])
                if m and m[0].startswith("BYE "):
                    c.bye_from_server = True
                    c.p.reply(m, 200, "OK")

    def hangup(self):
        self.stop.set()
        if self.thread:
            self.thread.join(3)
        return self.c.bye()

    def close(self):
        self.stop.set()
        self.c.close()


def phone(port, hz):
    ph = T.PyPhone(port)
    ph.payload = cases_record.tone(hz)
    ph.keep_heard = True
    ph.stop = threading.Event()
    return ph


def run_phone(ph):
    t = threading.Thread(target=ph.run, args=(30,), kwargs={"until": lambda p: p.stop.is_set()},
                         daemon=True)
    t.start()
    return t


def case_supervise(s):
    """24. Supervision, on a server of its own: boss listens to r1's call (hears both, heard by
    nobody), whispers (r1 hears boss, the caller does not), barges (all hear each other);
    supervise_end hangs boss up and the call goes on as before; a second supervision ends with
    the call."""
    tmp = os.path.join(s.tmp, "supervise")
    os.makedirs(tmp, exist_ok=True)
    sip_port, agent_port, boss_port = T.free_port(tcp_too=True), T.free_port(), T.free_port()
    config = os.path.join(tmp, "s.toml")
    with open(config, "w") as f:
        f.write("""[[queue]]
name = "sq"
offer_timeout = "5s"
wrap_up = "0s"
[[queue]]
name = "bosses"
[[agent]]
name = "r1"
queues = { sq = 1 }
[[agent]]
name = "boss"
queues = { bosses = 1 }
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
number = "sq"
queue = "sq"
[[phone]]
agent = "r1"
contact = "sip:r1@127.0.0.1:%d"
ready = true
[[phone]]
agent = "boss"
contact = "sip:boss@127.0.0.1:%d"
""" % (sip_port, T.RTP_PORTS, T.HOLD_MUSIC, agent_port, boss_port))
    server = T.Server(s.binary, tmp, config, os.path.join(tmp, "s.db"))
    parties = []
    try:
        end = time.time() + 10
        while time.time() < end and server.alive() and T.options_ok(sip_port, 0.3) != 200:
            time.sleep(0.05)
        if not T.check("supervise server answers OPTIONS", server.alive()):
            return
        r = server.call({"op": "supervise", "supervisor": "boss", "agent": "r1", "mode": "listen"})
        T.check("supervise r1 while r1 is in no call: refused", r is not None and not r.get("ok"),
                r)
        r = server.call({"op": "supervise", "supervisor": "boss", "agent": "r1", "mode": "shout"})
        T.check("supervise with mode 'shout': refused, naming the field",
                r is not None and not r.get("ok") and "mode" in str(r), r)
        r = server.call({"op": "supervise_end", "supervisor": "boss"})
        T.check("supervise_end when boss supervises nobody: refused",
                r is not None and not r.get("ok"), r)

        caller = Caller(sip_port, s.caller_number(), "sq")
        agent = phone(agent_port, AGENT_HZ)
        parties += [caller, agent]
        if not T.check("the caller is answered", caller.c.call() == 200):
            return
        if not T.check("r1's phone rings and answers", agent.wait_invite(5) is not None and
                       agent.answer()):
            return
        caller.start()
        run_phone(agent)
        time.sleep(0.5)

        boss = phone(boss_port, BOSS_HZ)
        parties.append(boss)
        r = server.call({"op": "supervise", "supervisor": "boss", "agent": "r1", "mode": "listen"})
        T.check("supervise boss -> r1, listen: accepted", r is not None and r.get("ok"), r)
        inv = boss.wait_invite(5)
        if not T.check("boss's phone rings", inv is not None):
            return
        T.check("  From \"Supervise\" <sip:r1@...> (%s)" % boss.from_header(),
                boss.from_header().startswith('"Supervise" <sip:r1@'))
        if not T.check("boss answers", boss.answer()):
            return
        run_phone(boss)

        def window(mode):
            t0 = time.time()
            time.sleep(1.6)
            since, until = t0 + 0.4, time.time()
            got = {
                "boss": (share(boss.heard, since, until, CALLER_HZ),
                         share(boss.heard, since, until, AGENT_HZ)),
                "agent": (share(agent.heard, since, until, CALLER_HZ),
                          share(agent.heard, since, until, BOSS_HZ)),
                "caller": (share(caller.heard, since, until, AGENT_HZ),
                           share(caller.heard, since, until, BOSS_HZ)),
            }
            T.check("%s: boss hears the caller and r1 (shares %.2f, %.2f)" % ((mode,) + got["boss"]),
                    got["boss"][0] > 0.2 and got["boss"][1] > 0.2)
            # One stream each, never the relay and the mix at once: 50 packets a second.
            rates = {n: sum(1 for t, _ in p.heard if since <= t < until) / (until - since)
                     for n, p in (("boss", boss), ("agent", agent), ("caller", caller))}
            T.check("%s: each party gets one stream (packets/s %s)" %
                    (mode, {n: round(r) for n, r in rates.items()}),
                    all(40 <= r <= 60 for r in rates.values()))
            return got

        def expect(got, mode, agent_hears_boss, caller_hears_boss):
            a_caller, a_boss = got["agent"]
            c_agent, c_boss = got["caller"]
            T.check("%s: r1 hears the caller (%.2f) and %s boss (%.2f)" %
                    (mode, a_caller, "hears" if agent_hears_boss else "not", a_boss),
                    a_caller > 0.2 and (a_boss > 0.2 if agent_hears_boss else a_boss < 0.05))
            T.check("%s: the caller hears r1 (%.2f) and %s boss (%.2f)" %
                    (mode, c_agent, "hears" if caller_hears_boss else "not", c_boss),
                    c_agent > 0.2 and (c_boss > 0.2 if caller_hears_boss else c_boss < 0.05))

        expect(window("listen"), "listen", False, False)
        r = server.call({"op": "supervise", "supervisor": "boss", "agent": "r1", "mode": "whisper"})
        T.check("mode -> whisper: accepted", r is not None and r.get("ok"), r)
        expect(window("whisper"), "whisper", True, False)
        r = server.call({"op": "supervise", "supervisor": "boss", "agent": "r1", "mode": "barge"})
        T.check("mode -> barge: accepted", r is not None and r.get("ok"), r)
        expect(window("barge"), "barge", True, True)

        r = server.call({"op": "supervise_end", "supervisor": "boss"})
        T.check("supervise_end: accepted", r is not None and r.get("ok"), r)
        end = time.time() + 3
        while time.time() < end and not boss.bye_from_server:
            time.sleep(0.05)
        T.check("  boss's phone gets the server's BYE", boss.bye_from_server)
        boss.stop.set()
        t0 = time.time()
        time.sleep(1.2)
        since = t0 + 0.4
        a = share(agent.heard, since, time.time(), CALLER_HZ)
        c = share(caller.heard, since, time.time(), AGENT_HZ)
        T.check("  the call goes on: r1 hears the caller (%.2f), the caller r1 (%.2f) alone" %
                (a, c), a > 0.8 and c > 0.8)
        boss.close()
        parties.remove(boss)

        boss = phone(boss_port, BOSS_HZ)
        parties.append(boss)
        r = server.call({"op": "supervise", "supervisor": "boss", "agent": "r1", "mode": "barge"})
        ok = r is not None and r.get("ok") and boss.wait_invite(5) is not None and boss.answer()
        T.check("a second supervision (barge) is connected", ok, r)
        run_phone(boss)
        time.sleep(0.5)
        bye = caller.hangup()
        T.check("the caller hangs up (200)", bye is not None and T.status_of(bye[0]) == 200)
        end = time.time() + 3
        while time.time() < end and not (boss.bye_from_server and agent.bye_from_server):
            time.sleep(0.05)
        T.check("  the call's end hangs up r1 and boss", agent.bye_from_server and
                boss.bye_from_server, (agent.bye_from_server, boss.bye_from_server))
        r = server.call({"op": "supervise_end", "supervisor": "boss"})
        T.check("  and the supervision is gone (supervise_end refused)",
                r is not None and not r.get("ok"), r)
    finally:
        for p in parties:
            if hasattr(p, "stop"):
                p.stop.set()
            p.close()
        rc = server.stop()
    T.check("the supervise server stops cleanly (exit %s)" % rc, rc == 0)
