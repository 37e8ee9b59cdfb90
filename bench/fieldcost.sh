#!/bin/bash
# fieldcost.sh: how much of tcphs's cost is merely asking Wireshark for TCP's
# fields, counted in instructions by callgrind.
#
#   bench/fieldcost.sh [--build DIR] [--capture FILE] [--packets N] [--groups]
#
#   --build DIR     build tree (default ../build); the probe plugin is built
#                   there (cmake --build DIR --target tcphs_probe)
#   --capture FILE  default /work/benchdata/large.pcap; its first N packets
#                   are used (editcap -r)
#   --packets N     default 20000
#   --groups        also measure each group of tcphs's fields on its own
#                   (with tcp.stream): core TCP, IP addresses, tcp.hdr_len,
#                   options, analysis marks
#
# The same plain "tshark -r CAP" (summary lines: the run that builds no
# protocol tree unless a post-dissector asks for fields) runs under
# valgrind --tool=callgrind with:
#   none      no extra plugin: tshark alone;
#   probe-1   bench/probe's post-dissector asking for tcp.stream only: the
#             price of asking for any TCP field (tshark then builds a tree
#             for every packet);
#   probe-all the probe asking for exactly the fields tcphs asks for (read
#             from source_fields[] in packet-tcphs.c): the price of the
#             mechanism with tcphs's list, and no analysis at all;
#   transum   no extra plugin, Wireshark's own TRANSUM post-dissector
#             enabled: the same mechanism in Wireshark itself;
#   tcphs     the tcphs plugin: its list plus its own work.
# Instructions per packet = (total - start-up) / packets, start-up being
# tshark alone over the first packet.  Takes about 5-10 minutes (two runs
# at a time).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WRAPPER="$ROOT/tools/tshark-with-tcphs"
BUILD="$ROOT/build"
CAPTURE=/work/benchdata/large.pcap
PACKETS=20000
BY_GROUP=0

while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=$2; shift 2 ;;
        --capture) CAPTURE=$2; shift 2 ;;
        --packets) PACKETS=$2; shift 2 ;;
        --groups) BY_GROUP=1; shift ;;
        -h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "fieldcost.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
say() { printf '%s\n' "$*" >&2; }
die() { say "fieldcost.sh: $*"; exit 1; }
command -v valgrind >/dev/null || die "valgrind is missing (apt-get install valgrind)"
[ -f "$CAPTURE" ] || die "no capture $CAPTURE (bench/record-large.sh records one)"
BUILD="$(cd "$BUILD" && pwd)"
cmake --build "$BUILD" --target tcphs tcphs_probe >/dev/null || die "cannot build tcphs and tcphs_probe in $BUILD"
PROBE="$BUILD/bench-probe/tcphs_probe.so"

# tcphs's list, as packet-tcphs.c declares it.  tcp.checksum.status is asked
# for only when TCP verifies checksums (off by default), so it is left out.
TCPHS_FIELDS=$(sed -n '/^static source_field source_fields\[\] = {/,/^};/p' "$ROOT/packet-tcphs.c" \
    | sed -n 's/^ *{ "\([a-z0-9_.]*\)",.*/\1/p' | grep -vx 'tcp.checksum.status' | paste -sd, -)
[ "$(tr ',' '\n' <<< "$TCPHS_FIELDS" | wc -l)" -ge 2 ] || die "could not read source_fields[] from packet-tcphs.c"

# shellcheck source=bench/callgrind-scratch.sh
. "$HERE/callgrind-scratch.sh"
callgrind_scratch tcphs-fieldcost "$CAPTURE" "$PACKETS"

# grind NAME CAPTURE FIELDS WRAPPER-ARGS... -- TSHARK-ARGS...: total instructions of one run.
grind() {
    local name=$1 cap=$2 fields=$3 out="$SCR/out/callgrind.out.$1"; shift 3
    local wrap=()
    while [ "$1" != -- ]; do wrap+=("$1"); shift; done
    shift
    : > "$out"; chmod 666 "$out"
    TCPHS_PROBE_FIELDS="$fields" TMPDIR="$SCR/wrap" "$WRAPPER" --build "$BUILD" "${wrap[@]}" --program valgrind -- \
        --tool=callgrind --callgrind-out-file="$out" tshark -r "$cap" "$@" > /dev/null 2> "$SCR/$name.log" \
        || { tail -n 20 "$SCR/$name.log" >&2; die "callgrind run $name failed"; }
    sed -n 's/^summary: *//p' "$out" > "$SCR/out/total.$name"
    say "   $name: $(cat "$SCR/out/total.$name") instructions"
}

say "== callgrind over the first $n packets of $CAPTURE: tshark -r CAP"
say "   tcphs's fields: $TCPHS_FIELDS"
grind startup "$first" "" --without-tcphs --
grind none "$small" "" --without-tcphs -- &
grind probe-1 "$small" tcp.stream --plugin "$PROBE" --
wait
grind probe-all "$small" "$TCPHS_FIELDS" --plugin "$PROBE" -- &
grind transum "$small" "" --without-tcphs -- --enable-protocol transum
wait
grind tcphs "$small" "" --
runs=(none probe-1 probe-all transum tcphs)
if [ "$BY_GROUP" = 1 ]; then
    group() {   # group NAME PATTERN: tcp.stream plus tcphs's fields matching PATTERN
        local list
        list=$(tr ',' '\n' <<< "$TCPHS_FIELDS" | grep -E "$2" | grep -vx tcp.stream | paste -sd, -)
        grind "$1" "$small" "tcp.stream,$list" --plugin "$PROBE" --
    }
    group group-core '^tcp\.(srcport|dstport|seq_raw|ack_raw|flags|len|window_size_value)$' &
    group group-ip '^ipv?6?\.(src|dst)$'
    wait
    group group-hdr_len '^tcp\.hdr_len$' &
    group group-options '^tcp\.options\.'
    wait
    group group-analysis '^tcp\.analysis\.'
    runs+=(group-core group-ip group-hdr_len group-options group-analysis)
fi

startup=$(cat "$SCR/out/total.startup")
none=$(cat "$SCR/out/total.none")
printf '\n%-16s %16s %14s %12s\n' run instructions "per packet" "vs none"
for r in "${runs[@]}"; do
    t=$(cat "$SCR/out/total.$r")
    awk -v r="$r" -v t="$t" -v s="$startup" -v n="$n" -v none="$none" 'BEGIN {
        pp = (t - s) / n; base = (none - s) / n
        printf "%-16s %16.0f %14.0f %+11.1f%%\n", r, t, pp, (pp - base) / base * 100 }'
done
say "(groups: tcp.stream plus the group; compare with probe-1)"
