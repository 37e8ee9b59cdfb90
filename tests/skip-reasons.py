#!/usr/bin/env python3
"""skip-reasons.py: say why ctest skipped tests, after a run.

ctest prints only "NAME (Skipped)"; a test's own words (e.g. conformance.zeek:
"SKIP: Zeek conformance corpus not found at ...") are kept in
build/Testing/Temporary/LastTest.log.  Given ctest's output on stdin, print
one line per skipped test with the last line its output said.

  ctest ... | tee out; python3 tests/skip-reasons.py BUILD_DIR < out
"""
import re
import sys


def outputs(log_path):
    """{test name: [output lines]} from ctest's LastTest.log."""
    found, name, lines, inside = {}, None, [], False
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            match = re.match(r"\d+/\d+ Test: (\S+)$", line)
            if match:
                name, lines, inside = match.group(1), [], False
            elif line == "Output:" and name:
                inside = None          # the dashes come next
            elif inside is None:
                inside = True
            elif line == "<end of output>" and name:
                found[name] = lines
                inside = False
            elif inside:
                lines.append(line)
    return found


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    skipped = re.findall(r"^\s*\d+ - (\S+) \(Skipped\)", sys.stdin.read(), re.M)
    if not skipped:
        return 0
    try:
        said = outputs("%s/Testing/Temporary/LastTest.log" % build)
    except OSError:
        said = {}
    print("\nSkipped tests and why:")
    for name in skipped:
        reason = next((line for line in reversed(said.get(name, [])) if line.strip()), "(it said nothing)")
        print("  %s: %s" % (name, reason))
    return 0


if __name__ == "__main__":
    sys.exit(main())
