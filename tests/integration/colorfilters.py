#!/usr/bin/env python3
"""colorfilters.py: the coloring rules and the lab profile in docs/.

  1. docs/tcphs.colorfilters is in Wireshark's format
     (@name@filter@[r,g,b][r,g,b], 16-bit colours), gives each rule its own
     background, and is the colorfilters file of docs/profile-tcphs/;
  2. with that profile (tshark -C tcphs, the profile copied into a personal
     configuration folder), tshark reports no error or warning (a filter that
     does not compile would be disabled with a warning);
  3. tshark --color -T psml colours every frame as the first rule whose
     filter matches it (each filter run on its own with -Y), and every rule
     colours some frame of the captures read;
  4. the profile's preferences give the custom columns Phase, Event and Note,
     which hold tcphs.phase, tcphs.event and tcphs.note.
"""
import filecmp
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET

import harness

DOCS = os.path.join(harness.ROOT, "docs")
COLORFILTERS = os.path.join(DOCS, "tcphs.colorfilters")
PROFILE = os.path.join(DOCS, "profile-tcphs")
CAPTURES = ["client-close", "keepalive", "rst-after-data", "handshake-bad-ack", "refused", "half-close"]
RULE = re.compile(r"^(!?)@([^@]+)@([^@]+)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]$")
COLUMNS = {"Phase": "tcphs.phase", "Event": "tcphs.event", "Note": "tcphs.note"}


def hex_colour(r, g, b):
    """Wireshark writes a 16-bit colour as #rrggbb of the high bytes."""
    return "#%02x%02x%02x" % (int(r) >> 8, int(g) >> 8, int(b) >> 8)


def read_rules(problems):
    rules = []
    with open(COLORFILTERS, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = RULE.match(line)
            if not m:
                problems.append("%s line %d is not @name@filter@[r,g,b][r,g,b]: %r" % (COLORFILTERS, number, line))
                continue
            values = [int(v) for v in m.groups()[3:]]
            if any(v > 65535 for v in values):
                problems.append("%s line %d: colour values go up to 65535" % (COLORFILTERS, number))
            rules.append({"name": m.group(2), "filter": m.group(3), "disabled": bool(m.group(1)),
                          "bg": hex_colour(*values[:3]), "fg": hex_colour(*values[3:])})
    if not rules:
        problems.append("%s has no rule" % COLORFILTERS)
    backgrounds = [r["bg"] for r in rules]
    if len(set(backgrounds)) != len(backgrounds):
        problems.append("%s: two rules share a background colour: %s" % (COLORFILTERS, backgrounds))
    for r in rules:
        if r["disabled"]:
            problems.append("%s: rule %s is disabled" % (COLORFILTERS, r["name"]))
    return rules


def matching_frames(capture, display_filter):
    out, err = harness.run_program(["-r", capture, "-n", "-2", "-Y", display_filter, "-T", "fields", "-e", "frame.number"])
    return {int(v) for v in out.split()}, err


def main():
    problems = []
    if not filecmp.cmp(COLORFILTERS, os.path.join(PROFILE, "colorfilters"), shallow=False):
        problems.append("docs/profile-tcphs/colorfilters differs from docs/tcphs.colorfilters: copy it over")
    rules = read_rules(problems)

    config = tempfile.mkdtemp(prefix="tcphs-profile-")
    used = set()
    try:
        shutil.copytree(PROFILE, os.path.join(config, "profiles", "tcphs"))
        for dirpath, dirnames, filenames in os.walk(config):
            os.chmod(dirpath, 0o755)
            for name in filenames:
                os.chmod(os.path.join(dirpath, name), 0o644)
        for name in CAPTURES:
            capture = os.path.join(harness.CAPTURES, name + ".pcap")
            expected = {}
            for rule in rules:
                frames, err = matching_frames(capture, rule["filter"])
                if err.strip():
                    problems.append("%s: -Y '%s' says: %s" % (name, rule["filter"], err.strip()))
                for frame in frames:
                    expected.setdefault(frame, rule)
            fields = {int(r["frame.number"]): r for r in
                      harness.tshark_fields(capture, ["frame.number"] + list(COLUMNS.values()), two_pass=True)}

            os.environ["WIRESHARK_CONFIG_DIR"] = config
            try:
                out, err = harness.run_program(["-C", "tcphs", "-r", capture, "-n", "-2", "--color", "-T", "psml"])
            finally:
                del os.environ["WIRESHARK_CONFIG_DIR"]
            noise = [line for line in err.splitlines() if line.strip()]
            if noise:
                problems.append("%s: tshark with the tcphs profile wrote to stderr: %s" % (name, noise[:5]))
            root = ET.fromstring(out)
            titles = [s.text for s in root.find("structure").findall("section")]
            for title in COLUMNS:
                if title not in titles:
                    problems.append("%s: the profile's columns %s lack %s" % (name, titles, title))
            for packet in root.findall("packet"):
                cells = [s.text or "" for s in packet.findall("section")]
                frame = int(cells[titles.index("No.")])
                rule = expected.get(frame)
                got = (packet.get("background"), packet.get("foreground"))
                want = (rule["bg"], rule["fg"]) if rule else (None, None)
                if got != want:
                    problems.append("%s frame %d: coloured %s, expected %s (%s)" %
                                    (name, frame, got, want, rule["name"] if rule else "no rule"))
                if rule:
                    used.add(rule["name"])
                for title, field in COLUMNS.items():
                    if title in titles and frame in fields:
                        want_text = fields[frame][field].replace("|", ",")
                        if cells[titles.index(title)] != want_text:
                            problems.append("%s frame %d: column %s is %r, %s is %r" %
                                            (name, frame, title, cells[titles.index(title)], field, want_text))
    finally:
        shutil.rmtree(config, ignore_errors=True)

    for rule in rules:
        if rule["name"] not in used:
            problems.append("rule %s coloured no frame of %s" % (rule["name"], CAPTURES))
    if not problems:
        print("colorfilters: %d rules parse, colour %d captures as expected; profile columns Phase, Event, Note"
              % (len(rules), len(CAPTURES)))
    harness.fail(problems)


if __name__ == "__main__":
    main()
