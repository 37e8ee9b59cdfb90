#!/bin/bash
# profile.sh: where tshark spends its instructions with tcphs, by callgrind.
#
#   bench/profile.sh [--build DIR] [--capture FILE] [--packets N] [--fields]
#                    [--out DIR]
#
#   --build DIR     build tree with tcphs.so (default: ../build)
#   --capture FILE  source capture (default /work/benchdata/large.pcap); its
#                   first N packets are profiled (editcap -r)
#   --packets N     default 20000
#   --fields        profile the field commands of run.sh's comparison 1
#                   (tcphs fields with the plugin, TCP fields without)
#                   instead of the same plain "tshark -r CAP" on both sides
#   --out DIR       where callgrind.out.* and the annotations go
#                   (default /work/benchdata/callgrind)
#
# Four runs of valgrind --tool=callgrind (everything collected: no
# --toggle-collect), as user nobody when root, like run.sh: with and
# without the plugin, over the N-packet capture and over its first packet
# alone (the start-up: dissector registration, plugin loading), so that
# instructions per packet can be told apart from start-up.  Prints the top
# functions by inclusive and by self cost (callgrind_annotate), the tcphs
# functions (those in tcphs.so: packet-tcphs.c and core/*/*.c), and the
# instruction totals with and without the plugin.  Takes ~5-10 minutes.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WRAPPER="$ROOT/tools/tshark-with-tcphs"
BUILD="$ROOT/build"
CAPTURE=/work/benchdata/large.pcap
PACKETS=20000
FIELDS=0
OUT=/work/benchdata/callgrind
PY="$(command -v /usr/bin/python3 || command -v python3)"

while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=$2; shift 2 ;;
        --capture) CAPTURE=$2; shift 2 ;;
        --packets) PACKETS=$2; shift 2 ;;
        --fields) FIELDS=1; shift ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "profile.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
BUILD="$(cd "$BUILD" && pwd)"
say() { printf '%s\n' "$*" >&2; }
die() { say "profile.sh: $*"; exit 1; }
command -v valgrind >/dev/null || die "valgrind is missing (apt-get install valgrind)"
command -v callgrind_annotate >/dev/null || die "callgrind_annotate is missing (apt-get install valgrind)"
ls "$BUILD"/plugins/*/epan/tcphs.so >/dev/null 2>&1 || die "no tcphs.so under $BUILD/plugins"
if [ ! -f "$CAPTURE" ]; then
    [ "$(id -u)" = 0 ] || die "$CAPTURE is missing and recording it needs root"
    bash "$HERE/record-large.sh" "$CAPTURE"
fi
mkdir -p "$OUT"

# shellcheck source=bench/callgrind-scratch.sh
. "$HERE/callgrind-scratch.sh"
callgrind_scratch tcphs-profile "$CAPTURE" "$PACKETS"

with_args() {
    if [ "$FIELDS" = 1 ]; then
        echo "-T fields -e tcp.stream -e tcphs.phase -e tcphs.event -e tcphs.isn_client"
    fi
}
without_args() {
    if [ "$FIELDS" = 1 ]; then
        echo "-T fields -e tcp.stream -e tcp.completeness -e tcp.flags.str -e tcp.seq_raw"
    fi
}

# grind SIDE NAME CAPTURE: one callgrind run; the profile lands in $OUT/callgrind.out.NAME
grind() {
    local side=$1 name=$2 cap=$3 status=0
    local vg=(valgrind --tool=callgrind --callgrind-out-file="$SCR/out/callgrind.out.$name")
    say "== callgrind: $name ($(capinfos -c -M "$cap" | sed -n 's/^Number of packets: *//p') packets)"
    # Both sides are staged by the same wrapper; "without" only lacks tcphs.so.
    if [ "$side" = with ]; then
        # shellcheck disable=SC2046
        TMPDIR="$SCR/wrap" "$WRAPPER" --build "$BUILD" --program valgrind -- \
            "${vg[@]:1}" tshark -r "$cap" $(with_args) > /dev/null 2> "$SCR/vg.$name.log" || status=$?
    else
        # shellcheck disable=SC2046
        TMPDIR="$SCR/wrap" "$WRAPPER" --build "$BUILD" --without-tcphs --program valgrind -- \
            "${vg[@]:1}" tshark -r "$cap" $(without_args) > /dev/null 2> "$SCR/vg.$name.log" || status=$?
    fi
    [ "$status" = 0 ] || { tail -n 20 "$SCR/vg.$name.log" >&2; die "callgrind run $name failed ($status)"; }
    cp "$SCR/out/callgrind.out.$name" "$OUT/callgrind.out.$name"
    callgrind_annotate --auto=no --threshold=100 --inclusive=no "$OUT/callgrind.out.$name" > "$OUT/annotate-self.$name.txt"
    callgrind_annotate --auto=no --threshold=100 --inclusive=yes "$OUT/callgrind.out.$name" > "$OUT/annotate-inclusive.$name.txt"
}

grind with startup-with "$first"
grind without startup-without "$first"
grind with with "$small"
grind without without "$small"

mode="tshark -r CAP (same command on both sides)"
[ "$FIELDS" = 1 ] && mode="tshark -r CAP -T fields (tcphs fields with, TCP fields without)"
"$PY" - "$OUT" "$n" "$mode" <<'EOF' | tee "$OUT/summary.txt"
import re, sys
out, packets, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
LINE = re.compile(r"^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*) \[(.*)\]\s*$")

def parse(path):
    total, funcs = 0, []
    for line in open(path, errors="replace"):
        m = re.match(r"^\s*([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = LINE.match(line)
        if m:
            cost = int(m.group(1).replace(",", ""))
            where, obj = m.group(3), m.group(4)
            file, _, func = where.rpartition(":")
            funcs.append((cost, file, func, obj))
    return total, funcs

def short(obj):
    return obj.rsplit("/", 1)[-1]

def is_tcphs(obj):
    return short(obj) == "tcphs.so"

t = {}
for name in ("startup-with", "startup-without", "with", "without"):
    t[name] = parse("%s/annotate-self.%s.txt" % (out, name))[0]
self_total, self_funcs = parse("%s/annotate-self.with.txt" % out)
_, incl_funcs = parse("%s/annotate-inclusive.with.txt" % out)

def pct(x, total):
    return 100.0 * x / total if total else 0.0

print("callgrind over the first %d packets; command: %s" % (packets, mode))
print()
print("Top 20 functions by inclusive cost, with tcphs (recursion cycles left out):")
top_incl = [f for f in incl_funcs if "'" not in f[2] and f[0] <= self_total]
for cost, file, func, obj in top_incl[:20]:
    print("  %15s %6.2f%%  %s [%s]" % ("{:,}".format(cost), pct(cost, self_total), func, short(obj)))
print()
print("Top 20 functions by self cost, with tcphs:")
for cost, file, func, obj in self_funcs[:20]:
    print("  %15s %6.2f%%  %s [%s]" % ("{:,}".format(cost), pct(cost, self_total), func, short(obj)))
print()
# Where the extra instructions go: self cost with minus self cost without,
# by function (tcphs.so's own functions have no "without").
_, wo_funcs = parse("%s/annotate-self.without.txt" % out)
before = {}
for cost, file, func, obj in wo_funcs:
    before[(func, short(obj))] = before.get((func, short(obj)), 0) + cost
after = {}
for cost, file, func, obj in self_funcs:
    after[(func, short(obj))] = after.get((func, short(obj)), 0) + cost
growth = sorted(((after.get(k, 0) - before.get(k, 0), k) for k in set(after) | set(before)), reverse=True)
print("Top 20 functions by growth of self cost, with minus without tcphs:")
extra_total = sum(after.values()) - sum(before.values())
for diff, (func, obj) in growth[:20]:
    print("  %15s %6.2f%% of the difference  %s [%s]" % ("{:+,}".format(diff), pct(diff, extra_total), func, obj))
print()
mine_self = [f for f in self_funcs if is_tcphs(f[3])]
mine_incl = [f for f in incl_funcs if is_tcphs(f[3])]
print("tcphs functions (tcphs.so: packet-tcphs.c, core/*/*.c), self cost:")
for cost, file, func, obj in mine_self[:15]:
    print("  %15s %6.2f%%  %s (%s)" % ("{:,}".format(cost), pct(cost, self_total), func, file.rsplit("/", 1)[-1]))
print("tcphs functions, inclusive cost (with what they call in libwireshark, glib, libc):")
for cost, file, func, obj in mine_incl[:10]:
    print("  %15s %6.2f%%  %s (%s)" % ("{:,}".format(cost), pct(cost, self_total), func, file.rsplit("/", 1)[-1]))
print()
self_sum = sum(f[0] for f in mine_self)
dissect = next((f[0] for f in mine_incl if f[2] == "dissect_tcphs"), 0)
# The same for the start-up run, to get the per-packet part.
_, su_self = parse("%s/annotate-self.startup-with.txt" % out)
_, su_incl = parse("%s/annotate-inclusive.startup-with.txt" % out)
su_self_sum = sum(f[0] for f in su_self if is_tcphs(f[3]))
su_dissect = next((f[0] for f in su_incl if is_tcphs(f[3]) and f[2] == "dissect_tcphs"), 0)
w, wo, sw, swo = t["with"], t["without"], t["startup-with"], t["startup-without"]
print("Instructions (Ir):")
print("  %-44s %16s %16s %16s" % ("", "with tcphs", "without", "difference"))
print("  %-44s %16s %16s %+15.1f%%" % ("total, %d packets" % packets, "{:,}".format(w), "{:,}".format(wo), pct(w - wo, wo)))
print("  %-44s %16s %16s %+15.1f%%" % ("start-up (1 packet)", "{:,}".format(sw), "{:,}".format(swo), pct(sw - swo, swo)))
pw, pwo = (w - sw) / max(packets - 1, 1), (wo - swo) / max(packets - 1, 1)
print("  %-44s %16.0f %16.0f %+15.1f%%" % ("per packet, start-up excluded", pw, pwo, pct(pw - pwo, pwo)))
print()
pp = w - sw       # the per-packet part of the run with tcphs
print("  %-34s %16s %9s %22s" % ("share of the instructions of...", "Ir", "of total", "of per-packet part"))
print("  %-34s %16s %8.2f%% %21.2f%%" % ("self cost in tcphs.so", "{:,}".format(self_sum), pct(self_sum, w), pct(self_sum - su_self_sum, pp)))
print("  %-34s %16s %8.2f%% %21.2f%%" % ("dissect_tcphs inclusive", "{:,}".format(dissect), pct(dissect, w), pct(dissect - su_dissect, pp)))
print("  %-34s %16s %8.2f%% %21.2f%%" % ("total with - total without", "{:,}".format(w - wo), pct(w - wo, w), pct((w - sw) - (wo - swo), pp)))
print("  (the difference also counts work done outside tcphs's functions on its behalf, e.g. the")
print("   protocol tree that tshark builds for every packet because tcphs asks for TCP's fields)")
print()
print("Profiles and full annotations: %s/callgrind.out.* and annotate-*.txt" % out)
EOF
