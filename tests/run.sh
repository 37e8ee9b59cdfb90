#!/usr/bin/env bash
# run.sh: build tcphs and run every test: unit tests (ASan/UBSan), the real
# tshark on every capture, pass independence, Zeek conformance, robustness.
#   bash tests/run.sh [ctest options, e.g. -R capture]
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build
cmake --build build -j"$(nproc)"
# ctest shows a skipped test only as "(Skipped)": print its reason after it.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
ctest --test-dir build --output-on-failure "$@" | tee "$out" || status=$?
python3 tests/skip-reasons.py build < "$out"
exit "$status"
