# record-lib.sh: what captures/record.sh and captures/record-path.sh share,
# sourced by both: tcpdump started inside a network namespace and stopped
# without losing the last packets, and a wait for a server's socket.
# The caller keeps TCPDUMP_PID (its cleanup interrupts a tcpdump still
# running) and owns the log file it names.

# start_capture NS DEV FILE PORT SNAPLEN LOG: tcpdump on DEV of namespace
# NS, writing the TCP packets of PORT to FILE, in the background; returns
# once it really captures (it prints "listening on" once the socket and
# the filter are in place).
start_capture() {
    local ns="$1" dev="$2" file="$3" port="$4" snaplen="$5" log="$6"
    : > "$log"
    # --immediate-mode: hand every packet to tcpdump at once (otherwise the
    # kernel batches them and the last ones can be lost on SIGINT);
    # -U: write every packet at once; -Z root: keep the right to write
    # into the repository; snaplen 0 = whole packets.
    # (ip netns exec directly, not in a function: $! must be tcpdump
    # itself, not a subshell, for the SIGINT in stop_capture to reach it.)
    ip netns exec "$ns" tcpdump -i "$dev" --immediate-mode -U -Z root \
        -s "$snaplen" -w "$file" "tcp port $port" 2> "$log" &
    TCPDUMP_PID=$!
    for _ in $(seq 50); do
        if grep -q "listening on" "$log"; then
            sleep 0.2               # a little margin on top
            return
        fi
        sleep 0.1
    done
    echo "tcpdump did not start:" >&2
    cat "$log" >&2
    exit 1
}

stop_capture() {
    sleep 0.5                       # let the last packets reach tcpdump
    kill -INT "$TCPDUMP_PID"        # SIGINT: tcpdump flushes and exits
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=""
}

# wait_listening NS PORT: poll until a server in namespace NS listens on
# PORT, so the client's first SYN is never refused.
wait_listening() {
    local ns="$1" port="$2"
    for _ in $(seq 50); do
        if [ -n "$(ip netns exec "$ns" ss -Hltn "sport = :$port")" ]; then
            return
        fi
        sleep 0.1
    done
    echo "server on port $port did not start" >&2
    exit 1
}

# Two network namespaces joined by captures/delayline.py (the caller sets
# NS_C, NS_S, DEV_C, DEV_S, DELAY_MS, READY and DELAYLINE_PID):
# setup_path DELAYLINE_OPTIONS...: the two namespaces and the delay line
# (with its drop options).
setup_path() {
    ip netns add "$NS_C"
    ip netns add "$NS_S"
    ip netns exec "$NS_C" ip tuntap add dev "$DEV_C" mode tap
    ip netns exec "$NS_S" ip tuntap add dev "$DEV_S" mode tap
    rm -f "$READY"
    python3 "$HERE/delayline.py" "$NS_C" "$DEV_C" "$NS_S" "$DEV_S" "$DELAY_MS" \
        "$@" --ready "$READY" &
    DELAYLINE_PID=$!
    for _ in $(seq 50); do [ -e "$READY" ] && break; sleep 0.1; done
    [ -e "$READY" ] || { echo "delayline.py did not start" >&2; exit 1; }
    ip netns exec "$NS_C" ip link set lo up
    ip netns exec "$NS_S" ip link set lo up
    ip netns exec "$NS_C" ip addr add 10.20.0.1/24 dev "$DEV_C"
    ip netns exec "$NS_S" ip addr add 10.20.0.2/24 dev "$DEV_S"
    ip netns exec "$NS_C" ip link set "$DEV_C" up mtu 1500
    ip netns exec "$NS_S" ip link set "$DEV_S" up mtu 1500
    # Static neighbour entries: no ARP on the wire (or in the capture).
    local mac_c mac_s
    mac_c="$(ip netns exec "$NS_C" cat "/sys/class/net/$DEV_C/address")"
    mac_s="$(ip netns exec "$NS_S" cat "/sys/class/net/$DEV_S/address")"
    ip netns exec "$NS_C" ip neigh replace 10.20.0.2 lladdr "$mac_s" dev "$DEV_C" nud permanent
    ip netns exec "$NS_S" ip neigh replace 10.20.0.1 lladdr "$mac_c" dev "$DEV_S" nud permanent
}

teardown_path() {
    kill "$DELAYLINE_PID"
    wait "$DELAYLINE_PID" || true
    DELAYLINE_PID=""
    ip netns delete "$NS_C"
    ip netns delete "$NS_S"
}

# On exit, whatever happened: stop our own processes (by PID: the server,
# tcpdump, the delay line), delete both namespaces and the scratch files
# (the caller's SERVER_PID, TCPDUMP_PID, LOG and the path's variables).
cleanup_path() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    if [ -n "$TCPDUMP_PID" ]; then kill -INT "$TCPDUMP_PID" 2>/dev/null || true; fi
    if [ -n "$DELAYLINE_PID" ]; then kill "$DELAYLINE_PID" 2>/dev/null || true; fi
    ip netns delete "$NS_C" 2>/dev/null || true
    ip netns delete "$NS_S" 2>/dev/null || true
    rm -f "$LOG" "$READY"
}
