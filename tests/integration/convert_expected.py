#!/usr/bin/env python3
"""convert_expected.py: split old-style expected files (tests/expected/NAME.tsv:
per-packet and connection fields on every frame) into NAME.packets.tsv and
NAME.streams.tsv, and prove that nothing was lost.

  convert_expected.py [--check] FILE.tsv ...

Without --check it writes the two new files beside each FILE.tsv.  Either way
it then expands the two files back (harness.expand_rows: the connection
fields of a stream on every frame tcphs analysed in it) and compares with
FILE.tsv value by value; any difference names file, frame and field and makes
the exit status 1.  Use it on an expected file written by a branch that
still has the old layout, then delete the .tsv.
"""
import argparse
import os
import sys

import harness

OLD_FIELDS = harness.PACKET_COLUMNS + harness.CONNECTION_FIELDS


def convert(path, write):
    old = harness.read_expected(path)
    problems = []
    header = open(path, encoding="utf-8").readline().rstrip("\n").split("\t")
    if header != OLD_FIELDS:
        missing = [f for f in OLD_FIELDS if f not in header]
        extra = [f for f in header if f not in OLD_FIELDS]
        problems.append("%s: columns differ from harness.py's lists (missing %s, extra %s)" % (path, missing, extra))
    base = path[:-len(".tsv")]
    streams = harness.stream_rows(old, harness.CONNECTION_FIELDS, problems, label="%s " % path)
    if write:
        harness.write_expected(base + ".packets.tsv", old, harness.PACKET_COLUMNS)
        harness.write_streams(base + ".streams.tsv", streams)
    packets = harness.read_expected(base + ".packets.tsv")
    back = harness.expand_rows(packets, harness.read_streams(base + ".streams.tsv"), harness.CONNECTION_FIELDS)
    if len(back) != len(old):
        problems.append("%s: %d frames, the new files give %d" % (path, len(old), len(back)))
    for want, got in zip(old, back):
        for field in header:
            if want.get(field, "") != got.get(field, ""):
                problems.append("%s frame %s %s: '%s', the new files give '%s'" %
                                (path, want.get("frame.number"), field, want.get(field, ""), got.get(field, "")))
    return problems, len(old), len(streams)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    parser.add_argument("files", nargs="+")
    options = parser.parse_args()
    problems = []
    for path in options.files:
        found, frames, streams = convert(path, not options.check)
        print("%-40s %5d frames, %3d streams: %s" % (os.path.basename(path), frames, streams,
                                                     "same values" if not found else "%d DIFFERENCES" % len(found)))
        problems += found
    harness.fail(problems)


if __name__ == "__main__":
    sys.exit(main())
