#!/bin/bash
# ratios.sh: what installing tcphs costs, in instructions per packet
# (callgrind), for one Wireshark release.
#
#   bench/ratios.sh --capture FILE [--release 4.0|4.4|4.6] [--build DIR]
#                   [--before DIR] [--packets N]
#
#   --release R   4.0 (default): the machine's tshark, with the plugin of
#                 --build (default ../build) staged by tools/tshark-with-tcphs;
#                 4.4, 4.6: that release's own tshark, unpacked by
#                 tools/build-all-versions.sh --run R in build-versions/
#                 (runtime/R and build-R, where tcphs is built)
#   --capture F   required: the bench capture, which is not in the repository;
#                 `sudo bash bench/record-large.sh F` records it (about
#                 214,000 packets of real traffic).  Its first N packets
#   --packets N   default 5000
#   --before DIR  (4.0 only) also measure the tcphs.so of another build tree,
#                 an earlier tcphs, on the runs that read tcphs: "no slower
#                 than before" is measured, not remembered
#
# Runs tshark under valgrind --tool=callgrind over the same packets.  Each
# run's start-up is that of the same tshark and plugins over the capture's
# first packet alone (tshark alone, tshark with tcphs, tshark with tcphs
# disabled), so what remains is the cost per packet.  The goals:
#   plain / none           plain "tshark -r" with tcphs installed against
#                          tshark alone (<= 1.05)
#   filter / filter-none   -Y on another protocol's field (tcp.port), with
#                          and without tcphs (<= 1.04)
#   conns / conv           -q -z tcphs,conns against -q -z conv,tcp (<= 1.10)
#   disabled / none        --disable-protocol tcphs against tshark alone (1.00)
# and, with --before, the runs that read tcphs (-T fields with tcphs fields,
# -V, two passes) against the earlier build (<= 1.00).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RELEASE=4.0
BUILD="$ROOT/build"
CAPTURE=
PACKETS=5000
BEFORE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --release) RELEASE=$2; shift 2 ;;
        --build) BUILD=$2; shift 2 ;;
        --capture) CAPTURE=$2; shift 2 ;;
        --packets) PACKETS=$2; shift 2 ;;
        --before) BEFORE=$2; shift 2 ;;
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

if [ "$RELEASE" = 4.0 ]; then
    BUILD="$(cd "$BUILD" && pwd)"
    cmake --build "$BUILD" --target tcphs >/dev/null || die "cannot build tcphs in $BUILD"
    TCPHS_SO="$BUILD/plugins/4.0/epan/tcphs.so"
    if [ -n "$BEFORE" ]; then
        BEFORE_SO=$(ls "$BEFORE"/plugins/4.0/epan/tcphs.so 2>/dev/null || true)
        [ -n "$BEFORE_SO" ] || die "--before $BEFORE: no plugins/4.0/epan/tcphs.so there (build it first)"
    fi
    # run WHICH(none|tcphs|before) OUT ARGS...: tshark under callgrind, as nobody.
    run() {
        local which=$1 out=$2; shift 2
        local wrap=(--without-tcphs)
        case $which in before) wrap=(--plugin "$BEFORE_SO") ;; tcphs) wrap=() ;; esac
        TMPDIR="$SCR/wrap" "$ROOT/tools/tshark-with-tcphs" --build "$BUILD" "${wrap[@]}" --program valgrind -- \
            --tool=callgrind --callgrind-out-file="$out" tshark "$@"
    }
else
    CACHE="$ROOT/build-versions"
    RT="$CACHE/runtime/$RELEASE/root"
    [ -d "$RT" ] || die "no $RT: run tools/build-all-versions.sh --run $RELEASE first"
    [ -z "$BEFORE" ] || die "--before is for 4.0 only"
    cmake --build "$CACHE/build-$RELEASE" --target tcphs >/dev/null || die "cannot build in $CACHE/build-$RELEASE"
    TCPHS_SO="$CACHE/build-$RELEASE/plugins/$RELEASE/epan/tcphs.so"
    LDSO=$(ls "$RT"/usr/lib/*/ld-linux*.so.* "$RT"/lib64/ld-linux*.so.* 2>/dev/null | head -n 1 || true)
    LIBDIR=$(dirname "$(ls "$RT"/usr/lib/*/libwireshark.so.* | head -n 1)")
    # Run through its own loader, tshark's global plugin folder is
    # <libdir>/plugins/<release>: the plugin under test is put there, alone.
    PLUGDIR="$LIBDIR/plugins/$RELEASE/epan"
    mkdir -p "$PLUGDIR" "$SCR/home"
    run() {
        local which=$1 out=$2; shift 2
        rm -f "$PLUGDIR/tcphs.so"
        case $which in tcphs) cp "$TCPHS_SO" "$PLUGDIR/" ;; esac
        env -u WIRESHARK_PLUGIN_DIR -u WIRESHARK_CONFIG_DIR HOME="$SCR/home" \
            valgrind --tool=callgrind --callgrind-out-file="$out" "$LDSO" --library-path "$LIBDIR" "$RT/usr/bin/tshark" "$@"
    }
    trap 'rm -f "$PLUGDIR/tcphs.so"; rm -rf "$SCR"' EXIT
fi

# grind NAME WHICH STARTUP ARGS...: total instructions of one run into
# $SCR/out/total.NAME, and the name of its start-up run into $SCR/out/startup.NAME.
grind() {
    local name=$1 which=$2 startup=$3 out="$SCR/out/callgrind.out.$1"; shift 3
    : > "$out"; chmod 666 "$out"
    run "$which" "$out" "$@" > /dev/null 2> "$SCR/$name.log" \
        || { tail -n 20 "$SCR/$name.log" >&2; die "callgrind run $name failed"; }
    sed -n 's/^summary: *//p' "$out" > "$SCR/out/total.$name"
    echo "$startup" > "$SCR/out/startup.$name"
    say "   $name: $(cat "$SCR/out/total.$name") instructions"
}

FILTER=(-Y 'tcp.port == 22001')
say "== Wireshark $RELEASE: callgrind over the first $n packets of $CAPTURE"
grind startup-none none - -r "$first"
grind startup-tcphs tcphs - -r "$first"
grind startup-disabled tcphs - -r "$first" --disable-protocol tcphs
grind none none startup-none -r "$small"
grind plain tcphs startup-tcphs -r "$small"
grind disabled tcphs startup-disabled -r "$small" --disable-protocol tcphs
grind filter-none none startup-none -r "$small" "${FILTER[@]}"
grind filter tcphs startup-tcphs -r "$small" "${FILTER[@]}"
grind conv none startup-none -q -z conv,tcp -r "$small"
grind conns tcphs startup-tcphs -q -z tcphs,conns -r "$small"
grind fields tcphs startup-tcphs -r "$small" "${TCPHS_FIELDS[@]}"
grind verbose tcphs startup-tcphs -r "$small" -V
grind two-pass tcphs startup-tcphs -2 -r "$small" "${TCPHS_FIELDS[@]}"
if [ -n "$BEFORE" ]; then
    grind startup-before before - -r "$first"
    grind plain-before before startup-before -r "$small"
    grind fields-before before startup-before -r "$small" "${TCPHS_FIELDS[@]}"
    grind verbose-before before startup-before -r "$small" -V
    grind two-pass-before before startup-before -2 -r "$small" "${TCPHS_FIELDS[@]}"
fi

pp() { awk -v t="$(cat "$SCR/out/total.$1")" -v s="$(cat "$SCR/out/total.$(cat "$SCR/out/startup.$1")")" -v n="$n" 'BEGIN { printf "%.0f", (t - s) / n }'; }
ratio() { awk -v a="$(pp "$1")" -v b="$(pp "$2")" 'BEGIN { printf "%.3f", a / b }'; }
printf '\n## Wireshark %s, instructions per packet (%s packets of %s)\n\n' "$RELEASE" "$n" "$(basename "$CAPTURE")"
printf '| run | instr/packet |\n|:---|---:|\n'
runs=(none plain disabled filter-none filter conv conns fields verbose two-pass)
[ -z "$BEFORE" ] || runs+=(plain-before fields-before verbose-before two-pass-before)
for r in "${runs[@]}"; do
    printf '| %s | %s |\n' "$r" "$(pp "$r")"
done
printf '\n| ratio | %s | goal |\n|:---|---:|---:|\n' "$RELEASE"
printf '| plain / none | %sx | <= 1.05x |\n' "$(ratio plain none)"
printf '| filter / filter-none | %sx | <= 1.04x |\n' "$(ratio filter filter-none)"
printf '| tcphs,conns / conv,tcp | %sx | <= 1.10x |\n' "$(ratio conns conv)"
printf '| disabled / none | %sx | 1.00x |\n' "$(ratio disabled none)"
if [ -n "$BEFORE" ]; then
    printf '| plain / before | %sx | - |\n' "$(ratio plain plain-before)"
    printf '| fields / before | %sx | <= 1.00x |\n' "$(ratio fields fields-before)"
    printf '| -V / before | %sx | <= 1.00x |\n' "$(ratio verbose verbose-before)"
    printf '| two passes / before | %sx | <= 1.00x |\n' "$(ratio two-pass two-pass-before)"
fi
