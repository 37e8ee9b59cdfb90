#!/usr/bin/env python3
"""preferences.py: the tcphs.show_notes preference.

  1. `tshark -G defaultprefs` lists it, commented out, with its default TRUE
     (the same registration puts it in the GUI's Edit > Preferences >
     Protocols > TCPHS);
  2. by default every segment tcphs analyses has a tcphs.note;
  3. `-o tcphs.show_notes:FALSE` removes tcphs.note from every segment and
     changes no other tcphs field; `-o tcphs.show_notes:TRUE` is the default;
  4. the same FALSE in a preferences file of the personal configuration
     (WIRESHARK_CONFIG_DIR) removes the notes too.
"""
import os
import shutil
import tempfile

import harness

CAPTURES = ["client-close", "keepalive", "refused"]
OTHER_FIELDS = [f for f in harness.PER_PACKET_FIELDS + harness.CONNECTION_FIELDS if f != "tcphs.note"]


def rows(capture, extra=()):
    return harness.tshark_fields(capture, harness.KEY_FIELDS + ["tcphs.phase", "tcphs.note"] + OTHER_FIELDS,
                                 two_pass=True, extra=extra)


def analysed(rows_):
    return [r for r in rows_ if r["tcphs.phase"]]


def main():
    problems = []

    out, _ = harness.run_program(["-G", "defaultprefs"])
    lines = out.splitlines()
    if "#tcphs.show_notes: TRUE" not in lines:
        problems.append("tshark -G defaultprefs has no '#tcphs.show_notes: TRUE' line")
    else:
        i = lines.index("#tcphs.show_notes: TRUE")
        if not any("tcphs.note" in line for line in lines[max(0, i - 3):i]):
            problems.append("tshark -G defaultprefs: tcphs.show_notes lacks its description: %r" % lines[max(0, i - 3):i])

    config = tempfile.mkdtemp(prefix="tcphs-prefs-")
    try:
        with open(os.path.join(config, "preferences"), "w", encoding="utf-8") as f:
            f.write("# written by tests/integration/preferences.py\ntcphs.show_notes: FALSE\n")
        os.chmod(config, 0o755)
        os.chmod(os.path.join(config, "preferences"), 0o644)

        for name in CAPTURES:
            capture = os.path.join(harness.CAPTURES, name + ".pcap")
            default = analysed(rows(capture))
            if not default:
                problems.append("%s: no segment analysed" % name)
                continue
            missing = [r["frame.number"] for r in default if not r["tcphs.note"]]
            if missing:
                problems.append("%s: frames %s have no tcphs.note by default" % (name, missing))

            variants = {
                "-o tcphs.show_notes:TRUE": (analysed(rows(capture, ["-o", "tcphs.show_notes:TRUE"])), True),
                "-o tcphs.show_notes:FALSE": (analysed(rows(capture, ["-o", "tcphs.show_notes:FALSE"])), False),
            }
            os.environ["WIRESHARK_CONFIG_DIR"] = config
            try:
                variants["preferences file tcphs.show_notes: FALSE"] = (analysed(rows(capture)), False)
            finally:
                del os.environ["WIRESHARK_CONFIG_DIR"]

            for label, (got, notes) in variants.items():
                if len(got) != len(default):
                    problems.append("%s [%s]: %d segments analysed, %d by default" % (name, label, len(got), len(default)))
                    continue
                for want, row in zip(default, got):
                    frame = want["frame.number"]
                    if notes and row["tcphs.note"] != want["tcphs.note"]:
                        problems.append("%s frame %s [%s]: note %r, by default %r" %
                                        (name, frame, label, row["tcphs.note"], want["tcphs.note"]))
                    if not notes and row["tcphs.note"]:
                        problems.append("%s frame %s [%s]: tcphs.note is still there: %r" %
                                        (name, frame, label, row["tcphs.note"]))
                    for field in OTHER_FIELDS:
                        if row[field] != want[field]:
                            problems.append("%s frame %s [%s]: %s is %r, by default %r" %
                                            (name, frame, label, field, row[field], want[field]))
    finally:
        shutil.rmtree(config, ignore_errors=True)

    if not problems:
        print("preferences: tcphs.show_notes listed, default TRUE; FALSE (-o and preferences file) "
              "removes tcphs.note and nothing else on %d captures" % len(CAPTURES))
    harness.fail(problems)


if __name__ == "__main__":
    main()
