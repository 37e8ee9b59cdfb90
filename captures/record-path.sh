#!/bin/bash
# record-path.sh: record the data-transfer captures over a path with a
# real round-trip time.
#
#   sudo bash captures/record-path.sh                  # transfer + transfer-loss
#   sudo bash captures/record-path.sh transfer-loss    # only this one
#
# Needs root, tcpdump, python3 and iproute2.
#
# Two network namespaces, client and server, each with one TAP device
# (10.20.0.1 and 10.20.0.2, MTU 1500).  delayline.py, in the root
# namespace, holds both devices and forwards every frame to the other side
# after DELAY_MS: RTT = 2 x DELAY_MS plus the stacks' own time.  (This
# kernel has no netem qdisc, hence the user-space delay line.)  Both ends
# are Linux's own TCP stack driven by transfer_peers.py; tcpdump records
# on the client's device, as the standard TCP lab's trace is taken on the
# uploading host.  For transfer-loss the delay line drops the DROP_NTH-th
# data segment from the client once, after tcpdump saw it leave.
#
# Re-recording changes ISNs, ports, timestamps and the exact ACK pattern:
# regenerate the expected test outputs in tests/ afterwards and check the
# frame patterns in captures/README.md.

set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=captures/record-lib.sh
. "$HERE/record-lib.sh"
TAG="$$"
NS_C="tcphs-pc-$TAG"
NS_S="tcphs-ps-$TAG"
DEV_C="tcphsc$TAG"
DEV_S="tcphss$TAG"
DELAY_MS=20
DROP_NTH=12            # the 12th data segment: in the second flight of slow start
SNAPLEN=96             # Ethernet + IP + TCP with timestamps: headers only
PORT=31020
DELAYLINE_PID=""
TCPDUMP_PID=""
SERVER_PID=""
LOG="/tmp/tcphs-record-path-$TAG.log"
READY="/tmp/tcphs-record-path-$TAG.ready"

trap cleanup_path EXIT

record() {
    local name="$1" drop="$2"
    local file="$HERE/$name.pcap"

    echo "== $name -> $(basename "$file")"
    setup_path --drop-data "$drop"
    rm -f "$file"
    start_capture "$NS_C" "$DEV_C" "$file" "$PORT" "$SNAPLEN" "$LOG"
    ip netns exec "$NS_S" python3 "$HERE/transfer_peers.py" server 10.20.0.2 "$PORT" &
    SERVER_PID=$!
    wait_listening "$NS_S" "$PORT"
    ip netns exec "$NS_C" python3 "$HERE/transfer_peers.py" client 10.20.0.2 "$PORT"
    wait "$SERVER_PID"
    SERVER_PID=""
    stop_capture                    # its pause lets the last ACK cross the delay line
    teardown_path
}

main() {
    if [ "$(id -u)" != 0 ]; then
        echo "record-path.sh must run as root (network namespaces, TAP devices, tcpdump)" >&2
        exit 1
    fi
    local names="${*:-transfer transfer-loss}" n
    for n in $names; do
        case "$n" in
        transfer) record transfer 0 ;;
        transfer-loss) record transfer-loss "$DROP_NTH" ;;
        *) echo "unknown capture: $n" >&2; exit 1 ;;
        esac
    done
}

main "$@"
