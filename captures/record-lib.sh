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
