#!/usr/bin/env bash
# sanitized.sh: every capture, then a round of mutated ones, through the
# plugin built with -fsanitize=address,undefined (the runtime preloaded into
# tshark).  Any AddressSanitizer or UBSan report fails the test.
#   tests/robustness/sanitized.sh ASAN_BUILD_DIR [fuzz iterations]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
asan_build=$1
iterations=${2:-100}

# tshark itself is not instrumented and keeps memory until exit: leak checks
# belong to the unit tests and valgrind, not here.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failures=0
for capture in "$root"/captures/*.pcap* "$here"/regressions/*.pcap*; do
    [ -e "$capture" ] || continue
    log=$(mktemp)
    set +e
    "$root/tools/tshark-with-tcphs" --build "$asan_build" --asan -- -2 -nVx -r "$capture" >/dev/null 2>"$log"
    status=$?
    set -e
    if [ $status -ne 0 ] || grep -q -e "ERROR: AddressSanitizer" -e "runtime error:" "$log"; then
        echo "FAIL: $capture (exit $status)"
        cat "$log"
        failures=$((failures + 1))
    fi
    rm -f "$log"
done
echo "sanitized.sh: all captures through the sanitized plugin, $failures failure(s)"

"$here/fuzz.sh" --build "$asan_build" --asan --iterations "$iterations" --consistency-every 0 || failures=$((failures + 1))
[ $failures -eq 0 ]
