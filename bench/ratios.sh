#!/bin/bash
# ratios.sh: issue 11's goals in instructions per packet (callgrind), for
# one Wireshark release.
#
#   bench/ratios.sh --capture FILE [--release 4.0|4.4|4.6] [--build DIR] [--packets N] [--items K]
#
#   --release R   4.0 (default): the machine's tshark, with the plugin of
#                 --build (default ../build) staged by tools/tshark-with-tcphs;
#                 4.4, 4.6: that release's own tshark, unpacked by
#                 tools/build-all-versions.sh --run R in build-versions/
#                 (runtime/R and build-R, where tcphs and tcphs_probe are built)
#   --capture F   required: the bench capture, which is not in the repository;
#                 `sudo bash bench/record-large.sh F` records it (about
#                 214,000 packets of real traffic).  Its first N packets
#   --packets N   default 5000
#   --items K     default 48 (see fields probe-K below)
#
# Runs tshark under valgrind --tool=callgrind over the same packets and
# prints instructions per packet (start-up, tshark alone over one packet,
# subtracted) and the ratios of the issue:
#   plain / probe-1        plain "tshark -r" with tcphs against a post-dissector
#                          that asks for tcp.stream and does nothing (goal <= 1.08)
#   fields tcphs / tcp     -T fields -e tcp.stream + 3 tcphs fields against the
#                          same with 3 of TCP's own fields, without tcphs (<= 1.10)
#   conns / conv,tcp       -q -z tcphs,conns against tshark's -q -z conv,tcp (<= 1.2)
#   disabled / none        --disable-protocol tcphs against tshark alone (1.00)
#   probe-1 / none         what asking for any one field costs in this release
#   fields probe-K / tcp   the floor of the fields goal: the same -T fields run
#                          with the probe putting K generated items on every
#                          segment (--items K, default 48: the tcphs items per
#                          segment of large.pcap's first 5,000 packets in one
#                          pass, counted in tshark -T pdml).  Where the release
#                          shows the whole tree for -T fields (4.0), every
#                          item is real and this is what any post-dissector
#                          with tcphs's field contract pays
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RELEASE=4.0
BUILD="$ROOT/build"
CAPTURE=
PACKETS=5000
ITEMS=48
while [ $# -gt 0 ]; do
    case "$1" in
        --release) RELEASE=$2; shift 2 ;;
        --build) BUILD=$2; shift 2 ;;
        --capture) CAPTURE=$2; shift 2 ;;
        --packets) PACKETS=$2; shift 2 ;;
        --items) ITEMS=$2; shift 2 ;;
        -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "ratios.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
say() { printf '%s\n' "$*" >&2; }
die() { say "ratios.sh: $*"; exit 1; }
[ -n "$CAPTURE" ] || die "--capture FILE is required: the bench capture is not in the repository; record one with: sudo bash bench/record-large.sh FILE"
[ -f "$CAPTURE" ] || die "no capture $CAPTURE: record it with: sudo bash bench/record-large.sh $CAPTURE"

# shellcheck source=bench/callgrind-scratch.sh
. "$HERE/callgrind-scratch.sh"
callgrind_scratch tcphs-ratios "$CAPTURE" "$PACKETS"

TCPHS_FIELDS=(-T fields -e tcp.stream -e tcphs.phase -e tcphs.event -e tcphs.isn_client)
TCP_FIELDS=(-T fields -e tcp.stream -e tcp.completeness -e tcp.flags.str -e tcp.seq_raw)

if [ "$RELEASE" = 4.0 ]; then
    BUILD="$(cd "$BUILD" && pwd)"
    cmake --build "$BUILD" --target tcphs tcphs_probe >/dev/null || die "cannot build tcphs and tcphs_probe in $BUILD"
    TCPHS_SO="$BUILD/plugins/4.0/epan/tcphs.so"
    PROBE_SO="$BUILD/bench-probe/tcphs_probe.so"
    # run WHICH(none|probe|tcphs) OUT ARGS...: tshark under callgrind, as nobody.
    run() {
        local which=$1 out=$2; shift 2
        local wrap=(--without-tcphs)
        case $which in probe) wrap=(--plugin "$PROBE_SO") ;; tcphs) wrap=() ;; esac
        TMPDIR="$SCR/wrap" "$ROOT/tools/tshark-with-tcphs" --build "$BUILD" "${wrap[@]}" --program valgrind -- \
            --tool=callgrind --callgrind-out-file="$out" tshark "$@"
    }
else
    CACHE="$ROOT/build-versions"
    RT="$CACHE/runtime/$RELEASE/root"
    [ -d "$RT" ] || die "no $RT: run tools/build-all-versions.sh --run $RELEASE first"
    cmake --build "$CACHE/build-$RELEASE" --target tcphs tcphs_probe >/dev/null || die "cannot build in $CACHE/build-$RELEASE"
    TCPHS_SO="$CACHE/build-$RELEASE/plugins/$RELEASE/epan/tcphs.so"
    PROBE_SO="$CACHE/build-$RELEASE/bench-probe/tcphs_probe.so"
    LDSO=$(ls "$RT"/usr/lib/*/ld-linux*.so.* "$RT"/lib64/ld-linux*.so.* 2>/dev/null | head -n 1 || true)
    LIBDIR=$(dirname "$(ls "$RT"/usr/lib/*/libwireshark.so.* | head -n 1)")
    # Run through its own loader, tshark's global plugin folder is
    # <libdir>/plugins/<release>: the plugin under test is put there, alone.
    PLUGDIR="$LIBDIR/plugins/$RELEASE/epan"
    mkdir -p "$PLUGDIR" "$SCR/home"
    run() {
        local which=$1 out=$2; shift 2
        rm -f "$PLUGDIR/tcphs.so" "$PLUGDIR/tcphs_probe.so"
        case $which in probe) cp "$PROBE_SO" "$PLUGDIR/" ;; tcphs) cp "$TCPHS_SO" "$PLUGDIR/" ;; esac
        env -u WIRESHARK_PLUGIN_DIR -u WIRESHARK_CONFIG_DIR HOME="$SCR/home" \
            valgrind --tool=callgrind --callgrind-out-file="$out" "$LDSO" --library-path "$LIBDIR" "$RT/usr/bin/tshark" "$@"
    }
    trap 'rm -f "$PLUGDIR/tcphs.so" "$PLUGDIR/tcphs_probe.so"; rm -rf "$SCR"' EXIT
fi

# grind NAME WHICH ARGS...: total instructions of one run into $SCR/out/total.NAME.
grind() {
    local name=$1 which=$2 out="$SCR/out/callgrind.out.$1"; shift 2
    : > "$out"; chmod 666 "$out"
    TCPHS_PROBE_FIELDS=tcp.stream run "$which" "$out" "$@" > /dev/null 2> "$SCR/$name.log" \
        || { tail -n 20 "$SCR/$name.log" >&2; die "callgrind run $name failed"; }
    sed -n 's/^summary: *//p' "$out" > "$SCR/out/total.$name"
    say "   $name: $(cat "$SCR/out/total.$name") instructions"
}

say "== Wireshark $RELEASE: callgrind over the first $n packets of $CAPTURE"
grind startup none -r "$first"
grind none none -r "$small"
grind probe-1 probe -r "$small"
grind plain tcphs -r "$small"
grind disabled tcphs -r "$small" --disable-protocol tcphs
grind fields-tcphs tcphs -r "$small" "${TCPHS_FIELDS[@]}"
grind fields-tcp none -r "$small" "${TCP_FIELDS[@]}"
TCPHS_PROBE_ITEMS=$ITEMS grind fields-probe-k probe -r "$small" "${TCP_FIELDS[@]}"
grind conns tcphs -q -z tcphs,conns -r "$small"
grind conv none -q -z conv,tcp -r "$small"

pp() { awk -v t="$(cat "$SCR/out/total.$1")" -v s="$(cat "$SCR/out/total.startup")" -v n="$n" 'BEGIN { printf "%.0f", (t - s) / n }'; }
ratio() { awk -v a="$(pp "$1")" -v b="$(pp "$2")" 'BEGIN { printf "%.3f", a / b }'; }
printf '\n## Wireshark %s, instructions per packet (%s packets of %s)\n\n' "$RELEASE" "$n" "$(basename "$CAPTURE")"
printf '| run | instr/packet |\n|:---|---:|\n'
for r in none probe-1 plain disabled fields-tcp fields-probe-k fields-tcphs conv conns; do
    printf '| %s | %s |\n' "$r" "$(pp "$r")"
done
printf '\n| ratio | %s | goal |\n|:---|---:|---:|\n' "$RELEASE"
printf '| plain / probe-1 | %sx | <= 1.08x |\n' "$(ratio plain probe-1)"
printf '| fields tcphs / fields tcp | %sx | <= 1.10x |\n' "$(ratio fields-tcphs fields-tcp)"
printf '| tcphs,conns / conv,tcp | %sx | <= 1.2x |\n' "$(ratio conns conv)"
printf '| disabled / none | %sx | 1.00x |\n' "$(ratio disabled none)"
printf '| plain / none | %sx | - |\n' "$(ratio plain none)"
printf '| probe-1 / none | %sx | - |\n' "$(ratio probe-1 none)"
printf '| fields probe-%s / fields tcp | %sx | - |\n' "$ITEMS" "$(ratio fields-probe-k fields-tcp)"
printf '| fields tcphs / fields probe-%s | %sx | - |\n' "$ITEMS" "$(ratio fields-tcphs fields-probe-k)"
