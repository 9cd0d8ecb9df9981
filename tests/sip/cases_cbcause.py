"""Callbacks in the records, for sip_test.py (which adds cases(module) to its CASES): how many
times the customer was dialled, why the last dial ended, which failures are retried, and the one
case a callback opens.

Cases (both ask with IVR key 8: queue `cbretry`, callback_retries = 2, retry after 1 s; cb1's
phone and the trunk are Python peers):
  cb404     the trunk answers 404 Not Found: the number does not exist, so the callback ends
            callback_unreached at once although two retries were left; the trunk is dialled once
            and cb1 rung once in 3.5 s; CDR callback_attempts 1; call_details callback_attempts
            1, callback_status 404, callback_cause `unreachable`; the log says it is not
            retried; no case for the call.
  cbretryok the trunk is busy (486) at the first dial and answers the second: cb1 talks to the
            customer (it hears the trunk's payload) until the customer hangs up; CDR completed
            by cb1 with callback_attempts 2; call_details 2, 200, `reached`; exactly one case
            for the call, opened by cb1 (none was opened by the first, busy, dial).
"""
import select
import sqlite3
import time

from phone import PyPhone  # noqa: E402 (beside this file)
from siplib import parse  # noqa: E402 (beside this file)

T = None  # the sip_test module, set by cases()

CUSTOMER = bytes([0x66] * 160)  # 20 ms of the customer's audio, told apart by its payload


def query(s, sql, args, until=lambda row: row is not None, timeout=5.0):
    """The first row of `sql` as a dict once `until(row)` holds (polling the store for up to
    `timeout` s), else the last row read (None if there was none)."""
    end = time.time() + timeout
    row = None
    while True:
        try:
            db = sqlite3.connect("file:%s?mode=ro" % s.store, uri=True, timeout=1)
            db.row_factory = sqlite3.Row
            try:
                r = db.execute(sql, args).fetchone()
            finally:
                db.close()
            row = dict(r) if r else None
            if until(row):
                return row
        except sqlite3.Error:
            pass
        if time.time() >= end:
            return row
        time.sleep(0.1)


def records(s, num):
    """(cdr, call_details, number of cases) of the caller's last contact, once its callback's
    outcome is in the call's row."""
    cdr = query(s, "SELECT contact, outcome, callback_attempts FROM cdrs WHERE caller = ? "
                "ORDER BY contact DESC LIMIT 1", (num,))
    detail = query(s, "SELECT callback_attempts, callback_status, callback_cause FROM "
                   "call_details WHERE caller = ? ORDER BY contact DESC LIMIT 1", (num,),
                   until=lambda r: r is not None and r["callback_attempts"] > 0)
    cases = None
    if cdr:
        row = query(s, "SELECT count(*) AS n FROM cases WHERE call_id = ?", (cdr["contact"],))
        cases = row["n"] if row else None
    return cdr, detail, cases


def check_records(s, num, what, attempts, status, cause, cases):
    """The caller's last contact's records: `attempts` in its CDR and call details, the last
    dial's `status` and `cause`, and `cases` cases for it."""
    cdr, detail, n = records(s, num)
    return T.check("store: %s (CDR %s, call details %s, cases %s)" % (what, cdr, detail, n),
                   cdr is not None and cdr["callback_attempts"] == attempts and n == cases and
                   detail == {"callback_attempts": attempts, "callback_status": status,
                              "callback_cause": cause})


class Trunk(PyPhone):
    """The carrier: answers each INVITE as the case says."""

    def refuse(self, code, reason):
        """100, then a final failure; True once it is ACKed."""
        self._response(100, "Trying")
        self._response(code, reason)
        end = time.time() + 3
        while time.time() < end:
            r, _, _ = select.select([self.s], [], [], max(end - time.time(), 0))
            if not r:
                return False
            m = parse(self.s.recvfrom(70000)[0])
            if m and m[0].startswith("ACK "):
                return True
        return False


def rung(ph, timeout):
    """cb1's phone rings and answers; its state from an earlier attempt is cleared first."""
    ph.bye_from_server = False
    return ph.wait_invite(timeout) is not None and ph.answer(ring=0.1)


def case_callback_404(s):
    """cb404. A number the trunk does not know (404) is not retried."""
    check = T.check
    num = s.caller_number()
    if not T.request_callback(s, num, key="8"):
        return
    trunk = Trunk(s.trunk_port)
    ph = PyPhone(s.phone["cb1"])
    try:
        check("cb1 becomes ready", s.make_ready("cb1"))
        check("cb1's phone rings and answers", rung(ph, 5))
        inv = trunk.wait_invite(5)
        if not check("the trunk is dialled", inv is not None):
            return
        check("trunk: 404 Not Found, ACKed", trunk.refuse(404, "Not Found"))
        ph.run(3, until=lambda p: p.bye_from_server)
        check("cb1: the server hangs up after the 404", ph.bye_from_server)
        # Two retries were left, 1 s apart: a retry would ring cb1 and dial the trunk again.
        again_phone = ph.wait_invite(3.5)
        again_trunk = trunk.wait_invite(0.1)
        check("no second dial: cb1 not rung again, the trunk not dialled again in 3.5 s",
              again_phone is None and again_trunk is None)
        cdr, detail, cases = records(s, num)
        check("store: CDR callback_unreached, by cb1, 1 attempt (%s)" % cdr,
              s.cdr(num) == ("callback_unreached", "cb1") and cdr is not None and
              cdr["callback_attempts"] == 1)
        check("store: call_details: 1 attempt, status 404, cause unreachable (%s)" % detail,
              detail == {"callback_attempts": 1, "callback_status": 404,
                         "callback_cause": "unreachable"})
        check("no case for a callback that reached nobody (%s)" % cases, cases == 0)
        check("the server logged that the number is not retried",
              bool(s.log_lines("the number cannot be reached, not retried")))
    finally:
        ph.close()
        trunk.close()
        s.server.call({"op": "logout", "agent": "cb1"})


def case_callback_retry_reached(s):
    """cbretryok. Busy, then answered at the retry: two attempts, one case."""
    check = T.check
    num = s.caller_number()
    if not T.request_callback(s, num, key="8"):
        return
    trunk = Trunk(s.trunk_port)
    ph = PyPhone(s.phone["cb1"])
    try:
        check("cb1 becomes ready", s.make_ready("cb1"))
        check("first attempt: cb1's phone rings and answers", rung(ph, 5))
        check("first attempt: the trunk is dialled", trunk.wait_invite(5) is not None)
        check("first attempt: 486 Busy Here, ACKed", trunk.refuse(486, "Busy Here"))
        ph.run(3, until=lambda p: p.bye_from_server)
        check("first attempt: the server hangs cb1 up", ph.bye_from_server)
        check("second attempt: cb1's phone rings again and answers", rung(ph, 5))
        if not check("second attempt: the trunk is dialled again", trunk.wait_invite(5)
                     is not None):
            return
        trunk.payload = CUSTOMER
        check("second attempt: the customer answers (200, ACK)", trunk.answer(ring=0.1))
        ph.keep_heard = True
        end = time.time() + 1.5
        while time.time() < end:  # both talk: each sends its RTP, cb1 counts the customer's
            trunk.run(0.05)
            ph.run(0.05)
        heard = sum(1 for _, p in ph.heard if p == CUSTOMER)
        check("cb1 hears the customer across the bridge (%d packets)" % heard, heard >= 20)
        check("the customer hangs up (BYE answered 200)", trunk.bye() == 200)
        ph.run(3, until=lambda p: p.bye_from_server)
        check("cb1: the server hangs up", ph.bye_from_server)
        cdr, detail, cases = records(s, num)
        check("store: CDR completed by cb1, 2 attempts (%s)" % cdr,
              s.cdr(num) == ("completed", "cb1") and cdr is not None and
              cdr["callback_attempts"] == 2)
        check("store: call_details: 2 attempts, status 200, cause reached (%s)" % detail,
              detail == {"callback_attempts": 2, "callback_status": 200,
                         "callback_cause": "reached"})
        opened_by = query(s, "SELECT opened_by FROM cases WHERE call_id = ?",
                          (cdr["contact"] if cdr else -1,))
        check("exactly one case for the call (%s), opened by cb1 (%s)" % (cases, opened_by),
              cases == 1 and opened_by == {"opened_by": "cb1"})
    finally:
        ph.close()
        trunk.close()
        s.server.call({"op": "logout", "agent": "cb1"})


def cases(module):
    global T
    T = module
    return [("cb404", case_callback_404), ("cbretryok", case_callback_retry_reached)]
