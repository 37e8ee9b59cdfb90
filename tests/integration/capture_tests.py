#!/usr/bin/env python3
"""capture_tests.py: every capture in captures/ (and tests/robustness/regressions/)
against its expected fields.

For a capture captures/NAME.pcap the expected file tests/expected/NAME.tsv
holds, per TCP frame, the tcphs fields as two-pass tshark gives them (the
connection fields then hold the whole capture's verdicts).  The test checks:

  1. two-pass tshark gives exactly the expected file;
  2. one-pass tshark gives the same per-packet fields, and on the last frame
     of each stream the same connection fields (the state so far is final there);
     the per-packet fields a later ACK completes (tcphs.acked_in, tcphs.rtt*)
     are only compared in two passes and in sharkd;
  3. sharkd, asked for every frame in a shuffled order as the GUI may do,
     gives the same per-packet fields, the later-completed ones included;
  4. no frame without a TCP layer has a tcphs tree;
  5. the taps (-z tcphs,conns,csv -z tcphs,report -z tcphs,tree, one pass) run
     to the end, and the connection table has one row per analysed stream
     with the same verdicts and counters as the tree.

A frame with several TCP layers (TCP carried in TCP) lists each field once
per layer, joined with '|'.  Its connection fields are compared in one pass
only where it is the last analysed frame of every stream in it: -T fields
cannot tell which layer an absent field belongs to.

A failure names the capture, the frame, the field, and both values.

  capture_tests.py [--only NAME ...] [--update] [--no-sharkd]

--update rewrites the expected files from two-pass tshark (review the diff!).
"""
import argparse
import csv
import glob
import os
import sys

import harness

FIELDS = (harness.KEY_FIELDS + harness.PER_PACKET_FIELDS + harness.WHOLE_CAPTURE_PACKET_FIELDS +
          harness.CONNECTION_FIELDS)
SHARKD_FIELDS = harness.PER_PACKET_FIELDS + harness.WHOLE_CAPTURE_PACKET_FIELDS


def capture_names():
    names = []
    for folder in harness.CAPTURE_DIRS:
        for path in sorted(glob.glob(os.path.join(folder, "*.pcap*"))):
            names.append(os.path.basename(path).split(".")[0])
    return names


def capture_path(name):
    for folder in harness.CAPTURE_DIRS:
        matches = sorted(glob.glob(os.path.join(folder, name + ".pcap*")))
        if matches:
            return matches[0]
    raise harness.Failure("no capture named %s in %s" % (name, " or ".join(harness.CAPTURE_DIRS)))


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


def split_values(row, field):
    value = row.get(field, "")
    return value.split("|") if value else []


def last_frame_of_each_stream(rows):
    """The rows on which one-pass tshark must already show the final
    connection fields: for each tcp.stream, the last frame in which tcphs
    analysed it.  Frames tcphs left alone (a TCP header quoted in ICMP, a
    header cut by the snaplen) do not count.  A frame with several TCP layers
    counts only when every layer was analysed and it is the last analysed
    frame of each of their streams."""
    last = {}
    for index, row in enumerate(rows):
        if split_values(row, "tcphs.event"):
            for stream in split_values(row, "tcp.stream"):
                last[stream] = index
    checked = []
    for index in sorted(set(last.values())):
        streams = split_values(rows[index], "tcp.stream")
        if len(split_values(rows[index], "tcphs.event")) == len(streams) and \
                all(last[stream] == index for stream in streams):
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


def streams_in_tree(rows):
    """{stream: {field: value}} from the last analysed frame of each stream;
    on a frame with several TCP layers the i-th value of every field belongs
    to the i-th stream (these fields are on every record)."""
    found = {}
    for row in rows:
        streams = split_values(row, "tcp.stream")
        if len(split_values(row, "tcphs.event")) != len(streams):
            continue
        for i, stream in enumerate(streams):
            found[stream] = {field: (split_values(row, field) + [""] * len(streams))[i]
                             for _, field in TABLE_COLUMNS}
    return found


def check_taps(name, capture, expected):
    out, err = harness.run_program(["-r", capture, "-n", "-q", "-z", "tcphs,conns,csv",
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
    tree = streams_in_tree(expected)
    if sorted(table, key=int) != sorted(tree, key=int):
        problems.append("%s [-z tcphs,conns]: streams %s, the tree has %s" %
                        (name, ",".join(sorted(table, key=int)), ",".join(sorted(tree, key=int))))
    for stream in sorted(set(table) & set(tree), key=int):
        for column, field in TABLE_COLUMNS:
            if table[stream].get(column, "") != tree[stream][field]:
                problems.append("%s stream %s [-z tcphs,conns] %s: table '%s', tree %s '%s'" %
                                (name, stream, column, table[stream].get(column, ""), field,
                                 tree[stream][field]))
    return problems


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

    stray = harness.tshark_fields(capture, ["frame.number", "tcphs.event"], two_pass=True,
                                  display_filter="tcphs && !tcp")
    problems += ["%s frame %s: a tcphs tree in a frame without TCP" % (name, row["frame.number"])
                 for row in stray]

    try:
        problems += check_taps(name, capture, expected)
    except harness.Failure as error:
        problems.append("%s [taps]: %s" % (name, error))

    if use_sharkd:
        frames = [int(row["frame.number"]) for row in expected]
        seen = harness.sharkd_per_packet(capture, frames, seed=name, fields=SHARKD_FIELDS)
        shuffled = [dict(seen.get(int(row["frame.number"]), {}), **{"frame.number": row["frame.number"]})
                    for row in expected]
        problems += compare_rows(name, "sharkd, frames in shuffled order", expected, shuffled,
                                 SHARKD_FIELDS)
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
