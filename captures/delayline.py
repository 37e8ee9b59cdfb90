#!/usr/bin/env python3
"""delayline.py: a user-space "long wire" between two network namespaces.

record-path.sh creates two namespaces, each with one TAP device; this
program attaches to both devices and copies every Ethernet frame from one
to the other after a fixed one-way delay, so that two real Linux TCP
stacks talk over a path with a visible round-trip time (loopback has
none, and the kernel the captures were recorded on has no netem qdisc).

    python3 delayline.py NS_A DEV_A NS_B DEV_B DELAY_MS [--drop-data N]
                         [--drop-every M] [--ready FILE]

  --drop-data N   drop the N-th TCP segment with payload that goes from
                  A to B (once), to make a retransmission
  --drop-every M  drop every M-th TCP segment with payload from A to B
                  (the M-th, the 2M-th, ...; retransmissions count too):
                  a steady, deterministic loss rate
  --ready FILE    create FILE once both devices are attached

Frames leave in the order they came in, each exactly DELAY_MS after it was
read (a FIFO: every frame waits the same time, so no reordering).  Runs
until SIGTERM or SIGINT.  Needs root (TUNSETIFF, setns).
"""

import ctypes
import fcntl
import os
import select
import signal
import struct
import sys
import time
from collections import deque

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000

ETH_P_IP = 0x0800
IPPROTO_TCP = 6

libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    """Move this thread into the network namespace at path."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns(%s): %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def attach_tap(netns, dev):
    """Open the TAP device dev that lives in the namespace netns.  The file
    descriptor stays bound to the device whatever namespace we are in."""
    setns("/var/run/netns/" + netns)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", dev.encode(), IFF_TAP | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


def tcp_payload_len(frame):
    """Payload bytes of an IPv4/TCP frame, or None for anything else."""
    if len(frame) < 14 + 20 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    if ip[9] != IPPROTO_TCP or len(ip) < ihl + 20:
        return None
    doff = (ip[ihl + 12] >> 4) * 4
    return total - ihl - doff


def main(argv):
    args = argv[1:]
    drop_data = 0
    drop_every = 0
    ready = None
    while len(args) > 5:
        opt = args.pop(5)
        if opt == "--drop-data":
            drop_data = int(args.pop(5))
        elif opt == "--drop-every":
            drop_every = int(args.pop(5))
        elif opt == "--ready":
            ready = args.pop(5)
        else:
            sys.exit("unknown option " + opt)
    if len(args) != 5:
        sys.exit(__doc__)
    ns_a, dev_a, ns_b, dev_b, delay_ms = args
    delay = float(delay_ms) / 1000.0

    fd_a = attach_tap(ns_a, dev_a)
    fd_b = attach_tap(ns_b, dev_b)
    peer = {fd_a: fd_b, fd_b: fd_a}
    queue = deque()                  # (due time, output fd, frame), in arrival order
    data_a_to_b = 0
    if ready:
        open(ready, "w").close()

    running = [True]

    def stop(_signum, _frame):
        running[0] = False
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    while running[0]:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, out, frame = queue.popleft()
            try:
                os.write(out, frame)
            except BlockingIOError:
                pass                 # the device queue is full: a drop, as on a wire
        timeout = max(0.0, queue[0][0] - now) if queue else 0.5
        try:
            readable, _, _ = select.select([fd_a, fd_b], [], [], timeout)
        except InterruptedError:
            continue
        arrived = time.monotonic()
        for fd in readable:
            while True:
                try:
                    frame = os.read(fd, 65536)
                except BlockingIOError:
                    break
                if fd == fd_a and (drop_data or drop_every):
                    payload = tcp_payload_len(frame)
                    if payload:
                        data_a_to_b += 1
                        if data_a_to_b == drop_data or (
                                drop_every and data_a_to_b % drop_every == 0):
                            print("delayline: dropped data segment %d (%d bytes)"
                                  % (data_a_to_b, payload), file=sys.stderr)
                            continue
                queue.append((arrived + delay, peer[fd], frame))


if __name__ == "__main__":
    main(sys.argv)
