"""Blind transfers and digest authentication of calls from trunks, for sip_test.py (which imports
this file, adds toml(s) to its configuration and cases(module) to its CASES).

Configuration added: queue `xfer` (number `xfer`) with agent `xf1` (a static Python phone,
logged out until a case readies it); `[sip.transfer] allow = ["0700*"]` through the callback
trunk `carrier` (SIPp, challenges; 0700123456 -> +33700123456, caller-ID its from_number);
trunk `secure`: calls from 127.0.0.4 must authenticate as `sbcarrier` (HA1 in the file).

Cases:
  xferqueue   sup1's phone REFERs the caller to `xfer`: 202, NOTIFY "SIP/2.0 200 OK", BYE to sup1;
              xf1 rings with the caller's number, answers, audio crosses both ways (the caller
              reflects xf1's RTP); the store has the ContactMoved (transfer) and the CDR
              completed by xf1.
  xferout     sup1 REFERs to 0700123456: the trunk gets INVITE To +33700123456 From +33180000000
              (challenged, digest right), answers; the caller's RTP comes back echoed through the
              trunk; CDR transferred_out by sup1; the caller's BYE ends the trunk's leg.
  xferback    sup1 REFERs to 0700123456 and the trunk answers 407, then 486: the caller is not
              hung up but goes back to `support` as a new contact (hold music meanwhile), sup1
              (ready again) is offered it with the caller's number, answers, audio crosses; CDRs
              transferred_out then completed, both by sup1; two call_details rows of the one
              SIP call, the first ended by the agent (transferred_out).
  xferrefused REFER to 0612345678 and to 0800999999 (neither ours nor allowed): 403 each, the
              call stays up (audio still crosses), sup1 hangs up: CDR completed by sup1.
  xfercmd     the `transfer` command: a number not allowed is refused (reply error, call stays),
              then `queue: xfer` moves the connected caller: sup1 gets BYE, xf1 answers.
  xferivr     sup1 REFERs to 0800100200, our number of IVR menu `xmenu` (not in the allow-list,
              no trunk running): 202, NOTIFY, BYE; the caller hears the menu's prompt, presses 1
              (RFC 4733) and reaches xf1 in queue `xfer`: audio both ways; CDRs transferred_out by
              sup1, then completed by xf1; two call_details rows of one SIP call, the first ended
              by the agent (`transferred`), the second by the caller.
  xfernumber  the `transfer` command with `number` 0800100300, our number of queue `xfer`: the
              same move as a REFER to it (one contact, ContactMoved transfer), xf1 answers.
  trunkauth   INVITE from 127.0.0.4 without credentials -> 401 with a Digest challenge; a wrong
              password -> 403, logged with the user; the right one -> 200, routed into `hold`
              (CDR abandoned after the BYE); 127.0.0.2 still gets 403 (no trunk covers it).
"""
import contextlib
import hashlib
import json
import random
import re
import time

import transfer_peers  # noqa: E402 (beside this file)
from transfer_peers import (Caller, events_of, last_cdr, ready, store_rows,  # noqa: E402
                            connected_to_sup1 as connect)

T = None  # the sip_test module (check, PySip, Suite helpers), set by cases()

LO = "127.0.0.1"
AUTH_SOURCE = "127.0.0.4"  # 127.0.0.3 is the register case's scanner, blocked for a minute
TRUNK_IN_USER, TRUNK_IN_PASSWORD = "sbcarrier", "in-Secret.7"
OUT_NUMBER, OUT_DIALLED = "0700123456", "+33700123456"
IVR_NUMBER, QUEUE_NUMBER = "0800100200", "0800100300"  # our own numbers: menu xmenu, queue xfer


def toml(s):
    s.xf1_port = T.free_port()
    ha1 = hashlib.md5(("%s:%s:%s" % (TRUNK_IN_USER, T.REALM, TRUNK_IN_PASSWORD)).encode())
    return """
[[queue]]
name = "xfer"
strategy = "longest_idle"
offer_timeout = "5s"
wrap_up = "0s"
[[agent]]
name = "xf1"
queues = { xfer = 1 }
[[trunk]]
name = "secure"
allow = ["%s"]
inbound_user = "%s"
inbound_ha1 = "%s"
[[number]]
number = "xfer"
queue = "xfer"
[[number]]
number = "%s"
ivr = "xmenu"
[[number]]
number = "%s"
queue = "xfer"
[[sip.ivr]]
name = "xmenu"
prompt = ["vm-press.wav"]
timeout = "3s"
retries = 2
choices = { "1" = { queue = "xfer" } }
[[phone]]
agent = "xf1"
contact = "sip:xf1@127.0.0.1:%d"
ready = false
[sip.transfer]
allow = ["0700*"]
""" % (AUTH_SOURCE, TRUNK_IN_USER, ha1.hexdigest(), IVR_NUMBER, QUEUE_NUMBER, s.xf1_port)


# --- helpers ----------------------------------------------------------------------------------


def cdr_of(s, num, timeout=5.0):
    """(outcome, agent name) of the caller's last contact once ended (xf1 included)."""
    agents = T.AGENTS + ["xf1"]
    row = last_cdr(s, num, timeout)
    if not row:
        return None
    a = row["agent"]
    return row["outcome"], agents[a] if a is not None and 0 <= a < len(agents) else None


@contextlib.contextmanager
def sup1_call(s, num, reflect, xf1=False):
    """Each case's set-up: a caller `num` into `support` answered by sup1's Python phone, and
    xf1's phone when asked. Yields (caller, sup1's phone, contact[, xf1's phone]) or None; closes
    them at the end (and logs xf1 out)."""
    c = Caller(s, num)
    got = connect(s, c, reflect)
    if not got:
        yield None
        return
    ph, contact = got
    phone = T.PyPhone(s.xf1_port) if xf1 else None
    try:
        yield (c, ph, contact, phone) if xf1 else (c, ph, contact)
    finally:
        c.close()
        ph.close()
        if phone:
            phone.close()
            s.server.call({"op": "logout", "agent": "xf1"})


def refer_accepted(ph, target):
    """sup1's phone REFERs to `target`: 202, NOTIFY "SIP/2.0 200 OK", then the server's BYE."""
    status, frag, bye = ph.refer(target)
    return T.check("REFER to %s: 202, NOTIFY 200, BYE to sup1 (%s %r %s)" % (target, status, frag,
                                                                              bye),
                   status == 202 and bool(frag) and frag.startswith("SIP/2.0 200") and bye)


def two_contacts(s, num):
    """The caller's CDRs [(outcome, agent id)] and call_details [(call_id, ended_by, cause,
    agent)] in contact order, once two of each are stored (or 8 s have passed)."""
    end = time.time() + 5
    cdrs, details = [], []
    while time.time() < end:
        cdrs = store_rows(s, "SELECT outcome, agent FROM cdrs WHERE caller = ? ORDER BY "
                             "contact", (num,))
        if len(cdrs) == 2 and cdrs[1][0]:
            break
        time.sleep(0.1)
    while time.time() < end + 3:
        details = store_rows(s, "SELECT call_id, ended_by, cause, agent FROM call_details "
                                "WHERE caller = ? ORDER BY contact", (num,))
        if len(details) == 2:
            break
        time.sleep(0.1)
    return cdrs, details


def ready_xf1(s):
    return ready(s, "xf1", s.xf1_port)


def xf1_takes_it(s, num, ph_xf1):
    """xf1's phone rings with the caller's number, answers, and hears its own audio back."""
    inv = ph_xf1.wait_invite(6)
    if not T.check("xf1's phone rings with the caller's number in From", inv is not None and
                   ph_xf1.from_header().startswith("<sip:%s@" % num),
                   inv and ph_xf1.from_header()):
        return False
    T.check("xf1 answers", ph_xf1.answer())
    ph_xf1.run(4, until=lambda p: p.echoed >= 25)
    return T.check("audio crosses the new bridge both ways (%d of xf1's packets came back)" %
                   ph_xf1.echoed, ph_xf1.echoed >= 25)


# --- cases ------------------------------------------------------------------------------------


def case_refer_queue(s):
    """xferqueue. sup1's phone REFERs the caller to number `xfer` (queue xfer): 202, NOTIFY with
    "SIP/2.0 200 OK", BYE to sup1; xf1 rings, answers, audio crosses; the events show the transfer."""
    num = s.caller_number()
    with sup1_call(s, num, reflect=True, xf1=True) as call:
        if not call:
            return
        c, ph, contact, xf1 = call
        ph.run(3, until=lambda p: p.echoed >= 10)
        T.check("before: sup1 hears its own audio back through the caller (%d)" % ph.echoed,
                ph.echoed >= 10)
        T.check("xf1 becomes ready", ready_xf1(s))
        status, frag, bye = ph.refer("xfer")
        T.check("REFER to xfer: 202 Accepted (%s)" % status, status == 202)
        T.check("  NOTIFY message/sipfrag \"SIP/2.0 200 OK\" (%r)" % (frag,),
                bool(frag) and frag.startswith("SIP/2.0 200"))
        T.check("  then the server hangs up sup1 (BYE)", bye)
        xf1_takes_it(s, num, xf1)
        moved = events_of(s, contact, "ContactMoved")
        T.check("store: ContactMoved reason transfer (4), agent sup1 (%s)" % moved,
                len(moved) == 1 and moved[0].get("reason") == 4 and
                moved[0].get("agent") == T.AGENTS.index("sup1"))
        T.check("caller hangs up (BYE answered 200)", c.bye() == 200)
        xf1.run(2)
        T.check("xf1 gets the server's BYE", xf1.bye_from_server)
        T.check("store: completed by xf1", cdr_of(s, num) == ("completed", "xf1"),
                cdr_of(s, num, 0.1))


def case_refer_out(s):
    """xferout. sup1 REFERs to 0700123456: the trunk gets INVITE To +33700123456 From the trunk's
    caller-ID (challenged, digest right) and answers; the caller's audio comes back echoed through
    it; CDR transferred_out by sup1; the caller's BYE ends the trunk's call."""
    num = s.caller_number()
    tr = T.trunk(s, "uas_trunk_answer.xml")
    with sup1_call(s, num, reflect=False) as call:
        if not call:
            return
        c, ph, contact = call
        refer_accepted(ph, OUT_NUMBER)
        T.check("store: the contact ended transferred_out by sup1",
                cdr_of(s, num) == ("transferred_out", "sup1"), cdr_of(s, num, 0.1))
        end = time.time() + 6
        while time.time() < end and c.echoed < 25:
            time.sleep(0.05)
        T.check("the caller's audio comes back through the trunk (%d echoed, %d other)" %
                (c.echoed, c.other), c.echoed >= 25)
        T.check("trunk: From %s, To %s, challenged, digest accepted" % (T.TRUNK_FROM, OUT_DIALLED),
                tr.has("FROM=%s TO=%s" % (T.TRUNK_FROM, OUT_DIALLED)) and tr.has("CHALLENGED") and
                tr.has("AUTH-OK user=%s" % T.TRUNK_USER), tr.describe())
        T.check("caller hangs up (BYE answered 200)", c.bye() == 200)
        rc = tr.wait(5)
        T.check("trunk: connected, then the server's BYE (exit 0)",
                rc == 0 and tr.has("CONNECTED") and tr.has("BYE-FROM-SERVER"), tr.describe())


def case_refer_back(s):
    """xferback. A transfer out the far end refuses (486) returns the caller to its queue."""
    num = s.caller_number()
    tr = T.trunk(s, "uas_trunk_busy.xml")
    with sup1_call(s, num, reflect=True) as call:
        if not call:
            return
        c, ph, contact = call
        refer_accepted(ph, OUT_NUMBER)
        rc = tr.wait(6)
        T.check("trunk: dialled, 486 ACKed (exit 0)", rc == 0 and tr.has("BUSY-ACKED"),
                tr.describe())
        inv = ph.wait_invite(6)
        T.check("sup1's phone rings again with the caller's number (the caller came back)",
                inv is not None and ph.from_header().startswith("<sip:%s@" % num),
                inv and ph.from_header())
        T.check("the caller was not hung up", not c.bye_from_server)
        if inv is not None:
            T.check("sup1 answers", ph.answer())
            ph.ph.bye_from_server = False  # that was the first call's; this is a new one
            before = ph.echoed
            ph.run(4, until=lambda p: p.echoed - before >= 25)
            T.check("audio crosses the new bridge (%d of sup1's packets came back)" %
                    (ph.echoed - before), ph.echoed - before >= 25)
        T.check("caller hangs up (BYE answered 200)", c.bye() == 200)
        ph.run(2, until=lambda p: p.bye_from_server)
        sup1 = T.AGENTS.index("sup1")
        cdrs, details = two_contacts(s, num)
        T.check("store: two contacts, transferred_out then completed, both by sup1 (%s)" % cdrs,
                cdrs == [("transferred_out", sup1), ("completed", sup1)])
        T.check("call_details: two rows of one SIP call, the first ended by the agent "
                "(transferred_out) (%s)" % details,
                len(details) == 2 and details[0][0] == details[1][0] and
                details[0][1:3] == ("agent", "transferred_out") and
                details[1][1:3] == ("caller", "bye"))
        T.check("the return is logged", bool(s.log_lines("the caller goes back to its queue")))


def case_refer_refused(s):
    """xferrefused. REFER to 0612345678 and 0800999999 (not in [sip.transfer] allow, no number of
    ours): 403 each; the call stays up, audio still crosses; sup1 hangs up: CDR completed by sup1."""
    num = s.caller_number()
    with sup1_call(s, num, reflect=True) as call:
        if not call:
            return
        c, ph, contact = call
        for target in ("0612345678", "0800999999"):
            status, _, bye = ph.refer(target, timeout=3)
            T.check("REFER to %s: 403 (%s), no BYE" % (target, status), status == 403 and not bye)
        ph.run(3, until=lambda p: p.echoed >= 10)
        T.check("the call is still up: sup1's audio still comes back (%d)" % ph.echoed,
                ph.echoed >= 10)
        T.check("the refusal is logged", bool(s.log_lines("transfer refused")))
        T.check("sup1 hangs up (200)", ph.hangup() == 200)
        T.check("store: completed by sup1", cdr_of(s, num) == ("completed", "sup1"),
                cdr_of(s, num, 0.1))


def case_transfer_command(s):
    """xfercmd. The control `transfer` command on a SIP call in progress: a number not allowed is
    refused and the call stays; `queue: xfer` moves it: sup1 gets BYE, xf1 answers."""
    num = s.caller_number()
    with sup1_call(s, num, reflect=True, xf1=True) as call:
        if not call:
            return
        c, ph, contact, xf1 = call
        T.check("the caller's contact is known (%s)" % contact, contact is not None)
        r = s.server.call({"op": "transfer", "contact": contact, "number": "0612345678"})
        T.check("transfer to a number not allowed: refused (%s)" % r,
                r is not None and not r.get("ok") and "allowed" in json.dumps(r))
        r = s.server.call({"op": "transfer", "contact": contact, "queue": "xfer",
                           "number": OUT_NUMBER})
        T.check("queue and number together: refused at the front door (%s)" % r,
                r is not None and not r.get("ok"))
        ph.run(2, until=lambda p: p.echoed >= 10)
        T.check("  the call stays up (%d echoed)" % ph.echoed, ph.echoed >= 10 and
                not ph.bye_from_server)
        T.check("xf1 becomes ready", ready_xf1(s))
        r = s.server.call({"op": "transfer", "contact": contact, "queue": "xfer"})
        T.check("transfer to queue xfer: ok (%s)" % r, r is not None and r.get("ok"))
        ph.run(3)
        T.check("sup1 gets the server's BYE", ph.bye_from_server)
        xf1_takes_it(s, num, xf1)
        T.check("caller hangs up (BYE answered 200)", c.bye() == 200)
        xf1.run(2)  # the server's BYE answered here, not retransmitted to the next case's phone
        T.check("xf1 gets the server's BYE", xf1.bye_from_server)
        T.check("store: completed by xf1", cdr_of(s, num) == ("completed", "xf1"),
                cdr_of(s, num, 0.1))


def case_refer_ivr(s):
    """xferivr. sup1 REFERs the caller to 0800100200, our number of menu `xmenu`: 202, NOTIFY, BYE;
    no trunk leg (0800* is not allowed out, no trunk runs): the caller hears the menu's prompt,
    presses 1 and reaches xf1 in `xfer`, audio both ways; two contacts of one SIP call."""
    num = s.caller_number()
    with sup1_call(s, num, reflect=True, xf1=True) as call:
        if not call:
            return
        c, ph, contact, xf1 = call
        T.check("xf1 becomes ready", ready_xf1(s))
        marks = len(c.markers)
        refer_accepted(ph, IVR_NUMBER)
        end = time.time() + 3
        while time.time() < end and len(c.markers) == marks:
            time.sleep(0.05)
        T.check("the caller hears a new playout: the menu's prompt (%d markers)" %
                (len(c.markers) - marks), len(c.markers) > marks)
        T.check("  logged as entering our number",
                bool(s.log_lines("the caller enters it as a new contact")))
        T.check("xf1 is not offered before the key", xf1.wait_invite(0.5) is None)
        c.key("1")
        xf1_takes_it(s, num, xf1)
        T.check("the caller was not hung up", not c.bye_from_server)
        T.check("caller hangs up (BYE answered 200)", c.bye() == 200)
        xf1.run(2)
        T.check("xf1 gets the server's BYE", xf1.bye_from_server)
        sup1, xf1_id = T.AGENTS.index("sup1"), len(T.AGENTS)
        cdrs, details = two_contacts(s, num)
        T.check("store: two contacts, transferred_out by sup1, then completed by xf1 (%s)" % cdrs,
                cdrs == [("transferred_out", sup1), ("completed", xf1_id)])
        T.check("call_details: two rows of one SIP call, the first sup1's ended by the agent "
                "(transferred), the second xf1's by the caller (%s)" % details,
                len(details) == 2 and details[0][0] == details[1][0] and
                details[0][1:] == ("agent", "transferred", "sup1") and
                details[1][1:] == ("caller", "bye", "xf1"))


def case_transfer_number(s):
    """xfernumber. The `transfer` command to 0800100300, our number of queue `xfer`: the same move
    as a REFER to it (ContactMoved transfer, one contact): sup1 BYEd, xf1 answers."""
    num = s.caller_number()
    with sup1_call(s, num, reflect=True, xf1=True) as call:
        if not call:
            return
        c, ph, contact, xf1 = call
        T.check("xf1 becomes ready", ready_xf1(s))
        r = s.server.call({"op": "transfer", "contact": contact, "number": QUEUE_NUMBER})
        T.check("transfer to number %s: ok (%s)" % (QUEUE_NUMBER, r), r is not None and r.get("ok"))
        ph.run(3)
        T.check("sup1 gets the server's BYE", ph.bye_from_server)
        xf1_takes_it(s, num, xf1)
        moved = events_of(s, contact, "ContactMoved")
        T.check("store: ContactMoved reason transfer (4), agent sup1 (%s)" % moved,
                len(moved) == 1 and moved[0].get("reason") == 4 and
                moved[0].get("agent") == T.AGENTS.index("sup1"))
        T.check("caller hangs up (BYE answered 200)", c.bye() == 200)
        xf1.run(2)
        T.check("store: one contact, completed by xf1", cdr_of(s, num) == ("completed", "xf1") and
                len(store_rows(s, "SELECT 1 FROM cdrs WHERE caller = ?", (num,))) == 1,
                cdr_of(s, num, 0.1))


def authorization(challenge, user, password, uri):
    f = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    md5 = lambda t: hashlib.md5(t.encode()).hexdigest()  # noqa: E731
    ha1 = md5("%s:%s:%s" % (user, f.get("realm", ""), password))
    ha2 = md5("INVITE:%s" % uri)
    cnonce, nc = "%08x" % random.randrange(2**32), "00000001"
    resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, f.get("nonce", ""), nc, cnonce, ha2))
    return ('Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=MD5, qop=auth, nc=%s, cnonce="%s"' %
            (user, f.get("realm", ""), f.get("nonce", ""), uri, resp, nc, cnonce))


def logged(s):
    return any("user=" + TRUNK_IN_USER in ln and "from=" + AUTH_SOURCE in ln
               for ln in s.log_lines("failed digest authentication"))


def case_trunk_auth(s):
    """trunkauth. Calls from the `secure` trunk (127.0.0.4) authenticate by digest: none -> 401
    with a challenge; a wrong password -> 403, logged; the right one -> 200, routed into `hold`;
    127.0.0.2 (no trunk) still 403."""
    num = s.caller_number()
    c = Caller(s, num, dialled="hold", ip=AUTH_SOURCE)
    uri = "sip:hold@%s:%d" % (LO, s.sip_port)
    try:
        first = c.invite()
        challenge = first[1].get("www-authenticate", "") if first else ""
        T.check("no credentials: 401 with a Digest challenge, realm %s (%s)" % (T.REALM,
                                                                                first and first[0]),
                first is not None and T.status_of(first[0]) == 401 and
                challenge.startswith("Digest ") and 'realm="%s"' % T.REALM in challenge and
                "nonce=" in challenge)
        if not challenge:
            return
        c.ack_failure(first, 1)
        bad = c.invite(extra=[authorization(challenge, TRUNK_IN_USER, "wrong", uri)], cseq=2)
        T.check("a wrong password: 403 (%s)" % (bad and bad[0]),
                bad is not None and T.status_of(bad[0]) == 403)
        if bad:
            c.ack_failure(bad, 2)
        end = time.time() + 2  # the log line is written by the control thread, soon after
        while time.time() < end and not logged(s):
            time.sleep(0.05)
        T.check("  logged with the user", logged(s))
        good = c.invite(extra=[authorization(challenge, TRUNK_IN_USER, TRUNK_IN_PASSWORD, uri)],
                        cseq=3)
        T.check("the right password: 200 (%s)" % (good and good[0]),
                good is not None and T.status_of(good[0]) == 200)
        if good and T.status_of(good[0]) == 200:
            c.tag = T.to_tag(good)
            c.p.send(c.p.request("ACK", "hold", 3, caller=num, to_tag=c.tag))
            time.sleep(0.5)
            rows = store_rows(s, "SELECT count(*) FROM events WHERE type = 'ContactQueued'")
            T.check("  the call is routed (queued)", rows and rows[0][0] > 0)
            c.p.send(c.p.request("BYE", "hold", 4, caller=num, to_tag=c.tag))
            T.check("  BYE answered 200", c.p.recv(3, T.final_for("BYE")) is not None)
            T.check("store: abandoned in hold", cdr_of(s, num) == ("abandoned", None),
                    cdr_of(s, num, 0.1))
        other = Caller(s, s.caller_number(), dialled="hold", ip="127.0.0.2")
        try:
            r = other.invite()
            T.check("127.0.0.2 (no trunk): still 403 (%s)" % (r and r[0]),
                    r is not None and T.status_of(r[0]) == 403)
        finally:
            other.close()
    finally:
        c.close()


def cases(module):
    global T
    T = transfer_peers.T = module
    return [("xferqueue", case_refer_queue), ("xferout", case_refer_out),
            ("xferback", case_refer_back), ("xferrefused", case_refer_refused),
            ("xfercmd", case_transfer_command), ("xferivr", case_refer_ivr),
            ("xfernumber", case_transfer_number), ("trunkauth", case_trunk_auth)]
