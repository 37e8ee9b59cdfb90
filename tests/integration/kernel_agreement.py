#!/usr/bin/env python3
"""kernel_agreement.py: tcphs's phase of each round against the sender
kernel's own state, on the real uploads of captures/rounds-*.pcap; and the
duplicate ACKs against Wireshark's marks.

Beside each capture, captures/NAME.kernel.tsv holds the sender's TCP_INFO
polled every millisecond during the upload (captures/README.md, "Rounds
captures").  For each round of the uploading side, tcphs's tcphs.round.phase
(two-pass tshark) is compared with what the kernel says of the same span of
time (captures/kernel_phase.py: from the round's first segment to the next
round's first segment; for the last round, to the capture's last frame):
slow start while cwnd < ssthresh, loss recovery while ca_state is Recovery
or Loss, congestion avoidance otherwise, receiver- and sender-limited from
the chrono counters.  Rounds the kernel cannot decide (a poll log that does
not cover them, a switch from slow start to congestion avoidance in the
middle of one) are left out.

It prints one table per capture (round, frame, tcphs's phase, the kernel's)
and how often they agree, and fails when fewer than 90% of the decidable
rounds of all captures agree, or any capture has fewer than 80%.  Where
they differ, the README and docs/fields.md say why: a capture cannot see
the congestion window, only what the sender did with it.

  kernel_agreement.py [--verbose]
"""
import argparse
import collections
import os
import sys

import harness

sys.path.insert(0, os.path.join(harness.ROOT, "captures"))
import kernel_phase  # noqa: E402

CAPTURES = ["rounds-reno-loss", "rounds-cubic-loss", "rounds-receiver-limited", "rounds-sender-limited",
            "rounds-long"]
GOAL_ALL = 0.90
GOAL_EACH = 0.80
FIELDS = ["frame.number", "frame.time_epoch", "tcphs.from", "tcphs.round", "tcphs.round.phase"]


def tcphs_rounds(capture):
    """[(round, first frame, start time, phase)] of the side that sent the
    most rounds, and the capture's last frame time."""
    rows = harness.tshark_fields(capture, FIELDS, two_pass=True, display_filter="frame")
    last_time = max(float(r["frame.time_epoch"]) for r in rows)
    rounds = collections.defaultdict(dict)
    for r in rows:
        if not r["tcphs.round"]:
            continue
        side, number = r["tcphs.from"], int(r["tcphs.round"])
        if number not in rounds[side]:
            rounds[side][number] = (number, int(r["frame.number"]), float(r["frame.time_epoch"]),
                                    r["tcphs.round.phase"])
    sender = max(rounds, key=lambda s: len(rounds[s]))
    return [rounds[sender][n] for n in sorted(rounds[sender])], last_time


# The textbook case, computed by hand from rounds-reno-loss.pcap (Reno,
# 20 ms each way, the delay line drops the client's 45th data segment;
# -T fields -e frame.number -e tcp.srcport -e tcp.seq -e tcp.len -e tcp.ack):
#   round 1: frame 4 opens it (the client's first payload, seq 1, 1448 bytes);
#            frames 4-13 are its 10 segments, 10 x 1448 = 14480 new bytes;
#            frame 14's ack 1449 covers its first segment and ends it.
#            Round 1: slow start.
#   round 2: frame 15 (seq 14481) opens it; each ACK lets two segments out,
#            20 segments through frame 43 (seq 41993 + 1448 = 43441): 28960
#            bytes; most in flight after frame 43: 43441 - 14481 = 28960;
#            growth 28960 / 14480 = 2.0 >= 1.5: slow start.  Frame 44's ack
#            15929 covers frame 15 (15929 = 14481 + 1448) and ends it.
#   round 3: frame 45 (seq 43441) opens it: 40 segments, 57920 bytes, most
#            in flight 57920, growth 57920 / 28960 = 2.0: slow start.
#   round 4: frame 98 (seq 101361): 40 segments, 57920 new bytes; the
#            segment at seq 63713 (frame 66, the 45th) was lost beyond the
#            capture point and is sent again in frame 143, inside this round:
#            loss recovery, whatever its growth (95568 / 57920 = 1.65).
#   round 5: frame 160: 28 segments, 40544 bytes, most in flight 40544;
#            the first round after the recovery closed, and 40544 is at least
#            a quarter of what was in flight when it opened: congestion
#            avoidance (fast recovery keeps half the window, RFC 5681 3.2).
TEXTBOOK = [
    # round, first frame, segments, new bytes, growth, most in flight, phase
    (1, 4, 10, 14480, "", 14480, "slow start"),
    (2, 15, 20, 28960, "2", 28960, "slow start"),
    (3, 45, 40, 57920, "2", 57920, "slow start"),
    (4, 98, 40, 57920, "1.65", 95568, "loss recovery"),
    (5, 160, 28, 40544, "0.424242424242", 40544, "congestion avoidance"),
]


def check_textbook():
    """Problems where tcphs's first five rounds of rounds-reno-loss.pcap
    are not the ones computed by hand above."""
    capture = os.path.join(harness.ROOT, "captures", "rounds-reno-loss.pcap")
    fields = ["frame.number", "tcphs.from", "tcphs.round", "tcphs.round.segments", "tcphs.round.bytes",
              "tcphs.round.growth", "tcphs.round.inflight", "tcphs.round.phase"]
    first = {}
    for r in harness.tshark_fields(capture, fields, two_pass=True, display_filter="tcphs.round"):
        if r["tcphs.from"] == "client" and int(r["tcphs.round"]) not in first:
            first[int(r["tcphs.round"])] = r
    problems = []
    for number, frame, segments, nbytes, growth, inflight, phase in TEXTBOOK:
        r = first.get(number)
        got = r and (int(r["frame.number"]), int(r["tcphs.round.segments"]), int(r["tcphs.round.bytes"]),
                     r["tcphs.round.growth"], int(r["tcphs.round.inflight"]), r["tcphs.round.phase"])
        want = (frame, segments, nbytes, growth, inflight, phase)
        if got != want:
            problems.append("rounds-reno-loss round %d: got %s, computed by hand %s" % (number, got, want))
    print("rounds-reno-loss: the first five rounds %s the hand computation"
          % ("match" if not problems else "do not match"))
    return problems


def check_dup_acks_against_wireshark():
    """On transfer-loss.pcap and rounds-reno-loss.pcap (one loss each, no
    spurious retransmission), tcphs's duplicate ACKs of the receiver (RFC
    5681 section 2) are Wireshark's tcp.analysis.duplicate_ack marks, one
    for one (where they differ on other captures, docs/fields.md says why)."""
    problems = []
    for name in ("transfer-loss", "rounds-reno-loss"):
        capture = os.path.join(harness.ROOT, "captures", name + ".pcap")
        rows = harness.tshark_fields(capture, ["frame.number", "tcphs.conn.dup_acks_server"], two_pass=True,
                                     display_filter="frame.number == 1")
        ours = int(rows[0]["tcphs.conn.dup_acks_server"])
        theirs = len(harness.tshark_fields(capture, ["frame.number"], display_filter="tcp.analysis.duplicate_ack"))
        print("%s: %d duplicate ACKs by RFC 5681's rule, %d marked by Wireshark" % (name, ours, theirs))
        if ours != theirs or ours == 0:
            problems.append("%s: tcphs counts %d duplicate ACKs, Wireshark marks %d" % (name, ours, theirs))
    return problems


def compare(name, verbose):
    capture = os.path.join(harness.ROOT, "captures", name + ".pcap")
    trace = kernel_phase.KernelTrace.load(os.path.join(harness.ROOT, "captures", name + ".kernel.tsv"))
    rounds, last_time = tcphs_rounds(capture)
    agree = decided = 0
    lines = []
    for i, (number, frame, start, phase) in enumerate(rounds):
        end = rounds[i + 1][2] if i + 1 < len(rounds) else last_time
        kernel = trace.phase(start, end)
        if kernel == "undecidable":
            mark = "  (kernel: undecidable)"
        else:
            decided += 1
            agree += kernel == phase
            mark = "" if kernel == phase else "  <- differs"
        lines.append("  round %3d  frame %6d  tcphs %-21s kernel %-21s%s" % (number, frame, phase, kernel, mark))
    share = agree / decided if decided else 0.0
    print("%s: %d rounds, %d decidable by the kernel, %d agree (%.0f%%)" % (name, len(rounds), decided, agree,
                                                                           100 * share))
    for line in lines:
        if verbose or "differs" in line:
            print(line)
    return agree, decided


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every round, not only those that differ")
    args = parser.parse_args()
    total_agree = total_decided = 0
    problems = check_textbook() + check_dup_acks_against_wireshark()
    for name in CAPTURES:
        agree, decided = compare(name, args.verbose)
        total_agree += agree
        total_decided += decided
        if decided == 0:
            problems.append("%s: the kernel decided no round" % name)
        elif agree / decided < GOAL_EACH:
            problems.append("%s: %d of %d rounds agree, below %.0f%%" % (name, agree, decided, 100 * GOAL_EACH))
    share = total_agree / total_decided if total_decided else 0.0
    print("all: %d of %d decidable rounds agree (%.1f%%; goal %.0f%%)" % (total_agree, total_decided, 100 * share,
                                                                      100 * GOAL_ALL))
    if share < GOAL_ALL:
        problems.append("%d of %d rounds agree, below %.0f%%" % (total_agree, total_decided, 100 * GOAL_ALL))
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
