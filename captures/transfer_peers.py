#!/usr/bin/env python3
"""The peers of the data-transfer captures (record-path.sh), in the manner
of peers.py: the standard TCP lab's upload.

    python3 transfer_peers.py server ADDRESS PORT
    python3 transfer_peers.py client ADDRESS PORT

The client sends an HTTP POST of UPLOAD_SIZE bytes in one sendall(), as a
browser uploading a file does; the server reads all of it, answers with a
short reply and closes; the client closes when it reads EOF.  What the
wire shows (slow start, delayed ACKs, the receive window opening) is the
Linux stacks' doing, over the delay line's round-trip time.
"""

import socket
import sys

from peers import recv_exactly, recv_until_eof

UPLOAD_SIZE = 100 * 1000
HEADER = (b"POST /upload HTTP/1.1\r\nHost: tcphs.test\r\n"
          b"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % UPLOAD_SIZE)
REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def body():
    """Recognisable text, like the lab's alice.txt."""
    line = b"Alice was beginning to get very tired of sitting by her sister.\n"
    return (line * (UPLOAD_SIZE // len(line) + 1))[:UPLOAD_SIZE]


def server(address, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as ls:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((address, port))
        ls.listen(1)
        conn, _ = ls.accept()
    recv_exactly(conn, len(HEADER) + UPLOAD_SIZE)
    conn.sendall(REPLY)
    conn.close()


def client(address, port):
    s = socket.create_connection((address, port))
    s.sendall(HEADER + body())
    received = recv_until_eof(s)
    s.close()
    if received != len(REPLY):
        raise SystemExit("transfer: got %d reply bytes, expected %d" % (received, len(REPLY)))


def main(argv):
    if len(argv) != 4 or argv[1] not in ("server", "client"):
        sys.exit("usage: transfer_peers.py {server|client} ADDRESS PORT")
    (server if argv[1] == "server" else client)(argv[2], int(argv[3]))


if __name__ == "__main__":
    main(sys.argv)
