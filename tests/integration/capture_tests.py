#!/usr/bin/env python3
"""capture_tests.py: the cases of tests/TESTLIST against their expected files.

A line of tests/TESTLIST names a case, a capture, the expected files' base
name BASE and the tshark options of the case.  tests/expected/BASE.packets.tsv
holds one row per TCP frame (frame.number, tcp.stream, the per-packet fields
of harness.PER_PACKET_FIELDS); tests/expected/BASE.streams.tsv one row per
stream tcphs analysed (tcp.stream, the connection fields of
harness.CONNECTION_FIELDS as two-pass tshark gives them: final).  The test
checks, with the case's options on every run:

  1. two-pass tshark gives exactly the packets file, and on every frame it
     analysed the connection fields of that frame's stream row;
  2. one-pass tshark gives the same per-packet fields, and on the last frame
     of each stream the same connection fields (the state so far is final there);
     the per-packet fields a later ACK completes (tcphs.acked_in, tcphs.rtt*,
     harness.WHOLE_CAPTURE_PACKET_FIELDS, and tcphs.note, which names that
     ACK) are compared in two passes and in sharkd only;
  3. sharkd, asked for every frame in a shuffled order as the GUI may do,
     gives the same per-packet fields, the later-completed ones included;
  4. no frame without a TCP layer has a tcphs tree;
  5. the taps (-z tcphs,conns,csv -z tcphs,report -z tcphs,tree, one pass) run
     to the end, and the connection table has one row per analysed stream
     with the same verdicts and counters as the streams file.

A frame with several TCP layers (TCP carried in TCP) lists each field once
per layer, joined with '|'; its i-th value belongs to the i-th tcp.stream.
Its connection fields are compared in one pass only where it is the last
analysed frame of every stream in it: -T fields cannot tell which layer an
absent field belongs to.

A failure names the case, the file, the frame or stream, the field, and both values.

  capture_tests.py [--only NAME ...] [--update] [--no-sharkd] [--two-pass-only] [--list]

--update rewrites both expected files of the cases from two-pass tshark;
`git diff tests/expected` then shows a changed verdict as one changed line
of a .streams.tsv.
"""
import argparse
import csv
import os
import sys

import harness

FIELDS = harness.PACKET_COLUMNS + harness.CONNECTION_FIELDS


def rel(path):
    return os.path.relpath(path, harness.ROOT)


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


def compare_streams(name, label, expected, actual, only_actual=False):
    """Messages for every (stream, field) where actual stream rows differ from
    the expected ones; with only_actual, streams missing from actual are not
    reported (one pass checks only unambiguous last frames)."""
    problems = []
    for stream in sorted(set(expected) | set(actual), key=int):
        if stream not in actual:
            if not only_actual:
                problems.append("%s stream %s [%s]: in the streams file, but tcphs analysed no frame of it" %
                                (name, stream, label))
            continue
        if stream not in expected:
            problems.append("%s stream %s [%s]: analysed, but not in the streams file" % (name, stream, label))
            continue
        for field in harness.CONNECTION_FIELDS:
            if actual[stream].get(field, "") is None:
                continue    # one pass, TCP in TCP: -T fields cannot tell which layer a value is of
            if expected[stream].get(field, "") != actual[stream].get(field, ""):
                problems.append("%s stream %s %s [%s]: expected '%s', got '%s'" %
                                (name, stream, field, label, expected[stream].get(field, ""),
                                 actual[stream].get(field, "")))
    return problems


def last_frame_of_each_stream(rows):
    """The rows on which one-pass tshark must already show the final
    connection fields: for each tcp.stream, the last frame in which tcphs
    analysed it.  Frames tcphs left alone (a TCP header quoted in ICMP, a
    header cut by the snaplen) do not count.  A frame with several TCP layers
    counts only when every layer was analysed and it is the last analysed
    frame of each of their streams."""
    last = {}
    for index, row in enumerate(rows):
        if harness.split_values(row, "tcphs.event"):
            for stream in harness.split_values(row, "tcp.stream"):
                last[stream] = index
    checked = []
    for index in sorted(set(last.values())):
        streams = harness.analysed_layers(rows[index])
        if streams and all(last[stream] == index for stream in streams):
            checked.append(rows[index])
    return checked


# Columns of -z tcphs,conns,csv and the tree fields they must agree with.
TABLE_COLUMNS = [
    ("handshake", "tcphs.handshake.state"),
    ("close_by", "tcphs.close.initiator"),
    ("close_kind", "tcphs.close.kind"),
    ("conn_state", "tcphs.conn_state"),
    ("history", "tcphs.history"),
    ("pkts_c", "tcphs.conn.packets_client"),
    ("pkts_s", "tcphs.conn.packets_server"),
    ("bytes_c", "tcphs.conn.bytes_client"),
    ("bytes_s", "tcphs.conn.bytes_server"),
]


def check_taps(name, capture, options, tree):
    out, err = harness.run_program(["-r", capture, "-n", "-q", *options, "-z", "tcphs,conns,csv",
                                    "-z", "tcphs,report", "-z", "tcphs,tree"])
    problems = ["%s [taps]: %s" % (name, line) for line in harness.dissector_bugs(err)]
    lines = out.splitlines()
    header = "stream,client,server,"
    start = next((i for i, line in enumerate(lines) if line.startswith(header)), None)
    if start is None:
        return problems + ["%s [taps]: no -z tcphs,conns,csv table in the output" % name]
    table_rows = []
    for line in lines[start + 1:]:
        if not line[:1].isdigit():
            break
        table_rows.append(line)
    table = {row["stream"]: row for row in csv.DictReader([lines[start]] + table_rows)}
    if sorted(table, key=int) != sorted(tree, key=int):
        problems.append("%s [-z tcphs,conns]: streams %s, the tree has %s" %
                        (name, ",".join(sorted(table, key=int)), ",".join(sorted(tree, key=int))))
    for stream in sorted(set(table) & set(tree), key=int):
        for column, field in TABLE_COLUMNS:
            if table[stream].get(column, "") != tree[stream][field]:
                problems.append("%s stream %s [-z tcphs,conns] %s: table '%s', streams file %s '%s'" %
                                (name, stream, column, table[stream].get(column, ""), field,
                                 tree[stream][field]))
    return problems


def check_case(case, use_sharkd, two_pass_only=False):
    name, capture, options = case.name, case.capture_path, case.options
    missing = [rel(path) for path in (case.packets_path, case.streams_path) if not os.path.exists(path)]
    if missing:
        return ["%s: no expected file %s (run with --update --only %s and review it)" %
                (name, " or ".join(missing), name)]
    expected = harness.read_expected(case.packets_path)
    streams = harness.read_streams(case.streams_path)
    packets_label, streams_label = rel(case.packets_path), rel(case.streams_path)

    problems = []
    two_pass = harness.tshark_fields(capture, FIELDS, two_pass=True, extra=options)
    problems += compare_rows(name, "tshark -2 vs " + packets_label, expected, two_pass, harness.PACKET_COLUMNS)
    final = harness.stream_rows(two_pass, harness.CONNECTION_FIELDS, problems, label="%s [tshark -2] " % name)
    problems += compare_streams(name, "tshark -2 vs " + streams_label, streams, final)
    if two_pass_only:
        return problems

    one_pass = harness.tshark_fields(capture, FIELDS, extra=options)
    problems += compare_rows(name, "tshark one-pass vs " + packets_label, expected, one_pass,
                             harness.ONE_PASS_PACKET_FIELDS)
    so_far = harness.stream_rows(last_frame_of_each_stream(one_pass), harness.CONNECTION_FIELDS, last_only=True)
    problems += compare_streams(name, "tshark one-pass, last frame of the stream vs " + streams_label,
                                streams, so_far, only_actual=True)

    stray = harness.tshark_fields(capture, ["frame.number", "tcphs.event"], two_pass=True, extra=options,
                                  display_filter="tcphs && !tcp")
    problems += ["%s frame %s: a tcphs tree in a frame without TCP" % (name, row["frame.number"])
                 for row in stray]

    try:
        problems += check_taps(name, capture, options, streams)
    except harness.Failure as error:
        problems.append("%s [taps]: %s" % (name, error))

    if use_sharkd:
        frames = [int(row["frame.number"]) for row in expected]
        seen = harness.sharkd_per_packet(capture, frames, seed=name, options=options)
        shuffled = [dict(seen.get(int(row["frame.number"]), {}), **{"frame.number": row["frame.number"]})
                    for row in expected]
        problems += compare_rows(name, "sharkd, frames in shuffled order vs " + packets_label, expected, shuffled,
                                 harness.PER_PACKET_FIELDS + harness.WHOLE_CAPTURE_PACKET_FIELDS)
    return problems


def update_case(case):
    rows = harness.tshark_fields(case.capture_path, FIELDS, two_pass=True, extra=case.options)
    problems = []
    streams = harness.stream_rows(rows, harness.CONNECTION_FIELDS, problems, label="%s [tshark -2] " % case.name)
    if problems:
        raise harness.Failure("connection fields differ within a stream, not written:\n" + "\n".join(problems))
    os.makedirs(harness.EXPECTED, exist_ok=True)
    harness.write_expected(case.packets_path, rows, harness.PACKET_COLUMNS)
    harness.write_streams(case.streams_path, streams)
    print("wrote %s (%d frames) and %s (%d streams)" %
          (rel(case.packets_path), len(rows), rel(case.streams_path), len(streams)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="case names of tests/TESTLIST")
    parser.add_argument("--update", action="store_true", help="rewrite the expected files")
    parser.add_argument("--no-sharkd", action="store_true", help="skip the shuffled sharkd pass")
    parser.add_argument("--two-pass-only", action="store_true",
                        help="check 1 only (another release's tshark through $TCPHS_TSHARK)")
    parser.add_argument("--list", action="store_true", help="print the case names and stop")
    options = parser.parse_args()

    cases = harness.read_testlist()
    if options.list:
        print("\n".join(case.name for case in cases))
        return 0
    if options.only:
        by_name = {case.name: case for case in cases}
        unknown = [name for name in options.only if name not in by_name]
        if unknown:
            harness.fail(["no case %s in tests/TESTLIST" % name for name in unknown])
        cases = [by_name[name] for name in options.only]
    if options.update:
        for case in cases:
            update_case(case)
        return 0

    problems = []
    for case in cases:
        try:
            found = check_case(case, not options.no_sharkd, options.two_pass_only)
        except harness.Failure as error:
            found = ["%s: %s" % (case.name, error)]
        print("%-28s %s" % (case.name, "ok" if not found else "FAILED (%d differences)" % len(found)))
        problems += found
    harness.fail(problems)
    return 0


if __name__ == "__main__":
    sys.exit(main())
