#!/usr/bin/env python3
"""flow_graph.py: the tcphs flow type, tshark -z flow,tcphs,standard|network.

On every case of tests/TESTLIST (each capture with its preferences), in two
passes (standard and network mode) and in one (standard):

- one arrow per segment tcphs analysed: as many arrows as there are TCP
  layers with a tcphs.event, in frame order, each label's first word that
  segment's tcphs.event (the text dump cuts a label at the arrow's width, 20
  characters between neighbouring nodes: syn-ack-retransmission reads
  "syn-ack-retransmissi");
- the ports beside each arrow are the sender's and the receiver's TCP ports,
  in network mode as in standard mode;
- the passes: the one-pass comment of an arrow is what the segment itself
  shows (no "acked in", no connection verdict), and the two-pass comment
  starts with it; in two passes the first arrow of each stream carries the
  stream's verdict.

And keepalive.pcap's two-pass standard output is compared in full with
tests/expected/flow/keepalive.standard.txt (reviewed by hand).

  flow_graph.py [--only CASE ...] [--update]

Exits 77 (skipped) when this Wireshark has no flow type tcphs and is not 4.0
(the flow type is built where the declarations are known: docs/flow-graph.md).
"""
import argparse
import difflib
import os
import re
import sys

import harness

FLOW_EXPECTED = os.path.join(harness.EXPECTED, "flow")
# NAME -> (capture, tshark options, mode): the outputs compared in full.
FULL_CASES = {
    "keepalive.standard": ("captures/keepalive.pcap", [], "standard"),
}

SEPARATOR = " \u00b7 "
ARROW = re.compile(r"\((\d+)\)\s*(-+>|<-+)\s*\((\d+)\)")
LABEL_WIDTH = 20
# What only the whole capture tells: the ACK that covered a segment, the
# connection's verdict.
WHOLE_CAPTURE_WORDS = [re.compile(r"acked in \d+"), re.compile(r"stream \d+: handshake ")]


def flow_output(capture, options, mode, two_pass):
    args = ["-r", capture, "-n", "-q"] + (["-2"] if two_pass else []) + list(options)
    args += ["-z", "flow,tcphs,%s" % mode]
    out, err = harness.run_program(args)
    bugs = harness.dissector_bugs(err)
    if bugs:
        raise harness.Failure("tshark -z flow,tcphs,%s reported problems on %s:\n%s" %
                              (mode, capture, "\n".join(bugs[:5])))
    return out


def parse_arrows(text):
    """The arrows of a sequence_analysis_dump_to_file() text, in order: dicts
    with label (first word), comment, sender and receiver port."""
    lines = text.split("\n")
    arrows = []
    for i, line in enumerate(lines):
        m = ARROW.search(line)
        if not m or i == 0:
            continue
        label_line = lines[i - 1]
        # [conv] |time |... label ...|comment: the node columns hold only
        # '|' and blanks, so the label's first word is the third token.
        tokens = [t for t in re.split(r"[|\s]+", label_line.strip())]
        if len(tokens) < 3:
            raise harness.Failure("arrow %d: no label in %r" % (len(arrows) + 1, label_line))
        left, right = m.group(1), m.group(3)
        rightwards = m.group(2).endswith(">")
        comment = label_line[label_line.rfind("|") + 1:]
        arrows.append({
            "label": tokens[2],
            "comment": comment,
            "src": left if rightwards else right,
            "dst": right if rightwards else left,
        })
    return arrows


def analysed_segments(case):
    """(frame, event, srcport, dstport) of every TCP layer tcphs analysed, in
    frame order (ports None when -T fields cannot tell them per layer), and
    the set of streams tcphs analysed."""
    rows = harness.tshark_fields(case.capture_path, ["frame.number", "tcp.stream", "tcphs.event",
                                                     "tcp.srcport", "tcp.dstport"],
                                 two_pass=True, extra=case.options)
    segments, streams = [], set()
    for row in rows:
        events = harness.split_values(row, "tcphs.event")
        sports = harness.split_values(row, "tcp.srcport")
        dports = harness.split_values(row, "tcp.dstport")
        per_layer = len(sports) == len(events) and len(dports) == len(events)
        for i, event in enumerate(events):
            segments.append((row["frame.number"], event, sports[i] if per_layer else None,
                             dports[i] if per_layer else None))
        streams.update(harness.analysed_layers(row) or [])
    return segments, streams


def label_matches(label, event):
    return label == event or (len(label) == LABEL_WIDTH and len(event) > LABEL_WIDTH and event.startswith(label))


def check_arrows(case, mode, two_pass, arrows, segments):
    what = "%s %s %s" % (case.name, mode, "two-pass" if two_pass else "one-pass")
    problems = []
    if len(arrows) != len(segments):
        problems.append("%s: %d arrows, but tcphs analysed %d segments" % (what, len(arrows), len(segments)))
    for n, (arrow, (frame, event, sport, dport)) in enumerate(zip(arrows, segments), start=1):
        if not label_matches(arrow["label"], event):
            problems.append("%s: arrow %d (frame %s) is labelled '%s', tcphs.event is '%s'" %
                            (what, n, frame, arrow["label"], event))
        if sport is not None and (arrow["src"], arrow["dst"]) != (sport, dport):
            problems.append("%s: arrow %d (frame %s) goes from port %s to %s, the segment from %s to %s" %
                            (what, n, frame, arrow["src"], arrow["dst"], sport, dport))
        if len(problems) > 8:
            break
    return problems


def check_passes(case, one_pass, two_pass):
    """One pass says only what each segment shows; two passes add to it."""
    problems = []
    for n, (one, two) in enumerate(zip(one_pass, two_pass), start=1):
        for word in WHOLE_CAPTURE_WORDS:
            if word.search(one["comment"]):
                problems.append("%s: one pass, arrow %d: '%s' in %r: a whole-capture word" %
                                (case.name, n, word.pattern, one["comment"]))
        if not two["comment"].startswith(one["comment"]):
            problems.append("%s: arrow %d: the two-pass comment %r does not start with the one-pass one %r" %
                            (case.name, n, two["comment"], one["comment"]))
    verdicts = sum(1 for arrow in two_pass if re.search(r"stream \d+: handshake ", arrow["comment"]))
    return problems, verdicts


def check_case(case):
    """Two passes in both modes, one pass in standard mode.  The events and
    ports are per-packet facts, the same in every pass (capture_tests.py
    checks that), so one two-pass -T fields run gives the segments."""
    problems = []
    segments, streams = analysed_segments(case)
    outputs = {}
    for mode, two_pass in (("standard", True), ("network", True), ("standard", False)):
        arrows = parse_arrows(flow_output(case.capture_path, case.options, mode, two_pass))
        problems += check_arrows(case, mode, two_pass, arrows, segments)
        outputs[(mode, two_pass)] = arrows
    found, verdicts = check_passes(case, outputs[("standard", False)], outputs[("standard", True)])
    problems += found
    # Each stream tcphs analysed has its verdict on its first arrow, in two passes.
    if verdicts != len(streams):
        problems.append("%s: %d arrows carry a stream's verdict, tcphs analysed %d streams" %
                        (case.name, verdicts, len(streams)))
    return problems


def check_full(name, update):
    capture, options, mode = FULL_CASES[name]
    actual = flow_output(os.path.join(harness.ROOT, capture), options, mode, True)
    path = os.path.join(FLOW_EXPECTED, name + ".txt")
    if update:
        os.makedirs(FLOW_EXPECTED, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(actual)
        print("wrote %s" % os.path.relpath(path, harness.ROOT))
        return []
    if not os.path.exists(path):
        return ["no expected file %s (run flow_graph.py --update and review it)" % path]
    with open(path, encoding="utf-8") as f:
        expected = f.read()
    if actual == expected:
        return []
    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "expected/flow/%s.txt" % name,
                                "tshark -2 -z flow,tcphs,%s" % mode, lineterm="", n=1)
    return ["%s differs:\n%s" % (name, "\n".join(diff))]


def flow_type_present():
    out, err = harness.run_program(["-z", "help"], check=False)   # tshark writes the list to stderr
    return any(line.strip() == "flow,tcphs" for line in (out + err).splitlines())


def wireshark_release():
    out, _ = harness.run_program(["--version"])
    m = re.search(r"TShark \(Wireshark\) (\d+\.\d+)", out)
    return m.group(1) if m else "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="TESTLIST cases to check (default: all)")
    parser.add_argument("--update", action="store_true", help="rewrite tests/expected/flow/ (review the diff!)")
    options = parser.parse_args()

    if not flow_type_present():
        release = wireshark_release()
        if release == "4.0":
            harness.fail(["tshark -z help lists no flow,tcphs on Wireshark 4.0: the flow type did not register"])
        print("skipped: Wireshark %s has no epan/sequence_analysis.h and tcphs no copy of it: no flow type" % release)
        sys.exit(77)

    problems = []
    for name in FULL_CASES:
        problems += check_full(name, options.update)
    if options.update:
        return
    for case in harness.read_testlist():
        if options.only and case.name not in options.only:
            continue
        try:
            found = check_case(case)
        except harness.Failure as error:
            found = ["%s: %s" % (case.name, error)]
        print("%-28s %s" % (case.name, "ok" if not found else "FAILED"))
        problems += found
    harness.fail(problems)


if __name__ == "__main__":
    main()
