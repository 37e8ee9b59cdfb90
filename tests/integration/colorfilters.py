#!/usr/bin/env python3
"""colorfilters.py: the coloring rules and the lab profile in docs/.

  1. docs/tcphs.colorfilters is in Wireshark's format
     (@name@filter@[r,g,b][r,g,b], 16-bit colours) and is the colorfilters
     file of docs/profile-tcphs/; its rules not named "tcphs: ..." are
     Wireshark's default rules (the colorfilters file of tshark's global
     configuration folder), all of them, unchanged and in their order; each
     tcphs rule has its own background, and no Wireshark rule has its colours;
  2. with that profile (tshark -C tcphs, the profile copied into a personal
     configuration folder), tshark reports no error or warning (a filter that
     does not compile would be disabled with a warning);
  3. tshark --color -T psml colours every frame as the first rule whose
     filter matches it (each filter run on its own, in sharkd), and every
     tcphs rule colours some frame of the captures read;
  4. the ordering the file's comment explains, on named frames (ORDERING):
     a retransmission keeps Wireshark's "Bad TCP" colour over tcphs's phase
     colours, a wrong handshake ack keeps tcphs's colour over "Bad TCP", and
     a keep-alive ACK (which Wireshark's TCP analysis flags) keeps tcphs's;
  5. the profile's preferences give the custom columns Phase, Event, Client
     state, Server state and Note, which hold the tcphs fields of COLUMNS;
     its recent file (read by the GUI only) gives every column of the
     preferences a width, and the tcphs columns but Note one of their own.
"""
import filecmp
import json
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET

import harness

DOCS = os.path.join(harness.ROOT, "docs")
COLORFILTERS = os.path.join(DOCS, "tcphs.colorfilters")
PROFILE = os.path.join(DOCS, "profile-tcphs")
CAPTURES = ["client-close", "keepalive", "rst-after-data", "handshake-bad-ack", "refused", "half-close",
            "syn-lost-once", "fin-retransmission"]
TCPHS_PREFIX = "tcphs: "
# (capture, frame, what makes the frame a test of the order, the rule that must colour it)
ORDERING = [
    ("fin-retransmission", 8, "tcp.analysis.retransmission", "Bad TCP"),
    ("syn-lost-once", 2, "tcp.analysis.retransmission", "Bad TCP"),
    ("handshake-bad-ack", 3, "tcp.analysis.flags && tcphs.ack_check == 0", "tcphs: wrong handshake ack"),
    ("keepalive", 9, "tcp.analysis.keep_alive_ack && tcphs.phase == \"data\"", "tcphs: keep-alive"),
]
RULE = re.compile(r"^(!?)@([^@]+)@([^@]+)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]$")
COLUMNS = {"Phase": "tcphs.phase", "Event": "tcphs.event", "Round phase": "tcphs.round.phase", "Client state": "tcphs.state.client",
           "Server state": "tcphs.state.server", "Note": "tcphs.note"}


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
                          "bg": hex_colour(*values[:3]), "fg": hex_colour(*values[3:]), "line": line,
                          "tcphs": m.group(2).startswith(TCPHS_PREFIX)})
    if not rules:
        problems.append("%s has no rule" % COLORFILTERS)
    ours = [r for r in rules if r["tcphs"]]
    backgrounds = [r["bg"] for r in ours]
    if len(set(backgrounds)) != len(backgrounds):
        problems.append("%s: two tcphs rules share a background colour: %s" % (COLORFILTERS, backgrounds))
    for r in ours:
        for w in rules:
            if not w["tcphs"] and (w["bg"], w["fg"]) == (r["bg"], r["fg"]):
                problems.append("%s: rule %s has the colours of Wireshark's %s" % (COLORFILTERS, r["name"], w["name"]))
    for r in rules:
        if r["disabled"]:
            problems.append("%s: rule %s is disabled" % (COLORFILTERS, r["name"]))
    return rules


def check_column_widths(problems):
    """recent's column.width names each column of gui.column.format (built-in
    as %m, custom as "%Cus:FIELD") with a width; -1 is Wireshark's default."""
    with open(os.path.join(PROFILE, "preferences"), encoding="utf-8") as f:
        prefs = f.read()
    formats = re.findall(r'^\s*"[^"]+", "(%[^"]+)",?$', prefs.split("gui.column.format:", 1)[-1], re.M)
    wanted = [re.sub(r"^(%Cus:[^:]+):.*$", r'"\1"', fmt) for fmt in formats]
    recent = os.path.join(PROFILE, "recent")
    if not os.path.exists(recent):
        problems.append("%s is missing: the GUI would cut the tcphs columns" % recent)
        return
    with open(recent, encoding="utf-8") as f:
        text = f.read()
    widths = dict(re.findall(r'^\s+(%\w+|"%Cus:[^"]+"), (-?\d+),?$', text.split("column.width:", 1)[-1], re.M))
    if list(widths) != wanted:
        problems.append("%s: column.width lists %s, the preferences' columns are %s" % (recent, list(widths), wanted))
    for field in COLUMNS.values():
        if field != "tcphs.note" and int(widths.get('"%%Cus:%s"' % field, -1)) < 1:
            problems.append("%s: no width for the column of %s" % (recent, field))


def check_wireshark_defaults(rules, problems):
    """The rules not named tcphs: ... are Wireshark's defaults, complete and in order."""
    out, _ = harness.run_program(["-G", "folders"])
    folder = next((line.split(":", 1)[1].strip() for line in out.splitlines()
                   if line.startswith("Global configuration:")), None)
    defaults_file = os.path.join(folder or "", "colorfilters")
    if not folder or not os.path.exists(defaults_file):
        problems.append("no colorfilters in tshark's global configuration folder (%s)" % folder)
        return
    with open(defaults_file, encoding="utf-8") as f:
        defaults = [line.rstrip("\n") for line in f if RULE.match(line.rstrip("\n"))]
    copied = [r["line"] for r in rules if not r["tcphs"]]
    if copied != defaults:
        missing = [line for line in defaults if line not in copied]
        extra = [line for line in copied if line not in defaults]
        problems.append("%s: the rules not named %r are not %s as it is (missing %s, not there %s%s)" %
                        (COLORFILTERS, TCPHS_PREFIX, defaults_file, missing, extra,
                         ", order differs" if not missing and not extra else ""))


def matching_frames(capture, filters):
    """{filter: set of frame numbers} for each display filter, from one sharkd
    (a whole-capture load, as in the GUI) instead of a tshark run per filter."""
    requests = [{"jsonrpc": "2.0", "id": 1, "method": "load", "params": {"file": "@CAPTURE@"}}]
    for i, display_filter in enumerate(filters, start=2):
        requests.append({"jsonrpc": "2.0", "id": i, "method": "frames", "params": {"filter": display_filter}})
    out = harness.run_sharkd(capture, "\n".join(json.dumps(r) for r in requests) + "\n")
    found, errors = {}, []
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        reply = json.loads(line)
        rid = reply.get("id", 0)
        if rid == 1:
            if reply.get("result", {}).get("status") != "OK":
                errors.append("sharkd could not load it: %s" % line)
        elif "error" in reply:
            errors.append("filter '%s': %s" % (filters[rid - 2], reply["error"].get("message")))
        else:
            found[filters[rid - 2]] = {frame["num"] for frame in reply.get("result", [])}
    for display_filter in filters:
        if display_filter not in found and not any(display_filter in e for e in errors):
            errors.append("filter '%s': no answer from sharkd" % display_filter)
    return found, errors


def main():
    problems = []
    if not filecmp.cmp(COLORFILTERS, os.path.join(PROFILE, "colorfilters"), shallow=False):
        problems.append("docs/profile-tcphs/colorfilters differs from docs/tcphs.colorfilters: copy it over")
    rules = read_rules(problems)
    check_wireshark_defaults(rules, problems)
    check_column_widths(problems)
    named = {r["name"]: r for r in rules}

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
            checks = [c for c in ORDERING if c[0] == name]
            filters = list(dict.fromkeys([r["filter"] for r in rules] + [c[2] for c in checks]))
            matches, errors = matching_frames(capture, filters)
            problems.extend("%s: %s" % (name, e) for e in errors)
            expected = {}
            for rule in rules:
                for frame in matches.get(rule["filter"], ()):
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
            coloured = {int(p.findall("section")[0].text): (p.get("background"), p.get("foreground"))
                        for p in root.findall("packet")}
            for _, frame, premise, rule_name in checks:
                rule = named.get(rule_name)
                if frame not in matches.get(premise, ()):
                    problems.append("%s frame %d no longer matches %s: pick another frame for ORDERING" %
                                    (name, frame, premise))
                elif rule is None:
                    problems.append("%s has no rule %s" % (COLORFILTERS, rule_name))
                elif coloured.get(frame) != (rule["bg"], rule["fg"]):
                    problems.append("%s frame %d (%s) must be coloured by %s %s, is %s (%s comes first)" %
                                    (name, frame, premise, rule_name, (rule["bg"], rule["fg"]), coloured.get(frame),
                                     expected[frame]["name"] if frame in expected else "no rule"))
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
        if rule["tcphs"] and rule["name"] not in used:
            problems.append("rule %s coloured no frame of %s" % (rule["name"], CAPTURES))
    if not problems:
        print("colorfilters: %d rules (%d tcphs, the rest Wireshark's defaults) colour %d captures as expected, "
              "%d ordering checks; profile columns %s" % (len(rules), sum(r["tcphs"] for r in rules), len(CAPTURES),
                                                         len(ORDERING), ", ".join(COLUMNS)))
    harness.fail(problems)


if __name__ == "__main__":
    main()
