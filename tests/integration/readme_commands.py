#!/usr/bin/env python3
"""readme_commands.py: the console examples of README.md print what they show.

Every ```console block of README.md is a session: a line `$ COMMAND` (with
`\\` continuation lines) followed by the output the README shows, up to the
next `$` line.  Each command runs with bash in a scratch folder that has the
repository's captures/ and tools/ (so a file a command writes stays out of
the clone; the README's commands write none), in README order, and its output must
equal the README's, line by line; a line `...` in the README stands for any
number of lines.  The plugin comes from $TCPHS_BUILD (tools/tshark-with-tcphs).

  readme_commands.py [--readme FILE] [--list]
"""
import argparse
import os
import subprocess
import tempfile

import harness

README = os.path.join(harness.ROOT, "README.md")


def sessions(path):
    """[(line number, command, [expected lines])] of the console blocks."""
    found, inside, command, expected, start = [], False, None, [], 0
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not inside:
            inside = line.strip() == "```console"
            i += 1
            continue
        if line.startswith("```") or line.startswith("$ "):
            if command is not None:
                found.append((start, command, expected))
            command, expected = None, []
            if line.startswith("```"):
                inside = False
                i += 1
                continue
            start, command = i + 1, line[2:]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
        elif command is not None:
            expected.append(line.rstrip())
        i += 1
    return found


def matches(expected, actual):
    """None when actual fits expected ('...' = any lines), else the first difference."""
    def fit(e, a):
        if e == len(expected):
            return None if a == len(actual) else (a, "(no more lines)", actual[a])
        if expected[e] == "...":
            for skip in range(a, len(actual) + 1):
                if fit(e + 1, skip) is None:
                    return None
            return (a, expected[e + 1] if e + 1 < len(expected) else "(end)", "(no match after ...)")
        if a < len(actual) and actual[a] == expected[e]:
            return fit(e + 1, a + 1)
        return (a, expected[e], actual[a] if a < len(actual) else "(end of output)")
    return fit(0, 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readme", default=README)
    parser.add_argument("--list", action="store_true")
    options = parser.parse_args()
    found = sessions(options.readme)
    if options.list:
        for start, command, expected in found:
            print("%d: $ %s (%d lines)" % (start, command, len(expected)))
        return
    problems = []
    env = dict(os.environ, TCPHS_BUILD=harness.build_dir())
    with tempfile.TemporaryDirectory(prefix="tcphs-readme.") as scratch:
        os.chmod(scratch, 0o755)
        for name in ("captures", "tools"):
            os.symlink(os.path.join(harness.ROOT, name), os.path.join(scratch, name))
        for start, command, expected in found:
            proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=scratch, env=env,
                                  capture_output=True, text=True, errors="replace", timeout=300)
            actual = [line.rstrip() for line in proc.stdout.rstrip("\n").split("\n")] if proc.stdout.strip() else []
            where = "%s:%d" % (os.path.relpath(options.readme, harness.ROOT), start)
            if proc.returncode not in (0, 141):   # 141: SIGPIPE of `| head`
                problems.append("%s: `%s` exited with %d: %s" % (where, command, proc.returncode, proc.stderr.strip()))
                continue
            while expected and not expected[-1]:
                expected = expected[:-1]
            difference = matches(expected, actual)
            if difference:
                index, want, got = difference
                problems.append("%s: `%s`, output line %d: README shows '%s', the command printed '%s'" %
                                (where, command, index + 1, want, got))
    if not problems:
        print("readme_commands: %d console commands of README.md print what it shows" % len(found))
    harness.fail(problems)


if __name__ == "__main__":
    main()
