#!/usr/bin/env python3
"""tap_tests.py: the three tshark outputs of tcphs against expected files.

For each case below (a capture, and the TCP preferences it runs with), two-pass
tshark (connection verdicts final) must give exactly the expected output of

  -z tcphs,conns,csv   -> tests/expected/taps/NAME.conns.csv
  -z tcphs,tree        -> tests/expected/taps/NAME.tree.txt
  -z tcphs,report      -> tests/expected/taps/NAME.report.md

The report of the lab capture (keepalive) is thus compared in full, line by
line.  A failure prints a unified diff.

  tap_tests.py [--only NAME ...] [--update]
"""
import argparse
import difflib
import os
import sys

import harness

# A capture of each kind: the lab's two closes, keep-alives, a refusal, a lost
# SYN, a simultaneous close, roles guessed mid-stream, TCP inside TCP, two
# streams on one 4-tuple (the report's multi-stream summary), headers cut by
# the snaplen, and the data-transfer lab's captures (its report section and
# ladder).  NAME -> (capture, tshark options).
NO_SEQUENCE_ANALYSIS = ["-o", "tcp.analyze_sequence_numbers:FALSE"]
CASES = {
    "client-close": ("client-close", []),
    "server-close": ("server-close", []),
    "keepalive": ("keepalive", []),
    "refused": ("refused", []),
    "syn-lost-once": ("syn-lost-once", []),
    "simultaneous-close": ("simultaneous-close", []),
    # Both sides send a SYN: the handshake table and the ladder list each
    # side's SYN (and SYN-ACK), and no third step is missing.
    "simultaneous-open": ("simultaneous-open", []),
    "split-handshake": ("split-handshake", []),
    "midstream": ("midstream", []),
    "odd-two-tcp-layers": ("odd-two-tcp-layers", []),
    "port-reuse": ("port-reuse", []),
    "snaplen-68": ("snaplen-68", []),
    "snaplen-40": ("snaplen-40", []),
    "transfer": ("transfer", []),
    "transfer-loss": ("transfer-loss", []),
    # Without Wireshark's analysis marks the report says the keep-alive and
    # retransmission counts are unknown.
    "transfer-loss.noseq": ("transfer-loss", NO_SEQUENCE_ANALYSIS),
}

TAPS = [
    ("conns.csv", ["-z", "tcphs,conns,csv"]),
    ("tree.txt", ["-z", "tcphs,tree"]),
    ("report.md", ["-z", "tcphs,report"]),
]

# The snaplen captures also get the aligned table, which says how many
# segments were cut before the end of their fixed header (the CSV cannot).
SNAPLEN_TAPS = [
    ("conns.txt", ["-z", "tcphs,conns"]),
]

TAP_EXPECTED = os.path.join(harness.EXPECTED, "taps")


def tap_output(capture, preferences, options):
    out, err = harness.run_program(["-r", capture, "-n", "-2", "-q"] + preferences + options)
    bugs = harness.dissector_bugs(err)
    if bugs:
        raise harness.Failure("tshark reported problems on %s:\n%s" % (capture, "\n".join(bugs)))
    return out


def capture_file(name):
    path = os.path.join(harness.CAPTURES, name + ".pcap")
    if not os.path.exists(path):
        raise harness.Failure("no capture %s" % path)
    return path


def check(name, update):
    problems = []
    capture, preferences = CASES[name]
    for suffix, options in TAPS + (SNAPLEN_TAPS if name.startswith("snaplen-") else []):
        expected_path = os.path.join(TAP_EXPECTED, "%s.%s" % (name, suffix))
        actual = tap_output(capture_file(capture), preferences, options)
        if update:
            os.makedirs(TAP_EXPECTED, exist_ok=True)
            with open(expected_path, "w", encoding="utf-8") as f:
                f.write(actual)
            print("wrote tests/expected/taps/%s.%s" % (name, suffix))
            continue
        if not os.path.exists(expected_path):
            problems.append("%s: no expected file %s (run with --update --only %s and review it)" %
                            (name, expected_path, name))
            continue
        with open(expected_path, encoding="utf-8") as f:
            expected = f.read()
        if actual != expected:
            diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                        "expected/%s.%s" % (name, suffix),
                                        "tshark -2 %s" % " ".join(preferences + options),
                                        lineterm="", n=1)
            problems.append("%s -z %s differs:\n%s" % (name, options[1], "\n".join(diff)))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--update", action="store_true", help="rewrite the expected files (review the diff!)")
    options = parser.parse_args()

    problems = []
    for name in options.only or CASES:
        try:
            found = check(name, options.update)
        except harness.Failure as error:
            found = ["%s: %s" % (name, error)]
        if not options.update:
            print("%-22s %s" % (name, "ok" if not found else "FAILED"))
        problems += found
    harness.fail(problems)


if __name__ == "__main__":
    main()
