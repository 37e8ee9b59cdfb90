#!/usr/bin/env python3
"""The peers of the rounds captures (record-rounds.sh): an upload whose
sender polls its own kernel's TCP_INFO every millisecond, so that the
capture has the kernel's congestion state beside it.

    python3 rounds_peers.py server ADDRESS PORT [--rcvbuf BYTES]
    python3 rounds_peers.py sender ADDRESS PORT SIZE TSV [--cc NAME]
                              [--chunk BYTES --every MS] [--title TEXT]

server: accepts one connection, reads until the sender's FIN, answers
    with a short reply and closes.  --rcvbuf sets SO_RCVBUF on the
    listening socket before listen(), so the accepted socket has it from
    its SYN-ACK on (Linux doubles the value for its bookkeeping and
    advertises about half of that: a small, fixed receive window).
sender: sets its socket's congestion control to NAME (TCP_CONGESTION;
    root may choose any that net.ipv4.tcp_available_congestion_control
    lists), connects, sends SIZE bytes and shuts its sending side down, waits
    for the reply and closes.  By default it gives the kernel all it will
    take (a bulk upload, the kernel decides the pace); with --chunk and
    --every it writes CHUNK bytes every MS milliseconds (an application
    that is slower than the path).  All the while, from before connect()
    until the reply, it polls getsockopt(TCP_INFO) every millisecond and
    writes a row to TSV whenever one of the tracked columns changed (see
    COLUMNS and TRIGGERS).  The time column is CLOCK_REALTIME, the clock
    tcpdump stamps the capture with, taken right after the getsockopt().

The sender runs in one thread: a loop that waits in select() until the
socket is writable or the next poll is due, so a poll is never late by
more than the time one send() takes.
"""

import os
import select
import socket
import struct
import sys
import time

REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
POLL_INTERVAL = 0.001

# struct tcp_info, linux/tcp.h: (column, offset, struct format).  Offsets
# checked with offsetof() against the installed header; the chrono
# counters (busy, rwnd_limited, sndbuf_limited, Linux 4.10) and snd_wnd
# (5.4) are read only if the kernel's struct is long enough.
TCP_INFO_FIELDS = [
    ("ca_state", 1, "B"),          # tcpi_ca_state: 0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss
    ("app_limited", 7, "B"),       # bit 0: tcpi_delivery_rate_app_limited
    ("mss", 16, "I"),              # tcpi_snd_mss
    ("unacked", 24, "I"),          # tcpi_unacked: segments in flight (packets_out)
    ("rtt_us", 68, "I"),           # tcpi_rtt: smoothed RTT, microseconds
    ("ssthresh", 76, "I"),         # tcpi_snd_ssthresh, segments (2147483647 = not set yet)
    ("cwnd", 80, "I"),             # tcpi_snd_cwnd, segments
    ("total_retrans", 100, "I"),   # tcpi_total_retrans: segments sent again so far
    ("notsent", 144, "I"),         # tcpi_notsent_bytes: written, not yet sent
    ("busy_us", 168, "Q"),         # tcpi_busy_time
    ("rwnd_limited_us", 176, "Q"), # tcpi_rwnd_limited
    ("sndbuf_limited_us", 184, "Q"),  # tcpi_sndbuf_limited
    ("snd_wnd", 228, "I"),         # tcpi_snd_wnd: the peer's window, bytes
]
COLUMNS = ["time"] + [name for name, _, _ in TCP_INFO_FIELDS]
# A row is written when one of these changed since the last row written.
# unacked, rtt_us and snd_wnd change on almost every ACK, and busy_us every
# jiffy (4 ms) while data is outstanding: they would make the file large;
# they are written with every row but do not cause one, except that
# unacked or notsent going to or from 0 does (nothing in flight and nothing
# queued is the moment the kernel's busy chrono stops).
TRIGGERS = ["ca_state", "app_limited", "mss", "ssthresh", "cwnd", "total_retrans",
            "rwnd_limited_us", "sndbuf_limited_us"]


def read_tcp_info(sock):
    """The fields of TCP_INFO that this kernel returns, as a dict."""
    raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    info = {}
    for name, offset, fmt in TCP_INFO_FIELDS:
        size = struct.calcsize(fmt)
        if offset + size <= len(raw):
            info[name] = struct.unpack_from("=" + fmt, raw, offset)[0]
    info["app_limited"] = info["app_limited"] & 1
    return info


class Recorder:
    """Writes the TSV: one row per poll whose tracked values changed."""

    def __init__(self, path, title):
        self.out = open(path, "w")
        self.out.write("# %s\n" % title)
        self.out.write("# struct tcp_info of the sender's socket, polled every %g ms; "
                       "a row when one of %s changed, or unacked or notsent went to or from 0\n"
                       % (POLL_INTERVAL * 1000, ", ".join(TRIGGERS)))
        self.out.write("\t".join(COLUMNS) + "\n")
        self.last = None
        self.polls = 0
        self.late = 0

    def key(self, info):
        return tuple(info.get(name) for name in TRIGGERS) + (
            info.get("unacked") == 0, info.get("notsent") == 0)

    def poll(self, sock, force=False):
        info = read_tcp_info(sock)
        now = time.time()            # CLOCK_REALTIME, as the pcap's timestamps
        self.polls += 1
        key = self.key(info)
        if force or key != self.last:
            self.last = key
            row = ["%.6f" % now] + [str(info.get(name, "")) for name, _, _ in TCP_INFO_FIELDS]
            self.out.write("\t".join(row) + "\n")

    def close(self):
        self.out.close()


def server(address, port, rcvbuf):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as ls:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if rcvbuf:
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        ls.bind((address, port))
        ls.listen(1)
        conn, _ = ls.accept()
    received = 0
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        received += len(chunk)
    conn.sendall(REPLY)
    conn.close()
    print("server: received %d bytes" % received, file=sys.stderr)


def body(size):
    """Recognisable text, like the lab's alice.txt."""
    line = b"Alice was beginning to get very tired of sitting by her sister.\n"
    return (line * (size // len(line) + 1))[:size]


def sender(address, port, size, tsv, cc_name, chunk, every, title):
    data = memoryview(body(size))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if cc_name:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc_name.encode())
        except OSError as err:
            raise SystemExit("sender: congestion control %s: %s (available: %s)"
                             % (cc_name, err.strerror, available_cc()))
    cc = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode()
    rec = Recorder(tsv, "%s; sender's congestion control %s" % (title, cc))
    sock.connect((address, port))
    sock.setblocking(False)
    sent = 0
    next_poll = time.monotonic()
    next_write = next_poll
    allowed = size if not chunk else 0   # bytes the application has "produced" so far
    rec.poll(sock, force=True)
    shut = False
    reply = b""
    while True:
        now = time.monotonic()
        if now >= next_poll:
            rec.poll(sock)
            if now - next_poll > 2 * POLL_INTERVAL:
                rec.late += 1
            # never try to catch up polls that were missed
            next_poll = max(next_poll + POLL_INTERVAL, now + POLL_INTERVAL / 4)
        if chunk and allowed < size and now >= next_write:
            allowed = min(size, allowed + chunk)
            next_write += every / 1000.0
        want_write = sent < allowed
        if sent >= size and not shut:
            sock.shutdown(socket.SHUT_WR)
            shut = True
        timeout = max(0.0, next_poll - time.monotonic())
        if chunk and allowed < size:
            timeout = min(timeout, max(0.0, next_write - time.monotonic()))
        readable, writable, _ = select.select([sock] if shut else [],
                                              [sock] if want_write else [], [], timeout)
        if writable:
            try:
                sent += sock.send(data[sent:allowed])
            except BlockingIOError:
                pass
        if readable:
            part = sock.recv(65536)
            if not part:
                break
            reply += part
    rec.poll(sock, force=True)
    sock.close()
    rec.close()
    if reply != REPLY:
        raise SystemExit("sender: got %d reply bytes, expected %d" % (len(reply), len(REPLY)))
    print("sender: %d bytes, %d polls, %d late by more than 2 ms"
          % (sent, rec.polls, rec.late), file=sys.stderr)


def available_cc():
    try:
        with open("/proc/sys/net/ipv4/tcp_available_congestion_control") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


def main(argv):
    args = argv[1:]
    opts = {"--rcvbuf": 0, "--chunk": 0, "--every": 0, "--cc": "", "--title": "rounds capture"}
    pos = []
    while args:
        a = args.pop(0)
        if a in opts:
            if not args:
                sys.exit("%s needs a value" % a)
            opts[a] = args.pop(0) if a in ("--title", "--cc") else int(args.pop(0))
        else:
            pos.append(a)
    if len(pos) == 3 and pos[0] == "server":
        server(pos[1], int(pos[2]), opts["--rcvbuf"])
    elif len(pos) == 5 and pos[0] == "sender":
        if bool(opts["--chunk"]) != bool(opts["--every"]):
            sys.exit("--chunk and --every go together")
        sender(pos[1], int(pos[2]), int(pos[3]), pos[4], opts["--cc"], opts["--chunk"],
               opts["--every"], opts["--title"])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
