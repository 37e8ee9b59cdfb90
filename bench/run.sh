#!/bin/bash
# run.sh: what tcphs costs inside tshark -- time and peak memory, with the
# plugin (A) against without it (B), side by side in one run.
#
#   bench/run.sh [--build DIR] [--capture FILE] [--reps N] [--quick]
#                [--big-reps N] [--data DIR] [--results FILE] [--no-scaling]
#
#   --build DIR     build tree with plugins/*/epan/tcphs.so (default: ../build)
#   --capture FILE  the real capture (default /work/benchdata/large.pcap;
#                   recorded with record-large.sh if missing -- needs root)
#   --reps N        timed repetitions per variant (default 5), alternating
#                   A B A B ...; medians are reported
#   --quick         reps 3 and no 1M captures (for development)
#   --big-reps N    repetitions for the 1M captures (default 1: each run of
#                   them takes one to two minutes)
#   --data DIR      where the crafted captures are kept (default: the
#                   capture's folder); made with synflood.py and
#                   one-connection.py when missing
#   --results FILE  Markdown results (default bench/results.md, overwritten)
#   --no-scaling    only the comparisons on the real capture
#
# Side A runs through tools/tshark-with-tcphs (the build's tcphs.so staged
# next to links to the system plugins, a private HOME, as user nobody when
# root).  Side B runs the same program the same way -- same user, same kind
# of private HOME, a staged plugin folder with the same links but no
# tcphs.so, the same copy of the capture in the same folder -- so the two
# differ only by the plugin.  /usr/bin/time -v wraps the measured program
# alone (not the wrapper's staging) and gives its wall time and peak RSS.
# Measured programs write their output to /dev/null; each variant runs once
# untimed first (warm cache), and that run's output is checked: exit status
# 0 and non-empty tcphs fields.
#
# See bench/README.md for what each number means.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WRAPPER="$ROOT/tools/tshark-with-tcphs"
BUILD="$ROOT/build"
CAPTURE=/work/benchdata/large.pcap
REPS=5
BIG_REPS=1
QUICK=0
SCALING=1
DATA=""
RESULTS="$HERE/results.md"
PY="$(command -v /usr/bin/python3 || command -v python3)"

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
reps_given=0
while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=$2; shift 2 ;;
        --capture) CAPTURE=$2; shift 2 ;;
        --reps) REPS=$2; reps_given=1; shift 2 ;;
        --big-reps) BIG_REPS=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --data) DATA=$2; shift 2 ;;
        --results) RESULTS=$2; shift 2 ;;
        --no-scaling) SCALING=0; shift ;;
        -h|--help) usage 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; usage 2 ;;
    esac
done
if [ "$QUICK" = 1 ] && [ "$reps_given" = 0 ]; then REPS=3; fi
BUILD="$(cd "$BUILD" && pwd)"
CAPTURE="$(realpath -m "$CAPTURE")"
DATA="${DATA:-$(dirname "$CAPTURE")}"

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: $*"; exit 1; }

# ---- prerequisites -----------------------------------------------------------
for tool in tshark capinfos "$PY"; do
    command -v "$tool" >/dev/null || die "$tool is missing"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
HAVE_TCPTRACE=1
command -v tcptrace >/dev/null || { HAVE_TCPTRACE=0; say "tcptrace is missing (apt-get install tcptrace): comparison 3 will say 'not available'"; }
ls "$BUILD"/plugins/*/epan/tcphs.so >/dev/null 2>&1 || die "no tcphs.so under $BUILD/plugins (cmake --build $BUILD)"

if [ ! -f "$CAPTURE" ]; then
    say "== $CAPTURE is missing: recording it (record-large.sh)"
    [ "$(id -u)" = 0 ] || die "recording needs root"
    bash "$HERE/record-large.sh" "$CAPTURE"
fi
mkdir -p "$DATA"

# ---- scratch: the B side's staging, the capture copies, the measurements ---------
SCR="$(mktemp -d /tmp/tcphs-bench.XXXXXX)"
cleanup() { rm -rf "$SCR"; }
trap cleanup EXIT
chmod 755 "$SCR"
mkdir -p "$SCR/files" "$SCR/out" "$SCR/wrap"
chmod 1777 "$SCR/out" "$SCR/wrap"     # wrap: TMPDIR of both sides (the wrapper stages there)
RAW="$SCR/raw.tsv"
META="$SCR/meta.txt"
VARIANTS="$SCR/variants.tsv"
: > "$RAW"; : > "$META"; : > "$VARIANTS"

plugin_so=$(ls "$BUILD"/plugins/*/epan/tcphs.so | head -n 1)

stage_file() {   # stage_file SRC -> prints the readable copy's path
    local dst
    dst="$SCR/files/$(basename "$1")"
    [ -f "$dst" ] || { cp "$1" "$dst"; chmod a+r "$dst"; }
    printf '%s\n' "$dst"
}
unstage_file() { rm -f "$SCR/files/$(basename "$1")"; }

# run_side SIDE STDOUT PROGRAM ARGS... : one run under /usr/bin/time -v.
# Sets T_WALL T_USER T_SYS T_KB; returns the program's exit status.
run_side() {
    local side=$1 out=$2; shift 2
    local tfile="$SCR/out/time.txt" status=0
    rm -f "$tfile"
    # Both sides are staged by the same wrapper; B only lacks tcphs.so.
    local without=()
    [ "$side" = A ] || without=(--without-tcphs)
    TMPDIR="$SCR/wrap" "$WRAPPER" --build "$BUILD" "${without[@]}" --program /usr/bin/time -- \
        -v -o "$tfile" "$@" > "$out" 2>> "$SCR/stderr.log" || status=$?
    if [ ! -s "$tfile" ]; then
        T_WALL=nan; T_USER=nan; T_SYS=nan; T_KB=0
        return "$((status ? status : 99))"
    fi
    T_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$tfile")
    T_USER=$(awk -F': ' '/User time/ {print $2}' "$tfile")
    T_SYS=$(awk -F': ' '/System time/ {print $2}' "$tfile")
    T_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tfile")
    return "$status"
}

# variant GROUP KEY SIDE "DESCRIPTION" PROGRAM ARGS... : declare a variant.
declare -A V_SIDE V_CMD
variant() {
    local group=$1 key=$2 side=$3 desc=$4; shift 4
    V_SIDE["$group/$key"]=$side
    V_CMD["$group/$key"]=$(printf '%q ' "$@")
    printf '%s\t%s\t%s\t%s\t%s\n' "$group" "$key" "$side" "$desc" "$*" >> "$VARIANTS"
}

# measure GROUP REPS FRAMES CONNS KEY... : warm-up run of each variant, then
# REPS rounds of all variants in turn; appends to raw.tsv.
measure() {
    local group=$1 reps=$2 frames=$3 conns=$4; shift 4
    local keys=("$@") r key
    for ((r = 1; r <= reps; r++)); do
        for key in "${keys[@]}"; do
            local st=0
            eval "run_side ${V_SIDE[$group/$key]} /dev/null ${V_CMD[$group/$key]}" || st=$?
            [ "$st" = 0 ] || die "$group/$key failed with status $st (see below)$(tail -n 5 "$SCR/stderr.log" | sed 's/^/\n  /')"
            printf '%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n' "$group" "$key" "${V_SIDE[$group/$key]}" "$r" \
                "$T_WALL" "$T_USER" "$T_SYS" "$T_KB" "$frames" "$conns" >> "$RAW"
            say "   $group/$key rep $r: ${T_WALL} s, $((T_KB / 1024)) MB"
        done
    done
}

# warm GROUP KEY OUTFILE: the untimed run, output kept for the checks.
warm() {
    local group=$1 key=$2 out=$3 st=0
    eval "run_side ${V_SIDE[$group/$key]} \"\$out\" ${V_CMD[$group/$key]}" || st=$?
    [ "$st" = 0 ] || die "$group/$key failed with status $st$(tail -n 5 "$SCR/stderr.log" | sed 's/^/\n  /')"
}

# check_fields FILE COLUMN MINIMUM WHAT: at least MINIMUM lines have a
# non-empty tab-separated COLUMN.
check_fields() {
    local file=$1 col=$2 min=$3 what=$4 n
    n=$(awk -F'\t' -v c="$col" '$c != ""' "$file" | wc -l)
    say "   check: $n lines with $what (need >= $min)"
    [ "$n" -ge "$min" ] || die "$what is empty: the plugin did not run?"
}

meta() { printf '%s=%s\n' "$1" "$2" >> "$META"; }

# ---- what is measured on --------------------------------------------------------
packets=$(capinfos -c -M "$CAPTURE" | sed -n 's/^Number of packets: *//p')
CAP=$(stage_file "$CAPTURE")
ws_version=$(tshark --version 2>/dev/null | head -n 1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
ram_kb=$(awk '/^MemTotal/ {print $2}' /proc/meminfo)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (+ uncommitted changes)"; fi
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta nproc "$(nproc)"
meta cpu "$cpu"
meta ram "$((ram_kb / 1024 / 1024)) GiB"
meta kernel "$(uname -r)"
meta wireshark "$ws_version"
meta plugin "$plugin_so (commit $commit)"
meta capture "$CAPTURE"
meta packets "$packets"
meta reps "$REPS"
meta big_reps "$BIG_REPS"
meta quick "$QUICK"
meta scratch "$SCR"
if [ "$(id -u)" = 0 ]; then meta user "nobody (run.sh ran as root)"; else meta user "$(id -un)"; fi

say "== tcphs benchmark: $CAPTURE ($packets packets), reps $REPS, build $BUILD"
say "   $ws_version; $(nproc) cores, $cpu, $((ram_kb / 1024 / 1024)) GiB"

# The two sides really differ by the plugin: A knows tcphs, B does not.
run_side A "$SCR/out/protos.A" tshark -G protocols || die "tshark -G protocols failed with the plugin"
run_side B "$SCR/out/protos.B" tshark -G protocols || die "tshark -G protocols failed without the plugin"
grep -q $'\ttcphs$' "$SCR/out/protos.A" || die "side A does not have the tcphs protocol"
if grep -q $'\ttcphs$' "$SCR/out/protos.B"; then die "side B has tcphs: it must run without the plugin"; fi
cmp -s <(grep -v $'\ttcphs$' "$SCR/out/protos.A") "$SCR/out/protos.B" \
    || say "   note: the protocol lists of A and B differ by more than tcphs"

# ---- (1) the analysis fields ------------------------------------------------------
say "== (1) fields: tcphs's fields with the plugin vs TCP's own fields without"
variant fields A A "tcphs fields, with tcphs" tshark -r "$CAP" -T fields -e tcp.stream -e tcphs.phase -e tcphs.event -e tcphs.isn_client
variant fields B B "TCP fields, without tcphs" tshark -r "$CAP" -T fields -e tcp.stream -e tcp.completeness -e tcp.flags.str -e tcp.seq_raw
warm fields A "$SCR/out/fields.A"
check_fields "$SCR/out/fields.A" 2 "$((packets * 9 / 10))" "tcphs.phase"
check_fields "$SCR/out/fields.A" 3 "$((packets * 9 / 10))" "tcphs.event"
check_fields "$SCR/out/fields.A" 4 1 "tcphs.isn_client"
warm fields B "$SCR/out/fields.B"
check_fields "$SCR/out/fields.B" 1 "$packets" "tcp.stream"
conns=$(cut -f1 "$SCR/out/fields.B" | sort -u | wc -l)
meta connections "$conns"
rm -f "$SCR/out/fields.A" "$SCR/out/fields.B"
measure fields "$REPS" "$packets" "$conns" A B

# ---- (2) plain summary lines -------------------------------------------------------
say "== (2) summary lines: with tcphs, without, and with tcphs disabled"
variant summary A A "summary lines, with tcphs" tshark -r "$CAP"
variant summary B B "summary lines, without tcphs" tshark -r "$CAP"
variant summary A-disabled A "summary lines, tcphs loaded but --disable-protocol tcphs" tshark -r "$CAP" --disable-protocol tcphs
# The reference for what any post-dissector that reads TCP's fields costs:
# Wireshark's own TRANSUM asks for them the same way (and is disabled by
# default for that reason).
variant summary B-transum B "summary lines, without tcphs, Wireshark's TRANSUM enabled" tshark -r "$CAP" --enable-protocol transum
for key in A B A-disabled B-transum; do
    warm summary "$key" "$SCR/out/summary.$key"
    n=$(wc -l < "$SCR/out/summary.$key")
    say "   check: summary/$key printed $n lines"
    [ "$n" = "$packets" ] || die "summary/$key printed $n lines for $packets packets"
done
cmp -s "$SCR/out/summary.A" "$SCR/out/summary.B" || say "   note: the summary lines differ with and without tcphs"
rm -f "$SCR/out/summary."*
measure summary "$REPS" "$packets" "$conns" A B A-disabled B-transum

# ---- (3) per-connection report vs tcptrace ---------------------------------------
say "== (3) connection report: tshark -z tcphs,conns vs tcptrace -n -l"
have_conns=0
# tshark lists its -z statistics on stderr.
TMPDIR="$SCR/wrap" "$WRAPPER" --build "$BUILD" -- -z help > "$SCR/out/zhelp" 2>&1 || true
if grep -qx '[[:space:]]*tcphs,conns' "$SCR/out/zhelp"; then have_conns=1; fi
meta tcphs_conns "$have_conns"
meta tcptrace "$HAVE_TCPTRACE"
keys=()
if [ "$have_conns" = 1 ]; then
    variant conns A A "tcphs,conns report, with tcphs" tshark -q -z tcphs,conns -r "$CAP"
    warm conns A "$SCR/out/conns.A"
    n=$(grep -cE '^[[:space:]]*[0-9]+[[:space:]]' "$SCR/out/conns.A" || true)
    say "   check: tcphs,conns listed $n connections ($conns TCP streams)"
    [ "$n" -ge "$conns" ] || die "tcphs,conns listed $n connections, expected $conns"
    keys+=(A)
else
    say "   tshark -z tcphs,conns: not available in this build"
fi
# The floor for any tshark report: Wireshark's own TCP conversation table,
# which reads the tcp tap and builds no protocol tree.
variant conns B-conv B "tshark -z conv,tcp, without tcphs" tshark -q -z conv,tcp -r "$CAP"
warm conns B-conv "$SCR/out/conns.B-conv"
say "   check: conv,tcp listed $(grep -cE '<->' "$SCR/out/conns.B-conv" || true) conversations"
keys+=(B-conv)
if [ "$HAVE_TCPTRACE" = 1 ]; then
    variant conns B B "tcptrace -n -l (no tshark)" tcptrace -n -l "$CAP"
    warm conns B "$SCR/out/conns.B"
    say "   check: tcptrace: $(grep -m1 'TCP connections traced' "$SCR/out/conns.B" || echo '?')"
    keys+=(B)
else
    say "   tcptrace: not available"
fi
rm -f "$SCR/out/conns."*
if [ ${#keys[@]} -gt 0 ]; then measure conns "$REPS" "$packets" "$conns" "${keys[@]}"; fi

# ---- (5) growth: crafted captures --------------------------------------------------
if [ "$SCALING" = 1 ]; then
    say "== (5) growth: synflood and single-connection captures"
    sizes=(10k 100k)
    [ "$QUICK" = 1 ] || sizes+=(1M)
    single=(100k)
    [ "$QUICK" = 1 ] || single+=(1M)
    ensure() {   # ensure FILE GENERATOR ARGS...
        local file=$1; shift
        if [ ! -f "$file" ]; then
            say "   making $(basename "$file")"
            "$PY" "$@" "$file.partial" && mv "$file.partial" "$file"
        fi
    }
    # The start-up cost (dissector registration, plugin loading) and the
    # base memory: a capture of one half-open connection.
    ensure "$DATA/synflood-1.pcap" "$HERE/synflood.py" 1 --synack
    caps=("baseline:$DATA/synflood-1.pcap:1")
    for s in "${sizes[@]}"; do
        ensure "$DATA/synflood-$s.pcap" "$HERE/synflood.py" "$s" --synack
        caps+=("synflood-$s:$DATA/synflood-$s.pcap:0")
    done
    for s in "${single[@]}"; do
        ensure "$DATA/one-connection-$s.pcap" "$HERE/one-connection.py" "$s"
        caps+=("one-connection-$s:$DATA/one-connection-$s.pcap:1")
    done
    for entry in "${caps[@]}"; do
        IFS=: read -r name file nconn <<< "$entry"
        frames=$(capinfos -c -M "$file" | sed -n 's/^Number of packets: *//p')
        [ "$nconn" = 0 ] && nconn=$(( frames / 2 ))     # synflood --synack: 2 frames each
        group="scale:$name"
        f=$(stage_file "$file")
        variant "$group" A A "fields, with tcphs" tshark -r "$f" -T fields -e tcp.stream -e tcphs.phase -e tcphs.event -e tcphs.isn_client
        variant "$group" B B "fields, without tcphs" tshark -r "$f" -T fields -e tcp.stream -e tcp.completeness -e tcp.flags.str -e tcp.seq_raw
        reps=$REPS
        if [ "$frames" -ge 1000000 ]; then
            reps=$BIG_REPS
            say "   $name: $frames frames, $nconn connections, $reps rep(s), no warm-up (1-2 min per run)"
        else
            say "   $name: $frames frames, $nconn connections"
            warm "$group" A "$SCR/out/scale.A"
            check_fields "$SCR/out/scale.A" 2 "$((frames * 9 / 10))" "tcphs.phase"
            rm -f "$SCR/out/scale.A"
            warm "$group" B /dev/null
        fi
        measure "$group" "$reps" "$frames" "$nconn" A B
        unstage_file "$file"
    done
fi

# ---- report ------------------------------------------------------------------------
# Keep the raw measurements next to the captures (not in the repository):
# summarize.py can be rerun on them.
mkdir -p "$DATA/last-run"
cp "$RAW" "$META" "$VARIANTS" "$DATA/last-run/"
"$PY" "$HERE/summarize.py" --raw "$RAW" --meta "$META" --variants "$VARIANTS" --results "$RESULTS"
say "results written to $RESULTS"
