#!/usr/bin/env bash
# fuzz.sh: mutate captures with editcap -E and dissect them with tshark -2 -nVx
# and tcphs, in the manner of Wireshark's tools/fuzz-test.sh.
#
#   tests/robustness/fuzz.sh [--iterations N] [--build DIR] [--asan] [--keep DIR] [--consistency-every K]
#
# Each iteration takes the next capture (captures/ and the kept regression
# inputs in tests/robustness/regressions/), an error rate and a seed, writes a
# mutated copy and runs two-pass tshark over it.  A run fails on:
#   - a crash (killed by a signal) or a hang (no result in 60 s);
#   - a "Dissector bug" or "[Malformed Packet: TCPHS]" raised inside tcphs;
#   - an AddressSanitizer / UBSan report (with --asan and a -DTCPHS_SANITIZE=ON build);
#   - every K-th input: per-packet fields that differ between one-pass, two-pass
#     and shuffled sharkd (tests/robustness/consistency.py).
# Failing inputs are copied to the --keep folder (default build/fuzz-failures)
# with the command that reproduces them; add them to regressions/ to keep them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
iterations=300
build="${TCPHS_BUILD:-$root/build}"
asan=()
keep=""
consistency_every=25
rates=(0.001 0.005 0.02 0.1)

while [ $# -gt 0 ]; do
    case "$1" in
        --iterations) iterations=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --asan) asan=(--asan); shift ;;
        --keep) keep=$2; shift 2 ;;
        --consistency-every) consistency_every=$2; shift 2 ;;
        *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
keep=${keep:-$build/fuzz-failures}

mapfile -t inputs < <(ls "$root"/captures/*.pcap* "$here"/regressions/*.pcap* 2>/dev/null || true)
if [ ${#inputs[@]} -eq 0 ]; then
    echo "fuzz.sh: no captures found" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tcphs-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

record_failure() {
    local input=$1 fuzzed=$2 why=$3 log=$4
    mkdir -p "$keep"
    local name
    name="$(basename "${input%%.*}")-$(basename "$fuzzed")"
    cp "$fuzzed" "$keep/$name"
    cp "$log" "$keep/$name.log"
    echo "FAIL ($why): $keep/$name   [from $(basename "$input")]"
    echo "  reproduce: tools/tshark-with-tcphs ${asan[*]} -- -2 -nVx -r $keep/$name"
    failures=$((failures + 1))
}

for ((i = 0; i < iterations; i++)); do
    input=${inputs[$((i % ${#inputs[@]}))]}
    rate=${rates[$(((i / ${#inputs[@]}) % ${#rates[@]}))]}
    seed=$((i + 1))
    fuzzed="$work/fuzz-$seed.pcap"
    log="$work/log"
    editcap -E "$rate" --seed "$seed" "$input" "$fuzzed" >/dev/null 2>&1 || continue

    set +e
    timeout 60 "$root/tools/tshark-with-tcphs" --build "$build" "${asan[@]}" -- \
        -2 -nVx -o tcp.check_checksum:TRUE -r "$fuzzed" >"$log.out" 2>"$log"
    status=$?
    set -e
    grep -h -e "Malformed Packet: TCPHS" "$log.out" >>"$log" || true

    if [ $status -eq 124 ]; then
        record_failure "$input" "$fuzzed" "hang, no result in 60 s" "$log"
    elif [ $status -ge 128 ]; then
        record_failure "$input" "$fuzzed" "crash, signal $((status - 128))" "$log"
    elif grep -q -e "Dissector bug, protocol TCPHS" -e "Malformed Packet: TCPHS" "$log"; then
        record_failure "$input" "$fuzzed" "dissector bug in tcphs" "$log"
    elif grep -q -e "ERROR: AddressSanitizer" -e "runtime error:" -e "ERROR: LeakSanitizer" "$log"; then
        record_failure "$input" "$fuzzed" "sanitizer report" "$log"
    elif [ "$consistency_every" -gt 0 ] && [ $((i % consistency_every)) -eq 0 ]; then
        if ! TCPHS_BUILD="$build" python3 "$here/consistency.py" "$fuzzed" >"$log" 2>&1; then
            record_failure "$input" "$fuzzed" "passes disagree" "$log"
        fi
    fi
    if [ $(((i + 1) % 50)) -eq 0 ]; then
        echo "fuzz.sh: $((i + 1)) / $iterations inputs, $failures failure(s)"
    fi
done

echo "fuzz.sh: $iterations mutated inputs from ${#inputs[@]} captures, $failures failure(s)"
[ $failures -eq 0 ]
