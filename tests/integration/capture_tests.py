#!/usr/bin/env python3
"""capture_tests.py: every capture in captures/ against its expected fields.

For a capture captures/NAME.pcap the expected file tests/expected/NAME.tsv
holds, per TCP frame, the tcphs fields as two-pass tshark gives them (the
connection fields then hold the whole capture's verdicts).  The test checks:

  1. two-pass tshark gives exactly the expected file;
  2. one-pass tshark gives the same per-packet fields, and on the last frame
     of each stream the same connection fields (the state so far is final there);
  3. sharkd, asked for every frame in a shuffled order as the GUI may do,
     gives the same per-packet fields.

A failure names the capture, the frame, the field, and both values.

  capture_tests.py [--only NAME ...] [--update] [--no-sharkd]

--update rewrites the expected files from two-pass tshark (review the diff!).
"""
import argparse
import glob
import os
import sys

import harness

FIELDS = harness.KEY_FIELDS + harness.PER_PACKET_FIELDS + harness.CONNECTION_FIELDS


def capture_names():
    names = []
    for path in sorted(glob.glob(os.path.join(harness.CAPTURES, "*.pcap*"))):
        names.append(os.path.basename(path).split(".")[0])
    return names


def capture_path(name):
    matches = sorted(glob.glob(os.path.join(harness.CAPTURES, name + ".pcap*")))
    if not matches:
        raise harness.Failure("no capture named %s in %s" % (name, harness.CAPTURES))
    return matches[0]


def compare_rows(name, label, expected, actual, fields):
    """Messages for every (frame, field) where actual differs from expected."""
    problems = []
    if len(expected) != len(actual):
        problems.append("%s [%s]: %d TCP frames, expected %d" % (name, label, len(actual), len(expected)))
    for want, got in zip(expected, actual):
        frame = want.get("frame.number", "?")
        if got.get("frame.number") != frame:
            problems.append("%s [%s]: frame %s where frame %s was expected" %
                            (name, label, got.get("frame.number"), frame))
            break
        for field in fields:
            if want.get(field, "") != got.get(field, ""):
                problems.append("%s frame %s %s [%s]: expected '%s', got '%s'" %
                                (name, frame, field, label, want.get(field, ""), got.get(field, "")))
    return problems


def last_frame_of_each_stream(rows):
    last = {}
    for row in rows:
        last[row.get("tcp.stream", "")] = row
    return list(last.values())


def check_capture(name, use_sharkd):
    capture = capture_path(name)
    expected_path = os.path.join(harness.EXPECTED, name + ".tsv")
    if not os.path.exists(expected_path):
        return ["%s: no expected file %s (run with --update --only %s and review it)" % (name, expected_path, name)]
    expected = harness.read_expected(expected_path)

    problems = []
    two_pass = harness.tshark_fields(capture, FIELDS, two_pass=True)
    problems += compare_rows(name, "tshark -2", expected, two_pass, FIELDS)

    one_pass = harness.tshark_fields(capture, FIELDS)
    problems += compare_rows(name, "tshark one-pass", expected, one_pass, harness.PER_PACKET_FIELDS)
    problems += compare_rows(name, "tshark one-pass, last frame of each stream",
                             last_frame_of_each_stream(expected), last_frame_of_each_stream(one_pass),
                             harness.CONNECTION_FIELDS)

    if use_sharkd:
        frames = [int(row["frame.number"]) for row in expected]
        seen = harness.sharkd_per_packet(capture, frames, seed=name)
        shuffled = [dict(seen.get(int(row["frame.number"]), {}), **{"frame.number": row["frame.number"]})
                    for row in expected]
        problems += compare_rows(name, "sharkd, frames in shuffled order", expected, shuffled,
                                 harness.PER_PACKET_FIELDS)
    return problems


def update_capture(name):
    capture = capture_path(name)
    rows = harness.tshark_fields(capture, FIELDS, two_pass=True)
    os.makedirs(harness.EXPECTED, exist_ok=True)
    harness.write_expected(os.path.join(harness.EXPECTED, name + ".tsv"), rows, FIELDS)
    print("wrote tests/expected/%s.tsv (%d frames)" % (name, len(rows)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="capture names (without .pcap)")
    parser.add_argument("--update", action="store_true", help="rewrite the expected files")
    parser.add_argument("--no-sharkd", action="store_true", help="skip the shuffled sharkd pass")
    options = parser.parse_args()

    names = options.only or capture_names()
    if options.update:
        for name in names:
            update_capture(name)
        return 0

    problems = []
    for name in names:
        try:
            found = check_capture(name, not options.no_sharkd)
        except harness.Failure as error:
            found = ["%s: %s" % (name, error)]
        print("%-28s %s" % (name, "ok" if not found else "FAILED (%d differences)" % len(found)))
        problems += found
    harness.fail(problems)
    return 0


if __name__ == "__main__":
    sys.exit(main())
