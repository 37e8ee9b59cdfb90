#!/bin/bash
# record.sh: re-record the captures that come from a real Linux TCP stack.
#
#   sudo bash captures/record.sh                 # all scenarios
#   sudo bash captures/record.sh keepalive bulk  # only these
#
# Needs root, tcpdump, python3 and iproute2 (ip, tc, ss).
#
# Each scenario runs on the loopback interface of a private network
# namespace that this script creates and deletes, so no other traffic ends
# up in the files and the host's network is not touched.  tcpdump records
# only the scenario's TCP port; peers.py plays the client and the server.
#
# Re-recording changes ISNs, ports and timestamps: regenerate the expected
# test outputs in tests/ afterwards.

set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=captures/record-lib.sh
. "$HERE/record-lib.sh"
PEERS="$HERE/peers.py"
NS="tcphs-rec-$$"
TCPDUMP_PID=""
SERVER_PID=""
TCPDUMP_LOG="/tmp/tcphs-tcpdump-$$.log"

# One port per scenario, so a file can never contain another scenario's
# packets.  31001-31011 lie below Linux's ephemeral port range
# (32768-60999), so a client never gets one of them as its own port, and
# no Wireshark dissector claims them.
declare -A PORT=(
    [client-close]=31001
    [server-close]=31002
    [refused]=31003
    [abort-client]=31004
    [abort-server]=31005
    [keepalive]=31006
    [bulk]=31007
    [ipv6]=31008
    [simultaneous-close]=31009
    [half-close]=31010
    [rst-closed-socket]=31011
)
ALL_SCENARIOS="client-close server-close refused abort-client abort-server
    keepalive bulk ipv6 simultaneous-close half-close rst-closed-socket"

in_ns() {
    ip netns exec "$NS" "$@"
}

cleanup() {
    # Only our own processes, by PID.
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    if [ -n "$TCPDUMP_PID" ]; then kill -INT "$TCPDUMP_PID" 2>/dev/null || true; fi
    ip netns delete "$NS" 2>/dev/null || true
    rm -f "$TCPDUMP_LOG"
}
trap cleanup EXIT

setup_namespace() {
    ip netns add "$NS"
    in_ns ip link set lo up
    # Loopback normally has a 64 KiB MTU.  1500 gives Ethernet-sized
    # segments (MSS 1460).  Loopback also does segmentation offload:
    # without limiting it, tcpdump would see 64 KiB "super segments".
    in_ns ip link set lo mtu 1500
    in_ns ip link set lo gso_max_size 1500 gso_max_segs 1
}

# run_peers SCENARIO PORT: server in the background, client in the
# foreground, then wait for the server to finish.
run_peers() {
    local scenario="$1" port="$2"
    if [ "$scenario" = refused ]; then
        in_ns python3 "$PEERS" "$scenario" client "$port"
        return
    fi
    ip netns exec "$NS" python3 "$PEERS" "$scenario" server "$port" &
    SERVER_PID=$!
    wait_listening "$NS" "$port"
    in_ns python3 "$PEERS" "$scenario" client "$port"
    wait "$SERVER_PID"
    SERVER_PID=""
}

record() {
    local scenario="$1"
    local port="${PORT[$scenario]}"
    local file="$HERE/$scenario.pcap"
    local snaplen=0
    # 2 MB of payload at full length would make a 3 MB file; the headers
    # are all tcphs needs.
    if [ "$scenario" = bulk ]; then snaplen=200; fi

    echo "== $scenario (port $port) -> $(basename "$file")"
    if [ "$scenario" = simultaneous-close ]; then
        # The FINs must cross, so they need to be delayed.  netem would
        # do, but not every kernel has sch_netem (the one these captures
        # were recorded on has not); tbf is almost always there.
        # A slow token bucket (16 kB/s, 1600 bytes deep) in front of lo:
        # peers.py empties it just before the close, so both FINs wait
        # about 120 ms in the queue and cross (see peers.py).
        in_ns tc qdisc add dev lo root tbf rate 128kbit burst 1600 latency 1s
    fi
    rm -f "$file"
    start_capture "$NS" lo "$file" "$port" "$snaplen" "$TCPDUMP_LOG"
    run_peers "$scenario" "$port"
    stop_capture
    if [ "$scenario" = simultaneous-close ]; then
        in_ns tc qdisc del dev lo root
    fi
    if [ "$scenario" = keepalive ]; then
        check_keepalive_count "$file"
    fi
}

# The number of keep-alive probes depends on timers; warn if it is not
# the ten the README promises.  Needs tshark, skipped without it.
check_keepalive_count() {
    local file="$1" count
    if ! command -v tshark > /dev/null; then
        return
    fi
    count="$(tshark -r "$file" -Y tcp.analysis.keep_alive 2>/dev/null | wc -l)"
    if [ "$count" != 10 ]; then
        echo "WARNING: $file has $count keep-alives, expected 10" >&2
    fi
}

main() {
    if [ "$(id -u)" != 0 ]; then
        echo "record.sh must run as root (network namespaces, tcpdump)" >&2
        exit 1
    fi
    local scenarios="${*:-$ALL_SCENARIOS}" s
    for s in $scenarios; do
        if [ -z "${PORT[$s]:-}" ]; then
            echo "unknown scenario: $s" >&2
            exit 1
        fi
    done
    setup_namespace
    for s in $scenarios; do
        record "$s"
    done
}

main "$@"
