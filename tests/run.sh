#!/usr/bin/env bash
# run.sh: build tcphs and run every test: unit tests (ASan/UBSan), the real
# tshark on every capture, pass independence, Zeek conformance, robustness.
#   bash tests/run.sh [ctest options, e.g. -R capture]
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure "$@"
