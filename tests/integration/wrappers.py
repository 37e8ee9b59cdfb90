#!/usr/bin/env python3
"""wrappers.py: what tools/tshark-with-tcphs promises a user (issue 22).

  1. `-C tcphs` chooses the lab profile: tshark's default output has the
     columns of docs/profile-tcphs/preferences (those not hidden), in that
     order, and frame 1's line holds its phase, event, states and note.
  2. The user's own profiles are there too: a profile in $HOME/.config/
     wireshark/profiles/ is chosen with -C and its column format is used.
  3. An error about a capture names the capture as the user gave it, not the
     wrapper's copy (as root the program reads a copy readable by nobody):
     a truncated file, with a space and brackets in its name; standard
     output and the exit status are tshark's own.
  4. `-G plugins | grep tcphs` finds one line, tcphs's: nothing else staged
     has "tcphs" in its path.
  5. tools/quickstart.sh --help documents its CAPTURE argument and runs
     nothing else; a missing capture is refused before anything is installed.

The plugin comes from $TCPHS_BUILD (default build/).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WRAPPER = os.path.join(ROOT, "tools", "tshark-with-tcphs")
QUICKSTART = os.path.join(ROOT, "tools", "quickstart.sh")
CAPTURES = os.path.join(ROOT, "captures")
PROFILE = os.path.join(ROOT, "docs", "profile-tcphs")
ENV = dict(os.environ, TCPHS_BUILD=os.environ.get("TCPHS_BUILD", os.path.join(ROOT, "build")))


def run(cmd, env=None, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, env=env or ENV, timeout=300, **kw)


def profile_titles():
    """The titles of the profile's columns that are not hidden, in order."""
    with open(os.path.join(PROFILE, "preferences"), encoding="utf-8") as f:
        prefs = f.read()
    hidden = re.search(r"^gui\.column\.hidden:\s*(.*)$", prefs, re.M)
    hidden = {h.strip() for h in hidden.group(1).split(",")} if hidden else set()
    body = prefs.split("gui.column.format:", 1)[1]
    pairs = re.findall(r'^\s*"([^"]+)", "(%[^"]+)",?$', body, re.M)
    return [title for title, fmt in pairs if fmt not in hidden]


def check_profile_columns(problems):
    capture = os.path.join(CAPTURES, "keepalive.pcap")
    psml = run([WRAPPER, "--", "-C", "tcphs", "-r", capture, "-c", "1", "-T", "psml"])
    if psml.returncode != 0 or psml.stderr.strip():
        problems.append("-C tcphs -T psml: exit %d, stderr %r" % (psml.returncode, psml.stderr.strip()))
        return
    titles = re.findall(r"<section>([^<]*)</section>", psml.stdout.split("</structure>")[0])
    want = profile_titles()
    if titles != want:
        problems.append("-C tcphs: tshark's columns are %s, the profile's are %s" % (titles, want))
    # The default output (the line a user reads) holds the profile's tcphs columns.
    text = run([WRAPPER, "--", "-C", "tcphs", "-r", capture, "-c", "1"])
    fields = run([WRAPPER, "--", "-r", capture, "-c", "1", "-T", "fields", "-E", "separator=/t",
                  "-e", "tcphs.phase", "-e", "tcphs.event", "-e", "tcphs.state.client",
                  "-e", "tcphs.state.server", "-e", "tcphs.note"])
    if text.returncode != 0 or text.stderr.strip():
        problems.append("tools/tshark-with-tcphs -- -C tcphs -r captures/keepalive.pcap: exit %d, stderr %r"
                        % (text.returncode, text.stderr.strip()))
        return
    values = fields.stdout.rstrip("\n").split("\t")
    if len(values) != 5 or not all(values):
        problems.append("frame 1 of keepalive.pcap lacks a tcphs field: %r" % values)
    elif " ".join(values) not in re.sub(r" +", " ", text.stdout):   # an empty column (Round phase on a SYN)
        problems.append("-C tcphs: frame 1's line %r does not show phase, event, states and note %r in "
                        "the profile's order" % (text.stdout.strip(), " ".join(values)))
    else:
        print("profile: tshark -C tcphs shows the columns %s" % ", ".join(titles))


def check_user_profile(problems):
    home = tempfile.mkdtemp(prefix="wrappers-home-")
    try:
        mine = os.path.join(home, ".config", "wireshark", "profiles", "mine")
        os.makedirs(mine)
        with open(os.path.join(mine, "preferences"), "w", encoding="utf-8") as f:
            f.write('gui.column.format:\n\t"Number", "%m",\n\t"Event here", "%Cus:tcphs.event:0:R"\n')
        env = dict(ENV, HOME=home)
        out = run([WRAPPER, "--", "-C", "mine", "-r", os.path.join(CAPTURES, "keepalive.pcap"), "-c", "2"],
                  env=env)
        lines = [line.split() for line in out.stdout.splitlines()]
        if out.returncode != 0 or lines != [["1", "syn"], ["2", "syn-ack"]]:
            problems.append("a profile of the user's own (-C mine, columns Number and Event): exit %d, "
                            "output %r, stderr %r" % (out.returncode, out.stdout, out.stderr.strip()))
        else:
            print("profile: the user's own profile is chosen with -C and used")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def check_error_names_user_file(problems):
    tmp = tempfile.mkdtemp(prefix="wrappers-cut-")
    try:
        cut = os.path.join(tmp, "my capture [cut].pcap")
        with open(os.path.join(CAPTURES, "transfer.pcap"), "rb") as f:
            data = f.read()
        with open(cut, "wb") as f:
            f.write(data[:3000])    # ends in the middle of a packet
        os.chmod(tmp, 0o700)    # as root, only the wrapper's copy is readable by nobody
        cmd = ["-r", cut, "-T", "fields", "-e", "frame.number"]
        wrapped = run([WRAPPER, "--"] + cmd)
        plain = run(["tshark"] + cmd)
        if 'The file "%s" appears to have been cut short' % cut not in wrapped.stderr:
            problems.append("a truncated capture: the error does not name %s: %r" % (cut, wrapped.stderr))
        if "ws-plugins" in wrapped.stderr or "/files/" in wrapped.stderr:
            problems.append("a truncated capture: the error names the wrapper's copy: %r" % wrapped.stderr)
        if wrapped.returncode != plain.returncode or wrapped.returncode == 0:
            problems.append("a truncated capture: exit %d through the wrapper, %d from tshark itself"
                            % (wrapped.returncode, plain.returncode))
        if wrapped.stdout != plain.stdout or not wrapped.stdout:
            problems.append("a truncated capture: standard output differs from tshark's own: %r vs %r"
                            % (wrapped.stdout[:200], plain.stdout[:200]))
        if not problems:
            print("errors: %s" % wrapped.stderr.strip().splitlines()[-1])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_plugins_grep(problems):
    out = run([WRAPPER, "--", "-G", "plugins"])
    hits = [line for line in out.stdout.splitlines() if "tcphs" in line]
    if out.returncode != 0 or len(hits) != 1 or not hits[0].startswith("tcphs.so"):
        problems.append("-G plugins | grep tcphs: %d lines (want tcphs.so's alone): %s"
                        % (len(hits), hits[:4]))
    else:
        print("plugins: -G plugins | grep tcphs: %s" % re.sub(r"\s+", " ", hits[0]))


def check_quickstart(problems):
    usage = run(["bash", QUICKSTART, "--help"])
    if usage.returncode != 0 or "[CAPTURE]" not in usage.stdout or "client-close.pcap" not in usage.stdout:
        problems.append("quickstart.sh --help: exit %d, does not document CAPTURE: %r"
                        % (usage.returncode, usage.stdout))
    missing = run(["bash", QUICKSTART, "no-such-capture.pcap"])
    if missing.returncode != 2 or "no capture file no-such-capture.pcap" not in missing.stderr \
            or "install" in missing.stdout:
        problems.append("quickstart.sh on a missing capture: exit %d, %r %r"
                        % (missing.returncode, missing.stdout, missing.stderr))
    if not problems:
        print("quickstart: --help documents [CAPTURE]; a missing capture is refused first")


def main():
    problems = []
    for check in (check_profile_columns, check_user_profile, check_error_names_user_file,
                  check_plugins_grep, check_quickstart):
        before = len(problems)
        check(problems)
        for p in problems[before:]:
            print("FAIL: " + p)
    if problems:
        return 1
    print("wrappers: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
