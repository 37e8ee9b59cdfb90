#!/usr/bin/env python3
"""capture_readme.py: the event sequences written by hand in captures/README.md
against what tcphs says.

captures/README.md, section "Event sequences", holds one line per capture
(per stream where a capture has several), written from the frame patterns
with the vocabulary of docs/fields.md, never generated:

    client-close: c syn, s syn-ack, c handshake-ack, c data, ...
    odd-flags stream 2: c syn, s syn-ack, ...

`none` says tcphs analyses no segment of the capture.  An item is `FROM EVENT` (c = client, s = server), `Nx(ITEM, ...)` (the
items N times), or, for long transfers, `...[N FROM EVENT, ...]`: exactly
these segments, in any order.  The test runs one-pass tshark on the capture
(no preferences) and compares, stream by stream, the sequence of
(tcphs.from, tcphs.event) of the frames tcphs analysed.  --update does not
touch captures/README.md: a difference is either a README error or a tcphs
error, and someone has to decide which.

  capture_readme.py [--readme FILE] [--only CAPTURE ...]
"""
import argparse
import collections
import os
import re

import harness

README = os.path.join(harness.CAPTURES, "README.md")
LINE = re.compile(r"^\s*([a-z0-9-]+)(?: stream (\d+))?:\s*(.+)$")
SIDES = {"c": "client", "s": "server"}


def split_items(text):
    """Split on commas outside brackets and parentheses."""
    items, depth, current = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        items.append(current.strip())
    return items


def parse_item(item, where):
    """A list of parts: ("seq", [(from, event)...]) or ("bag", Counter)."""
    match = re.fullmatch(r"(\d+)x\((.*)\)", item)
    if match:
        inner = parse_sequence(match.group(2), where)
        return inner * int(match.group(1))
    match = re.fullmatch(r"\.\.\.\[(.*)\]", item)
    if match:
        bag = collections.Counter()
        for part in split_items(match.group(1)):
            m = re.fullmatch(r"(\d+) ([cs]) ([a-z-]+)", part)
            if not m:
                raise harness.Failure("%s: cannot read %r in %r" % (where, part, item))
            bag[(SIDES[m.group(2)], m.group(3))] += int(m.group(1))
        return [("bag", bag)]
    match = re.fullmatch(r"([cs]) ([a-z-]+)", item)
    if not match:
        raise harness.Failure("%s: cannot read item %r" % (where, item))
    return [("one", (SIDES[match.group(1)], match.group(2)))]


def parse_sequence(text, where):
    parts = []
    for item in split_items(text):
        parts += parse_item(item, where)
    return parts


def readme_sequences(path):
    """[(capture, stream, parts, line number)] from the section 'Event sequences'."""
    found, inside, fenced = [], False, False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if line.startswith("#"):
                inside = line.strip().lstrip("#").strip().lower() == "event sequences"
                continue
            if inside and line.startswith("```"):
                fenced = not fenced
                continue
            if inside and fenced and line.strip():
                match = LINE.match(line)
                where = "%s:%d" % (os.path.relpath(path, harness.ROOT), number)
                if not match:
                    raise harness.Failure("%s: not 'CAPTURE[ stream N]: ITEMS': %r" % (where, line.strip()))
                capture, stream, text = match.groups()
                parts = [] if text.strip() == "none" else parse_sequence(text, where)
                found.append((capture, stream or "0", parts, where))
    return found


def match(parts, actual):
    """None when actual (list of (from, event)) is what parts say, else a message."""
    position = 0
    for kind, value in parts:
        if kind == "one":
            if position >= len(actual):
                return "ends after %d segments, the README expects %s %s next" % (len(actual), *value)
            if actual[position][:2] != value:
                return "segment %d (frame %s) is %s %s, the README says %s %s" % (
                    position + 1, actual[position][2], actual[position][0], actual[position][1], *value)
            position += 1
        else:
            size = sum(value.values())
            got = collections.Counter(a[:2] for a in actual[position:position + size])
            if got != value:
                return "segments %d-%d are %s, the README says %s" % (
                    position + 1, position + size, fmt(got), fmt(value))
            position += size
    if position != len(actual):
        return "%d more segments after the README's last (from frame %s: %s %s)" % (
            len(actual) - position, actual[position][2], actual[position][0], actual[position][1])
    return None


def fmt(counter):
    return ", ".join("%d %s %s" % (n, side[0], event) for (side, event), n in sorted(counter.items()))


def actual_sequences(capture):
    """{stream: [(from, event, frame)]} for the frames tcphs analysed."""
    rows = harness.tshark_fields(capture, ["frame.number", "tcp.stream", "tcphs.from", "tcphs.event"])
    streams = collections.OrderedDict()
    for row in rows:
        layers = harness.analysed_layers(row)
        if layers is None:
            continue
        froms, events = harness.split_values(row, "tcphs.from"), harness.split_values(row, "tcphs.event")
        for stream, side, event in zip(layers, froms, events):
            streams.setdefault(stream, []).append((side, event, row["frame.number"]))
    return streams


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readme", default=README)
    parser.add_argument("--only", nargs="*")
    options = parser.parse_args()

    sequences = readme_sequences(options.readme)
    problems = []
    written = {(capture, stream) for capture, stream, _, _ in sequences}
    captures = sorted(os.path.basename(p)[:-len(".pcap")] for p in os.listdir(harness.CAPTURES) if p.endswith(".pcap"))
    by_capture = collections.OrderedDict()
    for capture, stream, parts, where in sequences:
        by_capture.setdefault(capture, []).append((stream, parts, where))
    for capture in captures:
        if options.only and capture not in options.only:
            continue
        actual = actual_sequences(os.path.join(harness.CAPTURES, capture + ".pcap"))
        for stream in actual:
            if (capture, stream) not in written:
                problems.append("%s stream %s: tcphs analysed %d segments, captures/README.md has no event sequence "
                                "for it" % (capture, stream, len(actual[stream])))
        for stream, parts, where in by_capture.get(capture, []):
            message = match(parts, actual.get(stream, []))
            if message:
                problems.append("%s: %s stream %s: %s" % (where, capture, stream, message))
    for capture in by_capture:
        if capture not in captures:
            problems.append("captures/README.md: an event sequence for %s, which is no capture" % capture)
    if not problems:
        print("capture_readme: %d event sequences of captures/README.md agree with tcphs" % len(sequences))
    harness.fail(problems)


if __name__ == "__main__":
    main()
