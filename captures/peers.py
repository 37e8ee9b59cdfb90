#!/usr/bin/env python3
"""Small TCP peers that act out the recorded test scenarios.

record.sh runs these inside a private network namespace while tcpdump
records the loopback interface.  Every scenario has a server role and a
client role:

    python3 peers.py SCENARIO server PORT
    python3 peers.py SCENARIO client PORT

The server accepts exactly one connection and exits when it is done; the
client connects to 127.0.0.1 (or ::1 for the ipv6 scenario).  record.sh
starts the server first and waits until it listens.

The programs only use plain socket calls, so the packets on the wire are
whatever the Linux TCP stack makes of them.  The sleeps are chosen so that
segments we want to see separately do not get merged:

  * Linux delays a pure ACK by up to about 40 ms (delayed ACK), and an ACK
    that is still pending when the application sends data or a FIN rides
    along on that segment.  Sleeping 200 ms before the next send makes the
    ACK go out on its own; sending at once makes it ride along.
  * A FIN handed over together with unsent data can share a segment with
    the data; a short sleep between the last send() and close() keeps them
    apart.
"""

import socket
import struct
import sys
import time

# Long enough for a delayed ACK (about 40 ms on Linux) to go out first.
PAUSE = 0.2

REQUEST = b"GET /hello HTTP/1.0\r\nHost: tcphs.test\r\n\r\n"
REPLY = (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
         b"Content-Length: 13\r\n\r\nHello, world\n")

BULK_SIZE = 2 * 1024 * 1024          # bytes the bulk server sends
HALF_CLOSE_CHUNKS = 5                # data segments after the client's FIN
KEEPALIVE_IDLE_TIME = 10.5           # seconds of silence; 1 probe/second


# ----------------------------------------------------------------- helpers

def address(family):
    """The loopback address of the namespace for the given family."""
    return "::1" if family == socket.AF_INET6 else "127.0.0.1"


def listen(port, family=socket.AF_INET):
    """A listening socket; SO_REUSEADDR so a re-run never waits for
    TIME_WAIT of an earlier run."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address(family), port))
    s.listen(1)
    return s


def accept_one(port, family=socket.AF_INET):
    """Wait for the one connection of the scenario; stop listening then,
    so nothing else can connect."""
    with listen(port, family) as ls:
        conn, _ = ls.accept()
    return conn


def connect(port, family=socket.AF_INET):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.connect((address(family), port))
    return s


def recv_exactly(sock, size):
    """Read exactly size bytes (TCP is a byte stream: one send() can
    arrive in several recv()s)."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("peer closed after %d of %d bytes"
                                  % (len(data), size))
        data += chunk
    return data


def recv_until_eof(sock):
    """Read until the peer's FIN (recv() returns b"").  Returns the number
    of bytes read."""
    total = 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return total
        total += len(chunk)


def abort(sock):
    """Close with SO_LINGER {on, 0 s}: the kernel discards the connection
    and sends RST instead of FIN (RFC 9293, 3.10.4 ABORT call)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
    sock.close()


# --------------------------------------------------------------- scenarios
#
# Each scenario is a pair of functions taking the port number.

# client-close / ipv6: the client closes first.  The server waits before
# its own close, so its ACK of the client's FIN is a segment of its own:
# a four-segment close.

def client_close_server(port, family=socket.AF_INET):
    conn = accept_one(port, family)
    recv_exactly(conn, len(REQUEST))
    conn.sendall(REPLY)
    recv_until_eof(conn)            # the client's FIN
    time.sleep(PAUSE)               # let the delayed ACK of that FIN go out
    conn.close()


def client_close_client(port, family=socket.AF_INET):
    s = connect(port, family)
    s.sendall(REQUEST)
    recv_exactly(s, len(REPLY))
    time.sleep(PAUSE)
    s.close()


def ipv6_server(port):
    client_close_server(port, socket.AF_INET6)


def ipv6_client(port):
    client_close_client(port, socket.AF_INET6)


# server-close: the server closes first; the client closes as soon as it
# reads end-of-file.  Linux delays the ACK of a received FIN, so the
# client's FIN carries that ACK: the classic three-segment close
# (FIN,ACK / FIN,ACK / ACK).

def server_close_server(port):
    conn = accept_one(port)
    recv_exactly(conn, len(REQUEST))
    conn.sendall(REPLY)
    time.sleep(PAUSE)               # keep the FIN out of the reply segment
    conn.close()


def server_close_client(port):
    s = connect(port)
    s.sendall(REQUEST)
    recv_until_eof(s)               # reply, then the server's FIN
    s.close()                       # at once: FIN rides with the ACK


# refused: nobody listens on the port, the kernel answers the SYN with
# RST,ACK (RFC 9293, 3.10.7.1) and connect() fails.

def refused_server(port):
    pass                            # deliberately no listener


def refused_client(port):
    try:
        connect(port)
    except ConnectionRefusedError:
        return
    raise SystemExit("refused: connection unexpectedly accepted")


# abort-client / abort-server: some data, then one side aborts.

def abort_client_server(port):
    conn = accept_one(port)
    recv_exactly(conn, len(REQUEST))
    conn.sendall(REPLY)
    try:
        recv_until_eof(conn)
    except ConnectionResetError:
        pass                        # expected: the client's RST
    conn.close()


def abort_client_client(port):
    s = connect(port)
    s.sendall(REQUEST)
    recv_exactly(s, len(REPLY))
    time.sleep(PAUSE)
    abort(s)


def abort_server_server(port):
    conn = accept_one(port)
    recv_exactly(conn, len(REQUEST))
    conn.sendall(REPLY)
    time.sleep(PAUSE)
    abort(conn)


def abort_server_client(port):
    s = connect(port)
    s.sendall(REQUEST)
    recv_exactly(s, len(REPLY))
    try:
        recv_until_eof(s)
    except ConnectionResetError:
        pass                        # expected: the server's RST
    s.close()


# keepalive: after one request/reply the connection is idle.  With
# TCP_KEEPIDLE=1 and TCP_KEEPINTVL=1 the client's kernel sends a keep-alive
# probe (RFC 9293, 3.8.4: SEG.SEQ = SND.NXT-1, no data) after each second
# of silence and the server acknowledges it.  10.5 s of silence give ten
# probes; then the client closes gracefully.

def keepalive_server(port):
    client_close_server(port)


def keepalive_client(port):
    s = connect(port)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
    s.sendall(REQUEST)
    recv_exactly(s, len(REPLY))
    time.sleep(KEEPALIVE_IDLE_TIME)
    s.close()


# bulk: the client asks for a file, the server sends BULK_SIZE bytes and
# closes; the client closes when it has read everything.

def bulk_server(port):
    conn = accept_one(port)
    recv_exactly(conn, len(REQUEST))
    block = bytes(range(256)) * 256          # 64 KiB of recognisable bytes
    for _ in range(BULK_SIZE // len(block)):
        conn.sendall(block)
    conn.close()


def bulk_client(port):
    s = connect(port)
    s.sendall(REQUEST)
    received = recv_until_eof(s)
    s.close()
    if received != BULK_SIZE:
        raise SystemExit("bulk: got %d bytes, expected %d"
                         % (received, BULK_SIZE))


# simultaneous-close: both sides send their FIN before the other's FIN
# arrives (RFC 9293, 3.6, figure 13): FIN_WAIT_1 -> CLOSING -> TIME_WAIT on
# both sides.  A prior message exchange synchronises the two sides; a
# queue in front of the loopback interface (set up by record.sh) holds
# the FINs back long enough for both to be in flight at once:
#
#   * record.sh puts a token-bucket shaper (tc tbf, 128 kbit/s) on lo;
#   * the client empties that bucket with two UDP datagrams to itself
#     (not captured: the capture filter is on the TCP port), so every
#     packet sent in the next ~120 ms waits in the queue;
#   * the client then sends its FIN, the server sends its FIN 10 ms later;
#     both FINs leave the queue after the datagrams, so each FIN's ACK
#     field does not cover the other FIN.  120 ms stays below Linux's
#     minimum retransmission timeout (200 ms): no FIN is retransmitted.
#
# (A netem delay would do the same, but not every kernel has sch_netem.)

SYNC_MESSAGE = b"close now\n"
FILLER_DATAGRAMS = 2
FILLER_SIZE = 1400


def fill_queue():
    """Send datagrams to ourselves to occupy the shaper on lo.  Returns
    the UDP socket: the caller keeps it open until the datagrams have
    arrived, or the kernel would answer them with ICMP port-unreachable
    messages that take room in the queue too."""
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    for _ in range(FILLER_DATAGRAMS):
        u.sendto(b"\0" * FILLER_SIZE, u.getsockname())
    return u


def simultaneous_close_server(port):
    conn = accept_one(port)
    recv_exactly(conn, len(REQUEST))
    conn.sendall(SYNC_MESSAGE)
    time.sleep(0.01)                # the client fills the queue meanwhile
    conn.shutdown(socket.SHUT_WR)   # FIN
    recv_until_eof(conn)
    conn.close()


def simultaneous_close_client(port):
    s = connect(port)
    s.sendall(REQUEST)
    recv_exactly(s, len(SYNC_MESSAGE))
    filler = fill_queue()
    s.shutdown(socket.SHUT_WR)      # FIN
    recv_until_eof(s)
    s.close()
    filler.close()


# half-close: the client sends its request and shuts down its sending
# side (FIN); the connection stays open in the other direction
# (RFC 9293, 3.6: "half-closed") and the server keeps sending data, which
# the client acknowledges, before closing too.

def half_close_server(port):
    conn = accept_one(port)
    recv_until_eof(conn)            # the request, then the client's FIN
    time.sleep(PAUSE)               # ACK of the FIN goes out on its own
    for i in range(HALF_CLOSE_CHUNKS):
        conn.sendall(b"chunk %d " % i + b"x" * 992 + b"\n")
        time.sleep(PAUSE)
    conn.close()


def half_close_client(port):
    s = connect(port)
    s.sendall(REQUEST)
    s.shutdown(socket.SHUT_WR)      # FIN: "I have nothing more to send"
    recv_until_eof(s)
    s.close()


# rst-closed-socket: the server answers and closes its socket.  The client
# does not read; later it sends more data.  The server's socket no longer
# exists for the application, so its kernel answers the data with RST
# (RFC 9293, 3.10.7.4; Linux counts it as TCPAbortOnData).

def rst_closed_socket_server(port):
    conn = accept_one(port)
    recv_exactly(conn, len(REQUEST))  # read everything, or close() sends RST
    conn.sendall(REPLY)
    time.sleep(PAUSE)
    conn.close()                      # FIN; the socket is gone afterwards


def rst_closed_socket_client(port):
    s = connect(port)
    s.sendall(REQUEST)
    time.sleep(3 * PAUSE)             # reply and FIN arrive; we do not read
    s.sendall(b"one more thing\n")    # the server's kernel answers with RST
    time.sleep(PAUSE)
    s.close()


SCENARIOS = {
    "client-close": (client_close_server, client_close_client),
    "server-close": (server_close_server, server_close_client),
    "refused": (refused_server, refused_client),
    "abort-client": (abort_client_server, abort_client_client),
    "abort-server": (abort_server_server, abort_server_client),
    "keepalive": (keepalive_server, keepalive_client),
    "bulk": (bulk_server, bulk_client),
    "ipv6": (ipv6_server, ipv6_client),
    "simultaneous-close": (simultaneous_close_server,
                           simultaneous_close_client),
    "half-close": (half_close_server, half_close_client),
    "rst-closed-socket": (rst_closed_socket_server, rst_closed_socket_client),
}


def main(argv):
    if (len(argv) != 4 or argv[1] not in SCENARIOS
            or argv[2] not in ("server", "client")):
        sys.exit("usage: peers.py {%s} {server|client} PORT"
                 % "|".join(SCENARIOS))
    server, client = SCENARIOS[argv[1]]
    role = server if argv[2] == "server" else client
    role(int(argv[3]))


if __name__ == "__main__":
    main(sys.argv)
