#!/usr/bin/env python3
"""SRTP end to end with a real softphone: baresip is agent alice's phone with SRTP mandatory
(its `srtp` module, account `mediaenc=srtp-mand`: it accepts only RTP/SAVP with SDES keys and
encrypts with libre's own SRTP code, not libsrtp), alice's [[phone]] has `srtp = true`, and a
plain Python caller (RTP/AVP, baresip_test.Caller) dials the queue. The server must answer the
caller in the clear, offer baresip RTP/SAVP with a key of its own, and relay between the two
legs: decrypting baresip's SRTP for the caller and encrypting the caller's RTP for baresip.

Checks: baresip answered, its log says SRTP is enabled with AES_CM_128_HMAC_SHA1_80, the caller heard
baresip's 440 Hz tone, baresip heard the caller's 1000 Hz tone (the same Goertzel check as
baresip_test.py), the store has the contact completed by alice, and the server logged no key.
A second phase is the control: with `srtp = false` on the phone the offer is RTP/AVP and
baresip (SRTP mandatory) refuses it with 488, so the call is not connected.
Usage: baresip_srtp_test.py SWITCHBOARD   (exit 0 when every check passes, 1 otherwise, 77 = skipped)
Environment: SB_BARESIP_KEEP=1 keeps the temporary directory.
"""
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

import baresip_test as bt  # noqa: E402 (beside this file)
from baresip_test import check  # noqa: E402

MODULES = bt.MODULES
NEEDED = bt.NEEDED_MODULES + ["srtp.so"]


def udp_port_taken(port):
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.bind((bt.LO, port))
        return False
    except OSError:
        return True
    finally:
        probe.close()


def server_toml(sip_port, phone_port, srtp, rec_dir):
    return bt.server_toml(sip_port, phone_port, rec_dir).replace(
        'ready = true\n', 'ready = true\nsrtp = %s\n' % ("true" if srtp else "false"))


def baresip_config(d, sip_port, ctrl_port, tone_wav):
    bt.baresip_config(d, sip_port, ctrl_port, tone_wav)
    with open(os.path.join(d, "config"), "a") as f:
        f.write("module srtp.so\n")
    with open(os.path.join(d, "accounts"), "w") as f:
        f.write("<sip:alice@127.0.0.1>;regint=0;answermode=auto;mediaenc=srtp-mand\n")


def run_call(binary, tmp, srtp, tone_ulaw, agent_tone):
    """One server, one baresip, one call: (answered, what the caller heard once connected,
    baresip's recording or None, the CDR row, baresip's output, the server's log)."""
    sip_port, phone_port, ctrl_port = (bt.free_port(tcp_too=True), bt.free_port(),
                                       bt.free_port(tcp_too=True))
    config, store = os.path.join(tmp, "server.toml"), os.path.join(tmp, "x.db")
    with open(config, "w") as f:
        rec_dir = os.path.join(tmp, "recordings")  # the queue records (baresip_test.py's config)
        os.makedirs(rec_dir, exist_ok=True)
        f.write(server_toml(sip_port, phone_port, srtp, rec_dir))
    bdir = os.path.join(tmp, "baresip")
    baresip_config(bdir, phone_port, ctrl_port, agent_tone)
    number = "0710%06d" % random.randrange(10**6)
    server = baresip = caller = None
    answered, heard, recording = False, [], None
    try:
        server = bt.Server(binary, tmp, config, store)
        bout = open(os.path.join(tmp, "baresip.out"), "wb")
        baresip = subprocess.Popen(["baresip", "-f", bdir, "-t", "60"], stdin=subprocess.DEVNULL,
                                   stdout=bout, stderr=subprocess.STDOUT)
        ctrl = bt.Ctrl(ctrl_port)
        end = time.time() + 15
        while time.time() < end and server.p.poll() is None and not bt.options_ok(sip_port):
            pass
        # baresip's SIP socket may open after its ctrl_tcp one: wait until its port is taken.
        while time.time() < end and baresip.poll() is None and not udp_port_taken(phone_port):
            time.sleep(0.02)
        caller = bt.Caller(sip_port, number, "support", False)
        answer = caller.invite()
        check("the caller's INVITE is answered 200 in the clear (RTP/AVP, no a=crypto)",
              answer == 200 and caller.remote is not None)
        if answer != 200:
            return answered, heard, recording, None, "", ""
        caller.start_media(tone_ulaw)
        established = ctrl.wait("CALL_ESTABLISHED", 6)
        answered = established is not None
        if answered:
            t_connected = established[0]
            end = t_connected + bt.CONNECTED_S
            while time.time() < end:
                ctrl.poll(0.1)
            heard = caller.audio(t_connected + 0.5, time.time())
        caller.stop_media()
        caller.bye()
        if answered:
            ctrl.wait("CALL_CLOSED", 10)
        ctrl.command("quit")
        try:
            baresip.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        dumps = [f for f in os.listdir(bdir) if f.startswith("dump-") and f.endswith("dec.wav")]
        if len(dumps) == 1:
            recording = bt.read_wav(os.path.join(bdir, dumps[0]))
    finally:
        if caller:
            caller.stop_media()
            caller.close()
        if baresip:
            bt.stop_process(baresip)
        rc = server.stop() if server else None
    check("the server stops cleanly (exit %s)" % rc, rc == 0)
    row = None
    try:
        db = sqlite3.connect("file:%s?mode=ro" % store, uri=True, timeout=2)
        try:
            row = db.execute("SELECT outcome, agent FROM cdrs WHERE caller = ? "
                             "ORDER BY contact DESC LIMIT 1", (number,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error as e:
        row = repr(e)
    with open(os.path.join(tmp, "baresip.out"), errors="replace") as f:
        bout_text = f.read()
    with open(os.path.join(tmp, "server.log"), errors="replace") as f:
        log = f.read()
    return answered, heard, recording, row, bout_text, log


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    for tool, package in (("baresip", "baresip-core"), ("sox", "sox")):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed (Debian package %s)" % (tool, package))
            return bt.SKIP
    missing = [m for m in NEEDED if not os.path.exists(os.path.join(MODULES, m))]
    if missing or not os.path.exists(bt.HOLD_MUSIC):
        print("SKIP: missing %s" % (" ".join(missing) or bt.HOLD_MUSIC))
        return bt.SKIP
    tmp = tempfile.mkdtemp(prefix="sb-baresip-srtp-")
    print("temporary directory %s" % tmp, flush=True)
    agent_tone = os.path.join(tmp, "tone440.wav")
    caller_tone = os.path.join(tmp, "tone1000.ul")
    for out, freq, fmt in ((agent_tone, bt.AGENT_TONE, ["-b", "16", "-e", "signed-integer"]),
                           (caller_tone, bt.CALLER_TONE, ["-e", "u-law", "-t", "raw"])):
        subprocess.run(["sox", "-n", "-r", str(bt.RATE), "-c", "1"] + fmt +
                       [out, "synth", "30", "sine", str(freq), "vol", "0.5"],
                       check=True, timeout=30)
    with open(caller_tone, "rb") as f:
        tone_ulaw = f.read()

    print("--- phase 1: alice's phone has srtp = true", flush=True)
    one = os.path.join(tmp, "srtp")
    os.makedirs(one)
    answered, heard, recording, row, bout_text, log = run_call(binary, one, True, tone_ulaw,
                                                              agent_tone)
    check("baresip (SRTP mandatory) answers our RTP/SAVP offer", answered)
    check("  baresip's log says SRTP is on, with the suite we offered",
          "SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)" in bout_text,
          bout_text[-800:])
    share, n = bt.tone_share(heard, bt.AGENT_TONE)
    check("the plain caller hears baresip's %d Hz tone, decrypted by the server (share %.2f over "
          "%d blocks)" % (bt.AGENT_TONE, share, n), share > 0.8 and n >= 15)
    if check("baresip recorded what it heard", recording is not None):
        share, n = bt.tone_share(recording[0], bt.CALLER_TONE)
        check("baresip hears the caller's %d Hz tone, encrypted by the server (share %.2f over "
              "%d blocks)" % (bt.CALLER_TONE, share, n), share > 0.8 and n >= 15)
    check("store: completed by alice", row == ("completed", 0), row)
    keys = re.findall(r"inline:([A-Za-z0-9+/]{40})", bout_text)
    check("the server logged none of the call's keys (%d seen in baresip's log)" % len(keys),
          not any(k in log for k in keys))

    print("--- phase 2 (control): srtp = false, so the offer is RTP/AVP", flush=True)
    two = os.path.join(tmp, "plain")
    os.makedirs(two)
    answered, _, _, row, _, log = run_call(binary, two, False, tone_ulaw, agent_tone)
    check("baresip (SRTP mandatory) refuses the plain offer (488), the call is not connected",
          not answered and "agent=alice status=488" in log, log[-800:])

    if bt.failures == 0 and not os.environ.get("SB_BARESIP_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("kept %s" % tmp)
    print("%s: %d failed check(s)" % ("FAIL" if bt.failures else "PASS", bt.failures))
    return 1 if bt.failures else 0


if __name__ == "__main__":
    sys.exit(main())
