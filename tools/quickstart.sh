#!/usr/bin/env bash
# quickstart.sh: install what is missing, build tcphs, and show its Handshake
# Analysis of a capture.
#
#   bash tools/quickstart.sh [CAPTURE]
#
# CAPTURE is a pcap or pcapng file (default: captures/client-close.pcap, a
# connection the client closes first); the tables show its segments one a
# line, then the Handshake Analysis tree of its three handshake segments.
# Missing Debian/Ubuntu packages are installed first (tools/install-deps.sh,
# as root or through sudo).  Then open the GUI with the same build:
#   tools/wireshark-with-tcphs CAPTURE
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

case "${1:-}" in
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "quickstart: unknown option $1 (usage: bash tools/quickstart.sh [CAPTURE])" >&2; exit 2 ;;
esac
if [ $# -gt 1 ]; then
    echo "quickstart: one capture at most (usage: bash tools/quickstart.sh [CAPTURE])" >&2
    exit 2
fi
capture=${1:-captures/client-close.pcap}
# A relative CAPTURE names a file from here, or else from the checkout's top.
if [ -f "$capture" ]; then
    case "$capture" in /*) ;; *) capture="$PWD/$capture" ;; esac
elif [ -f "$top/$capture" ]; then
    capture="$top/$capture"
else
    echo "quickstart: no capture file $capture" >&2
    exit 2
fi
cd "$top"
case "$capture" in "$top"/*) capture=${capture#"$top"/} ;; esac

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
echo
echo "== Next: the GUI with this build and the lab profile =="
echo "tools/wireshark-with-tcphs $capture"
