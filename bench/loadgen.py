#!/usr/bin/env python3
"""loadgen.py: the traffic of the large benchmark capture (stdlib only).

record-large.sh runs it inside a private network namespace while tcpdump
records the loopback interface:

    python3 loadgen.py [--port 9000] [--conns 20000] [--workers 4]
                       [--refused 20] [--bulk-mb 2,3,4,5,3]

One process plays both sides.  It binds the server socket first, forks the
server processes (they share the listening socket and accept in turn), then
forks the client workers and waits for them:

  * short connections (--conns): request "REQ <n> <c|s>\\n", response
    RESPONSE_LEN bytes.  Connection n is closed first by the client when n is
    even, by the server when n is odd.  Worker w runs the contiguous block of
    connection numbers [w*N/W, (w+1)*N/W) one after the other, from its own
    source address 127.0.0.(10+w), so the closers alternate within every
    worker and no two workers compete for ephemeral ports;
  * bulk transfers (--bulk-mb): one more worker, from 127.0.0.9, running at
    the same time as the short connections, asks "BULK <bytes> <c|s>\\n" and
    reads that many bytes; even transfers are closed by the client, odd ones
    by the server;
  * refused connects (--refused): half before everything else, half after,
    from 127.0.0.8 to --port + 1, where nothing listens (SYN, then RST).

The counts are fixed by the arguments; only timing-dependent details of the
Linux stack (an ACK riding on a FIN or going alone) vary between runs.
At the end it prints one line of counts per role on stderr.
"""

import argparse
import os
import signal
import socket
import sys
import time

RESPONSE_LEN = 300
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)
SERVER_ADDR = "127.0.0.1"
REFUSED_SRC = "127.0.0.8"
BULK_SRC = "127.0.0.9"
CHUNK = 65536


def recv_line(sock):
    data = b""
    while not data.endswith(b"\n"):
        part = sock.recv(256)
        if not part:
            break
        data += part
    return data


def drain(sock):
    """Read until the peer's FIN."""
    while sock.recv(CHUNK):
        pass


def recv_exactly(sock, count):
    got = 0
    while got < count:
        part = sock.recv(min(CHUNK, count - got))
        if not part:
            raise RuntimeError("peer closed after %d of %d bytes" % (got, count))
        got += len(part)


# ------------------------------------------------------------------ server

def serve_one(conn):
    line = recv_line(conn)
    words = line.split()
    if len(words) != 3:
        conn.close()
        return
    kind, number, closer = words[0], int(words[1]), words[2]
    if kind == b"REQ":
        conn.sendall(b"r" * RESPONSE_LEN)
    elif kind == b"BULK":
        block = b"b" * CHUNK
        left = number
        while left > 0:
            n = min(left, CHUNK)
            conn.sendall(block[:n])
            left -= n
    if closer == b"c":
        drain(conn)            # the client closes first
    conn.close()               # server first (closer "s"), or in answer to the FIN


def server_process(listener):
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        conn, _ = listener.accept()
        try:
            serve_one(conn)
        except OSError:
            conn.close()


# ------------------------------------------------------------------ clients

def client_socket(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Bind only the address; the port is chosen at connect() time against
    # the full 4-tuple, so each worker has the whole ephemeral range.
    s.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
    s.bind((src, 0))
    return s


def short_worker(port, first, last, src):
    for n in range(first, last):
        closer = b"c" if n % 2 == 0 else b"s"
        s = client_socket(src)
        s.connect((SERVER_ADDR, port))
        s.sendall(b"REQ %d %s\n" % (n, closer))
        recv_exactly(s, RESPONSE_LEN)
        if closer == b"s":
            drain(s)           # wait for the server's FIN
        s.close()


def bulk_worker(port, sizes_mb):
    for i, mb in enumerate(sizes_mb):
        size = int(mb * 1024 * 1024)
        closer = b"c" if i % 2 == 0 else b"s"
        s = client_socket(BULK_SRC)
        s.connect((SERVER_ADDR, port))
        s.sendall(b"BULK %d %s\n" % (size, closer))
        recv_exactly(s, size)
        if closer == b"s":
            drain(s)
        s.close()


def refused(port, count):
    n = 0
    for _ in range(count):
        s = client_socket(REFUSED_SRC)
        try:
            s.connect((SERVER_ADDR, port))
        except ConnectionRefusedError:
            n += 1
        else:
            raise RuntimeError("connect to closed port %d succeeded" % port)
        finally:
            s.close()
        time.sleep(0.01)
    return n


def fork(target, *args):
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            target(*args)
        except BaseException as exc:  # report, never fall back into the parent's code
            print("loadgen child %d: %r" % (os.getpid(), exc), file=sys.stderr)
            code = 1
        finally:
            os._exit(code)
    return pid


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=9000)
    ap.add_argument("--conns", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--refused", type=int, default=20)
    ap.add_argument("--bulk-mb", default="2,3,4,5,3",
                    help="comma-separated sizes of the bulk transfers in MB (empty: none)")
    args = ap.parse_args()
    sizes = [float(x) for x in args.bulk_mb.split(",") if x.strip()]

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((SERVER_ADDR, args.port))
    listener.listen(4096)
    servers = [fork(server_process, listener) for _ in range(args.workers + 2)]

    started = time.monotonic()
    before = refused(args.port + 1, args.refused // 2)

    clients = []
    if sizes:
        clients.append(fork(bulk_worker, args.port, sizes))
    for w in range(args.workers):
        first = w * args.conns // args.workers
        last = (w + 1) * args.conns // args.workers
        clients.append(fork(short_worker, args.port, first, last, "127.0.0.%d" % (10 + w)))
    failed = 0
    for pid in clients:
        _, status = os.waitpid(pid, 0)
        if status != 0:
            failed += 1
    time.sleep(0.3)            # the last server-side closes
    after = refused(args.port + 1, args.refused - args.refused // 2)

    for pid in servers:
        os.kill(pid, signal.SIGTERM)
    for pid in servers:
        os.waitpid(pid, 0)
    listener.close()
    took = time.monotonic() - started
    print("loadgen: %d short connections (%d workers), %d bulk transfers (%s MB), "
          "%d refused connects, %.1f s, %d failed workers"
          % (args.conns, args.workers, len(sizes), args.bulk_mb, before + after, took, failed),
          file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
