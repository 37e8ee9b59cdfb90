#!/bin/bash
# record-rounds.sh: record the rounds captures, uploads over a 40 ms path
# with the sender kernel's own congestion state beside each capture.
#
#   sudo bash captures/record-rounds.sh                      # all five
#   sudo bash captures/record-rounds.sh rounds-reno-loss     # only some
#
# Needs root, tcpdump, python3, iproute2 and /dev/net/tun.
#
# The path is record-path.sh's: two network namespaces, sender (10.20.0.1)
# and receiver (10.20.0.2), each with one TAP device (MTU 1500), joined by
# delayline.py in the root namespace (20 ms each way, so RTT about 40 ms,
# this kernel having no netem).  The sender chooses its congestion control
# on its socket (TCP_CONGESTION): the namespace's own default
# (net.ipv4.tcp_congestion_control) may only name one of the host's
# net.ipv4.tcp_allowed_congestion_control ("reno bbr" here, no cubic), and
# widening that list would change the host.  rounds_peers.py is both ends: the sender uploads and polls
# TCP_INFO on its socket every millisecond into NAME.kernel.tsv; tcpdump
# records on the sender's device (snaplen 96, headers only), so the pcap's
# timestamps and the TSV's are the same host's CLOCK_REALTIME.  Each
# capture is summarised at the end by kernel_phase.py.
#
# Re-recording changes ISNs, ports, timestamps and the exact ACK pattern:
# check the descriptions in captures/README.md ("Rounds captures") again.

set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=captures/record-lib.sh
. "$HERE/record-lib.sh"
TAG="$$"
NS_C="tcphs-rc-$TAG"
NS_S="tcphs-rs-$TAG"
DEV_C="tcphsrc$TAG"
DEV_S="tcphsrs$TAG"
DELAY_MS=20
SNAPLEN=96             # Ethernet + IP + TCP with timestamps and SACK: headers only
PORT=31030
DELAYLINE_PID=""
TCPDUMP_PID=""
SERVER_PID=""
LOG="/tmp/tcphs-record-rounds-$TAG.log"
READY="/tmp/tcphs-record-rounds-$TAG.ready"

trap cleanup_path EXIT

# record NAME CC SIZE "SERVER OPTIONS" "SENDER OPTIONS" DELAYLINE_OPTIONS...
record() {
    local name="$1" cc="$2" size="$3" server_opts="$4" sender_opts="$5"
    shift 5
    local file="$HERE/$name.pcap" tsv="$HERE/$name.kernel.tsv"

    echo "== $name -> $(basename "$file"), $(basename "$tsv")"
    setup_path "$@"
    rm -f "$file" "$tsv"
    start_capture "$NS_C" "$DEV_C" "$file" "$PORT" "$SNAPLEN" "$LOG"
    # shellcheck disable=SC2086  # the option strings are word lists
    ip netns exec "$NS_S" python3 "$HERE/rounds_peers.py" server 10.20.0.2 "$PORT" $server_opts &
    SERVER_PID=$!
    wait_listening "$NS_S" "$PORT"
    # shellcheck disable=SC2086
    ip netns exec "$NS_C" python3 "$HERE/rounds_peers.py" sender 10.20.0.2 "$PORT" "$size" \
        "$tsv" --cc "$cc" $sender_opts --title "$name: $size bytes uploaded from 10.20.0.1 to 10.20.0.2:$PORT over a ${DELAY_MS} ms + ${DELAY_MS} ms delay line (delayline.py $*)"
    wait "$SERVER_PID"
    SERVER_PID=""
    stop_capture                    # its pause lets the last ACK cross the delay line
    teardown_path
    python3 "$HERE/kernel_phase.py" --summary "$tsv"
}

main() {
    if [ "$(id -u)" != 0 ]; then
        echo "record-rounds.sh must run as root (network namespaces, TAP devices, tcpdump)" >&2
        exit 1
    fi
    local names="${*:-rounds-reno-loss rounds-cubic-loss rounds-receiver-limited rounds-sender-limited rounds-long}" n
    for n in $names; do
        case "$n" in
        # slow start ends when the delay line drops the 45th data segment
        # (in the third flight), then congestion avoidance
        rounds-reno-loss) record "$n" reno 1000000 "" "" --drop-data 45 ;;
        rounds-cubic-loss) record "$n" cubic 1000000 "" "" --drop-data 45 ;;
        # the receiver's socket buffer is 20 kB (set before listen())
        rounds-receiver-limited) record "$n" cubic 300000 "--rcvbuf 20000" "" ;;
        # the application writes 8 kB every 45 ms, 40 times
        rounds-sender-limited) record "$n" cubic 327680 "" "--chunk 8192 --every 45" ;;
        # a long Reno upload, every 200th data segment lost: a sawtooth
        rounds-long) record "$n" reno 9000000 "" "" --drop-every 200 ;;
        *) echo "unknown capture: $n" >&2; exit 1 ;;
        esac
    done
}

main "$@"
