#!/usr/bin/env python3
"""zeek_conformance.py: tcphs.conn_state and tcphs.history against Zeek's own.

../shared/zeek-oracle/conformance.tsv lists TCP streams of traces from Zeek's
test suite with the conn_state and history Zeek's baselines give.  For every
trace this runs two-pass tshark with tcphs and compares the stream's last
segment's tcphs.conn_state / tcphs.history with the table, then prints the
agreement.  Goal: conn_state 100 %, history at least 95 %.

Zeek verifies TCP checksums unless run with -C (or told to ignore some
networks); tcphs follows Wireshark's tcp.check_checksum preference, so the
test turns that preference on exactly where Zeek verified.

Skips (exit 77) when the corpus is absent, e.g. in a user's clone.
  zeek_conformance.py [--oracle DIR] [--verbose]
"""
import argparse
import collections
import csv
import os
import sys

import harness

SKIP = 77
CONN_STATE_GOAL = 100.0
HISTORY_GOAL = 95.0


def default_oracle():
    return os.environ.get("TCPHS_ZEEK_ORACLE", os.path.join(os.path.dirname(harness.ROOT), "shared", "zeek-oracle"))


def read_table(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def tshark_options(rows):
    """Extra tshark options for a trace: its own, plus checksum checks where Zeek made them."""
    options = rows[0]["tshark_args"].split()
    flags = rows[0]["zeek_flags"]
    if "-C" not in flags.split() and "ignore_checksums" not in flags:
        options += ["-o", "tcp.check_checksum:TRUE"]
    return options


def final_values(trace_path, options):
    """{tcp.stream: (conn_state, history)} from the last tcphs segment of each stream."""
    rows = harness.tshark_fields(trace_path, ["tcp.stream", "tcphs.conn_state", "tcphs.history"],
                                 two_pass=True, extra=options)
    final = {}
    for row in rows:
        if not row["tcphs.conn_state"]:
            continue   # no segment tcphs could analyse in this frame (e.g. Wireshark's "short segment")
        streams = row["tcp.stream"].split("|")
        states = row["tcphs.conn_state"].split("|")
        histories = row["tcphs.history"].split("|")
        if len(states) != len(streams):
            continue   # several TCP layers, not all analysed: which is which is ambiguous
        for stream, state, history in zip(streams, states, histories):
            final[stream] = (state, history)
    return final


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--oracle", default=default_oracle())
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()

    table_path = os.path.join(options.oracle, "conformance.tsv")
    if not os.path.exists(table_path):
        print("SKIP: Zeek conformance corpus not found at %s (it lives in ../shared/zeek-oracle beside "
              "the project; set TCPHS_ZEEK_ORACLE to point elsewhere)" % options.oracle)
        return SKIP

    by_trace = collections.OrderedDict()
    for row in read_table(table_path):
        by_trace.setdefault(row["trace"], []).append(row)

    counts = {"conn_state": [0, 0], "history": [0, 0]}
    differences = []
    for trace, rows in by_trace.items():
        trace_path = os.path.join(options.oracle, "traces", trace)
        final = final_values(trace_path, tshark_options(rows))
        for row in rows:
            got_state, got_history = final.get(row["tcp_stream"], ("(no tcphs)", "(no tcphs)"))
            for name, want, got in (("conn_state", row["conn_state"], got_state),
                                    ("history", row["history"], got_history)):
                if want == "-":
                    continue
                counts[name][1] += 1
                if want == got:
                    counts[name][0] += 1
                else:
                    differences.append("%s stream %s %s: Zeek '%s', tcphs '%s'" %
                                       (trace, row["tcp_stream"], name, want, got))
                if options.verbose:
                    print("%s stream %s %s: Zeek '%s', tcphs '%s'" % (trace, row["tcp_stream"], name, want, got))

    print("Zeek conformance over %d traces:" % len(by_trace))
    agreement = {}
    for name in ("conn_state", "history"):
        same, total = counts[name]
        agreement[name] = 100.0 * same / total if total else 100.0
        print("  %-10s %3d / %3d agree (%.1f %%)" % (name, same, total, agreement[name]))
    for line in differences:
        print("  differs: " + line)

    problems = []
    if agreement["conn_state"] < CONN_STATE_GOAL:
        problems.append("conn_state agreement %.1f %% is below %.0f %%" % (agreement["conn_state"], CONN_STATE_GOAL))
    if agreement["history"] < HISTORY_GOAL:
        problems.append("history agreement %.1f %% is below %.0f %%" % (agreement["history"], HISTORY_GOAL))
    harness.fail(problems)
    return 0


if __name__ == "__main__":
    sys.exit(main())
