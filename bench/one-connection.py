#!/usr/bin/env python3
"""one-connection.py: craft a pcap of ONE TCP connection with M data segments.

    python3 one-connection.py M OUTPUT.pcap [--payload 1448] [--snaplen 128]
                              [--ack-every 2] [--isn-client 0xF0000000]

M accepts a suffix: 10k, 1M.  The connection: the three-way handshake
(198.18.0.1:40000 -> 198.19.255.1:5001, MSS/SACK/timestamps/window scale),
then M data segments of --payload bytes from the client, the server ACKing
every --ack-every segments (and the last one), then the client's FIN, the
server's FIN and the client's final ACK.  Every segment carries the
timestamps option, as Linux sends it.  Frames are 2 microseconds apart.

Frames are cut at --snaplen bytes like a tcpdump -s capture (the benchmark's
real capture uses -s 128), so 1M segments make a ~200 MB file, not 1.5 GB;
the checksums are nevertheless those of the whole (virtual) payload, a run
of b"a".  The default client ISN makes the sequence numbers wrap past 2^32
once 1M segments of 1448 bytes are sent.  Written as it is made (constant
memory), with incremental checksums.
"""

import argparse
import struct
import sys
import time

from pcaputil import fold, parse_count, words

CLIENT = (198 << 24) | (18 << 16) | 1
SERVER = (198 << 24) | (19 << 16) | (255 << 8) | 1
CPORT, SPORT = 40000, 5001
T0 = 1700000000
STEP_US = 2
MSS = 1460
WSCALE = 7
SYN, ACK, FIN, PSH = 0x02, 0x10, 0x01, 0x08

PCAP_HEADER_FMT = "<IHHiIII"
REC = struct.Struct("<IIII")
ETH_C2S = bytes.fromhex("020000000002" "020000000001" "0800")
ETH_S2C = bytes.fromhex("020000000001" "020000000002" "0800")

# IPv4 + TCP + NOP NOP TS: every segment after the handshake.
SEG = struct.Struct(">BBHHHBBHII" "HHIIHHHH" "BBBBII")
# IPv4 + TCP + MSS SACK_PERM TS NOP WS: SYN and SYN-ACK.
HS = struct.Struct(">BBHHHBBHII" "HHIIHHHH" "BBH" "BB" "BBII" "B" "BBB")


def split(v):
    return (v >> 16) + (v & 0xFFFF)


class Writer:
    def __init__(self, f, snaplen):
        self.f = f
        self.snaplen = snaplen
        self.out = []
        self.t_us = 0
        self.frames = 0
        self.ipid = {CLIENT: 1, SERVER: 1}

    def frame(self, c2s, headers, payload_len):
        wire = 14 + len(headers) + payload_len
        cap = min(wire, self.snaplen)
        body = (ETH_C2S if c2s else ETH_S2C) + headers
        if cap > len(body):
            body += b"a" * (cap - len(body))
        else:
            body = body[:cap]
        self.out.append(REC.pack(T0 + self.t_us // 1000000, self.t_us % 1000000, cap, wire))
        self.out.append(body)
        self.t_us += STEP_US
        self.frames += 1
        if len(self.out) >= 20000:
            self.flush()

    def flush(self):
        self.f.write(b"".join(self.out))
        self.out.clear()

    def next_id(self, src):
        v = self.ipid[src]
        self.ipid[src] = (v + 1) & 0xFFFF
        return v

    def segment(self, c2s, seq, ack, flags, window, tsval, tsecr, payload_len):
        """One segment with NOP NOP TS options; checksums computed in full
        (cheap: a handful of words), the payload's sum from its length."""
        src, dst = (CLIENT, SERVER) if c2s else (SERVER, CLIENT)
        sport, dport = (CPORT, SPORT) if c2s else (SPORT, CPORT)
        tcp_len = 32 + payload_len
        ipid = self.next_id(src)
        ip_sum = IP_CONST + (20 + tcp_len) + ipid + split(src) + split(dst)
        tcp_sum = (TCP_CONST + split(src) + split(dst) + 6 + tcp_len + sport + dport
                   + split(seq) + split(ack) + ((8 << 12) | flags) + window
                   + split(tsval) + split(tsecr) + payload_sum(payload_len))
        hdr = SEG.pack(0x45, 0, 20 + tcp_len, ipid, 0x4000, 64, 6, fold(ip_sum), src, dst,
                       sport, dport, seq, ack, (8 << 12) | flags, window, fold(tcp_sum), 0,
                       1, 1, 8, 10, tsval, tsecr)
        self.frame(c2s, hdr, payload_len)

    def handshake_segment(self, c2s, seq, ack, flags, window, tsval, tsecr):
        src, dst = (CLIENT, SERVER) if c2s else (SERVER, CLIENT)
        sport, dport = (CPORT, SPORT) if c2s else (SPORT, CPORT)
        ipid = self.next_id(src)
        args = [0x45, 0, 60, ipid, 0x4000, 64, 6, 0, src, dst,
                sport, dport, seq, ack, (10 << 12) | flags, window, 0, 0,
                2, 4, MSS, 4, 2, 8, 10, tsval, tsecr, 1, 3, 3, WSCALE]
        zero = HS.pack(*args)
        args[7] = fold(words(zero[:20]))
        args[16] = fold(words(zero[20:]) + split(src) + split(dst) + 6 + 40)
        self.frame(c2s, HS.pack(*args), 0)


# Constant words of SEG (protocol/ttl, version/ihl, flags/fragment, option
# kinds), with every varying field zero.
IP_CONST = words(SEG.pack(0x45, 0, 0, 0, 0x4000, 64, 6, 0, 0, 0,
                          0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 8, 10, 0, 0)[:20])
TCP_CONST = words(b"\x01\x01\x08\x0a")
_payload_sums = {}


def payload_sum(n):
    s = _payload_sums.get(n)
    if s is None:
        s = words(b"a" * n) if n else 0
        _payload_sums[n] = s
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("segments", help="number of data segments, e.g. 1M")
    ap.add_argument("output")
    ap.add_argument("--payload", type=int, default=1448)
    ap.add_argument("--snaplen", type=int, default=128)
    ap.add_argument("--ack-every", type=int, default=2)
    ap.add_argument("--isn-client", type=lambda s: int(s, 0), default=0xF0000000)
    ap.add_argument("--isn-server", type=lambda s: int(s, 0), default=0x12345678)
    args = ap.parse_args()
    m = parse_count(args.segments)
    started = time.monotonic()
    cisn, sisn = args.isn_client & 0xFFFFFFFF, args.isn_server & 0xFFFFFFFF
    mask = 0xFFFFFFFF
    with open(args.output, "wb", buffering=1 << 20) as f:
        f.write(struct.pack(PCAP_HEADER_FMT, 0xA1B2C3D4, 2, 4, 0, 0, max(args.snaplen, 96), 1))
        w = Writer(f, args.snaplen)
        cts, sts = 100000, 900000
        w.handshake_segment(True, cisn, 0, SYN, 64240, cts, 0)
        w.handshake_segment(False, sisn, (cisn + 1) & mask, SYN | ACK, 65160, sts, cts)
        cseq, sseq = (cisn + 1) & mask, (sisn + 1) & mask
        w.segment(True, cseq, sseq, ACK, 502, cts, sts, 0)
        segment = w.segment
        p = args.payload
        every = args.ack_every
        for k in range(m):
            if k % 1000 == 0:       # a 1 ms timestamp clock
                cts += 1
                sts += 1
            segment(True, cseq, sseq, ACK | PSH, 502, cts, sts, p)
            cseq = (cseq + p) & mask
            if (k + 1) % every == 0 or k == m - 1:
                segment(False, sseq, cseq, ACK, 8192, sts, cts, 0)
        segment(True, cseq, sseq, FIN | ACK, 502, cts + 1, sts, 0)
        cseq = (cseq + 1) & mask
        segment(False, sseq, cseq, FIN | ACK, 8192, sts + 1, cts + 1, 0)
        sseq = (sseq + 1) & mask
        segment(True, cseq, sseq, ACK, 502, cts + 1, sts + 1, 0)
        w.flush()
    print("one-connection: %d data segments, %d frames -> %s (%.1f s)"
          % (m, w.frames, args.output, time.monotonic() - started), file=sys.stderr)


if __name__ == "__main__":
    main()
