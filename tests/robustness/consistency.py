#!/usr/bin/env python3
"""consistency.py: the per-packet tcphs fields of any capture (no expected file
needed) must be identical in one-pass tshark, two-pass tshark, and sharkd
asked for the frames in a shuffled order (the note, which names the ACK
that answered a segment, in two-pass tshark and sharkd only).

  consistency.py CAPTURE [CAPTURE ...]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "integration"))
import harness  # noqa: E402

FIELDS = ["frame.number"] + harness.PER_PACKET_FIELDS


def differences(capture):
    one = {row["frame.number"]: row for row in harness.tshark_fields(capture, FIELDS)}
    two = {row["frame.number"]: row for row in harness.tshark_fields(capture, FIELDS, two_pass=True)}
    frames = sorted(one, key=int)
    shuffled = harness.sharkd_per_packet(capture, [int(f) for f in frames], seed=os.path.basename(capture))
    found = []
    for frame in frames:
        for field in harness.PER_PACKET_FIELDS:
            a = one[frame].get(field, "")
            b = two.get(frame, {}).get(field, "")
            c = shuffled.get(int(frame), {}).get(field, "")
            if field not in harness.ONE_PASS_PACKET_FIELDS:
                a = b     # the note names an ACK one pass has not read yet
            if not a == b == c:
                found.append("%s frame %s %s: one-pass '%s', two-pass '%s', sharkd shuffled '%s'" %
                             (capture, frame, field, a, b, c))
    return found


def main():
    problems = []
    for capture in sys.argv[1:]:
        try:
            problems += differences(capture)
        except harness.Failure as error:
            problems.append("%s: %s" % (capture, error))
    harness.fail(problems)


if __name__ == "__main__":
    main()
