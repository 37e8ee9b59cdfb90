#!/usr/bin/env python3
"""synflood.py: craft a pcap of N half-open TCP connections (no network).

    python3 synflood.py N OUTPUT.pcap [--synack] [--no-options]

N accepts a suffix: 10k, 100k, 1M.  Connection i is one SYN from a distinct
(address, port) pair -- 198.18.0.1 + i // 64000, port 1024 + i % 64000 --
to the server 198.19.255.1:80 (198.18.0.0/15 is the benchmarking range of
RFC 2544).  With --synack every SYN is followed by the server's SYN-ACK;
the client's ACK never comes.  Ethernet link type, like a loopback or LAN
capture; every packet carries MSS, SACK-permitted, timestamps and window
scale, as Linux sends them.  Frames are 10 microseconds apart.

The file is written as it is made (constant memory): the headers are packed
from a template, and the IPv4 and TCP checksums are correct, computed from
the template's precomputed one's-complement sum plus the few words that
change from packet to packet.
"""

import argparse
import struct
import sys
import time

from pcaputil import fold, parse_count, words

SERVER = (198 << 24) | (19 << 16) | (255 << 8) | 1
CLIENT_BASE = (198 << 24) | (18 << 16) | 1
SERVER_PORT = 80
PORTS_PER_ADDR = 64000
MSS = 1460
T0 = 1700000000           # capture start, seconds since the epoch
STEP_US = 10

PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)   # LINKTYPE_ETHERNET
REC = struct.Struct("<IIII")
ETH_C2S = bytes.fromhex("020000000002" "020000000001" "0800")
ETH_S2C = bytes.fromhex("020000000001" "020000000002" "0800")

# IPv4 (20) + TCP (20) + options (20): MSS, SACK_PERM, TS, NOP, WS.
IPTCP = struct.Struct(">BBHHHBBHII" "HHIIHHHH" "BBH" "BB" "BBII" "B" "BBB")
IP_LEN = 60
TCP_LEN = 40
SYN, ACK = 0x02, 0x10
OFF_FLAGS_SYN = (10 << 12) | SYN
OFF_FLAGS_SYNACK = (10 << 12) | SYN | ACK
WIN = 64240
WSCALE = 7


def base_sums(flags, window):
    """One's-complement sums of the IP header and of the TCP pseudo-header +
    segment with every varying field (and both checksums) zero."""
    zero = IPTCP.pack(0x45, 0, IP_LEN, 0, 0x4000, 64, 6, 0, 0, 0,
                      0, 0, 0, 0, flags, window, 0, 0,
                      2, 4, MSS, 4, 2, 8, 10, 0, 0, 1, 3, 3, WSCALE)
    ip_sum = words(zero[:20])
    tcp_sum = words(zero[20:]) + 6 + TCP_LEN     # pseudo-header: protocol, length
    return ip_sum, tcp_sum


def isn(i, salt):
    return (i * 2654435761 + salt) & 0xFFFFFFFF


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("count", help="number of connections, e.g. 10k, 100k, 1M")
    ap.add_argument("output")
    ap.add_argument("--synack", action="store_true", help="add the server's SYN-ACK to every SYN")
    args = ap.parse_args()
    n = parse_count(args.count)
    if n <= 0 or n > PORTS_PER_ADDR * 60000:
        ap.error("count out of range")

    started = time.monotonic()
    syn_ip, syn_tcp = base_sums(OFF_FLAGS_SYN, WIN)
    sa_ip, sa_tcp = base_sums(OFF_FLAGS_SYNACK, 65160)
    # The fixed addresses belong to the base sums too.
    syn_ip += (SERVER >> 16) + (SERVER & 0xFFFF)
    syn_tcp += (SERVER >> 16) + (SERVER & 0xFFFF) + SERVER_PORT
    sa_ip += (SERVER >> 16) + (SERVER & 0xFFFF)
    sa_tcp += (SERVER >> 16) + (SERVER & 0xFFFF) + SERVER_PORT

    pack = IPTCP.pack
    rec = REC.pack
    frames = 0
    with open(args.output, "wb", buffering=1 << 20) as f:
        f.write(PCAP_HEADER)
        out = []
        t_us = 0
        for i in range(n):
            client = CLIENT_BASE + i // PORTS_PER_ADDR
            port = 1024 + i % PORTS_PER_ADDR
            cisn = isn(i, 0x1234567)
            ctsv = (i * 7 + 1000) & 0xFFFFFFFF
            ipid = i & 0xFFFF
            chi, clo = client >> 16, client & 0xFFFF
            ipc = fold(syn_ip + ipid + chi + clo)
            tcpc = fold(syn_tcp + chi + clo + port + (cisn >> 16) + (cisn & 0xFFFF)
                        + (ctsv >> 16) + (ctsv & 0xFFFF))
            out.append(rec(T0 + t_us // 1000000, t_us % 1000000, 74, 74))
            out.append(ETH_C2S)
            out.append(pack(0x45, 0, IP_LEN, ipid, 0x4000, 64, 6, ipc, client, SERVER,
                            port, SERVER_PORT, cisn, 0, OFF_FLAGS_SYN, WIN, tcpc, 0,
                            2, 4, MSS, 4, 2, 8, 10, ctsv, 0, 1, 3, 3, WSCALE))
            t_us += STEP_US
            frames += 1
            if args.synack:
                sisn = isn(i, 0x89ABCDE) ^ 0x5A5A5A5A
                ack = (cisn + 1) & 0xFFFFFFFF
                stsv = (i * 3 + 5000) & 0xFFFFFFFF
                ipc = fold(sa_ip + chi + clo)
                tcpc = fold(sa_tcp + chi + clo + port + (sisn >> 16) + (sisn & 0xFFFF)
                            + (ack >> 16) + (ack & 0xFFFF) + (stsv >> 16) + (stsv & 0xFFFF)
                            + (ctsv >> 16) + (ctsv & 0xFFFF))
                out.append(rec(T0 + t_us // 1000000, t_us % 1000000, 74, 74))
                out.append(ETH_S2C)
                out.append(pack(0x45, 0, IP_LEN, 0, 0x4000, 64, 6, ipc, SERVER, client,
                                SERVER_PORT, port, sisn, ack, OFF_FLAGS_SYNACK, 65160, tcpc, 0,
                                2, 4, MSS, 4, 2, 8, 10, stsv, ctsv, 1, 3, 3, WSCALE))
                t_us += STEP_US
                frames += 1
            if len(out) >= 30000:
                f.write(b"".join(out))
                out.clear()
        f.write(b"".join(out))
    print("synflood: %d connections, %d frames -> %s (%.1f s)"
          % (n, frames, args.output, time.monotonic() - started), file=sys.stderr)


if __name__ == "__main__":
    main()
