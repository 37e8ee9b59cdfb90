#!/usr/bin/env python3
"""craft_transfer.py: crafted captures for the data-transfer fields
(tcphs.acked_in, tcphs.rtt*, tcphs.window.bytes, tcphs.acks.segments,
throughput), the cases a real upload over record-path.sh does not show
reliably.  Same conventions as craft.py (whose helpers it uses): traces
taken on the client, RTT 31.42 ms, byte-identical output on every run.

    python3 captures/craft_transfer.py
"""
from craft import (ACK, FIN, PSH, RTT, TURN, OPTION_SACK_PERMITTED, Connection, Trace,
                   client_peer, close_three_way, handshake, option_mss, option_timestamps,
                   server_peer, write_all)

CHUNK = 536 * b"x"          # one data segment (RFC 9293's default MSS)
SERVER_ACK_DELAY = RTT      # the server's ACK reaches the client one RTT later


def connection(trace, port, client_isn, server_isn, **server_extra):
    client = client_peer(port, client_isn, ts_offset=2849361027)
    server = server_peer(80, server_isn, ts_offset=1284022915, **server_extra)
    return Connection(trace, client, server)


def upload(conn, segments):
    """The client sends `segments` data segments back to back (100 us apart)."""
    for i in range(segments):
        if i:
            conn.trace.wait(100)
        conn.send(conn.client, ACK | (PSH if i == segments - 1 else 0), CHUNK)


def ack_three():
    """One ACK covers three segments: tcphs.acks.segments = 3, three SampleRTTs
    from one ACK (31.62, 31.52, 31.42 ms)."""
    t = Trace()
    conn = connection(t, 52001, 0x1A2B3C4D, 0x5E6F7081)
    handshake(conn)
    t.wait(120)
    upload(conn, 3)
    t.wait(SERVER_ACK_DELAY)
    conn.send(conn.server, ACK)
    close_three_way(conn, conn.client)
    return t


def retransmission():
    """The second of three segments is lost; the server acknowledges the
    first (then a duplicate ACK for the third); the client sends it again
    after an RTO of 200 ms, and one ACK covers it and the third.  Karn's
    rule: neither copy of the second segment has an RTT."""
    t = Trace()
    conn = connection(t, 52002, 0x2B3C4D5E, 0x6F708192)
    handshake(conn)
    t.wait(120)
    conn.send(conn.client, ACK, CHUNK)
    t.wait(100)
    lost_seq = conn.client.snd_nxt
    conn.send(conn.client, ACK, CHUNK, delivered=False)
    t.wait(100)
    conn.send(conn.client, PSH | ACK, CHUNK, delivered=False)   # out of order at the server
    t.wait(SERVER_ACK_DELAY - 200)
    conn.send(conn.server, ACK)                 # acks the first
    t.wait(100)
    conn.send(conn.server, ACK)                 # duplicate ACK (the third arrived out of order)
    t.wait(200000)
    conn.send(conn.client, ACK, CHUNK, seq=lost_seq)
    conn.server.rcv_nxt = conn.client.snd_nxt   # the hole is filled: all three delivered
    t.wait(SERVER_ACK_DELAY)
    conn.send(conn.server, ACK)
    close_three_way(conn, conn.client)
    return t


def no_wscale():
    """The server's SYN-ACK has no window-scale option: scaling is off both
    ways, tcphs.window.bytes is the raw window (RFC 7323 2.2)."""
    t = Trace()
    conn = connection(t, 52003, 0x3C4D5E6F, 0x708192A3)
    conn.send(conn.client, 0x02)
    t.wait(RTT)
    options = option_mss(1460) + OPTION_SACK_PERMITTED + option_timestamps(conn.tsval(conn.server),
                                                                            conn.server.ts_recent)
    conn.send(conn.server, 0x02 | ACK, options=options)
    t.wait(TURN)
    conn.send(conn.client, ACK, window=64240)
    t.wait(120)
    conn.send(conn.client, PSH | ACK, CHUNK, window=64240)
    t.wait(SERVER_ACK_DELAY)
    conn.send(conn.server, ACK, window=65160)
    close_three_way(conn, conn.client)
    return t


def wscale_15():
    """The server offers a window-scale shift of 15; RFC 7323 2.3: used as 14."""
    t = Trace()
    conn = connection(t, 52004, 0x4D5E6F70, 0x8192A3B4, window_shift=15)
    handshake(conn)
    t.wait(120)
    conn.send(conn.client, PSH | ACK, CHUNK)
    t.wait(SERVER_ACK_DELAY)
    conn.send(conn.server, ACK, window=4)      # 4 << 14 = 65536 bytes
    close_three_way(conn, conn.client)
    return t


def midstream():
    """The capture starts after the handshake: window scale unknown (no
    tcphs.window.bytes), but ACKs still answer the captured segments."""
    t = Trace()
    conn = connection(t, 52005, 0x5E6F7081, 0x92A3B4C5)
    conn.send(conn.client, 0x02, captured=False)
    t.wait(RTT)
    conn.send(conn.server, 0x02 | ACK, captured=False)
    t.wait(TURN)
    conn.send(conn.client, ACK, captured=False)
    t.wait(5000)
    upload(conn, 2)
    t.wait(SERVER_ACK_DELAY)
    conn.send(conn.server, ACK)
    close_three_way(conn, conn.client)
    return t


def seq_wrap():
    """The client's sequence numbers wrap past 2^32 in the second segment."""
    t = Trace()
    conn = connection(t, 52006, 2**32 - 700, 0xA3B4C5D6)
    handshake(conn)
    t.wait(120)
    upload(conn, 3)             # 4294966597 / 537 / 1073 (mod 2^32)
    t.wait(SERVER_ACK_DELAY - 200)
    conn.send(conn.server, ACK, ack=(2**32 - 700 + 1 + 536) % 2**32)
    t.wait(200)
    conn.send(conn.server, ACK)
    close_three_way(conn, conn.client)
    return t


def zero_window():
    """The server's receive buffer fills: it advertises a zero window, the
    client waits, a window update reopens it."""
    t = Trace()
    conn = connection(t, 52007, 0x708192A3, 0xB4C5D6E7)
    handshake(conn)
    t.wait(120)
    upload(conn, 2)
    t.wait(SERVER_ACK_DELAY)
    conn.send(conn.server, ACK, window=0)
    t.wait(50000)
    conn.send(conn.server, ACK, window=509)    # window update
    t.wait(TURN)
    conn.send(conn.client, PSH | ACK, CHUNK)
    t.wait(SERVER_ACK_DELAY)
    conn.send(conn.server, ACK)
    close_three_way(conn, conn.client)
    return t


def ack_unseen():
    """A data segment is missing from the capture (not its delivery): the
    server's ACK covers bytes the capture never saw.  The captured segment
    before it gets acked_in but no RTT: the ACK may answer the missing one."""
    t = Trace()
    conn = connection(t, 52008, 0x8192A3B4, 0xC5D6E7F8)
    handshake(conn)
    t.wait(120)
    conn.send(conn.client, ACK, CHUNK)
    t.wait(100)
    conn.send(conn.client, PSH | ACK, CHUNK, captured=False)
    t.wait(SERVER_ACK_DELAY)
    conn.send(conn.server, ACK)
    close_three_way(conn, conn.client)
    return t


def ack_backwards():
    """The server's second ACK acknowledges less than its first (a reordered
    or broken ACK): it answers nothing, and changes no earlier answer."""
    t = Trace()
    conn = connection(t, 52009, 0x92A3B4C5, 0xD6E7F809)
    handshake(conn)
    t.wait(120)
    first_end = (conn.client.snd_nxt + len(CHUNK)) % 2**32
    upload(conn, 2)
    t.wait(SERVER_ACK_DELAY)
    conn.send(conn.server, ACK)
    t.wait(300)
    conn.send(conn.server, ACK, ack=first_end)
    t.wait(TURN)
    close_three_way(conn, conn.client)
    return t


CRAFTED = [
    ("transfer-ack-three.pcap", ack_three),
    ("transfer-retransmission.pcap", retransmission),
    ("transfer-no-wscale.pcap", no_wscale),
    ("transfer-wscale-15.pcap", wscale_15),
    ("transfer-midstream.pcap", midstream),
    ("transfer-seq-wrap.pcap", seq_wrap),
    ("transfer-zero-window.pcap", zero_window),
    ("transfer-ack-unseen.pcap", ack_unseen),
    ("transfer-ack-backwards.pcap", ack_backwards),
]


def main():
    write_all(CRAFTED)


if __name__ == "__main__":
    main()
