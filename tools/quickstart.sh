#!/usr/bin/env bash
# quickstart.sh: install what is missing, build tcphs, and show its Handshake
# Analysis of a bundled capture (a connection the client closes first).
#   bash tools/quickstart.sh [CAPTURE]
set -euo pipefail
cd "$(dirname "$0")/.."
capture=${1:-captures/client-close.pcap}

tools/install-deps.sh
cmake -S . -B build
cmake --build build -j"$(nproc)"

echo
echo "== tcphs on $capture: one line per TCP segment =="
tools/tshark-with-tcphs -- -r "$capture" -n -T fields -E header=y \
    -e frame.number -e tcp.flags.str -e tcphs.phase -e tcphs.event -e tcphs.from \
    -e tcphs.handshake.step -e tcphs.isn_client -e tcphs.isn_server -e tcphs.ack_check | column -t -s $'\t'
echo
echo "== The Handshake Analysis tree of the three handshake segments (two passes: final verdicts) =="
tools/tshark-with-tcphs -- -r "$capture" -n -2 -O tcphs -V -Y 'tcphs.handshake.step'
