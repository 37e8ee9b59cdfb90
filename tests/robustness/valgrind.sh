#!/usr/bin/env bash
# valgrind.sh: tshark with tcphs under valgrind memcheck, over every capture
# (captures/ and tests/robustness/regressions/) merged into one file, with the
# tree, the connection table, the report and the statistics tree:
#
#   tshark -r ALL.pcap -2 -V -z tcphs,conns -z tcphs,report -z tcphs,tree
#
#   tests/robustness/valgrind.sh [--build DIR] [--keep DIR]
#
# Fails only on memcheck errors that are tcphs's (valgrind_report.py):
#   (a) an invalid read or write, a use of uninitialised values (or any other
#       memory error) with tcphs.so or tcphs's sources in its stacks;
#   (b) a definite leak allocated through tcphs.
# tshark's own reports (leaks at exit in libwireshark, glib, ...) are counted
# and ignored.  Wireshark's wmem allocators run in "simple" mode and glib's
# slice allocator is off, so every allocation is a malloc valgrind can check.
# The XML report and tshark's output stay in the --keep folder (default
# BUILD/valgrind).  Exit 77 (a skip for ctest) when valgrind is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build="${TCPHS_BUILD:-$root/build}"
keep=""

while [ $# -gt 0 ]; do
    case "$1" in
        --build) build=$2; shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        *) echo "valgrind.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
keep=${keep:-$build/valgrind}

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: valgrind is not installed (apt-get install valgrind); skipped"
    exit 77
fi

mapfile -t inputs < <(ls "$root"/captures/*.pcap* "$here"/regressions/*.pcap* 2>/dev/null || true)
if [ ${#inputs[@]} -eq 0 ]; then
    echo "valgrind.sh: no captures found" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tcphs-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
merged="$work/all-captures.pcapng"
mergecap -a -F pcapng -w "$merged" "${inputs[@]}"   # pcapng: any mix of link types

# As root the wrapper runs the program as nobody: valgrind's XML file must be
# writable by it.
chmod 0755 "$work"
out="$work/out"
mkdir -p "$out"
chmod 0777 "$out"

export WIRESHARK_DEBUG_WMEM_OVERRIDE=simple
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly

start=$(date +%s)
set +e
"$root/tools/tshark-with-tcphs" --build "$build" --program valgrind -- \
    --tool=memcheck --xml=yes --xml-file="$out/valgrind.xml" \
    --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --num-callers=40 --track-origins=yes --keep-debuginfo=yes \
    tshark -r "$merged" -n -2 -V -z tcphs,conns -z tcphs,report -z tcphs,tree \
    >"$out/tshark.out" 2>"$out/tshark.err"
status=$?
set -e
elapsed=$(($(date +%s) - start))

mkdir -p "$keep"
cp "$out/valgrind.xml" "$out/tshark.err" "$keep/" 2>/dev/null || true
gzip -c "$out/tshark.out" >"$keep/tshark.out.gz" || true

frames=$(grep -c '^Frame [0-9]*:' "$out/tshark.out" || true)
trees=$(grep -c '^Handshake Analysis:' "$out/tshark.out" || true)
echo "valgrind.sh: ${#inputs[@]} captures, $frames frames, $trees Handshake Analysis trees, ${elapsed} s under valgrind (tshark exit $status)"

if [ ! -s "$out/valgrind.xml" ]; then
    echo "valgrind.sh: valgrind wrote no report; tshark's errors:" >&2
    tail -n 20 "$out/tshark.err" >&2
    exit 1
fi
failures=0
if [ "$status" -ne 0 ] || [ "$trees" -eq 0 ]; then
    echo "valgrind.sh: tshark failed under valgrind (exit $status, $trees trees); see $keep/tshark.err"
    tail -n 20 "$out/tshark.err"
    failures=1
fi
python3 "$here/valgrind_report.py" "$out/valgrind.xml" || failures=1
echo "valgrind.sh: report and output kept in $keep"
[ "$failures" -eq 0 ]
