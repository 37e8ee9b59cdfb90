#!/usr/bin/env python3
"""valgrind_report.py: the memcheck errors of a tshark run that are tcphs's.

    valgrind_report.py VALGRIND_XML [VALGRIND_XML ...]

Reads valgrind's XML output (--xml=yes --xml-file=...) and fails (exit 1)
when it holds
  (a) a memory error (invalid read or write, use of uninitialised values,
      invalid free, ...) with tcphs in one of its stacks, or
  (b) a definite leak whose allocation stack goes through tcphs.
tshark and the libraries below it have memcheck reports of their own (leaks
at exit, mostly): every error without tcphs in its stacks is only counted.
So are leaks of memory that Wireshark's stats_tree API allocated on tcphs's
behalf (nodes made by tick_stat_node() and friends, a stats_tree_* function
in the allocation stack): tshark never frees a statistics tree, and valgrind
names any node of the lost tree as the leaked block, one of tcphs's nodes or
the tree itself (stats_tree_new, as for Wireshark's own -z ...,tree).

A stack frame is tcphs's when its object is tcphs.so, or its source file is
one of tcphs's (packet-tcphs.c, tap-tcphs.c, plugin/*, core/*/*.c).
"""
import collections
import os
import sys
import xml.etree.ElementTree as ET

TCPHS_OBJECT = "tcphs.so"
TCPHS_FILES = {"packet-tcphs.c", "tap-tcphs.c", "plugin.c", "ws-compat.h",
               "conn.c", "report.c", "segment.c", "text.c", "vocab.c", "zeek.c"}
TCPHS_DIRS = ("/core", "/plugin")


def is_tcphs_frame(frame):
    obj = frame.findtext("obj") or ""
    if os.path.basename(obj) == TCPHS_OBJECT:
        return True
    source = frame.findtext("file") or ""
    directory = frame.findtext("dir") or ""
    if source in ("packet-tcphs.c", "tap-tcphs.c"):
        return True
    return source in TCPHS_FILES and directory.endswith(TCPHS_DIRS)


def is_stats_tree_frame(frame):
    return (frame.findtext("fn") or "").startswith("stats_tree_") and \
        "libwireshark" in (frame.findtext("obj") or "")


def describe_frame(frame):
    fn = frame.findtext("fn") or frame.findtext("ip") or "?"
    where = frame.findtext("file")
    if where:
        where = "%s:%s" % (where, frame.findtext("line") or "?")
    else:
        where = os.path.basename(frame.findtext("obj") or "?")
    return "%s (%s)" % (fn, where)


def error_text(error):
    what = error.find("what")
    if what is not None and what.text:
        return what.text
    xwhat = error.find("xwhat")
    if xwhat is not None:
        return xwhat.findtext("text") or "?"
    return "?"


def classify(path):
    """(tcphs errors as printable blocks, Counter of the other errors' kinds)."""
    found = []
    others = collections.Counter()
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise SystemExit("valgrind_report.py: cannot parse %s: %s" % (path, error))
    for error in root.iter("error"):
        kind = error.findtext("kind") or "?"
        stacks = error.findall("stack")
        ours = any(is_tcphs_frame(frame) for stack in stacks for frame in stack.iter("frame"))
        relevant = ours and (kind == "Leak_DefinitelyLost" or not kind.startswith("Leak_"))
        if relevant and kind.startswith("Leak_") and stacks and \
                any(is_stats_tree_frame(frame) for frame in stacks[0].iter("frame")):
            others[kind + " (stats tree nodes)"] += 1
            continue
        if not relevant:
            others[kind] += 1
            continue
        lines = ["%s: %s" % (kind, error_text(error))]
        for number, stack in enumerate(stacks):
            if number:
                aux = error.findall("auxwhat")
                lines.append("  " + (aux[number - 1].text if len(aux) >= number else "and"))
            for frame in stack.iter("frame"):
                lines.append("    %s %s" % ("*" if is_tcphs_frame(frame) else " ", describe_frame(frame)))
        found.append("\n".join(lines))
    return found, others


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    total_found = []
    total_others = collections.Counter()
    for path in sys.argv[1:]:
        found, others = classify(path)
        total_found += found
        total_others += others
    for block in total_found:
        print(block)
        print()
    ignored = ", ".join("%d %s" % (n, kind) for kind, n in sorted(total_others.items())) or "none"
    print("valgrind_report.py: %d error(s) in tcphs; ignored (not tcphs's): %s" % (len(total_found), ignored))
    return 1 if total_found else 0


if __name__ == "__main__":
    sys.exit(main())
