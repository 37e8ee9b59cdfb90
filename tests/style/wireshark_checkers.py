#!/usr/bin/env python3
"""wireshark_checkers.py: Wireshark's own checkers over every C file of tcphs.

  tests/style/wireshark_checkers.py --build BUILD_DIR [--source WIRESHARK_TREE]

The checkers come from the source of the Wireshark release installed on this
machine (the source package of libwireshark-dev, e.g. wireshark
4.0.17-0+deb12u3), fetched with `apt-get source` through a private apt tree
in BUILD_DIR/wireshark-source/ whose deb-src entries are made from the
machine's own deb entries; the machine's apt configuration is never changed.
A second run finds the unpacked tree there and downloads nothing.  Without
the source (no network, no such source package, not a Debian system) the test
is skipped (exit 77) and says why.  --source (or $TCPHS_WIRESHARK_SOURCE)
names an unpacked Wireshark tree to use instead.

What runs, each as Wireshark itself runs it (docs/checkers.md says why these
and not the others of tools/):
  checkAPIs.pl     with --group dissectors-prohibited --group dissectors-restricted,
                   as plugins/epan/*/CMakeLists.txt run it on a plugin's
                   dissector sources; tap-*.c / tap-*.h with the default groups,
                   as Wireshark's CMakeLists.txt runs it on tshark's taps
                   (TSHARK_TAP_SRC) and the stats_tree plugin on its TAP_SRC;
                   and again with -p on each file, as tools/pre-commit does
  checkhf.pl, checkfiltername.pl, fix-encoding-args.pl, detect_bad_alloc_patterns.py
                   one file at a time, as tools/pre-commit does
  check_typed_item_calls.py --consecutive --label --mask, check_tfs.py
                   from the source tree, as Wireshark's CI job "Code Checks" does

The files: every *.c and *.h of the repository outside tests/, bench/,
tools/, docs/, captures/, cmake/ and build trees, found anew on each run.

Before tcphs, every checker runs over tests/style/packet-canary.c, whose lines
marked "expect: CHECKER" must each be reported: a checker that stays silent
there proves nothing about tcphs and fails the test.

Every report is printed as FILE:LINE: CHECKER: what it said, and any report
fails the test (exit 1).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CANARY = os.path.join(ROOT, "tests", "style", "packet-canary.c")
SKIP = 77
# Folders that hold no plugin source: tests and their programs, the bench's
# yardstick plugin, helper scripts, documents, captures.
NOT_SOURCE = {"tests", "bench", "tools", "docs", "captures", "cmake", "node_modules"}
FETCH_TIMEOUT = int(os.environ.get("TCPHS_FETCH_TIMEOUT", "300"))


def say(*words):
    print("wireshark_checkers:", *words, flush=True)


def skip(reason):
    print("SKIP: %s" % reason, flush=True)
    sys.exit(SKIP)


# ---- the files -------------------------------------------------------------------

def tcphs_files():
    """Every C source and header of tcphs, relative to ROOT, sorted."""
    found = []
    for top, dirs, files in os.walk(ROOT):
        rel = os.path.relpath(top, ROOT)
        keep = []
        for d in dirs:
            path = os.path.join(top, d)
            if d.startswith(".") or (rel == "." and d in NOT_SOURCE) or d.startswith("build") \
                    or os.path.exists(os.path.join(path, "CMakeCache.txt")):
                continue
            keep.append(d)
        dirs[:] = keep
        for f in files:
            if f.endswith((".c", ".h")):
                found.append(os.path.normpath(os.path.join(rel, f)))
    return sorted(found)


def is_tap(path):
    return os.path.basename(path).startswith("tap-")


# ---- the Wireshark source ---------------------------------------------------------

def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kw)


def installed_release():
    """(source package, source version) of the installed Wireshark."""
    if not shutil.which("dpkg-query"):
        skip("not a Debian system (no dpkg-query): cannot tell which Wireshark source to fetch; "
             "give an unpacked Wireshark tree with --source")
    for pkg in ("libwireshark-dev", "tshark", "wireshark-common"):
        r = run(["dpkg-query", "-W", "-f=${db:Status-Status}\t${source:Package}\t${source:Version}", pkg])
        parts = r.stdout.strip().split("\t")
        if r.returncode == 0 and len(parts) == 3 and parts[0] == "installed":
            return parts[1], parts[2]
    skip("no Wireshark package (libwireshark-dev, tshark) installed through dpkg")


def deb_src_entries():
    """deb-src entries made from the machine's deb entries: (one-line list text, deb822 text)."""
    lines, stanzas = [], []
    lists = ["/etc/apt/sources.list"]
    parts = "/etc/apt/sources.list.d"
    names = sorted(os.listdir(parts)) if os.path.isdir(parts) else []
    lists += [os.path.join(parts, n) for n in names if n.endswith(".list")]
    for path in lists:
        try:
            text = open(path, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("deb "):
                lines.append("deb-src " + line[4:])
            elif line.startswith("deb-src "):
                lines.append(line)
    for name in names:
        if not name.endswith(".sources"):
            continue
        try:
            text = open(os.path.join(parts, name), encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for stanza in re.split(r"\n\s*\n", text):
            fields = [l for l in stanza.splitlines() if l.strip() and not l.lstrip().startswith("#")]
            types = [l for l in fields if l.lower().startswith("types:")]
            if not types or re.search(r"(?i)^enabled:\s*no\b", stanza, re.M):
                continue
            words = types[0].split(":", 1)[1].split()
            if "deb" not in words and "deb-src" not in words:
                continue
            stanzas.append("\n".join("Types: deb-src" if l in types else l for l in fields))
    return "\n".join(lines) + "\n", "\n\n".join(stanzas) + "\n"


def fetch_source(cache):
    """The unpacked source tree of the installed release, fetched once into cache."""
    package, version = installed_release()
    upstream = re.sub(r"^\d+:", "", version)
    tree = os.path.join(cache, "%s-%s" % (package, upstream))
    if os.path.isfile(os.path.join(tree, ".tcphs-unpacked")):
        say("using %s %s unpacked in %s" % (package, version, tree))
        return tree
    for tool in ("apt-get", "dpkg-source"):
        if not shutil.which(tool):
            skip("%s is missing (dpkg-dev, apt): cannot fetch the source of %s %s" % (tool, package, version))
    list_text, sources_text = deb_src_entries()
    if not list_text.strip() and not sources_text.strip():
        skip("the machine's apt configuration has no deb entry to make a deb-src entry from")

    apt = os.path.join(cache, "apt")
    shutil.rmtree(apt, ignore_errors=True)
    for d in ("etc/sources.list.d", "etc/preferences.d", "etc/apt.conf.d", "state/lists/partial",
              "cache/archives/partial"):
        os.makedirs(os.path.join(apt, d), exist_ok=True)
    open(os.path.join(apt, "state/status"), "w").close()
    with open(os.path.join(apt, "etc/sources.list"), "w") as f:
        f.write(list_text)
    with open(os.path.join(apt, "etc/sources.list.d/machine.sources"), "w") as f:
        f.write(sources_text)
    opts = ["-o", "Dir::Etc=%s/etc" % apt,
            "-o", "Dir::Etc::SourceList=%s/etc/sources.list" % apt,
            "-o", "Dir::Etc::SourceParts=%s/etc/sources.list.d" % apt,
            "-o", "Dir::Etc::PreferencesParts=%s/etc/preferences.d" % apt,
            "-o", "Dir::Etc::Parts=%s/etc/apt.conf.d" % apt,
            "-o", "Dir::State=%s/state" % apt, "-o", "Dir::State::status=%s/state/status" % apt,
            "-o", "Dir::Cache=%s/cache" % apt,
            "-o", "Acquire::Languages=none", "-o", "Acquire::PDiffs=false",
            "-o", "Acquire::http::Timeout=30", "-o", "Acquire::https::Timeout=30",
            "-o", "Acquire::Retries=1", "-o", "Debug::NoLocking=1"]
    if os.geteuid() == 0:
        opts += ["-o", "APT::Sandbox::User=root"]   # the private tree belongs to root
    say("reading the source lists of the machine's mirrors (deb-src of its deb entries)")
    try:
        update = run(["apt-get"] + opts + ["update"], timeout=FETCH_TIMEOUT)
    except subprocess.TimeoutExpired:
        skip("apt-get update of the deb-src lists gave no answer within %ds (no network?)" % FETCH_TIMEOUT)
    # A mirror without source lists (a third-party repository) fails alone;
    # what matters is whether one of them offers the package.
    download = os.path.join(cache, "download")
    shutil.rmtree(download, ignore_errors=True)
    os.makedirs(download)
    say("fetching the source of %s %s" % (package, version))
    try:
        got = run(["apt-get"] + opts + ["source", "--download-only", "%s=%s" % (package, version)],
                  cwd=download, timeout=FETCH_TIMEOUT)
    except subprocess.TimeoutExpired:
        skip("apt-get source %s=%s did not finish within %ds" % (package, version, FETCH_TIMEOUT))
    if got.returncode != 0:
        said = [l for l in (update.stdout + got.stdout).splitlines() if re.match(r"^(E|Err|W):?", l)]
        skip("the source of %s %s cannot be had through the machine's mirrors (%s)"
             % (package, version, "; ".join(said[-3:]) or "apt-get source failed"))
    dsc = [f for f in os.listdir(download) if f.endswith(".dsc")]
    if len(dsc) != 1:
        skip("apt-get source left %d .dsc files in %s" % (len(dsc), download))
    for old in os.listdir(cache):   # what an interrupted run left
        if old.startswith("unpack-"):
            shutil.rmtree(os.path.join(cache, old), ignore_errors=True)
    partial = tempfile.mkdtemp(prefix="unpack-", dir=cache)
    # apt checked the files against the signed Release of the mirror; the .dsc's
    # own signature would need the maintainers' keyrings.
    out = run(["dpkg-source", "--no-check", "-x", dsc[0], os.path.join(partial, "tree")], cwd=download)
    if out.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        sys.exit("dpkg-source -x %s failed:\n%s" % (dsc[0], out.stdout))
    shutil.rmtree(tree, ignore_errors=True)
    os.rename(os.path.join(partial, "tree"), tree)
    shutil.rmtree(partial, ignore_errors=True)   # dpkg-source leaves a copy of the tarball beside the tree
    shutil.rmtree(download, ignore_errors=True)
    open(os.path.join(tree, ".tcphs-unpacked"), "w").write("%s %s\n" % (package, version))
    say("unpacked %s %s in %s" % (package, version, tree))
    return tree


# ---- finding the line a report is about ---------------------------------------------

def line_of(path, pattern, flags=0):
    """First line of path (1-based) that matches pattern, outside comments; 0 if none."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return 0
    # Blank the comments, keeping the newlines, so a comment that names an API is not its use.
    text = re.sub(r"/\*.*?\*/|//[^\n]*", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    for n, line in enumerate(text.split("\n"), 1):
        if re.search(pattern, line, flags):
            return n
    return 0


def lines_of(path, pattern):
    """Every line of path that matches pattern, outside comments and string literals, as checkAPIs.pl reads it."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return []
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0)) if m.group(0)[0] == "/" else '""'
    text = re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', blank, text, flags=re.S)
    return [n for n, line in enumerate(text.split("\n"), 1) if re.search(pattern, line)]


def guess_line(path, message):
    """The line a message without one is about: the first hf_/ett_/ei_ name it gives, else 0."""
    m = re.search(r"\b((?:hf|ett|ei)_\w+)", message)
    return line_of(path, r"\b%s\b" % re.escape(m.group(1))) if m else 0


# ---- the checkers --------------------------------------------------------------------

class Reports:
    """The reports, one per (file, line, checker, message); the invocations that made it are joined."""
    def __init__(self):
        self.items = {}

    def add(self, path, line, checker, message):
        base, _, how = checker.partition(" ")
        key = (path, line, base, message.strip())
        hows = self.items.setdefault(key, [])
        if how and how not in hows:
            hows.append(how)

    def show(self):
        for (path, line, checker, message), hows in self.items.items():
            how = " (%s)" % "; ".join(hows) if hows else ""
            print("%s:%s: %s%s: %s" % (path, line or "?", checker, how, message))


def check_apis(ws, files, rep, label_of):
    script = os.path.join(ws, "tools", "checkAPIs.pl")
    for path in files:
        runs = [["-p"]]
        runs.append([] if is_tap(path) else ["--group", "dissectors-prohibited", "--group", "dissectors-restricted"])
        for args in runs:
            out = run(["perl", script] + args + [path])
            name = "checkAPIs" + (" " + " ".join(args) if args else "")
            for msg in out.stdout.splitlines():
                if not msg.strip():
                    continue
                label = label_of(path)
                m = re.search(r"Found ([\w-]+) APIs in .*?: ([\w,]+)\s*$", msg)
                if m:
                    for api in m.group(2).split(","):
                        for n in lines_of(path, r"\b%s\s*\(" % re.escape(api)) or [0]:
                            rep.add(label, n, name, "%s (%s API %s)" % (msg, m.group(1), api))
                    continue
                m = re.search(r"shadow variable\(s\) in .*?: ([\w,]+)\s*$", msg)
                if m:
                    for var in m.group(1).split(","):
                        # checkAPIs.pl's own test: the name after white space, not called
                        for n in lines_of(path, r"(?:^|\s)%s(?:\s*+[^(\w\s]|\s*$)" % re.escape(var)) or [0]:
                            rep.add(label, n, name, "%s (%s)" % (msg, var))
                    continue
                m = re.search(r"non-null (\S+) 'convert'", msg)
                if m:
                    n = line_of(path, r"&\s*%s\s*," % re.escape(m.group(1)))
                    rep.add(label, n, name, msg)
                    continue
                m = re.search(r"Found (%\w+) in", msg)
                rep.add(label, line_of(path, re.escape(m.group(1))) if m else guess_line(path, msg), name, msg)


def check_per_file(ws, files, rep, label_of):
    """checkhf.pl, checkfiltername.pl, fix-encoding-args.pl: one file at a time, as tools/pre-commit runs them."""
    for script in ("checkhf.pl", "checkfiltername.pl", "fix-encoding-args.pl"):
        name = script[:-3]
        for path in files:
            out = run(["perl", os.path.join(ws, "tools", script), path])
            for msg in out.stdout.splitlines():
                if not msg.strip() or re.match(r"^\s*TOTAL ERRORS: \d+", msg):
                    continue
                if script == "checkfiltername.pl" and re.match(r"^\S+ \(\d+ \(of \d+\) fields\)$", msg):
                    continue   # the heading of a file's reports
                label = label_of(path)
                n = 0
                m = re.match(r"^(\S+) doesn't match|^(\S+?)\s", msg.strip())
                if script == "checkfiltername.pl" and m:
                    n = line_of(path, r'"%s"' % re.escape(m.group(1) or m.group(2)))
                if script == "fix-encoding-args.pl":
                    m = re.search(r"(\w+)\(\s*\w+\s*,\s*(\w+)", msg)
                    if m:
                        n = line_of(path, r"\b%s\s*\(.*\b%s\b" % (re.escape(m.group(1)), re.escape(m.group(2))))
                rep.add(label, n or guess_line(path, msg), name, msg)


def check_from_tree(ws, files, rep, label_of):
    """check_typed_item_calls.py and check_tfs.py, from the source tree (they read epan/tfs.c)."""
    c_files = [p for p in files if p.endswith(".c")]
    args = []
    for p in c_files:
        args += ["--file", os.path.abspath(p)]
    noise = re.compile(r"^(Examining:|\d+ (warnings|errors)( found)?$|\s*\(allowed types)")
    for script, extra in (("check_typed_item_calls.py", ["--consecutive", "--label", "--mask"]),
                          ("check_tfs.py", [])):
        name = script[:-3]
        out = run([sys.executable, os.path.join(ws, "tools", script)] + extra + args, cwd=ws)
        listing = " ".join(os.path.abspath(p) for p in c_files)
        for msg in out.stdout.splitlines():
            if not msg.strip() or noise.match(msg) or msg.strip() == listing:
                continue
            path = next((p for p in c_files if os.path.abspath(p) in msg), None)
            if path is None:
                rep.add("?", 0, name, msg)
                continue
            m = re.search(re.escape(os.path.abspath(path)) + r":(\d+)", msg)
            if m:
                n = int(m.group(1))
            else:
                m = re.search(re.escape(os.path.abspath(path)) + r"\s+(\w+)\s+-", msg)
                n = line_of(path, r"\b%s\b" % re.escape(m.group(1))) if m else guess_line(path, msg)
            rep.add(label_of(path), n, name, msg.replace(os.path.abspath(path), label_of(path)))
        if out.returncode not in (0, 1):
            rep.add("?", 0, name, "exited %d:\n%s" % (out.returncode, out.stdout[-2000:]))


def check_alloc(ws, files, rep, label_of):
    """detect_bad_alloc_patterns.py rewrites what it finds, so it reads copies."""
    script = os.path.join(ws, "tools", "detect_bad_alloc_patterns.py")
    with tempfile.TemporaryDirectory(prefix="tcphs-alloc-") as tmp:
        copies = {}
        for i, path in enumerate(p for p in files if p.endswith(".c")):
            copy = os.path.join(tmp, "%d-%s" % (i, os.path.basename(path)))
            shutil.copyfile(path, copy)
            copies[copy] = path
        out = run([sys.executable, script], input="\n".join(copies) + "\n")
        for msg in out.stdout.splitlines():
            if not msg.strip():
                continue
            m = re.search(r"in (\S+): Replace '(.*)' with", msg)
            path = copies.get(m.group(1)) if m else None
            if path is None:
                rep.add("?", 0, "detect_bad_alloc_patterns", msg)
                continue
            text = open(path, encoding="utf-8", errors="replace").read()
            at = text.find(m.group(2))
            n = text.count("\n", 0, at) + 1 if at >= 0 else 0
            rep.add(label_of(path), n, "detect_bad_alloc_patterns", msg.replace(m.group(1), label_of(path)))


def run_all(ws, files, label_of):
    rep = Reports()
    check_apis(ws, files, rep, label_of)
    check_per_file(ws, files, rep, label_of)
    check_from_tree(ws, files, rep, label_of)
    check_alloc(ws, files, rep, label_of)
    return rep


def canary(ws):
    """Every 'expect: CHECKER' line of the canary is reported by that checker; returns the failures."""
    with tempfile.TemporaryDirectory(prefix="tcphs-canary-") as tmp:
        copy = os.path.join(tmp, "packet-canary.c")
        shutil.copyfile(CANARY, copy)
        rep = run_all(ws, [copy], lambda p: "tests/style/packet-canary.c")
    wanted = []
    for n, line in enumerate(open(CANARY, encoding="utf-8"), 1):
        m = re.search(r"expect: ([\w-]+)", line)
        if m and not line.lstrip().startswith("*"):
            wanted.append((n, m.group(1)))
    missing = []
    for n, checker in wanted:
        if not any(line == n and name == checker for _, line, name, _ in rep.items):
            missing.append("tests/style/packet-canary.c:%d: %s reported nothing there" % (n, checker))
    return missing, len(wanted)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("TCPHS_BUILD", os.path.join(ROOT, "build")),
                    help="build tree; the source is kept in BUILD/wireshark-source/")
    ap.add_argument("--source", default=os.environ.get("TCPHS_WIRESHARK_SOURCE", ""),
                    help="an unpacked Wireshark source tree to take the checkers from")
    args = ap.parse_args()

    if not shutil.which("perl"):
        skip("perl is missing: Wireshark's checkers are Perl and Python scripts")
    if args.source:
        ws = os.path.abspath(args.source)
        if not os.path.isfile(os.path.join(ws, "tools", "checkAPIs.pl")):
            sys.exit("--source %s: no tools/checkAPIs.pl there" % ws)
    else:
        cache = os.path.join(os.path.abspath(args.build), "wireshark-source")
        os.makedirs(cache, exist_ok=True)
        ws = fetch_source(cache)

    missing, planted = canary(ws)
    if missing:
        print("\n".join(missing))
        print("FAIL: %d of the canary's %d planted faults went unreported: the checkers of %s are not "
              "running as this test expects" % (len(missing), planted, ws))
        return 1
    say("the canary's %d planted faults were all reported" % planted)

    os.chdir(ROOT)
    files = tcphs_files()
    say("checking %d files: %s" % (len(files), " ".join(files)))
    rep = run_all(ws, files, lambda p: p)
    if rep.items:
        rep.show()
        print("FAIL: Wireshark's checkers (%s) made %d reports over tcphs" % (ws, len(rep.items)))
        return 1
    print("Wireshark's checkers report nothing over %d files of tcphs" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
