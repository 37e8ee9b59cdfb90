#!/bin/bash
# record-large.sh: record the large benchmark capture from the real Linux
# TCP stack.
#
#   sudo bash bench/record-large.sh [OUTPUT.pcap] [-- LOADGEN-ARGS...]
#
# OUTPUT defaults to /work/benchdata/large.pcap (keep it out of the repo).
# The traffic (bench/loadgen.py, defaults): 20,000 short request/response
# connections with alternating closers (even: client first, odd: server
# first), 20 refused connects, 5 bulk transfers of 2-5 MB; about 200,000
# packets.  Extra arguments after "--" go to loadgen.py (e.g. --conns 2000).
#
# Everything runs on the loopback interface of a private network namespace
# created here and deleted on exit, so no other traffic gets in and the
# host's network is untouched.  lo gets MTU 1500 and no segmentation
# offload, so segments are Ethernet-sized (MSS 1460).  tcpdump keeps 128
# bytes of each packet (headers; the file stays small) in a 64 MB buffer,
# and the script fails unless tcpdump reports 0 packets dropped.
#
# Needs root, tcpdump, python3, iproute2 and capinfos (tshark's package).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="/work/benchdata/large.pcap"
if [ $# -gt 0 ] && [ "$1" != -- ]; then OUT="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" = -- ]; then shift; fi
LOADGEN_ARGS=("$@")

NS="tcphs-bench-$$"
TCPDUMP_PID=""
LOG="$(mktemp /tmp/tcphs-bench-tcpdump.XXXXXX)"
PY="$(command -v /usr/bin/python3 || command -v python3)"

if [ "$(id -u)" != 0 ]; then
    echo "record-large.sh must run as root (network namespace, tcpdump)" >&2
    exit 1
fi

in_ns() { ip netns exec "$NS" "$@"; }

cleanup() {
    # Only our own tcpdump, by PID; then the namespace.
    if [ -n "$TCPDUMP_PID" ]; then kill -INT "$TCPDUMP_PID" 2>/dev/null || true; fi
    ip netns delete "$NS" 2>/dev/null || true
    rm -f "$LOG"
}
trap cleanup EXIT

mkdir -p "$(dirname "$OUT")"
TMP_OUT="$OUT.partial"
rm -f "$TMP_OUT"

ip netns add "$NS"
in_ns ip link set lo up
in_ns ip link set lo mtu 1500
in_ns ip link set lo gso_max_size 1500 gso_max_segs 1
# Per-namespace: a wide ephemeral range (the workers use distinct source
# addresses too, so ports are never short).
in_ns sysctl -q -w net.ipv4.ip_local_port_range="1024 65000"

# -Z root: keep the right to write where root wants; -B 65536 KiB buffer.
# Not through in_ns: "ip netns exec" execs tcpdump, so $! is tcpdump itself
# (a backgrounded shell function would be a subshell that ignores SIGINT).
ip netns exec "$NS" tcpdump -i lo -n -Z root -s 128 -B 65536 -w "$TMP_OUT" tcp 2> "$LOG" &
TCPDUMP_PID=$!
for _ in $(seq 100); do
    grep -q "listening on" "$LOG" && break
    sleep 0.1
done
if ! grep -q "listening on" "$LOG"; then
    echo "tcpdump did not start:" >&2; cat "$LOG" >&2; exit 1
fi
sleep 0.3

status=0
in_ns "$PY" "$HERE/loadgen.py" "${LOADGEN_ARGS[@]}" || status=$?

sleep 1                           # let the last packets reach tcpdump
kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" || true
TCPDUMP_PID=""
cat "$LOG" >&2

if [ "$status" != 0 ]; then
    echo "record-large.sh: loadgen failed (status $status)" >&2
    exit 1
fi
if ! grep -q "^0 packets dropped by kernel" "$LOG"; then
    echo "record-large.sh: tcpdump dropped packets; not keeping the capture" >&2
    exit 1
fi
mv "$TMP_OUT" "$OUT"
chmod a+r "$OUT"
echo "capture: $OUT"
echo "packets: $(capinfos -c -M "$OUT" | sed -n 's/^Number of packets: *//p')"
