#!/usr/bin/env python3
"""annotate.py: tools/tcphs-annotate, read back by a tshark without tcphs.

1. Round trip.  For every bundled capture with TCP that tcphs explains, the
   annotated copy, read by a tshark WITHOUT the plugin, has the same frames
   (time, lengths, protocols) and on each frame exactly the notes two-pass
   tshark WITH the plugin gives for it, one packet comment per note in
   layer order; a frame without a note has no comment.  The other captures
   are refused with their message.
2. A comment the capture had already is kept, before the notes; an
   annotated copy annotated again gets no note twice.
3. Notes with the characters that need care on editcap's command line
   (colons, quotes, ×, →, backslashes, $ and %) arrive unchanged: a TSHARK
   that lists chosen notes for the frames of keepalive.pcap stands in for
   the plugin's.
4. Bad input: each case exits non-zero with one line that says what is
   wrong, leaves IN as it was (checksum) and leaves no OUT and no scratch
   file beside it.  A signal ends the run the same way.
"""
import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TOOL = os.path.join(harness.ROOT, "tools", "tcphs-annotate")
FRAME_FIELDS = ["frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "frame.protocols"]
problems = []


def tshark_env():
    """The tool's TSHARK: the wrapper with this build's plugin."""
    env = dict(os.environ)
    env["TSHARK"] = "%s --build %s --" % (harness.WRAPPER, harness.build_dir())
    return env


def annotate(args, env=None, as_nobody=False):
    cmd = [TOOL, *args]
    if as_nobody:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, env=env or tshark_env(), timeout=600)


def frames(capture, field, with_tcphs):
    """{frame number: (frame facts, [values of field])} from -T json, one
    entry per frame of the capture."""
    args = ["-r", capture, "-n", "-T", "json", "-e", field] + [a for f in FRAME_FIELDS for a in ("-e", f)]
    if with_tcphs:
        args.insert(0, "-2")
    out, _ = harness.run_program(args, extra_wrapper_args=() if with_tcphs else ("--without-tcphs",))
    found = {}
    for packet in json.loads(out):
        layers = packet["_source"]["layers"]
        facts = tuple(tuple(layers.get(f, [])) for f in FRAME_FIELDS)
        found[int(layers["frame.number"][0])] = (facts, layers.get(field, []))
    return found


def check_round_trip(label, src, out, before=None, notes=None):
    """OUT's comments are before[frame] (the comments IN had) followed by
    the notes of the frame (notes: frames(src, "tcphs.note", True)); its
    frames are IN's."""
    if notes is None:
        notes = frames(src, "tcphs.note", with_tcphs=True)
    comments = frames(out, "frame.comment", with_tcphs=False)
    if sorted(notes) != sorted(comments):
        problems.append("%s: IN has frames 1-%d, OUT 1-%d" % (label, len(notes), len(comments)))
        return
    for number in sorted(notes):
        facts, note = notes[number]
        out_facts, comment = comments[number]
        if out_facts != facts:
            problems.append("%s frame %d: OUT's frame %s differs from IN's %s" % (label, number, out_facts, facts))
        want = list((before or {}).get(number, [])) + note
        if comment != want:
            problems.append("%s frame %d: frame.comment %s, want %s" % (label, number, comment, want))
    return sum(len(n) for _, n in notes.values())


def checksum(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def one_line_failure(label, proc, wanted):
    """The run failed with one stderr line that contains wanted."""
    lines = proc.stderr.strip().splitlines()
    if proc.returncode == 0:
        problems.append("%s: exit status 0, want a failure saying '%s'" % (label, wanted))
    elif len(lines) != 1 or not lines[0].startswith("tcphs-annotate: ") or wanted not in lines[0]:
        problems.append("%s: want one line 'tcphs-annotate: ...%s...', got %r" % (label, wanted, proc.stderr))


def round_trips(scratch):
    checked = 0
    for src in sorted(glob.glob(os.path.join(harness.CAPTURES, "*.pcap"))):
        name = os.path.basename(src)
        out = os.path.join(scratch, name + "ng")
        proc = annotate([src, out])
        notes = frames(src, "tcphs.note", with_tcphs=True)
        if not any(n for _, n in notes.values()):
            # No frame to explain: refused, and no OUT.
            one_line_failure(name, proc, "nothing to annotate")
            if os.path.exists(out):
                problems.append("%s: OUT written for a capture with nothing to annotate" % name)
            continue
        if proc.returncode != 0:
            problems.append("%s: tcphs-annotate failed: %s" % (name, proc.stderr.strip()))
            continue
        count = check_round_trip(name, src, out, notes=notes)
        print("%-34s %4d notes read back" % (name, count or 0))
        checked += 1
    for name in ("keepalive.pcap", "transfer.pcap", "odd-two-tcp-layers.pcap"):
        if not os.path.exists(os.path.join(scratch, name + "ng")):
            problems.append("%s: no annotated copy" % name)
    # Two TCP layers: two comments on a frame.
    two = frames(os.path.join(scratch, "odd-two-tcp-layers.pcapng"), "frame.comment", with_tcphs=False)
    if not any(len(c) == 2 for _, c in two.values()):
        problems.append("odd-two-tcp-layers.pcap: no frame with two comments")
    return checked


def existing_comments(scratch):
    """keepalive.pcap with comments of its own on frames 2 and 5."""
    src = os.path.join(scratch, "commented.pcapng")
    before = {2: ["teacher: look at the ack, then at frame 3"], 5: ['a "quoted", colon: comment']}
    args = ["editcap", "-F", "pcapng"]
    for frame, texts in before.items():
        args += ["-a", "%d:%s" % (frame, texts[0])]
    subprocess.run(args + [os.path.join(harness.CAPTURES, "keepalive.pcap"), src],
                   check=True, capture_output=True)
    out = os.path.join(scratch, "commented-annotated.pcapng")
    proc = annotate([src, out])
    if proc.returncode != 0:
        problems.append("existing comments: tcphs-annotate failed: %s" % proc.stderr.strip())
        return
    check_round_trip("existing comments", src, out, before)


def annotated_again(scratch):
    """An annotated copy annotated again gets no note twice."""
    first = os.path.join(scratch, "keepalive.pcapng")
    again = os.path.join(scratch, "keepalive-again.pcapng")
    proc = annotate([first, again])
    if proc.returncode != 0 or "0 notes on 0 frames, 31 already there" not in proc.stdout:
        problems.append("annotated again: status %d, %r %r" % (proc.returncode, proc.stdout, proc.stderr))
        return
    check_round_trip("annotated again", first, again)


FAKE_NOTES = [
    "Step 1 of 3: client 127.0.0.1:47428 [client CLOSED → SYN-SENT]",
    ':: starts with a colon, "double" and \'single\' quotes, commas, 2 × 3 = 6',
    "backslash \\ and \\n, $(echo no) `no` %s %d ${HOME} * ? ; | & < >",
    "ünïcödé — 中文 — emoji 🐢, tab\tinside",
]


def characters(scratch):
    """Notes with characters that need care survive editcap's -a."""
    fake = os.path.join(scratch, "list-notes")
    with open(fake, "w", encoding="utf-8") as f:
        f.write("#!/usr/bin/env python3\n# Stands in for tshark: lists chosen notes for frames 1-%d.\n"
                "import json, sys\nnotes = %r\n"
                "for i, note in enumerate(notes, 1):\n"
                "    print(json.dumps({'index': {}}))\n"
                "    print(json.dumps({'layers': {'frame_number': [str(i)], 'tcphs_note': [note]}}))\n"
                % (len(FAKE_NOTES), FAKE_NOTES))
    os.chmod(fake, 0o755)
    env = dict(os.environ, TSHARK=fake)
    out = os.path.join(scratch, "characters.pcapng")
    proc = annotate([os.path.join(harness.CAPTURES, "keepalive.pcap"), out], env=env)
    if proc.returncode != 0:
        problems.append("characters: tcphs-annotate failed: %s" % proc.stderr.strip())
        return
    comments = frames(out, "frame.comment", with_tcphs=False)
    for number, note in enumerate(FAKE_NOTES, 1):
        got = comments.get(number, (None, []))[1]
        if got != [note]:
            problems.append("characters: frame %d: frame.comment %r, want %r" % (number, got, [note]))
    for number in sorted(comments):
        if number > len(FAKE_NOTES) and comments[number][1]:
            problems.append("characters: frame %d has comments %r, want none" % (number, comments[number][1]))


def bad_input(scratch):
    keepalive = os.path.join(harness.CAPTURES, "keepalive.pcap")
    work = os.path.join(scratch, "bad")
    os.mkdir(work)
    os.chmod(work, 0o777)
    unreadable = os.path.join(work, "unreadable.pcap")
    shutil.copy(keepalive, unreadable)
    os.chmod(unreadable, 0)
    text = os.path.join(work, "notes.pcap")
    shutil.copy(os.path.join(harness.CAPTURES, "README.md"), text)
    existing = os.path.join(work, "existing.pcapng")
    with open(existing, "w") as f:
        f.write("an earlier file\n")
    cut = os.path.join(work, "cut.pcap")
    with open(keepalive, "rb") as f, open(cut, "wb") as g:
        g.write(f.read(1000))       # packet 11 ends at byte 1061
    # Frame 2 of syn-icmp-rejected.pcap alone: an ICMP error quoting the
    # SYN, TCP that tcphs does not explain.
    icmp_only = os.path.join(work, "icmp-only.pcap")
    subprocess.run(["editcap", "-r", os.path.join(harness.CAPTURES, "syn-icmp-rejected.pcap"), icmp_only, "2"],
                   check=True, capture_output=True)
    own_copy = os.path.join(work, "own.pcap")
    shutil.copy(keepalive, own_copy)
    as_root = os.getuid() == 0
    without = dict(os.environ, TSHARK="%s --build %s --without-tcphs --" % (harness.WRAPPER, harness.build_dir()))
    out = os.path.join(work, "out.pcapng")
    cases = [
        # label, IN, OUT, extra arguments, environment, run as nobody, message
        ("missing IN", os.path.join(work, "missing.pcap"), out, [], None, False, "No such file"),
        ("unreadable IN", unreadable, out, [], None, as_root, "Permission denied"),
        ("IN a folder", work, out, [], None, False, "Is a directory"),
        ("IN not a capture", text, out, [], None, False, "tshark cannot read IN"),
        ("IN cut short", cut, out, [], None, False, "appears to have been cut short in the middle of a packet"),
        ("IN without TCP", os.path.join(harness.CAPTURES, "odd-non-tcp.pcap"), out, [], None, False,
         "has no TCP"),
        ("IN with TCP only in ICMP", icmp_only, out, [], None, False, "tcphs explains none of the 1 TCP frames"),
        ("OUT exists", keepalive, existing, [], None, False, "exists already (--force replaces it)"),
        ("OUT is IN, --force", own_copy, own_copy, ["--force"], None, False, "is IN itself"),
        ("OUT's folder missing", keepalive, os.path.join(work, "no", "such", "out.pcapng"), [], None, False,
         "does not exist"),
        ("TSHARK without tcphs", keepalive, out, [], without, False, "is the tcphs plugin loaded?"),
    ]
    for label, src, dst, extra, env, nobody, wanted in cases:
        if label == "unreadable IN" and not as_root and os.access(unreadable, os.R_OK):
            print("unreadable IN: skipped (this user reads files of mode 000)")
            continue
        run_bad(label, src, dst, extra, env, nobody, wanted, work)

    # A full disk: OUT on a 64 KiB tmpfs, IN bulk.pcap (400 kB).
    disk = os.path.join(scratch, "small-disk")
    os.mkdir(disk)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0777", "tmpfs", disk],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print("full disk: skipped (cannot mount a tmpfs: %s)" % mounted.stderr.strip())
    else:
        try:
            run_bad("full disk", os.path.join(harness.CAPTURES, "bulk.pcap"), os.path.join(disk, "bulk.pcapng"),
                    [], None, False, "no space left on the device", disk)
        finally:
            subprocess.run(["umount", disk], check=True)

    # --force replaces an OUT that exists, with the annotated copy.
    proc = annotate(["--force", keepalive, existing])
    if proc.returncode != 0:
        problems.append("--force: failed: %s" % proc.stderr.strip())
    else:
        check_round_trip("--force", keepalive, existing)


def run_bad(label, src, dst, extra, env, nobody, wanted, folder):
    """One bad input: a one-line message, IN unchanged, no OUT (or OUT as it
    was), nothing new in OUT's folder."""
    src_sum = checksum(src) if os.path.isfile(src) and os.access(src, os.R_OK) else None
    dst_sum = checksum(dst) if os.path.isfile(dst) else None
    listing = sorted(os.listdir(folder))
    proc = annotate([*extra, src, dst], env=env, as_nobody=nobody)
    one_line_failure(label, proc, wanted)
    if src_sum and checksum(src) != src_sum:
        problems.append("%s: IN changed" % label)
    if dst_sum is None and os.path.lexists(dst):
        problems.append("%s: OUT %s left behind" % (label, dst))
    if dst_sum is not None and checksum(dst) != dst_sum:
        problems.append("%s: OUT that existed was changed" % label)
    if sorted(os.listdir(folder)) != listing:
        problems.append("%s: files left in %s: %s" % (label, folder, sorted(set(os.listdir(folder)) - set(listing))))
    print("%-34s %s" % (label, proc.stderr.strip()))


def interrupted(scratch):
    """SIGTERM while tshark runs: exit 128 + 15, no OUT, no scratch, and the
    slow stand-in for tshark is gone too."""
    work = os.path.join(scratch, "signal")
    os.mkdir(work)
    pidfile = os.path.join(work, "tshark.pid")
    slow = os.path.join(scratch, "slow-tshark")
    with open(slow, "w") as f:
        f.write("#!/bin/sh\n# Stands in for a tshark that takes long.\necho $$ > %s\nexec sleep 60\n" % pidfile)
    os.chmod(slow, 0o755)
    out = os.path.join(work, "out.pcapng")
    proc = subprocess.Popen([TOOL, os.path.join(harness.CAPTURES, "keepalive.pcap"), out],
                            env=dict(os.environ, TSHARK=slow), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(100):
        if os.path.exists(pidfile) and os.path.getsize(pidfile):
            break
        time.sleep(0.1)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    with open(pidfile) as f:
        child = int(f.read())
    time.sleep(0.2)
    if proc.returncode != 128 + signal.SIGTERM:
        problems.append("SIGTERM: exit status %d, want %d" % (proc.returncode, 128 + signal.SIGTERM))
    if "interrupted" not in err:
        problems.append("SIGTERM: no message, stderr %r" % err)
    left = sorted(set(os.listdir(work)) - {"tshark.pid"})
    if left:
        problems.append("SIGTERM: left behind in OUT's folder: %s" % left)
    if os.path.exists("/proc/%d" % child):
        problems.append("SIGTERM: the tshark stand-in (pid %d) still runs" % child)
        os.kill(child, signal.SIGKILL)
    print("%-34s %s" % ("SIGTERM", err.strip()))


def main():
    if not os.access(TOOL, os.X_OK):
        harness.fail(["%s is not executable" % TOOL])
    proc = subprocess.run([TOOL, "--help"], capture_output=True, text=True)
    if proc.returncode != 0 or "usage: tools/tcphs-annotate [--force] IN OUT" not in proc.stdout:
        problems.append("--help: status %d, %r" % (proc.returncode, proc.stdout[:200]))
    proc = subprocess.run([TOOL, "only-one"], capture_output=True, text=True)
    if proc.returncode != 2 or not proc.stderr.startswith("usage:"):
        problems.append("one argument: status %d, stderr %r; want 2 and a usage line" % (proc.returncode, proc.stderr))

    scratch = tempfile.mkdtemp(prefix="tcphs-annotate-test.")
    os.chmod(scratch, 0o755)
    try:
        checked = round_trips(scratch)
        if checked < 10:
            problems.append("only %d captures round-tripped" % checked)
        existing_comments(scratch)
        annotated_again(scratch)
        characters(scratch)
        bad_input(scratch)
        interrupted(scratch)
    except harness.Failure as e:
        problems.append(str(e))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    harness.fail(problems)


if __name__ == "__main__":
    main()
