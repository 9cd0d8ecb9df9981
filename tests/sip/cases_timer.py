"""SIP cases for session timers (RFC 4028) and a PRACK that never comes (RFC 3262), on a server
of their own (session_expires = 90s, the RFC's smallest Min-SE): started first by sip_test.py
(EARLY), checked at the end of the suite (BACKGROUND), since the session takes 81 s to expire.
Uses cases_hold's peers and its binding to sip_test (cases_hold.T)."""
import os
import re
import select
import socket
import sqlite3
import threading
import time

import cases_hold as H
from cases_hold import LO, Caller, HoldPhone, sdp
from siplib import free_port, parse, status_of  # noqa: E402 (beside this file)


def timer_config(tmp, sip_port, phone_port):
    path = os.path.join(tmp, "timer.toml")
    with open(path, "w") as f:
        f.write("""[[queue]]
name = "t"
offer_timeout = "5s"
wrap_up = "0s"
[[queue]]
name = "w"
[[agent]]
name = "t1"
queues = { t = 1 }
[sip]
listen = "127.0.0.1"
port = %d
rtp_address = "127.0.0.1"
rtp_ports = "%s"
hold_music = "%s"
qualify_every = "0"
no_rtp_timeout = "300s"
session_expires = "90s"
[[trunk]]
name = "loopback"
allow = ["127.0.0.1"]
[[number]]
number = "t"
queue = "t"
[[number]]
number = "w"
queue = "w"
[[phone]]
agent = "t1"
contact = "sip:t1@127.0.0.1:%d"
ready = true
""" % (sip_port, H.T.RTP_PORTS, H.T.HOLD_MUSIC, phone_port))
    return path


def cdr_of(db, num):
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
        try:
            return c.execute("SELECT outcome, agent FROM cdrs WHERE caller = ?",
                             (num,)).fetchone()
        finally:
            c.close()
    except sqlite3.Error:
        return None


def watch(st, caller, ph):
    end = st["t0"] + 95
    while time.time() < end and (st["t_bye"] is None or st["t_phone"] is None):
        r, _, _ = select.select([caller.p.s, ph.s], [], [], 0.2)
        if caller.p.s in r:
            caller.on_sip()
            if caller.bye_from_server and st["t_bye"] is None:
                st["t_bye"] = time.time() - st["t0"]
        if ph.s in r:
            m = parse(ph.s.recvfrom(70000)[0])
            if m:
                ph.on_request(m)
                if ph.bye_from_server and st["t_phone"] is None:
                    st["t_phone"] = time.time() - st["t0"]


def case_timer_start(s):
    """26 (start). Session timers and PRACK time-outs, on a server of its own (session_expires =
    90s): a Session-Expires of 30 gets 422 with Min-SE 90; a caller (Session-Expires 90,
    refresher=uac) bridged to agent t1 never refreshes; a caller with Require: 100rel never
    PRACKs. Checked at the end of the suite (timer: finish)."""
    tmp = os.path.join(s.tmp, "timer")
    os.makedirs(tmp, exist_ok=True)
    sip_port, phone_port = free_port(tcp_too=True), free_port()
    server = H.T.Server(s.binary, tmp, timer_config(tmp, sip_port, phone_port),
                      os.path.join(tmp, "t.db"))
    st = {"server": server, "tmp": tmp, "db": os.path.join(tmp, "t.db")}
    s.timer = st
    end = time.time() + 10
    while time.time() < end and server.alive() and H.T.options_ok(sip_port, 0.3) != 200:
        time.sleep(0.05)
    if not H.T.check("timer server answers OPTIONS", server.alive()):
        return

    class Port:  # what Caller needs of the suite
        pass
    port = Port()
    port.sip_port = sip_port
    short = Caller(port, "0611000001", "t", extra=["Supported: timer", "Session-Expires: 30"])
    r = short.call()
    H.T.check("Session-Expires 30 (< Min-SE): 422 with Min-SE: 90",
            r is not None and status_of(r[0]) == 422 and r[1].get("min-se", "").startswith("90"),
            r and (r[0], r[1].get("min-se")))
    if r is not None and status_of(r[0]) >= 300:
        short.p.send(short.p.request("ACK", "t", 1, caller=short.num, to_tag=H.T.to_tag(r)))
    short.close()

    ph = HoldPhone(phone_port)
    st["phone"] = ph
    caller = Caller(port, "0611000002", "t", extra=["Supported: timer",
                                                    "Session-Expires: 90;refresher=uac",
                                                    "Min-SE: 90"])
    st["caller"] = caller
    ok = caller.call()
    H.T.check("timer caller: 200 with Session-Expires: 90;refresher=uac and Require: timer",
            ok is not None and status_of(ok[0]) == 200 and
            re.match(r"90\s*;\s*refresher=uac", ok[1].get("session-expires", "")) is not None and
            "timer" in ok[1].get("require", ""), ok and (ok[0], ok[1].get("session-expires")))
    st["t0"] = time.time()
    inv = ph.wait_invite(5)
    H.T.check("t1's phone rings with Session-Expires and Supported: timer",
            inv is not None and inv[1].get("session-expires", "").startswith("90") and
            "timer" in inv[1].get("supported", ""), inv and (inv[1].get("session-expires"),
                                                             inv[1].get("supported")))
    if inv is not None:
        if H.T.check("t1 answers (200, ACK)", ph.answer(ring=0.1)):
            # Both peers are served while the rest of the suite runs: the phone answers the
            # server's refreshing UPDATEs (else its own leg's refresh would time out first), and
            # the time of each BYE is taken when it comes.
            st["t_bye"] = st["t_phone"] = None
            st["watch"] = threading.Thread(target=watch, args=(st, caller, ph), daemon=True)
            st["watch"].start()

    noprack = H.T.PySip(sip_port)
    st["noprack"] = noprack
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind((LO, 0))
    st["noprack_rtp"] = rtp
    noprack.send(noprack.request("INVITE", "w", 1, caller="0611000003",
                                 body=sdp(rtp.getsockname()[1]), ctype="application/sdp",
                                 extra=["Require: 100rel", "Supported: 100rel"]))
    first = noprack.recv(5, lambda m: status_of(m[0]) == 183)
    st["prack_t0"] = time.time()
    H.T.check("no-PRACK caller: a reliable 183 (Require: 100rel, RSeq)",
            first is not None and "100rel" in first[1].get("require", "") and
            first[1].get("rseq", "").isdigit(), first and first[0])


def case_timer_finish(s):
    """26 (finish). Within 70-92 s of the 200 the server BYEs the caller who did not refresh
    (Reason 408) and then t1's phone (which answered the server's refreshing UPDATEs); the CDR
    is completed by t1; the no-PRACK caller's INVITE ended (a final response) within 40 s and
    its contact abandoned; the timer server stops cleanly."""
    st = getattr(s, "timer", None)
    if not st:
        return
    server, caller, ph = st["server"], st.get("caller"), st.get("phone")
    try:
        if caller and ph and "watch" in st:
            st["watch"].join(max(st["t0"] + 96 - time.time(), 0.1))
            t_bye, t_phone = st["t_bye"], st["t_phone"]
            print("     session timer: caller BYE at %s s, phone BYE at %s s, %d UPDATEs to the "
                  "phone" % (t_bye and "%.1f" % t_bye, t_phone and "%.1f" % t_phone, ph.updates),
                  flush=True)
            reason = caller.bye_msg[1].get("reason", "") if caller.bye_msg else ""
            H.T.check("the caller who did not refresh gets the server's BYE 70-92 s in, Reason 408",
                    t_bye is not None and 70 <= t_bye <= 92 and "408" in reason,
                    (t_bye, reason))
            H.T.check("  and so does t1's phone, at most 3 s later (its refreshes were answered: "
                    "%d UPDATEs)" % ph.updates, t_bye is not None and t_phone is not None and
                    t_phone - t_bye <= 3 and ph.updates >= 1, (t_bye, t_phone))
            end = time.time() + 5
            row = cdr_of(st["db"], caller.num)
            while time.time() < end and not (row and row[0]):
                time.sleep(0.1)
                row = cdr_of(st["db"], caller.num)
            H.T.check("store: the timed-out call ended completed by t1 (%s)" % (row,),
                    row is not None and row[0] == "completed" and row[1] == 0)
            try:
                with open(os.path.join(st["tmp"], "server.log"), errors="replace") as f:
                    log = f.read()
            except OSError:
                log = ""
            H.T.check("  the server logged the expired session and its cause",
                    "telephony: session expired" in log and "did not refresh" in log)
        noprack = st.get("noprack")
        if noprack and "prack_t0" in st:
            # Read what is buffered too: the session timer's wait is longer than these 40 s.
            final, end = None, st["prack_t0"] + 40
            while final is None:
                m = noprack.recv(0.3, lambda m: (status_of(m[0]) or 0) >= 200)
                if m:
                    final = m
                elif time.time() >= end:
                    break
            H.T.check("no-PRACK: the INVITE got a final response within 40 s (%s)" %
                    (final and final[0]), final is not None and status_of(final[0]) >= 300)
            if final is not None:
                noprack.send(noprack.request("ACK", "w", 1, caller="0611000003",
                                             to_tag=H.T.to_tag(final)))
            end, row = time.time() + 5, None
            while time.time() < end and not (row and row[0]):
                row = cdr_of(st["db"], "0611000003")
                time.sleep(0.1)
            H.T.check("  and its contact ended abandoned (%s)" % (row,),
                    row is not None and row[0] == "abandoned")
    finally:
        for k in ("caller", "phone", "noprack"):
            if st.get(k):
                st[k].close()
        if st.get("noprack_rtp"):
            st["noprack_rtp"].close()
        rc = server.stop()
    H.T.check("the timer server stops cleanly (exit %s)" % rc, rc == 0)


# The timer case runs first (its checks wait about 85 s, while the rest of the suite runs).
EARLY = [("timer", case_timer_start)]
# Cases whose checks end after the rest of the suite: (name, finish), run by sip_test.main.
BACKGROUND = [("timer", case_timer_finish)]
