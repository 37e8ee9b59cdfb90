#!/usr/bin/env python3
"""reproducers.py: write the crafted inputs that reproduce bugs found in tcphs.

    python3 tests/robustness/regressions/reproducers.py

rewrites every reproducer next to this script, byte-identical on every run,
with the building blocks of captures/craft.py (Python 3 standard library
only).  README.md in this folder says what each one shows and what tcphs
should give.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "captures"))

import craft  # noqa: E402
from craft import ACK, FIN, PSH, RTT, SYN, TURN, Trace  # noqa: E402


def options_cut():
    """A Linux connection (timestamps on every segment) in which two frames
    are cut by the snaplen inside the TCP options, after the fixed 20-byte
    header: the SYN-ACK at 60 bytes (MSS and SACK permitted captured, the
    timestamps and window scale cut off) and a keep-alive at 54 bytes (its
    timestamps option cut off).  Wireshark dissects the fixed header,
    stops at the options ("[Packet size limited during capture: TCP
    truncated]") and adds no SEQ/ACK analysis to either frame."""
    t = Trace()
    conn = craft.fresh_connection(t, 51840, 0x6E2A9C17, 0x13F5B8D0)
    conn.send(conn.client, SYN)
    t.wait(RTT)
    conn.send(conn.server, SYN | ACK, snaplen=60)
    t.wait(TURN)
    conn.send(conn.client, ACK)
    craft.request_reply(conn)
    t.wait(7200000)
    conn.send(conn.client, ACK, seq=craft.seq_add(conn.client.snd_nxt, -1),
              snaplen=54)                                  # keep-alive
    t.wait(RTT)
    conn.send(conn.server, ACK)                            # keep-alive ACK
    craft.close_four_way(conn, conn.client)
    return t


REPRODUCERS = [
    ("bug-options-cut.pcap", options_cut),
]


def main():
    for name, scenario in REPRODUCERS:
        craft.write_pcap(os.path.join(HERE, name), scenario().frames)
        print("wrote", os.path.join(HERE, name))


if __name__ == "__main__":
    main()
