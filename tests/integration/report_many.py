#!/usr/bin/env python3
"""report_many.py: `-z tcphs,report` on a capture of many streams stays readable.

The capture is every bundled capture appended into one (mergecap -a), made
in a temporary folder: more than 20 streams, some refused, reset, aborted
or with segments sent again.  Two-pass tshark must give

  1. without an argument: one summary table with a row for every stream,
     then the full sections of the first 20 streams and of every later one
     in trouble (the summary row says refused, aborted, "reset by", or a
     sent-again count above 0), and of no other; then a sentence saying how
     many were left out and how to ask for them;
  2. with a display filter (-z "tcphs,report,FILTER"): the same summary,
     and the full sections of exactly the streams the filter selects;
  3. with a stream number (-z tcphs,report,STREAM, as before): that
     stream's section alone, no summary;
  4. with a filter that does not compile: a message that names it.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

import harness

SECTION = re.compile(r"^## TCP stream (\d+): ")


def summary(report):
    """{stream: cells} of the summary table."""
    rows = {}
    for line in report.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0].isdigit() and len(cells) == 12:
            rows[int(cells[0])] = cells
    return rows


def sections(report):
    return [int(m.group(1)) for m in map(SECTION.match, report.splitlines()) if m]


def in_trouble(cells):
    return cells[3] in ("refused", "aborted") or cells[4].startswith("reset by") or cells[8] != "0" or \
        cells[9] != "0"


def main():
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        capture = os.path.join(folder, "many.pcap")
        captures = sorted(glob.glob(os.path.join(harness.CAPTURES, "*.pcap")))
        subprocess.run(["mergecap", "-a", "-w", capture, *captures], check=True)
        # A frame with TCP inside TCP lists both streams ("3|4").
        streams = {int(stream) for row in harness.tshark_fields(capture, ["tcp.stream"], display_filter="tcphs")
                   for stream in row["tcp.stream"].split("|") if stream.isdigit()}

        report, _ = harness.run_program(["-r", capture, "-2", "-q", "-z", "tcphs,report"])
        rows = summary(report)
        shown = sections(report)
        if set(rows) != streams:
            problems.append("summary: rows for streams %s, the capture has %d streams" % (sorted(rows), len(streams)))
        order = list(rows)
        want = [s for i, s in enumerate(order) if i < 20 or in_trouble(rows[s])]
        if shown != want:
            problems.append("full sections %s, want the first 20 and those in trouble: %s" % (shown, want))
        if len(shown) >= len(rows):
            problems.append("every stream has its full section: nothing was left out")
        left = "%d streams are in the summary table only" % (len(rows) - len(shown))
        if left not in report or "-z tcphs,report,STREAM" not in report:
            problems.append("no sentence '%s ...' saying how to ask for them" % left)
        if not any(in_trouble(rows[s]) for s in order[20:]):
            problems.append("the test capture has no stream in trouble after the first 20: nothing tested")

        refused = [s for s in order if rows[s][3] == "refused"]
        filtered, _ = harness.run_program(["-r", capture, "-2", "-q", "-z",
                                           'tcphs,report,tcphs.handshake.state == "refused"'])
        if set(summary(filtered)) != streams:
            problems.append("with a filter: the summary does not list every stream")
        if sections(filtered) != refused or not refused:
            problems.append("with a filter for refused handshakes: sections %s, want %s" %
                            (sections(filtered), refused))

        one, _ = harness.run_program(["-r", capture, "-2", "-q", "-z", "tcphs,report,%d" % order[25]])
        if sections(one) != [order[25]] or summary(one):
            problems.append("-z tcphs,report,%d: sections %s and %d summary rows, want its section alone" %
                            (order[25], sections(one), len(summary(one))))

        _, err = harness.run_program(["-r", capture, "-q", "-z", "tcphs,report,tcp.port =="], check=False)
        if 'display filter "tcp.port ==" is not valid' not in err:
            problems.append("a filter that does not compile: stderr says %r" % err.strip()[-300:])
    harness.fail(problems)


if __name__ == "__main__":
    main()
