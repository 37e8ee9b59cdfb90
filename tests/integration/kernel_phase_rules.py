#!/usr/bin/env python3
"""kernel_phase_rules.py: captures/kernel_phase.py, the sender kernel's
phase per round that the rounds agreement test compares tcphs with, checked
in two ways.

1. Its rules, one at a time, on small TCP_INFO logs written here: each
   rule holds where it should and gives way to the one before it.
2. The recorded logs beside the rounds captures say what
   captures/README.md says of them ("Rounds captures"): Reno's window
   doubles per round, is halved by the loss and then grows by one segment
   per round; CUBIC's ssthresh is 0.7 of the window; the small receive
   buffer makes every round but the first and the last receiver-limited,
   the slow application every round sender-limited; the long capture holds several
   hundred rounds.  A re-recording that does not show this fails here.

  kernel_phase_rules.py        (needs plain tshark for part 2)
"""
import os
import sys
import tempfile

import harness

sys.path.insert(0, harness.CAPTURES)
import kernel_phase  # noqa: E402  (captures/ is not a package)

COLUMNS = ["time", "ca_state", "app_limited", "mss", "unacked", "rtt_us", "ssthresh", "cwnd",
           "total_retrans", "notsent", "busy_us", "rwnd_limited_us", "sndbuf_limited_us",
           "snd_wnd"]
INF = kernel_phase.INFINITE_SSTHRESH
problems = []


def check(what, actual, expected):
    if actual != expected:
        problems.append("%s: got %r, expected %r" % (what, actual, expected))


def row(t, ca_state=0, cwnd=10, ssthresh=INF, unacked=5, notsent=1000, busy=0, rwnd=0, sndbuf=0):
    return {"time": t, "ca_state": ca_state, "app_limited": 0, "mss": 1448, "unacked": unacked,
            "rtt_us": 40000, "ssthresh": ssthresh, "cwnd": cwnd, "total_retrans": 0,
            "notsent": notsent, "busy_us": busy, "rwnd_limited_us": rwnd,
            "sndbuf_limited_us": sndbuf, "snd_wnd": 65535}


def write_tsv(rows, extra_lines=()):
    f = tempfile.NamedTemporaryFile("w", suffix=".kernel.tsv", delete=False)
    f.write("# a test log\n")
    f.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        f.write("\t".join(str(r[c]) if c != "time" else "%.6f" % r[c] for c in COLUMNS) + "\n")
    for line in extra_lines:
        f.write(line + "\n")
    f.close()
    return f.name


def trace(rows):
    path = write_tsv(rows)
    try:
        return kernel_phase.KernelTrace.load(path)
    finally:
        os.unlink(path)


def rules():
    """Each rule on a log made for it; rounds are [start, end) in seconds."""
    # Slow start: cwnd below ssthresh in every row of the round.
    t = trace([row(1.0, cwnd=10), row(1.04, cwnd=20), row(1.08, cwnd=40), row(2.0, cwnd=40)])
    check("cwnd < ssthresh throughout", t.phase(1.0, 1.04), "slow start")
    check("the row at the start counts, those after it too", t.phase(1.01, 1.09), "slow start")
    # Undecidable: outside the log, or an empty round.
    check("a round before the first row", t.phase(0.5, 1.02), "undecidable")
    check("a round past the last row", t.phase(1.5, 2.5), "undecidable")
    check("a round that ends where it starts", t.phase(1.5, 1.5), "undecidable")
    check("a round ending exactly at the last row", t.phase(1.5, 2.0), "slow start")

    # Congestion avoidance: cwnd at or above ssthresh in every row; the
    # switch inside a round is undecidable.
    t = trace([row(1.0, cwnd=30), row(1.05, cwnd=30, ssthresh=30), row(1.1, cwnd=31, ssthresh=30),
               row(2.0, cwnd=32, ssthresh=30)])
    check("cwnd == ssthresh", t.phase(1.05, 1.1), "congestion avoidance")
    check("cwnd > ssthresh", t.phase(1.1, 1.5), "congestion avoidance")
    check("ssthresh set inside the round", t.phase(1.0, 1.07), "undecidable")
    check("ssthresh set at the round's end (not inside)", t.phase(1.0, 1.05), "slow start")

    # Loss recovery: Recovery (3) or Loss (4) in any row of the round, first
    # of all rules.
    for state in (3, 4):
        t = trace([row(1.0, cwnd=40), row(1.02, ca_state=state, cwnd=20, ssthresh=20, rwnd=4000,
                                          unacked=0, notsent=0),
                   row(1.06, cwnd=20, ssthresh=20, rwnd=4000), row(2.0, cwnd=21, ssthresh=20,
                                                                    rwnd=4000)])
        check("ca_state %d inside the round, rwnd_limited grew, idle" % state,
              t.phase(1.0, 1.04), "loss recovery")
        check("ca_state %d in force at the round's start" % state, t.phase(1.03, 1.05),
              "loss recovery")
        check("ca_state %d over before the round" % state, t.phase(1.06, 1.5),
              "congestion avoidance")
    # The poll after a round's start, within 5 ms, shows the state the round
    # started in (the ACK that opened the round changed it): a Recovery that
    # the next poll sees closed is over before the round, one that lasts 6 ms
    # into the round is not.
    t = trace([row(1.0, ca_state=3, cwnd=20, ssthresh=20), row(1.0448, cwnd=20, ssthresh=20),
               row(1.08, cwnd=21, ssthresh=20), row(2.0, cwnd=21, ssthresh=20)])
    check("Recovery closed by the ACK that opened the round", t.phase(1.04, 1.08),
          "congestion avoidance")
    check("Recovery open 6 ms into the round", t.phase(1.0388, 1.08), "loss recovery")
    check("a row in the slack but past the round's end", t.phase(1.04, 1.0405), "loss recovery")
    for state in (1, 2):
        t = trace([row(1.0), row(1.02, ca_state=state), row(2.0)])
        check("ca_state %d (Disorder, CWR) is not recovery" % state, t.phase(1.0, 1.5),
              "slow start")

    # Receiver-limited: rwnd_limited grew between the round's start and end,
    # before sender-limited.
    t = trace([row(1.0), row(1.012, rwnd=4000, sndbuf=4000), row(1.1, rwnd=4000, sndbuf=4000),
               row(2.0, rwnd=4000, sndbuf=4000)])
    check("rwnd_limited grew (and sndbuf_limited)", t.phase(1.0, 1.05), "receiver-limited")
    check("rwnd_limited did not grow in the round", t.phase(1.02, 1.2), "slow start")

    # Sender-limited: sndbuf_limited grew, or a row after the start with
    # nothing in flight and nothing queued (the busy chrono stopped).
    t = trace([row(1.0), row(1.02, sndbuf=4000), row(2.0, sndbuf=4000)])
    check("sndbuf_limited grew", t.phase(1.0, 1.05), "sender-limited")
    t = trace([row(1.0, unacked=0, notsent=0), row(1.001, unacked=6, notsent=0),
               row(1.041, unacked=0, notsent=0), row(1.045, unacked=6, notsent=0),
               row(1.086, unacked=0, notsent=0), row(2.0, unacked=0, notsent=0)])
    check("idle inside the round", t.phase(1.0005, 1.045), "sender-limited")
    check("idle only in force at the round's start", t.phase(1.0, 1.04), "slow start")
    t = trace([row(1.0), row(1.02, unacked=0, notsent=100), row(1.03, unacked=4, notsent=0),
               row(2.0)])
    check("nothing in flight but data queued, then data in flight but nothing queued",
          t.phase(1.0, 1.5), "slow start")


def loading():
    """Bad logs are refused with a message that says where."""
    cases = [
        ("a row with a missing cell", write_tsv([row(1.0)], ["1.1\t0\t1"]), "cells"),
        ("time going backwards", write_tsv([row(1.0), row(0.5)]), "backwards"),
        ("no rows", write_tsv([]), "no rows"),
    ]
    f = tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False)
    f.write("time\tcwnd\n1.0\t10\n")
    f.close()
    cases.append(("a missing column", f.name, "no column"))
    for what, path, words in cases:
        try:
            kernel_phase.KernelTrace.load(path)
            problems.append("%s: loaded without complaint" % what)
        except ValueError as err:
            if words not in str(err):
                problems.append("%s: message %r does not say %r" % (what, str(err), words))
        finally:
            os.unlink(path)


def recorded(name):
    path = os.path.join(harness.CAPTURES, name + ".kernel.tsv")
    t = kernel_phase.KernelTrace.load(path)
    rounds, _ = kernel_phase.capture_rounds(os.path.join(harness.CAPTURES, name + ".pcap"))
    for r in rounds:
        r["phase"] = t.phase(r["start"], r["end"])
    return t, rounds


def first_loss(t):
    """(last row before the first Recovery/Loss row, that row)."""
    for prev, r in zip(t.rows, t.rows[1:]):
        if r["ca_state"] in (3, 4):
            return prev, r
    return None, None


def recordings():
    # Reno: 10, 20, 40 in rounds 1-3 (slow start doubles: the
    # initial window, then one segment per segment acknowledged), one loss in
    # round 4, ssthresh half the window, then +1 segment per round.
    t, rounds = recorded("rounds-reno-loss")
    check("reno: the congestion control in the title", t.title.endswith("congestion control reno"),
          True)
    check("reno: largest cwnd in rounds 1-3",
          [max(x["cwnd"] for x in t.rows_in(r["start"], r["end"])) for r in rounds[:3]],
          [10, 20, 40])
    check("reno: phases of rounds 1-6", [r["phase"] for r in rounds[:6]],
          ["slow start"] * 3 + ["loss recovery"] + ["congestion avoidance"] * 2)
    check("reno: one retransmission", t.rows[-1]["total_retrans"], 1)
    before, enter = first_loss(t)
    check("reno: the loss sets ssthresh", before["ssthresh"] == INF and enter["ssthresh"] < INF,
          True)
    # After the recovery, the window grows by one segment per round trip:
    # each row with a new cwnd is one more than the last, about 40 ms later.
    after = [r for r in t.rows if r["time"] > enter["time"] and r["ca_state"] == 0]
    steps = [(b["cwnd"] - a["cwnd"], b["time"] - a["time"]) for a, b in zip(after, after[1:])
             if b["cwnd"] != a["cwnd"]]
    check("reno: cwnd steps after the recovery", {d for d, _ in steps}, {1})
    check("reno: at least 15 steps, each 30-50 ms after the one before",
          len(steps) >= 15 and all(0.030 <= dt <= 0.050 for _, dt in steps[1:]), True)
    check("reno: every round after the recovery is congestion avoidance",
          {r["phase"] for r in rounds[4:]}, {"congestion avoidance"})

    # CUBIC: multiplicative decrease 0.7 (beta 717/1024), a window that then
    # grows by less than it did in slow start.
    t, rounds = recorded("rounds-cubic-loss")
    check("cubic: the congestion control in the title",
          t.title.endswith("congestion control cubic"), True)
    before, enter = first_loss(t)
    after = enter["ssthresh"]
    check("cubic: ssthresh after the loss is 0.7 of a window between the last poll's "
          "and twice that", before["cwnd"] * 0.7 <= after <= before["cwnd"] * 1.4, True)
    check("cubic: phases of rounds 1-6", [r["phase"] for r in rounds[:6]],
          ["slow start"] * 3 + ["loss recovery"] + ["congestion avoidance"] * 2)

    # Receiver-limited: rwnd_limited grows in every round but the first and
    # the last (its 16192 bytes, the rest of the upload, fit the window).
    t, rounds = recorded("rounds-receiver-limited")
    check("receiver-limited: phases", [r["phase"] for r in rounds],
          ["slow start"] + ["receiver-limited"] * (len(rounds) - 2) + ["slow start"])
    check("receiver-limited: at least 10 rounds", len(rounds) >= 10, True)

    # Sender-limited: 8192 bytes per round, the connection idle in each.
    t, rounds = recorded("rounds-sender-limited")
    check("sender-limited: new bytes per round", {r["bytes"] for r in rounds}, {8192})
    check("sender-limited: phases of all rounds but the last (it ends at its ACK)",
          {r["phase"] for r in rounds[:-1]}, {"sender-limited"})
    check("sender-limited: 40 rounds", len(rounds), 40)

    # Long: several hundred rounds, most decidable, all kinds of losses.
    t, rounds = recorded("rounds-long")
    decided = [r for r in rounds if r["phase"] != "undecidable"]
    check("long: at least 300 rounds", len(rounds) >= 300, True)
    check("long: at least 290 rounds decided", len(decided) >= 290, True)
    check("long: phases seen", {r["phase"] for r in decided} >= {
        "slow start", "loss recovery", "congestion avoidance"}, True)


def main():
    rules()
    loading()
    recordings()
    if not problems:
        print("kernel_phase_rules: the kernel's phase rules and the rounds recordings agree "
              "with captures/README.md")
    harness.fail(problems)


if __name__ == "__main__":
    main()
