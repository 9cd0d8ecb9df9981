"""Attended transfers (consultations) for sip_test.py, which imports this file, adds toml(s) to
its configuration and cases(module) to its CASES.

Configuration added: agent `cs1` (a static Python phone, logged out until a case readies it),
member of queue `xfer` (cases_transfer.py's).

Every case: a caller (CountingCaller: reflects, counts whose audio it gets) into `support`,
answered by sup1 (a Python phone); cs1 readied; a `consult` command (sup1 consults cs1).
Cases:
  consultcmd     cs1 rings with From sup1 while the caller hears hold music; cs1 answers: sup1 and
                 cs1 hear each other, the caller neither; consult_complete: sup1 BYEd, the caller
                 and cs1 hear each other; the caller's BYE hangs up cs1; CDR completed by cs1 with
                 the handover (handover_ms, handover_from sup1), call_details too.
  consultback    cs1 declines (486): the caller is back with sup1 (audio both ways); a second
                 consultation, answered, then consult_cancel: cs1 BYEd, the caller back with sup1;
                 supervision refused during it; sup1 hangs up: CDR completed by sup1, no handover.
  consultrefer   sup1's phone starts the consultation itself (an INVITE to cs1 from its address);
                 cs1 answers, the two talk on that dialog; REFER of the caller's dialog with a
                 malformed Replaces: 400; naming no dialog: 481; naming the consultation's
                 dialog: 202, NOTIFY, BYE in both of sup1's dialogs, the caller and cs1 hear each
                 other; CDR handover.
  consulthangup  cs1 answers; sup1 hangs up: the call goes to cs1 (audio both ways, CDR handover).
  consultcmdrefer  started by command; cs1 answers; sup1's phone (one dialog: the one it talks to
                 cs1 on) REFERs with a Replaces naming cs1's dialog with a wrong tag: 481; naming
                 its own dialog: 202, NOTIFY 200, BYE to sup1; the caller and cs1 hear each
                 other; CDR handover.
  consultcmdrefer2  the same, the Replaces naming cs1's dialog (as cs1's phone knows it).
"""
import contextlib
import json
import re
import time

import consult_peers
import transfer_peers
from consult_peers import (CS1_PAYLOAD, SUP1_PAYLOAD, ConsultLine, CountingCaller, heard,
                           reject, run_all)
from transfer_peers import connected_to_sup1, last_cdr, ready, refer, store_rows

T = None
LO = "127.0.0.1"


def toml(s):
    s.cs1_port = T.free_port()
    return """
[[agent]]
name = "cs1"
queues = { xfer = 1 }
[[phone]]
agent = "cs1"
contact = "sip:cs1@127.0.0.1:%d"
ready = false
""" % s.cs1_port


# --- helpers ----------------------------------------------------------------------------------


def agents():
    return T.AGENTS + ["xf1", "cs1"]  # declaration order = engine ids


def cdr_row(s, num, timeout=5.0):
    return last_cdr(s, num, timeout)


def ready_cs1(s):
    return ready(s, "cs1", s.cs1_port)


def connected(s, num):
    """The caller into `support` answered by sup1: (caller, sup1's phone, contact) or None."""
    c = CountingCaller(s, num)
    got = connected_to_sup1(s, c)
    if not got:
        return None
    ph, contact = got
    ph.ph.keep_heard = True  # the PyPhone behind the AgentPhone
    ph.run(3, until=lambda p: p.echoed >= 10)
    T.check("sup1 hears its own audio back through the caller (%d)" % ph.echoed, ph.echoed >= 10)
    return c, ph, contact


@contextlib.contextmanager
def consult_call(s):
    """Each case's set-up: a caller into `support` answered by sup1, cs1's phone (its own payload)
    readied. Yields (number, caller, sup1's phone, cs1's phone, contact, a list of more things to
    close) or None; closes them all and logs cs1 out at the end."""
    num = s.caller_number()
    got = connected(s, num)
    if not got:
        yield None
        return
    c, ph, contact = got
    cs1 = T.PyPhone(s.cs1_port)
    cs1.payload, cs1.keep_heard = CS1_PAYLOAD, True
    later = []
    try:
        T.check("cs1 becomes ready", ready_cs1(s))
        yield num, c, ph, cs1, contact, later
    finally:
        for x in [c, ph, cs1] + later:
            x.close()
        s.server.call({"op": "logout", "agent": "cs1"})


def consult(s, contact):
    r = s.server.call({"op": "consult", "contact": contact, "agent": "sup1", "target": "cs1"})
    return T.check("consult sup1 -> cs1: ok (%s)" % r, r is not None and r.get("ok"))


def cs1_rings(cs1):
    inv = cs1.wait_invite(5)
    return T.check("cs1's phone rings with From sup1 (%s)" % (inv and cs1.from_header()),
                   inv is not None and cs1.from_header().startswith("<sip:sup1@"))


def agents_talk(c, ph, cs1):
    """cs1 answered: sup1 and cs1 hear each other; the caller hears the hold music only."""
    before = c.snapshot()
    ph.heard.clear()
    cs1.heard.clear()
    run_all([ph, cs1], 4, until=lambda: heard(ph, CS1_PAYLOAD) >= 25 and
            heard(cs1, SUP1_PAYLOAD) >= 25)
    got = c.snapshot()
    T.check("sup1 hears cs1 (%d) and cs1 hears sup1 (%d)" % (heard(ph, CS1_PAYLOAD),
                                                              heard(cs1, SUP1_PAYLOAD)),
            heard(ph, CS1_PAYLOAD) >= 25 and heard(cs1, SUP1_PAYLOAD) >= 25)
    T.check("the caller hears neither (sup1 %d, cs1 %d) but the hold music (%d)" %
            (got["sup1"] - before["sup1"], got["cs1"] - before["cs1"],
             got["other"] - before["other"]),
            got["sup1"] - before["sup1"] <= 3 and got["cs1"] - before["cs1"] == 0 and
            got["other"] - before["other"] >= 15)


def caller_with(c, phone, payload, name):
    """The caller and `phone` hear each other: its payload reaches the caller and comes back."""
    before = c.snapshot()
    phone.heard.clear()
    phone.run(4, until=lambda p: heard(p, payload) >= 25)
    time.sleep(0.1)  # the caller counts a packet after reflecting it
    key = "sup1" if payload == SUP1_PAYLOAD else "cs1"
    got = c.snapshot()[key] - before[key]
    return T.check("the caller and %s hear each other (%d packets there and back, the caller "
                   "got %d)" % (name, heard(phone, payload), got),
                   heard(phone, payload) >= 25 and got >= 25)


def handover_recorded(s, num, by, to):
    row = cdr_row(s, num)
    names = agents()
    T.check("store: CDR completed by %s, handed over by %s (%s)" % (to, by, row),
            row is not None and row["outcome"] == "completed" and
            names[row["agent"]] == to and row["handover_ms"] > 0 and
            names[row["handover_from"]] == by)
    d = s.call_detail(num)
    T.check("store: call_details agent %s, handover_from %s (%s)" % (to, by, d),
            d is not None and d["agent"] == to and d["handover_from"] == by and
            d["handover_ms"] > 0)


# --- cases ------------------------------------------------------------------------------------


def case_consult_command(s):
    """consultcmd. sup1 consults cs1 by command: cs1 rings with From sup1, the caller hears hold
    music; answered, the two agents talk; consult_complete: sup1 BYEd, the caller talks to cs1;
    CDR and call_details carry the handover."""
    with consult_call(s) as call:
        if not call:
            return
        num, c, ph, cs1, contact, later = call
        if not consult(s, contact) or not cs1_rings(cs1):
            return
        st = s.status().get("agents", {})
        T.check("status: one agent consulted (%s)" % st, st.get("consulted") == 1)
        T.check("cs1 answers", cs1.answer())
        agents_talk(c, ph, cs1)
        r = s.server.call({"op": "consult_complete", "contact": contact})
        T.check("consult_complete: ok (%s)" % r, r is not None and r.get("ok"))
        ph.run(3)
        T.check("sup1 gets the server's BYE", ph.bye_from_server)
        caller_with(c, cs1, CS1_PAYLOAD, "cs1")
        T.check("caller hangs up (BYE answered 200)", c.bye() == 200)
        cs1.run(2)
        T.check("cs1 gets the server's BYE", cs1.bye_from_server)
        handover_recorded(s, num, "sup1", "cs1")


def case_consult_back(s):
    """consultback. cs1 declines (486): the caller is back with sup1; a second consultation,
    answered, then consult_cancel: cs1 BYEd, the caller back with sup1; no supervision meanwhile;
    CDR completed by sup1 without a handover."""
    with consult_call(s) as call:
        if not call:
            return
        num, c, ph, cs1, contact, later = call
        if not consult(s, contact) or not cs1_rings(cs1):
            return
        r = s.server.call({"op": "supervise", "supervisor": "sup2", "agent": "sup1",
                           "mode": "listen"})
        T.check("supervise during a consultation: refused, saying why (%s)" % r,
                r is not None and not r.get("ok") and "consultation" in json.dumps(r))
        T.check("cs1 declines (486, ACKed)", reject(cs1))
        caller_with(c, ph, SUP1_PAYLOAD, "sup1 (after the decline)")
        cs1.close()
        cs1 = T.PyPhone(s.cs1_port)
        later.append(cs1)  # the first one is closed already; this one at the end
        cs1.payload, cs1.keep_heard = CS1_PAYLOAD, True
        st = s.status().get("agents", {})
        T.check("cs1 is ready again (%s)" % st, st.get("consulted", 0) == 0)
        if not consult(s, contact) or not cs1_rings(cs1):
            return
        T.check("cs1 answers", cs1.answer())
        agents_talk(c, ph, cs1)
        r = s.server.call({"op": "consult_cancel", "contact": contact})
        T.check("consult_cancel: ok (%s)" % r, r is not None and r.get("ok"))
        cs1.run(3)
        T.check("cs1 gets the server's BYE", cs1.bye_from_server)
        caller_with(c, ph, SUP1_PAYLOAD, "sup1 (after the cancel)")
        r = s.server.call({"op": "consult_complete", "contact": contact})
        T.check("consult_complete with none going: refused (%s)" % r,
                r is not None and not r.get("ok"))
        T.check("sup1 hangs up (200)", ph.hangup() == 200)
        row = cdr_row(s, num)
        names = agents()
        T.check("store: CDR completed by sup1, no handover (%s)" % row,
                row is not None and row["outcome"] == "completed" and
                names[row["agent"]] == "sup1" and row["handover_ms"] == 0 and
                row["handover_from"] == -1)
        ended = [json.loads(b) for (b,) in store_rows(s, "SELECT body FROM events WHERE type = "
                                                         "'ConsultEnded'")
                 if json.loads(b).get("contact") == contact]
        T.check("store: two ConsultEnded, declined (1) then cancelled (0) (%s)" % ended,
                [e.get("reason") for e in ended] == [1, 0])


def case_consult_hangup(s):
    """consulthangup. cs1 answers the consultation; sup1 hangs up: the call goes to cs1 (audio
    both ways), CDR and call_details carry the handover."""
    with consult_call(s) as call:
        if not call:
            return
        num, c, ph, cs1, contact, later = call
        if not consult(s, contact) or not cs1_rings(cs1):
            return
        T.check("cs1 answers", cs1.answer())
        agents_talk(c, ph, cs1)
        T.check("sup1 hangs up (200)", ph.hangup() == 200)
        caller_with(c, cs1, CS1_PAYLOAD, "cs1")
        T.check("cs1 hangs up (200)", cs1.bye() == 200)
        deadline = time.time() + 3
        while time.time() < deadline and not c.bye_from_server:
            time.sleep(0.05)
        T.check("the caller gets the server's BYE", c.bye_from_server)
        handover_recorded(s, num, "sup1", "cs1")


def case_consult_refer(s):
    """consultrefer. sup1's phone calls cs1 itself (a second dialog from its address): cs1 rings
    with From sup1, the caller hears hold music; answered, sup1 and cs1 talk on that dialog; a
    REFER of the caller's dialog whose Replaces is malformed: 400; naming no dialog of ours: 481;
    naming the consultation's dialog: 202, NOTIFY 200, BYE in both of sup1's dialogs, the caller
    and cs1 hear each other; CDR and call_details carry the handover."""
    with consult_call(s) as call:
        if not call:
            return
        num, c, ph, cs1, contact, later = call
        line = ConsultLine(ph, s.sip_port, SUP1_PAYLOAD)
        later.append(line)
        st = line.invite("cs1")
        T.check("sup1's phone calls cs1 through the server: ringing (%s)" % line.statuses,
                st is not None and 180 <= st < 200)
        if not cs1_rings(cs1):
            return
        T.check("cs1 answers", cs1.answer())
        T.check("sup1's consultation call is answered (200)", line.wait_answer() == 200)
        before = c.snapshot()
        run_all([line, cs1], 4, until=lambda: heard(line, CS1_PAYLOAD) >= 25 and
                heard(cs1, SUP1_PAYLOAD) >= 25)
        got_c = c.snapshot()
        T.check("sup1 (its second call) hears cs1 (%d), cs1 hears sup1 (%d)" %
                (heard(line, CS1_PAYLOAD), heard(cs1, SUP1_PAYLOAD)),
                heard(line, CS1_PAYLOAD) >= 25 and heard(cs1, SUP1_PAYLOAD) >= 25)
        T.check("the caller hears neither, but the hold music (%s -> %s)" % (before, got_c),
                got_c["cs1"] == before["cs1"] and got_c["other"] - before["other"] >= 15)
        where = "sip:cs1@%s:%d" % (LO, s.sip_port)
        status, _, byes = refer(ph, "<%s?Replaces=nonsense>" % where, timeout=3)
        T.check("REFER with a malformed Replaces: 400 (%s), no BYE" % status,
                status == 400 and not byes)
        status, _, byes = refer(ph, "<%s?Replaces=nosuch%%40x%%3Bto-tag%%3D1%%3Bfrom-tag%%3D2>"
                                % where, timeout=3)
        T.check("REFER with Replaces naming no dialog: 481 (%s), no BYE" % status,
                status == 481 and not byes)
        replaces = "%s%%3Bto-tag%%3D%s%%3Bfrom-tag%%3D%s" % (line.call_id.replace("@", "%40"),
                                                            line.remote_tag, line.tag)
        status, frag, byes = refer(ph, "<%s?Replaces=%s>" % (where, replaces), byes=2)
        T.check("REFER with the consultation's Replaces: 202 (%s), NOTIFY 200 (%r)" % (status, frag),
                status == 202 and bool(frag) and frag.startswith("SIP/2.0 200"))
        T.check("  then BYE in both of sup1's dialogs (%s)" % byes,
                len(set(byes)) == 2 and line.call_id in byes)
        caller_with(c, cs1, CS1_PAYLOAD, "cs1")
        T.check("caller hangs up (BYE answered 200)", c.bye() == 200)
        cs1.run(2)
        T.check("cs1 gets the server's BYE", cs1.bye_from_server)
        handover_recorded(s, num, "sup1", "cs1")


def escaped(call_id):
    return call_id.replace("@", "%40")


def case_consult_command_refer(s):
    """consultcmdrefer. A consultation started by command, answered by cs1; sup1's phone, which
    has one dialog (the one it talks to cs1 on), REFERs the caller's call with a Replaces naming
    cs1's dialog with a wrong tag: 481; naming its own dialog: 202, NOTIFY 200, BYE to sup1; the
    caller and cs1 hear each other; CDR and call_details carry the handover."""
    command_refer(s, own=True)


def case_consult_command_refer_target(s):
    """consultcmdrefer2. The same, the Replaces naming cs1's dialog with the server as cs1's
    phone knows it (its Call-ID, cs1's tag and the server's): 202, NOTIFY 200, BYE to sup1; the
    caller and cs1 hear each other; CDR and call_details carry the handover."""
    command_refer(s, own=False)


def command_refer(s, own):
    with consult_call(s) as call:
        if not call:
            return
        num, c, ph, cs1, contact, later = call
        if not consult(s, contact) or not cs1_rings(cs1):
            return
        T.check("cs1 answers", cs1.answer())
        agents_talk(c, ph, cs1)
        where = "sip:cs1@%s:%d" % (LO, s.sip_port)
        cs1_call = cs1.invite[1].get("call-id", "")
        status, _, byes = refer(ph, "<%s?Replaces=%s%%3Bto-tag%%3Dwrong%%3Bfrom-tag%%3Dwrong2>" %
                                (where, escaped(cs1_call)), timeout=3)
        T.check("REFER with Replaces naming cs1's Call-ID with wrong tags: 481 (%s), no BYE" %
                status, status == 481 and not byes)
        h = ph.invite[1]  # the server's INVITE to sup1 (or to cs1): From has the server's tag
        named = ph.ph if own else cs1
        server_tag = re.search(r";\s*tag=([^;>\s]+)", named.invite[1].get("from", ""))
        replaces = "%s%%3Bto-tag%%3D%s%%3Bfrom-tag%%3D%s" % (
            escaped(named.invite[1].get("call-id", "")), server_tag and server_tag.group(1),
            named.tag)
        status, frag, byes = refer(ph, "<%s?Replaces=%s>" % (where, replaces))
        T.check("REFER with Replaces naming %s: 202 (%s), NOTIFY 200 (%r), BYE to sup1 (%s)" %
                ("sup1's own dialog" if own else "cs1's dialog", status, frag, byes),
                status == 202 and bool(frag) and frag.startswith("SIP/2.0 200") and
                byes == [h.get("call-id", "")])
        caller_with(c, cs1, CS1_PAYLOAD, "cs1")
        T.check("caller hangs up (BYE answered 200)", c.bye() == 200)
        cs1.run(2)
        T.check("cs1 gets the server's BYE", cs1.bye_from_server)
        handover_recorded(s, num, "sup1", "cs1")


def cases(module):
    global T
    T = consult_peers.T = transfer_peers.T = module
    return [("consultcmd", case_consult_command), ("consultback", case_consult_back),
            ("consultrefer", case_consult_refer), ("consulthangup", case_consult_hangup),
            ("consultcmdrefer", case_consult_command_refer),
            ("consultcmdrefer2", case_consult_command_refer_target)]
