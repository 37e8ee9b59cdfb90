#!/usr/bin/env python3
"""summarize.py: turn run.sh's raw measurements into the Markdown results.

    python3 summarize.py --raw RAW.tsv --meta META.txt --variants VARIANTS.tsv
                         --results results.md

Prints the Markdown on stdout too.  Called by run.sh; see README.md.
"""

import argparse
import statistics
import sys
from collections import OrderedDict, defaultdict


def load(args):
    meta = OrderedDict()
    with open(args.meta) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    variants = OrderedDict()
    with open(args.variants) as f:
        for line in f:
            group, key, side, desc, cmd = line.rstrip("\n").split("\t", 4)
            variants[(group, key)] = {"side": side, "desc": desc, "cmd": cmd}
    runs = defaultdict(list)
    info = {}
    with open(args.raw) as f:
        for line in f:
            group, key, side, rep, wall, user, sys_, kb, frames, conns = line.rstrip("\n").split("\t")
            runs[(group, key)].append({"rep": int(rep), "wall": float(wall), "user": float(user),
                                       "sys": float(sys_), "kb": int(kb)})
            info[group] = (int(frames), int(conns))
    return meta, variants, runs, info


def med(runs, field):
    return statistics.median(r[field] for r in runs)


def cpu(runs):
    """Median user + system CPU seconds."""
    return statistics.median(r["user"] + r["sys"] for r in runs)


def spread(runs):
    vals = [r["wall"] for r in runs]
    m = statistics.median(vals)
    return (max(vals) - min(vals)) / m * 100 if m and len(vals) > 1 else 0.0


def mb(kb):
    return kb / 1024.0


def fmt_ratio(a, b):
    return "%.2fx" % (a / b) if b else "-"


def table(header, rows, align):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--variants", required=True)
    ap.add_argument("--results", required=True)
    args = ap.parse_args()
    meta, variants, runs, info = load(args)
    g = meta.get

    md = []
    md.append("# tcphs benchmark results")
    md.append("")
    md.append("Written by `bench/run.sh` (overwritten on every run; see `bench/README.md` for what the "
              "numbers mean). A = with the tcphs plugin, B = without it; medians of the timed runs, "
              "which alternate A B A B ...")
    md.append("")
    md += table(["", ""], [
        ["date", g("date", "?")],
        ["machine", "%s cores, %s, %s RAM, Linux %s" % (g("nproc"), g("cpu"), g("ram"), g("kernel"))],
        ["Wireshark", g("wireshark", "?")],
        ["plugin", "`%s`" % g("plugin", "?")],
        ["capture", "`%s`: %s packets, %s TCP connections" % (g("capture"), g("packets"), g("connections", "?"))],
        ["repetitions", "%s per variant (1M-frame captures: %s)%s" % (
            g("reps"), g("big_reps"), ", --quick" if g("quick") == "1" else "")],
        ["programs run as", g("user", "?")],
    ], "ll")
    md.append("")

    # ---- the real capture
    md.append("## On the real capture")
    md.append("")
    rows = []

    def row(num, label, group, a_key, b_key):
        a, b = runs.get((group, a_key)), runs.get((group, b_key))
        da = variants.get((group, a_key), {}).get("desc", a_key)
        db = variants.get((group, b_key), {}).get("desc", b_key)
        if not a or not b:
            missing = []
            if not a:
                missing.append("A (%s)" % da)
            if not b:
                missing.append("B (%s)" % db)
            rows.append([num, label, da if a else "not available", db if b else "not available",
                         "-", "-", "-", "-", "-", "-", "-", "-", ", ".join(missing) + " not available"])
            return
        ta, tb = med(a, "wall"), med(b, "wall")
        ca, cb = cpu(a), cpu(b)
        ka, kb = med(a, "kb"), med(b, "kb")
        rows.append([num, label, da, db, "%.2f" % ta, "%.2f" % tb, "**%s**" % fmt_ratio(ta, tb),
                     "%.2f / %.2f" % (ca, cb), fmt_ratio(ca, cb),
                     "%.0f" % mb(ka), "%.0f" % mb(kb), fmt_ratio(ka, kb),
                     "%.0f%% / %.0f%%" % (spread(a), spread(b))])

    row("1", "analysis fields", "fields", "A", "B")
    row("2", "summary lines", "summary", "A", "B")
    row("2b", "summary lines, tcphs disabled", "summary", "A-disabled", "B")
    row("2c", "reference: Wireshark's TRANSUM post-dissector", "summary", "B-transum", "B")
    row("3", "connection report", "conns", "A", "B")
    row("3b", "reference: Wireshark's TCP conversation table", "conns", "B-conv", "B")
    row("3c", "connection report against Wireshark's table", "conns", "A", "B-conv")
    md += table(["#", "comparison", "A", "B", "median s A", "median s B", "ratio A/B",
                 "CPU s A / B", "CPU ratio", "peak MB A", "peak MB B", "ratio MB", "spread A / B"],
                rows, "llllrrrrrrrrr")
    md.append("")
    if g("tcphs_conns") != "1":
        md.append("`tshark -z tcphs,conns`: not available in this build.")
        md.append("")
    if g("tcptrace") != "1":
        md.append("`tcptrace`: not installed (apt-get install tcptrace).")
        md.append("")
    md.append("s = wall-clock seconds; CPU s = user + system seconds (less sensitive to other load on "
              "the machine); spread = (slowest - fastest) / median of the wall times of each side.")
    md.append("")

    # ---- growth
    groups = [grp for grp in info if grp.startswith("scale:")]
    if groups:
        md.append("## Growth: one pass over crafted captures (the fields commands of row 1)")
        md.append("")
        base = "scale:baseline"
        a0 = runs.get((base, "A"))
        b0 = runs.get((base, "B"))
        ta0 = med(a0, "wall") if a0 else 0.0
        tb0 = med(b0, "wall") if b0 else 0.0
        ka0 = med(a0, "kb") if a0 else 0
        kb0 = med(b0, "kb") if b0 else 0
        rows = []
        for grp in groups:
            a, b = runs.get((grp, "A")), runs.get((grp, "B"))
            if not a or not b:
                continue
            frames, conns = info[grp]
            ta, tb = med(a, "wall"), med(b, "wall")
            ka, kb = med(a, "kb"), med(b, "kb")
            name = grp.split(":", 1)[1]
            if grp == base:
                rows.append([name + " (start-up)", str(frames), str(conns), str(len(a)),
                             "%.2f" % ta, "%.2f" % tb, fmt_ratio(ta, tb), fmt_ratio(cpu(a), cpu(b)), "-", "-", "-",
                             "%.0f" % mb(ka), "%.0f" % mb(kb), fmt_ratio(ka, kb), "-", "-", "-"])
                continue
            ua = (ta - ta0) / frames * 1e6
            ub = (tb - tb0) / frames * 1e6
            ca = (cpu(a) - cpu(a0)) / frames * 1e6 if a0 else 0.0
            cb = (cpu(b) - cpu(b0)) / frames * 1e6 if b0 else 0.0
            extra = ((ka - kb) - (ka0 - kb0)) * 1024.0
            alone = (kb - kb0) * 1024.0
            per_conn = conns >= 100     # a per-connection figure of one connection means nothing
            rows.append([name, str(frames), str(conns), str(len(a)),
                         "%.2f" % ta, "%.2f" % tb, fmt_ratio(ta, tb), fmt_ratio(cpu(a), cpu(b)),
                         "%.1f" % ua, "%.1f" % ub, "%.1f / %.1f" % (ca, cb),
                         "%.0f" % mb(ka), "%.0f" % mb(kb), fmt_ratio(ka, kb),
                         "%.0f" % (extra / conns) if per_conn else "-", "%.0f" % (extra / frames),
                         ("%.0f / %.0f" % (alone / conns, alone / frames)) if per_conn
                         else "- / %.0f" % (alone / frames)])
        md += table(["capture", "frames", "connections", "reps", "median s A", "median s B", "ratio A/B",
                     "CPU ratio", "µs/frame A", "µs/frame B", "CPU µs/frame A / B", "peak MB A", "peak MB B", "ratio MB",
                     "extra bytes/conn (A-B)", "extra bytes/frame (A-B)", "B alone bytes/conn / frame"],
                    rows, "lrrrrrrrrrrrrrrrr")
        md.append("")
        md.append("µs/frame = (median s - start-up median s of the same side) / frames; CPU µs/frame the same "
                  "with user + system seconds. "
                  "extra bytes = (peak A - peak B) - (start-up peak A - start-up peak B), "
                  "divided by connections or frames; the last column is tshark's own growth without tcphs. "
                  "synflood-N: N half-open connections (SYN + SYN-ACK each); one-connection-M: "
                  "one connection with M data segments and M/2 ACKs.")
        md.append("")

    # ---- commands
    md.append("## Commands")
    md.append("")
    md.append("A runs as `tools/tshark-with-tcphs --build BUILD --program /usr/bin/time -- -v -o TIMEFILE "
              "COMMAND`; B the same with `--without-tcphs` (the same staged plugin folder without tcphs.so; "
              "as user nobody when run as root). Output goes to /dev/null. $SCRATCH/ is the run's folder of "
              "readable copies of the captures (same names).")
    md.append("")
    seen = set()
    for (group, key), v in variants.items():
        if (group, key) not in runs or (group, key) in seen:
            continue
        seen.add((group, key))
        cmd = v["cmd"].replace(g("scratch", "\0") + "/files/", "$SCRATCH/")
        md.append("- `%s/%s` (%s): `%s`" % (group, key, v["desc"], cmd))
    md.append("")

    # ---- raw
    md.append("<details><summary>All timed runs</summary>")
    md.append("")
    rows = []
    for (group, key), rs in runs.items():
        for r in rs:
            rows.append([group, key, str(r["rep"]), "%.2f" % r["wall"], "%.2f" % r["user"],
                         "%.2f" % r["sys"], "%.0f" % mb(r["kb"])])
    md += table(["group", "variant", "rep", "wall s", "user s", "sys s", "peak MB"], rows, "llrrrrr")
    md.append("")
    md.append("</details>")
    md.append("")

    text = "\n".join(md)
    with open(args.results, "w") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
