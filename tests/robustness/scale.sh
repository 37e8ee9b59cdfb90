#!/usr/bin/env bash
# scale.sh: tcphs stays linear at scale.  Crafts (bench/synflood.py,
# bench/one-connection.py) a SYN flood of N and 10N half-open connections and
# one connection of M and 10M segments, runs one-pass tshark with tcphs
# fields over each, and checks that
#   - the CPU time per frame at 10x the size is at most twice the one at 1x
#     (no quadratic path: list walks, growing tables scanned per packet);
#   - peak memory grows in proportion: (10x - base) / (1x - base) within 5 .. 20,
#     and stays under a bound per connection / per frame.
#   tests/robustness/scale.sh [--build DIR] [--connections N] [--segments M]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build="${TCPHS_BUILD:-$root/build}"
connections=10000
segments=20000
while [ $# -gt 0 ]; do
    case "$1" in
        --build) build=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --segments) segments=$2; shift 2 ;;
        *) echo "scale.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
command -v /usr/bin/time >/dev/null || { echo "scale.sh: needs /usr/bin/time (Debian package time)"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tcphs-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 1777 "$work"    # /usr/bin/time writes its report as the user tshark runs as (nobody, under root)

# measure FILE: prints "cpu_seconds peak_kb" of a one-pass tshark with tcphs fields.
measure() {
    "$root/tools/tshark-with-tcphs" --build "$build" --program /usr/bin/time -- \
        -f '%U %S %M' -o "$work/time" tshark -r "$1" -T fields -e tcp.stream -e tcphs.event -e tcphs.handshake.state \
        >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
    [ -s "$work/out" ] || { echo "scale.sh: no output for $1"; exit 1; }
    awk '{printf "%.3f %d\n", $1 + $2, $3}' "$work/time"
}

failures=0
check() {   # check NAME SMALL_FILE SMALL_UNITS BIG_FILE BIG_UNITS FRAMES_PER_UNIT MAX_BYTES_PER_UNIT
    local name=$1 small=$2 n=$3 big=$4 bign=$5 frames=$6 bound=$7
    read -r base_cpu base_kb <<<"$(measure "$work/base.pcap")"
    read -r small_cpu small_kb <<<"$(measure "$small")"
    read -r big_cpu big_kb <<<"$(measure "$big")"
    python3 - "$name" "$n" "$bign" "$frames" "$bound" "$base_cpu" "$base_kb" "$small_cpu" "$small_kb" "$big_cpu" "$big_kb" <<'PY' || failures=$((failures + 1))
import sys
name, n, bign, frames, bound = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
base_cpu, base_kb, small_cpu, small_kb, big_cpu, big_kb = map(float, sys.argv[6:12])
per_frame_small = max(small_cpu - base_cpu, 0.01) / (n * frames)
per_frame_big = max(big_cpu - base_cpu, 0.01) / (bign * frames)
growth = (big_kb - base_kb) / max(small_kb - base_kb, 1.0)
bytes_per_unit = (big_kb - base_kb) * 1024 / bign
print("%s: %d -> %d: %.1f -> %.1f us/frame (x%.2f), memory +%.0f kB -> +%.0f kB (x%.1f for x%d), %.0f bytes per unit"
      % (name, n, bign, per_frame_small * 1e6, per_frame_big * 1e6, per_frame_big / per_frame_small,
         small_kb - base_kb, big_kb - base_kb, growth, bign // n, bytes_per_unit))
problems = []
if per_frame_big > 2 * per_frame_small:
    problems.append("time per frame more than doubled at %dx the size" % (bign // n))
if not 5 <= growth <= 20:
    problems.append("memory grew x%.1f for x%d" % (growth, bign // n))
if bytes_per_unit > bound:
    problems.append("%.0f bytes per unit, bound %.0f" % (bytes_per_unit, bound))
for p in problems:
    print("  FAIL: " + p)
sys.exit(1 if problems else 0)
PY
}

python3 "$root/bench/synflood.py" 1 "$work/base.pcap" --synack >/dev/null 2>&1
python3 "$root/bench/synflood.py" "$connections" "$work/flood-small.pcap" --synack >/dev/null 2>&1
python3 "$root/bench/synflood.py" "$((connections * 10))" "$work/flood-big.pcap" --synack >/dev/null 2>&1
# tshark alone keeps about 2 kB per connection; with tcphs it must stay under 4 kB.
check "SYN flood (per connection)" "$work/flood-small.pcap" "$connections" "$work/flood-big.pcap" "$((connections * 10))" 2 4096

python3 "$root/bench/one-connection.py" "$segments" "$work/one-small.pcap" >/dev/null 2>&1
python3 "$root/bench/one-connection.py" "$((segments * 10))" "$work/one-big.pcap" >/dev/null 2>&1
# one connection: M data segments and M/2 ACKs; tshark alone keeps about 530 bytes per frame.
check "one connection (per data segment)" "$work/one-small.pcap" "$segments" "$work/one-big.pcap" "$((segments * 10))" 1.5 1536

[ $failures -eq 0 ]
