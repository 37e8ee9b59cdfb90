#!/usr/bin/env python3
"""craft.py: write the test captures that a loopback recording cannot give.

    python3 captures/craft.py

rewrites every crafted capture next to this script.  The output is
byte-identical on every run: all addresses, ports, ISNs, IP IDs, TCP
timestamps and capture times are fixed numbers in this file.

The traces imitate a capture taken on the client host (192.0.2.10 or
2001:db8:a::10) on an Ethernet LAN; the server sits behind the LAN's
router, so the server's frames carry the router's MAC address, arrive with
a TTL that a few hops have lowered and are padded to the Ethernet minimum
of 60 bytes.  The client's own frames are captured before the network
card pads them, as on a real Linux host.

Addresses come from the documentation ranges (RFC 5737: 192.0.2.0/24,
198.51.100.0/24, 203.0.113.0/24; RFC 3849: 2001:db8::/32).

Python 3 standard library only.
"""

import ipaddress
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# ------------------------------------------------------------------ pcap
#
# Classic libpcap format: a 24-byte file header, then per frame a 16-byte
# record header (seconds, microseconds, captured length, original length).
# A frame cut by a short snaplen has captured length < original length and
# only the captured bytes in the file.

PCAP_MAGIC = 0xA1B2C3D4          # microsecond timestamps
PCAP_SNAPLEN = 262144
LINKTYPE_ETHERNET = 1


def write_pcap(path, frames):
    """frames: list of (time in microseconds since the epoch, frame bytes,
    snaplen or None)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0,
                            PCAP_SNAPLEN, LINKTYPE_ETHERNET))
        for time_us, frame, snaplen in frames:
            captured = frame if snaplen is None else frame[:snaplen]
            f.write(struct.pack("<IIII", time_us // 1000000,
                                time_us % 1000000, len(captured), len(frame)))
            f.write(captured)


# ------------------------------------------------------------- checksums

def internet_checksum(data):
    """The 16-bit one's complement of the one's complement sum (RFC 1071),
    used by IPv4, ICMP, ICMPv6 and TCP (RFC 9293, 3.1)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def pseudo_header(src, dst, protocol, length):
    """What TCP and ICMPv6 checksums cover besides their own bytes:
    RFC 9293, 3.1 (IPv4) and RFC 8200, 8.1 (IPv6)."""
    if src.version == 4:
        return struct.pack("!4s4sBBH", src.packed, dst.packed, 0, protocol,
                           length)
    return struct.pack("!16s16sI3xB", src.packed, dst.packed, length,
                       protocol)


def with_checksum(data, offset, checksum):
    """data with the 16-bit field at offset replaced by checksum."""
    return data[:offset] + struct.pack("!H", checksum) + data[offset + 2:]


# ------------------------------------------------------------- ethernet

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86DD
ETHERTYPE_VLAN = 0x8100          # IEEE 802.1Q tag
ETHERNET_MIN_FRAME = 60          # without the 4-byte FCS


def mac(text):
    return bytes(int(part, 16) for part in text.split(":"))


def ethernet_frame(src_mac, dst_mac, ethertype, payload, vlan_id=None,
                   pad=False):
    header = mac(dst_mac) + mac(src_mac)
    minimum = ETHERNET_MIN_FRAME
    if vlan_id is not None:
        # Tag control information: priority 0, DEI 0, VLAN ID.
        header += struct.pack("!HH", ETHERTYPE_VLAN, vlan_id)
        minimum += 4
    frame = header + struct.pack("!H", ethertype) + payload
    if pad and len(frame) < minimum:
        frame += b"\0" * (minimum - len(frame))
    return frame


# ------------------------------------------------------------- IP layer

PROTO_ICMP = 1
PROTO_TCP = 6
PROTO_ICMPV6 = 58


def ipv4_packet(src, dst, protocol, payload, ident, ttl, dont_fragment=True):
    flags = 0x4000 if dont_fragment else 0
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                         flags, ttl, protocol, 0, src.packed, dst.packed)
    return with_checksum(header, 10, internet_checksum(header)) + payload


def ipv6_packet(src, dst, next_header, payload, hop_limit, flow_label=0):
    first_word = (6 << 28) | flow_label          # version 6, traffic class 0
    return struct.pack("!IHBB16s16s", first_word, len(payload), next_header,
                       hop_limit, src.packed, dst.packed) + payload


def ip_packet(src, dst, protocol, payload, ident, ttl, flow_label):
    if src.version == 4:
        return ipv4_packet(src, dst, protocol, payload, ident, ttl)
    return ipv6_packet(src, dst, protocol, payload, ttl, flow_label)


# ------------------------------------------------------------ TCP layer

FIN = 0x01
SYN = 0x02
RST = 0x04
PSH = 0x08
ACK = 0x10
URG = 0x20
ECE = 0x40
CWR = 0x80
AE = 0x100           # RFC 9768: the bit after the data offset, once NS


def option_mss(mss):
    return struct.pack("!BBH", 2, 4, mss)


OPTION_NOP = b"\x01"
OPTION_SACK_PERMITTED = b"\x04\x02"


def option_timestamps(tsval, tsecr):
    return struct.pack("!BBII", 8, 10, tsval, tsecr)


def option_window_scale(shift):
    return struct.pack("!BBB", 3, 3, shift)


def option_fast_open(cookie=b""):
    """TCP Fast Open option, kind 34 (RFC 7413, 4.1.1): with a cookie, or
    without one (length 2) to ask the server for a cookie; padded with two
    NOPs in front to a whole 32-bit word."""
    return OPTION_NOP + OPTION_NOP + struct.pack("!BB", 34, 2 + len(cookie)) + \
        cookie


TFO_COOKIE = bytes.fromhex("5c2a91e07b3d48f6")    # 8 bytes, the server's


def linux_syn_options(mss, tsval, tsecr, window_shift):
    """The 20 option bytes Linux puts on SYN and SYN-ACK, in its order:
    MSS, SACK permitted, timestamps, NOP, window scale."""
    return (option_mss(mss) + OPTION_SACK_PERMITTED +
            option_timestamps(tsval, tsecr) + OPTION_NOP +
            option_window_scale(window_shift))


def linux_data_options(tsval, tsecr):
    """Every later segment carries only the timestamps, aligned with two
    NOPs (RFC 7323, appendix A)."""
    return OPTION_NOP + OPTION_NOP + option_timestamps(tsval, tsecr)


def no_timestamps_syn_options(mss, window_shift):
    """The 12 option bytes of a stack that does not use timestamps (Windows'
    order): MSS, NOP, window scale, NOP, NOP, SACK permitted.  Its later
    segments carry no options: a 20-byte TCP header."""
    return (option_mss(mss) + OPTION_NOP + option_window_scale(window_shift) +
            OPTION_NOP + OPTION_NOP + OPTION_SACK_PERMITTED)


def tcp_segment(src, dst, sport, dport, seq, ack, flags, window,
                options=b"", payload=b"", urgent=0):
    """A TCP header plus payload with a correct checksum (RFC 9293, 3.1)."""
    assert len(options) % 4 == 0, "options must fill whole 32-bit words"
    data_offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack,
                         (data_offset << 4) | (flags >> 8), flags & 0xFF,
                         window, 0, urgent) + options
    segment = header + payload
    checksum = internet_checksum(
        pseudo_header(src, dst, PROTO_TCP, len(segment)) + segment)
    return with_checksum(segment, 16, checksum)


def seq_add(seq, n):
    """Sequence numbers wrap at 2^32 (RFC 9293, 3.4)."""
    return (seq + n) % 2**32


def seq_after(a, b):
    return a != b and (a - b) % 2**32 < 2**31


# ------------------------------------------------------ the trace model

# Times are integers in microseconds, so that the output never depends on
# floating-point rounding.
RTT = 31420           # client <-> server round trip
TURN = 85             # a host answering at once (kernel ACK, quick reply)
SERVER_WORK = 1870    # the server application preparing a reply
START = 1710410400 * 1000000    # 2024-03-14 10:00:00 UTC

CLIENT_MAC = "00:1b:21:3a:4f:5c"       # an Intel NIC
ROUTER_MAC = "00:0d:b9:4a:10:01"       # the LAN's router


class Trace:
    """The frames of one capture file with their capture times."""

    def __init__(self, start=START):
        self.time = start
        self.frames = []

    def wait(self, microseconds):
        self.time += microseconds

    def add(self, frame, snaplen=None):
        """snaplen: keep only the first snaplen bytes in the file (the
        record header still gives the frame's full length)."""
        self.frames.append((self.time, frame, snaplen))

    def write(self, name):
        write_pcap(os.path.join(HERE, name), self.frames)


class Peer:
    """One end of a TCP connection and what it needs to fill in headers.

    snd_nxt and rcv_nxt are the RFC 9293 (3.3.1) variables SND.NXT and
    RCV.NXT; ts_recent is the last timestamp received (RFC 7323, 4.3).
    """

    def __init__(self, mac_address, ip, port, isn, ts_offset, ttl, ip_id,
                 window, syn_window, mss=1460, window_shift=7, flow_label=0,
                 timestamps=True):
        self.mac = mac_address
        self.ip = ipaddress.ip_address(ip)
        self.port = port
        self.isn = isn
        self.snd_nxt = isn
        self.rcv_nxt = 0
        self.ts_offset = ts_offset     # TSval at the start of the trace
        self.ts_recent = 0
        self.ttl = ttl                 # as seen at the capture point
        self.ip_id = ip_id
        self.window = window           # window field after the handshake
        self.syn_window = syn_window   # never scaled (RFC 7323, 2.2)
        self.mss = mss
        self.window_shift = window_shift
        self.flow_label = flow_label
        self.timestamps = timestamps   # False: no TS option, see below


def client_peer(port, isn, ts_offset, ip="192.0.2.10", **extra):
    """A Linux client: 64240 = 44 * 1460 in the SYN, then 502 << 7."""
    return Peer(CLIENT_MAC, ip, port, isn, ts_offset, ttl=64, ip_id=0x3a1c,
                window=502, syn_window=64240, **extra)


def server_peer(port, isn, ts_offset, ip="198.51.100.20", **extra):
    """A Linux server nine hops away: TTL 64 arrives as 55."""
    return Peer(ROUTER_MAC, ip, port, isn, ts_offset, ttl=55, ip_id=0x0000,
                window=509, syn_window=65160, **extra)


class Connection:
    """Builds the frames of one TCP connection into a trace.

    send() fills in what a real stack would put in a segment (sequence and
    acknowledgment numbers, window, options) from the peers' state, and
    updates that state as if the segment had arrived; every field can be
    overridden to make an anomaly.
    """

    def __init__(self, trace, client, server, vlan_id=None):
        self.trace = trace
        self.client = client
        self.server = server
        self.vlan_id = vlan_id

    def other(self, peer):
        return self.server if peer is self.client else self.client

    def tsval(self, peer):
        """Linux timestamps tick once per millisecond."""
        return (peer.ts_offset + (self.trace.time - START) // 1000) % 2**32

    def default_options(self, sender, flags):
        # TSecr is only meaningful when ACK is set (RFC 7323, 3.2).
        tsecr = sender.ts_recent if flags & ACK else 0
        if not sender.timestamps:
            if flags & SYN:
                return no_timestamps_syn_options(sender.mss,
                                                 sender.window_shift)
            return b""
        if flags & SYN:
            return linux_syn_options(sender.mss, self.tsval(sender), tsecr,
                                     sender.window_shift)
        return linux_data_options(self.tsval(sender), tsecr)

    def send(self, sender, flags, payload=b"", seq=None, ack=None,
             window=None, options=None, delivered=True, captured=True,
             snaplen=None, urgent=0):
        """Add one segment from sender to the trace; returns its IP packet.

        delivered=False: the segment is lost (or still in flight), the
        receiver's state does not change.  captured=False: the segment
        happened before the capture started; only the state changes.
        snaplen: the capture kept only that many bytes of the frame.
        """
        receiver = self.other(sender)
        if seq is None:
            seq = sender.snd_nxt
        if ack is None:
            ack = sender.rcv_nxt if flags & ACK else 0
        if window is None:
            window = sender.syn_window if flags & SYN else sender.window
        if options is None:
            options = self.default_options(sender, flags)

        segment = tcp_segment(sender.ip, receiver.ip, sender.port,
                              receiver.port, seq, ack, flags, window,
                              options, payload, urgent)
        packet = ip_packet(sender.ip, receiver.ip, PROTO_TCP, segment,
                           sender.ip_id, sender.ttl, sender.flow_label)
        sender.ip_id = (sender.ip_id + 1) % 2**16
        if captured:
            self.add_frame(sender, receiver, packet, snaplen)

        # SYN and FIN each occupy one sequence number (RFC 9293, 3.4).
        length = len(payload) + (1 if flags & SYN else 0) + \
            (1 if flags & FIN else 0)
        end = seq_add(seq, length)
        if seq_after(end, sender.snd_nxt):
            sender.snd_nxt = end
        if delivered and not flags & RST:
            if length:
                receiver.rcv_nxt = end
            if options:             # all our option sets carry TSval
                receiver.ts_recent = self.tsval(sender)
        return packet

    def frame(self, sender, packet):
        """The Ethernet frame of one of this connection's IP packets."""
        receiver = self.other(sender)
        ethertype = ETHERTYPE_IPV4 if sender.ip.version == 4 \
            else ETHERTYPE_IPV6
        # Only frames that came over the wire are padded (see top).
        return ethernet_frame(sender.mac, receiver.mac, ethertype, packet,
                              self.vlan_id, pad=sender is not self.client)

    def add_frame(self, sender, receiver, packet, snaplen=None):
        self.trace.add(self.frame(sender, packet), snaplen)


# -------------------------------------------------------- ICMP errors

def icmp_unreachable(router_ip, client, quoted, code, ident,
                     next_hop_mtu=0):
    """ICMP destination unreachable (RFC 792) from a router to the client,
    quoting the offending IPv4 packet.  RFC 792 asks for the IP header and
    the first 8 data bytes; like most routers today (RFC 1812, 4.3.2.3) we
    quote more: the whole SYN, so Wireshark can show the full TCP header.
    next_hop_mtu: for code 4, fragmentation needed (RFC 1191, 4)."""
    router = ipaddress.ip_address(router_ip)
    message = struct.pack("!BBHHH", 3, code, 0, 0, next_hop_mtu) + quoted
    message = with_checksum(message, 2, internet_checksum(message))
    packet = ipv4_packet(router, client.ip, PROTO_ICMP, message, ident,
                         ttl=255, dont_fragment=False)
    return ethernet_frame(ROUTER_MAC, client.mac, ETHERTYPE_IPV4, packet,
                          pad=True)


def icmpv6_unreachable(router_ip, client, quoted, code):
    """ICMPv6 destination unreachable (RFC 4443, 3.1): quotes as much of the
    offending packet as fits into 1280 bytes, here the whole SYN."""
    router = ipaddress.ip_address(router_ip)
    message = struct.pack("!BBHI", 1, code, 0, 0) + quoted
    checksum = internet_checksum(
        pseudo_header(router, client.ip, PROTO_ICMPV6, len(message)) +
        message)
    message = with_checksum(message, 2, checksum)
    packet = ipv6_packet(router, client.ip, PROTO_ICMPV6, message,
                         hop_limit=64)
    return ethernet_frame(ROUTER_MAC, client.mac, ETHERTYPE_IPV6, packet,
                          pad=True)


# ------------------------------------------------- common exchanges

REQUEST = (b"GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n"
           b"User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")
REPLY = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
         b"Content-Length: 46\r\nConnection: close\r\n\r\n"
         b"<html><body><p>Hello, world</p></body></html>\n")


def handshake(conn):
    """SYN, SYN-ACK, ACK (RFC 9293, 3.5, figure 6)."""
    conn.send(conn.client, SYN)
    conn.trace.wait(RTT)
    conn.send(conn.server, SYN | ACK)
    conn.trace.wait(TURN)
    conn.send(conn.client, ACK)


def request_reply(conn, request=REQUEST, reply=REPLY):
    """The client's request, the server's reply (which also acknowledges
    the request) and the client's ACK of the reply."""
    conn.trace.wait(120)
    conn.send(conn.client, PSH | ACK, request)
    conn.trace.wait(RTT + SERVER_WORK)
    conn.send(conn.server, PSH | ACK, reply)
    conn.trace.wait(TURN)
    conn.send(conn.client, ACK)


def answer_delay(conn, answering):
    """When the answer of `answering` shows up after the frame it answers,
    in a capture taken on the client: the client answers at once, the
    server's answer needs a round trip."""
    return RTT if answering is conn.server else TURN


def close_three_way(conn, first):
    """first sends FIN; the other side's FIN carries the ACK of it; first
    acknowledges: FIN-ACK, FIN-ACK, ACK (RFC 9293, 3.6)."""
    second = conn.other(first)
    conn.trace.wait(40000)
    conn.send(first, FIN | ACK)
    conn.trace.wait(answer_delay(conn, second))
    conn.send(second, FIN | ACK)
    conn.trace.wait(answer_delay(conn, first))
    conn.send(first, ACK)


def close_four_way(conn, first):
    """FIN-ACK, ACK, (pause), FIN-ACK, ACK: the second side acknowledges
    the FIN at once and closes a little later (RFC 9293, 3.6, figure 12)."""
    second = conn.other(first)
    conn.trace.wait(40000)
    conn.send(first, FIN | ACK)
    conn.trace.wait(answer_delay(conn, second))
    conn.send(second, ACK)
    conn.trace.wait(2300)
    conn.send(second, FIN | ACK)
    conn.trace.wait(answer_delay(conn, first))
    conn.send(first, ACK)


def fresh_connection(trace, client_port, client_isn, server_isn, vlan_id=None,
                     server_port=80):
    client = client_peer(client_port, client_isn, ts_offset=2849361027)
    server = server_peer(server_port, server_isn, ts_offset=1284022915)
    return Connection(trace, client, server, vlan_id)


# ----------------------------------------------------------- scenarios
#
# One function per file.  Each returns the Trace; main() writes it.

def syn_unanswered():
    """SYN and three retransmissions, never answered.  The retransmission
    timer starts at 1 s and doubles (RFC 6298, 2 and 5.5); a retransmitted
    SYN keeps its ISN (RFC 9293, 3.8.1) but Linux refreshes its TSval."""
    t = Trace()
    conn = fresh_connection(t, 51724, 0x6C2F91D3, 0)
    conn.send(conn.client, SYN, delivered=False)
    for backoff in (1000000, 2000000, 4000000):
        t.wait(backoff + 3200)          # timers fire a few ms late
        conn.send(conn.client, SYN, seq=conn.client.isn, delivered=False)
    return t


def syn_lost_once():
    """The first SYN is lost; the retransmission 1 s later succeeds."""
    t = Trace()
    conn = fresh_connection(t, 51730, 0x0B93E5A1, 0x7F41C20E)
    conn.send(conn.client, SYN, delivered=False)
    t.wait(1000000 + 3100)
    conn.send(conn.client, SYN, seq=conn.client.isn)
    t.wait(RTT)
    conn.send(conn.server, SYN | ACK)
    t.wait(TURN)
    conn.send(conn.client, ACK)
    request_reply(conn)
    close_three_way(conn, conn.client)
    return t


def synack_bad_ack():
    """The SYN-ACK acknowledges ISN+5 instead of ISN+1.  In SYN-SENT an
    unacceptable ACK is answered by <SEQ=SEG.ACK><CTL=RST>
    (RFC 9293, 3.10.7.3); Linux sends that reset without options."""
    t = Trace()
    conn = fresh_connection(t, 51736, 0x3D8A0C47, 0xA5E2197B)
    conn.send(conn.client, SYN)
    t.wait(RTT)
    bad_ack = seq_add(conn.client.isn, 5)
    conn.send(conn.server, SYN | ACK, ack=bad_ack)
    t.wait(TURN)
    conn.send(conn.client, RST, seq=bad_ack, ack=0, window=0, options=b"")
    return t


def handshake_bad_ack():
    """The third segment of the handshake acknowledges something the server
    never sent.  In SYN-RECEIVED the server answers with
    <SEQ=SEG.ACK><CTL=RST> (RFC 9293, 3.10.7.4, "fifth check the ACK")."""
    t = Trace()
    conn = fresh_connection(t, 51742, 0x51F0B8E2, 0xC8167D35)
    conn.send(conn.client, SYN)
    t.wait(RTT)
    conn.send(conn.server, SYN | ACK)
    t.wait(TURN)
    bad_ack = seq_add(conn.server.isn, 1 + 4000)
    conn.send(conn.client, ACK, ack=bad_ack)
    t.wait(RTT)
    conn.send(conn.server, RST, seq=bad_ack, ack=0, window=0, options=b"")
    return t


def simultaneous_open():
    """Both peers actively open at once (RFC 9293, 3.5, figure 8): the
    SYNs cross, each side answers the other's SYN with SYN-ACK and is
    ESTABLISHED when the other's SYN-ACK arrives.  No third ACK."""
    t = Trace()
    a = client_peer(5000, 0x2E7B4D19, ts_offset=3120998471)
    b = server_peer(6000, 0x94C0A6F2, ts_offset=702115388)
    conn = Connection(t, a, b)
    half_rtt = RTT // 2
    conn.send(a, SYN)                   # reaches B after B sent its SYN
    t.wait(half_rtt)
    conn.send(b, SYN)                   # crossed A's SYN on the way
    t.wait(TURN)
    # A's SYN-ACK is still in flight when B sends its own SYN-ACK, so it
    # does not change B's state yet (B echoes the TSval of A's SYN).
    conn.send(a, SYN | ACK, seq=a.isn, delivered=False)
    t.wait(half_rtt - TURN)
    conn.send(b, SYN | ACK, seq=b.isn)  # sent when A's SYN reached B
    request_reply(conn, b"ping from 192.0.2.10\n", b"pong from 198.51.100.20\n")
    close_three_way(conn, a)
    return t


def starts_at_synack():
    """The capture starts just after the client's SYN left."""
    t = Trace()
    conn = fresh_connection(t, 51748, 0xE03A5B7C, 0x1F6D8C24)
    conn.send(conn.client, SYN, captured=False)
    t.wait(RTT)
    conn.send(conn.server, SYN | ACK)
    t.wait(TURN)
    conn.send(conn.client, ACK)
    request_reply(conn)
    close_four_way(conn, conn.client)
    return t


def midstream():
    """The capture starts in the middle of a download: no handshake, and the
    first frame comes from the server (port 80), so a tool must guess the
    roles from the ports.  The server's sequence numbers wrap past 2^32
    during the trace (RFC 9293, 3.4)."""
    t = Trace()
    client = client_peer(49822, 0x7A0D3E55, ts_offset=4107228690)
    server = server_peer(80, 0xFFFFF9C0, ts_offset=998270001)
    conn = Connection(t, client, server)
    # State of the connection when the capture starts: everything before
    # has been sent and acknowledged, both peers have seen timestamps.
    client.snd_nxt, client.rcv_nxt = client.isn, server.isn
    server.rcv_nxt = client.isn
    client.ts_recent = server.ts_offset - 12
    server.ts_recent = client.ts_offset - 40

    body = (b"The quick brown fox jumps over the lazy dog. " * 70)[:2896]
    conn.send(server, ACK, body[:1448])
    t.wait(14)
    conn.send(server, PSH | ACK, body[1448:])
    t.wait(TURN)
    conn.send(client, ACK)              # one ACK for two full segments
    t.wait(500000)                      # the user reads, clicks again
    conn.send(client, PSH | ACK,
              b"GET /page2.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n")
    t.wait(RTT + SERVER_WORK)
    conn.send(server, PSH | ACK, REPLY)
    t.wait(TURN)
    conn.send(client, ACK)
    close_three_way(conn, conn.client)
    return t


def syn_icmp_rejected():
    """A firewall router rejects the SYN with ICMP destination unreachable,
    code 13 (communication administratively prohibited, RFC 1812).  This
    client treats the error as a soft error (RFC 5461, RFC 1122 4.2.3.9)
    and retransmits the SYN once; the router rejects it again.  (Linux
    itself would give up at the first such ICMP error.)"""
    t = Trace()
    conn = fresh_connection(t, 51754, 0x8B15F0A9, 0)
    router = "203.0.113.1"
    syn = conn.send(conn.client, SYN, delivered=False)
    t.wait(1320)                        # the router is one hop away
    t.add(icmp_unreachable(router, conn.client, syn, 13, ident=0x61D2))
    t.wait(1000000 + 2800)
    syn = conn.send(conn.client, SYN, seq=conn.client.isn, delivered=False)
    t.wait(1290)
    t.add(icmp_unreachable(router, conn.client, syn, 13, ident=0x61D3))
    return t


def icmpv6_error():
    """The same over IPv6: ICMPv6 destination unreachable, code 1
    (communication administratively prohibited, RFC 4443 3.1)."""
    t = Trace()
    client = client_peer(51760, 0x4C9E27D0, ts_offset=1938720455,
                         ip="2001:db8:a::10", mss=1440, flow_label=0x3B2E7)
    server = server_peer(443, 0, ts_offset=0, ip="2001:db8:b::20", mss=1440)
    conn = Connection(t, client, server)
    router = "2001:db8:a::1"
    syn = conn.send(client, SYN, delivered=False)
    t.wait(1410)
    t.add(icmpv6_unreachable(router, client, syn, 1))
    t.wait(1000000 + 2600)
    syn = conn.send(client, SYN, seq=client.isn, delivered=False)
    t.wait(1370)
    t.add(icmpv6_unreachable(router, client, syn, 1))
    return t


def vlan():
    """A short complete connection; every frame carries an 802.1Q tag
    with VLAN ID 100 (as captured on the trunk interface)."""
    t = Trace()
    conn = fresh_connection(t, 51766, 0xD2476A1E, 0x35B9E083, vlan_id=100)
    handshake(conn)
    request_reply(conn)
    close_four_way(conn, conn.client)
    return t


def fin_retransmission():
    """The client's FIN gets no ACK and is retransmitted after the minimum
    retransmission timeout of 200 ms (Linux; RFC 6298 allows less than
    1 s); the same sequence number, so Wireshark marks it."""
    t = Trace()
    conn = fresh_connection(t, 51772, 0x19C47E08, 0x6A03D5BF)
    handshake(conn)
    request_reply(conn)
    t.wait(40000)
    fin_seq = conn.client.snd_nxt
    conn.send(conn.client, FIN | ACK, delivered=False)
    t.wait(200000 + 2900)
    conn.send(conn.client, FIN | ACK, seq=fin_seq)
    t.wait(RTT)
    conn.send(conn.server, ACK)
    t.wait(1800)
    conn.send(conn.server, FIN | ACK)
    t.wait(TURN)
    conn.send(conn.client, ACK)
    return t


def rst_after_data():
    """The server aborts after the exchange (RST with ACK, as Linux sends on
    close() with SO_LINGER 0).  Right after the reset arrived, the client
    sends one more segment (its write raced the RST); the server has no
    connection any more and answers with <SEQ=SEG.ACK><CTL=RST>
    (RFC 9293, 3.10.7.1)."""
    t = Trace()
    conn = fresh_connection(t, 51778, 0xA7F2093C, 0x4E6B1D58)
    handshake(conn)
    request_reply(conn)
    t.wait(8200)
    conn.send(conn.server, RST | ACK)
    t.wait(40)
    conn.send(conn.client, PSH | ACK,
              b"GET /favicon.ico HTTP/1.1\r\nHost: www.example.com\r\n\r\n")
    t.wait(RTT)
    ack_of_data = conn.client.rcv_nxt   # SEG.ACK of the client's segment
    conn.send(conn.server, RST, seq=ack_of_data, ack=0, window=0,
              options=b"")
    return t


def data_before_handshake():
    """An anomaly: after its SYN the client sends data before the server's
    SYN-ACK appears in the capture (as in a trace whose frames were
    reordered, or from a broken stack).  The data already acknowledges the
    server's ISN+1; then the SYN-ACK and the client's handshake ACK
    follow, the server answers the data and the client closes."""
    t = Trace()
    conn = fresh_connection(t, 51784, 0x62B8C5E7, 0xF0D4A931)
    conn.send(conn.client, SYN)
    conn.client.rcv_nxt = seq_add(conn.server.isn, 1)  # the anomaly
    t.wait(350)
    conn.send(conn.client, PSH | ACK, REQUEST)
    t.wait(RTT - 350)
    conn.send(conn.server, SYN | ACK, seq=conn.server.isn,
              ack=seq_add(conn.client.isn, 1))
    t.wait(TURN)
    conn.send(conn.client, ACK)
    t.wait(SERVER_WORK)
    conn.send(conn.server, PSH | ACK, REPLY)
    t.wait(TURN)
    conn.send(conn.client, ACK)
    close_three_way(conn, conn.client)
    return t


def port_reuse():
    """Two connections on the same 4-tuple.  The server closed the first
    one, so it holds TIME-WAIT; it accepts the new SYN because its
    timestamp is newer (RFC 6191).  The second ISN is larger, as Linux's
    clock-driven ISNs (RFC 6528) are for the same 4-tuple; the timestamp
    clocks just go on."""
    t = Trace()
    client = client_peer(51790, 0x2C84F1B6, ts_offset=3556021940)
    server = server_peer(80, 0x8E5D2073, ts_offset=1811249062)
    first = Connection(t, client, server)
    handshake(first)
    request_reply(first)
    close_three_way(first, server)

    t.wait(2000000)
    client.isn = client.snd_nxt = seq_add(client.isn, 0x01FC3A9D)
    server.isn = server.snd_nxt = 0x17A6CB40
    second = Connection(t, client, server)
    handshake(second)
    request_reply(second)
    close_three_way(second, server)
    return t


# ------------------------------------------------------ odd inputs
#
# Inputs at the edges of what a capture can hold, each with a defined
# result (captures/README.md, "Odd inputs").

PROTO_UDP = 17
ETHERTYPE_ARP = 0x0806
GTPU_PORT = 2152    # 3GPP TS 29.281; Wireshark also decodes GTP over TCP


def udp_datagram(src, dst, sport, dport, payload):
    """A UDP header plus payload with a correct checksum (RFC 768)."""
    length = 8 + len(payload)
    datagram = struct.pack("!HHHH", sport, dport, length, 0) + payload
    checksum = internet_checksum(
        pseudo_header(src, dst, PROTO_UDP, length) + datagram) or 0xFFFF
    return with_checksum(datagram, 6, checksum)


def arp_packet(op, sender_mac, sender_ip, target_mac, target_ip):
    """ARP for IPv4 over Ethernet (RFC 826); op 1 = request, 2 = reply."""
    return struct.pack("!HHBBH6s4s6s4s", 1, ETHERTYPE_IPV4, 6, 4, op,
                       mac(sender_mac), ipaddress.ip_address(sender_ip).packed,
                       mac(target_mac), ipaddress.ip_address(target_ip).packed)


def icmp_echo(kind, ident, sequence, data):
    """ICMP echo request (8) or reply (0) (RFC 792)."""
    message = struct.pack("!BBHHH", kind, 0, 0, ident, sequence) + data
    return with_checksum(message, 2, internet_checksum(message))


def gtpu_tpdu(teid, packet):
    """A GTP-U T-PDU (3GPP TS 29.281, 5.1): version 1, protocol type GTP,
    no optional fields, message type 255, length of what follows the
    8-byte header, the tunnel endpoint identifier, then the user's IP
    packet."""
    return struct.pack("!BBHI", 0x30, 0xFF, len(packet), teid) + packet


def odd_truncated():
    """A short connection captured with a small snaplen on some frames
    (the record header keeps the frame's full length).  The peers do not
    use TCP timestamps, so data segments have a 20-byte TCP header and
    a cut at 54 bytes leaves exactly Ethernet + IP + TCP header.
    Cut frames: the SYN at 40 bytes (6 bytes of TCP: the ports and half
    the sequence number), the request at 54 (the header, no payload), the
    reply at 60 (the header and 6 payload bytes), the server's ACK of the
    FIN at 54 (only its Ethernet padding is cut) and the last ACK at 40."""
    t = Trace()
    client = client_peer(51802, 0x5A17C3E9, ts_offset=0, timestamps=False)
    server = server_peer(80, 0x0C6D4B82, ts_offset=0, timestamps=False)
    conn = Connection(t, client, server)
    conn.send(client, SYN, snaplen=40)
    t.wait(RTT)
    conn.send(server, SYN | ACK)
    t.wait(TURN)
    conn.send(client, ACK)
    t.wait(120)
    conn.send(client, PSH | ACK, REQUEST, snaplen=54)
    t.wait(RTT + SERVER_WORK)
    conn.send(server, PSH | ACK, REPLY, snaplen=60)
    t.wait(TURN)
    conn.send(client, ACK)
    t.wait(40000)
    conn.send(client, FIN | ACK)
    t.wait(RTT)
    conn.send(server, ACK, snaplen=54)
    t.wait(2300)
    conn.send(server, FIN | ACK)
    t.wait(TURN)
    conn.send(client, ACK, snaplen=40)
    return t


def odd_lengths():
    """Zero-length segments of every kind, a jumbo segment and a segment
    whose IP total length claims more than the frame holds.

    Both hosts sit on a jumbo-frame LAN (MTU 9000, MSS 8960).  Zero-length
    segments: SYN, SYN-ACK, the handshake ACK, a PSH-ACK without data, a
    window update, a keep-alive (seq = SND.NXT - 1, RFC 9293 3.8.4) and
    its ACK, FINs and ACKs.  The server's reply is one 8948-byte segment
    (IP total length 9000, a 9014-byte Ethernet frame, all in the file);
    after the keep-alive the server sends one more segment (1448 bytes, IP
    total length 1500) that reaches the file as a 214-byte frame with
    captured length = frame length: the IP header still says 1500 (a
    capture device that cut the frame without saying so).  Its TCP
    checksum is the sender's, over all 1448 bytes."""
    t = Trace()
    client = client_peer(51806, 0x3E0B9D71, ts_offset=2849361027, mss=8960)
    server = server_peer(80, 0xB4C81F06, ts_offset=1284022915, mss=8960)
    conn = Connection(t, client, server)
    handshake(conn)
    t.wait(90)
    conn.send(client, PSH | ACK)                     # PSH without data
    t.wait(30)
    conn.send(client, PSH | ACK, REQUEST)
    t.wait(RTT + SERVER_WORK)
    body = (b"0123456789abcdef" * 700)
    conn.send(server, PSH | ACK, body[:8948])    # jumbo: IP total length 9000
    t.wait(TURN)
    conn.send(client, ACK)
    t.wait(52000)
    conn.send(client, ACK, window=client.window + 70)   # window update
    t.wait(7200000)                                  # idle: TCP_KEEPIDLE=7 s
    conn.send(client, ACK, seq=seq_add(client.snd_nxt, -1))   # keep-alive
    t.wait(RTT)
    conn.send(server, ACK)                           # keep-alive ACK
    t.wait(300000)
    packet = conn.send(server, PSH | ACK, body[8948:8948 + 1448],
                       captured=False)           # IP total length 1500
    t.add(conn.frame(server, packet[:200]))      # 14 + 200 bytes in the frame
    t.wait(TURN)
    conn.send(client, ACK)
    close_four_way(conn, conn.client)
    return t


def odd_flags():
    """Flag combinations a normal stack never sends, each in a stream of
    its own (client ports 40001-40005), so that their verdicts are
    independent.  Port 80 is an open Linux server, port 23 a closed one.

    SYN+FIN to the open port: Linux drops it (tcp_rcv_state_process:
    a SYN with FIN in LISTEN is discarded), no answer.
    SYN+RST to the open port: a RST in LISTEN is ignored (RFC 9293,
    3.10.7.2), no answer.
    RST with data: a complete handshake and a request; the server resets
    with 41 bytes of diagnostic text in the RST (RFC 9293, 3.5.3; RFC 1122,
    4.2.2.12).
    No flags at all (a null scan) to the closed port: answered by RST-ACK
    (RFC 9293, 3.10.7.1; Linux sets ACK, seq 0, ack = SEG.SEQ).
    FIN+PSH+URG (an Xmas scan) to the closed port: answered by RST-ACK,
    ack = SEG.SEQ + 1 for the FIN."""
    t = Trace()

    def scanner(port, isn, server_port):
        client = client_peer(port, isn, ts_offset=0)
        server = server_peer(server_port, 0, ts_offset=0)
        return Connection(t, client, server)

    syn_fin = scanner(40001, 0x1D2E3F40, 80)
    syn_fin.send(syn_fin.client, SYN | FIN, window=1024, options=b"",
                 delivered=False)
    t.wait(250000)

    syn_rst = scanner(40002, 0x2A3B4C5D, 80)
    syn_rst.send(syn_rst.client, SYN | RST, window=1024, options=b"",
                 delivered=False)
    t.wait(250000)

    rst_data = fresh_connection(t, 40003, 0x6F1E2D3C, 0x4B5A6978)
    handshake(rst_data)
    t.wait(120)
    rst_data.send(rst_data.client, PSH | ACK, REQUEST)
    t.wait(RTT)
    rst_data.send(rst_data.server, RST | ACK,
                  b"diagnostic: request refused by policy 7\r\n",
                  options=b"")
    t.wait(250000)

    null = scanner(40004, 0x33445566, 23)
    null.send(null.client, 0, window=1024, options=b"")
    t.wait(RTT)
    null.send(null.server, RST | ACK, seq=0, ack=null.client.isn, window=0,
              options=b"")
    t.wait(250000)

    xmas = scanner(40005, 0x778899AA, 23)
    xmas.send(xmas.client, FIN | PSH | URG, window=1024, options=b"",
              urgent=0)
    t.wait(RTT)
    xmas.send(xmas.server, RST | ACK, seq=0,
              ack=seq_add(xmas.client.isn, 1), window=0, options=b"")
    return t


def odd_seq_wrap():
    """Sequence numbers at the top of the space: the client's ISN is
    0xFFFFFFFF, so its SYN-ACK acknowledges 0 and its data starts at 0;
    the server's ISN is 0xFFFFFFFE, so its first data byte is 0xFFFFFFFF
    and its reply crosses 2^32 (RFC 9293, 3.4: all arithmetic mod 2^32)."""
    t = Trace()
    conn = fresh_connection(t, 51812, 0xFFFFFFFF, 0xFFFFFFFE)
    handshake(conn)
    request_reply(conn)
    close_four_way(conn, conn.client)
    return t


def duplicated(trace, gap=4):
    """Every frame of trace twice, the copy `gap` microseconds later."""
    out = Trace()
    for time_us, frame, snaplen in trace.frames:
        out.frames.append((time_us, frame, snaplen))
        out.frames.append((time_us + gap, frame, snaplen))
    return out


def odd_duplicates():
    """A complete connection captured twice, as on two interfaces of the
    same host or through a mirror port that copies both directions: every
    frame appears twice with identical bytes, the copy 4 µs later."""
    t = Trace()
    conn = fresh_connection(t, 51818, 0x47D2A0B5, 0x9C31E6F8)
    handshake(conn)
    request_reply(conn)
    close_four_way(conn, conn.client)
    return duplicated(t)


def odd_time_order():
    """A complete connection whose frames are in the file in the order
    they were seen, but whose timestamps go backwards twice: the capture
    host's clock was stepped back 50 ms right after the SYN (an NTP step),
    and the client's ACK of the reply was stamped 1 ms before the reply
    (timestamps taken on another CPU)."""
    t = Trace()
    conn = fresh_connection(t, 51824, 0x81F3C20D, 0x2B9E7A64)
    handshake(conn)
    request_reply(conn)
    close_four_way(conn, conn.client)
    frames = []
    for i, (time_us, frame, snaplen) in enumerate(t.frames):
        if i >= 1:
            time_us -= 50000                 # the clock step
        if i == 5:
            time_us = frames[4][0] - 1000    # ACK stamped before the reply
        frames.append((time_us, frame, snaplen))
    t.frames = frames
    return t


def odd_two_tcp_layers():
    """TCP inside TCP: a GTP-U tunnel carried over TCP port 2152 (Wireshark
    decodes GTP over TCP on its ports by default, preference
    gtp.dissect_gtp_over_tcp, and a T-PDU's IP packet with its heuristic).
    The outer connection 192.0.2.10:52000 -> 198.51.100.20:2152 opens and
    stays open; each of its data segments carries one T-PDU with one
    segment of the inner connection 10.45.0.2:40112 -> 203.0.113.80:80
    (uplink from the client side, downlink from the server side): inner
    handshake, request, reply, four-segment close.  The capture ends with
    the tunnel still up."""
    t = Trace()
    outer = fresh_connection(t, 52000, 0x0E5F7A91, 0x6D20B4C3,
                             server_port=GTPU_PORT)
    ue = client_peer(40112, 0xC1A5E370, ts_offset=77120453, ip="10.45.0.2",
                     mss=1380)
    web = server_peer(80, 0x5F08D2B6, ts_offset=3390102877,
                      ip="203.0.113.80", mss=1380)
    inner = Connection(t, ue, web)
    uplink, downlink = 0x00000A01, 0x0000B702    # TEIDs

    def tunnel(sender, flags, payload=b""):
        """One inner segment, in one outer segment from the tunnel end on
        its side."""
        packet = inner.send(sender, flags, payload, captured=False)
        if sender is ue:
            outer.send(outer.client, PSH | ACK, gtpu_tpdu(uplink, packet))
        else:
            outer.send(outer.server, PSH | ACK, gtpu_tpdu(downlink, packet))

    handshake(outer)
    t.wait(5000)
    tunnel(ue, SYN)
    t.wait(RTT + 900)
    tunnel(web, SYN | ACK)
    t.wait(TURN)
    tunnel(ue, ACK)
    t.wait(120)
    tunnel(ue, PSH | ACK, REQUEST)
    t.wait(RTT + 900 + SERVER_WORK)
    tunnel(web, PSH | ACK, REPLY)
    t.wait(TURN)
    tunnel(ue, ACK)
    t.wait(40000)
    tunnel(ue, FIN | ACK)
    t.wait(RTT + 900)
    tunnel(web, FIN | ACK)
    t.wait(TURN)
    tunnel(ue, ACK)
    return t


def odd_non_tcp():
    """No TCP at all: ARP for the router, a DNS query and answer over UDP,
    a ping and its reply, and an ICMP port unreachable quoting a UDP
    datagram."""
    t = Trace()
    client_ip = ipaddress.ip_address("192.0.2.10")
    gateway = "192.0.2.1"
    resolver = ipaddress.ip_address("192.0.2.53")
    server_ip = ipaddress.ip_address("198.51.100.20")
    router = ipaddress.ip_address("203.0.113.1")

    t.add(ethernet_frame(CLIENT_MAC, "ff:ff:ff:ff:ff:ff", ETHERTYPE_ARP,
                         arp_packet(1, CLIENT_MAC, "192.0.2.10",
                                    "00:00:00:00:00:00", gateway)))
    t.wait(410)
    t.add(ethernet_frame(ROUTER_MAC, CLIENT_MAC, ETHERTYPE_ARP,
                         arp_packet(2, ROUTER_MAC, gateway, CLIENT_MAC,
                                    "192.0.2.10"), pad=True))
    t.wait(150)
    question = (b"\x03www\x07example\x03com\x00" + struct.pack("!HH", 1, 1))
    query = struct.pack("!HHHHHH", 0x5C3A, 0x0100, 1, 0, 0, 0) + question
    t.add(ethernet_frame(CLIENT_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4_packet(
        client_ip, resolver, PROTO_UDP,
        udp_datagram(client_ip, resolver, 53211, 53, query),
        ident=0x3a1c, ttl=64)))
    t.wait(2100)
    answer = (struct.pack("!HHHHHH", 0x5C3A, 0x8180, 1, 1, 0, 0) + question +
              b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 3600, 4) +
              server_ip.packed)
    t.add(ethernet_frame(ROUTER_MAC, CLIENT_MAC, ETHERTYPE_IPV4, ipv4_packet(
        resolver, client_ip, PROTO_UDP,
        udp_datagram(resolver, client_ip, 53, 53211, answer),
        ident=0x91b0, ttl=63)))
    t.wait(300)
    data = bytes(range(0x10, 0x40))
    t.add(ethernet_frame(CLIENT_MAC, ROUTER_MAC, ETHERTYPE_IPV4, ipv4_packet(
        client_ip, server_ip, PROTO_ICMP, icmp_echo(8, 0x1F2E, 1, data),
        ident=0x3a1d, ttl=64)))
    t.wait(RTT)
    t.add(ethernet_frame(ROUTER_MAC, CLIENT_MAC, ETHERTYPE_IPV4, ipv4_packet(
        server_ip, client_ip, PROTO_ICMP, icmp_echo(0, 0x1F2E, 1, data),
        ident=0x0000, ttl=55)))
    t.wait(1000000)
    probe = ipv4_packet(client_ip, server_ip, PROTO_UDP,
                        udp_datagram(client_ip, server_ip, 51999, 33434,
                                     b"\0" * 32),
                        ident=0x3a1e, ttl=64)
    t.add(ethernet_frame(CLIENT_MAC, ROUTER_MAC, ETHERTYPE_IPV4, probe))
    t.wait(1320)
    client = client_peer(51999, 0, ts_offset=0)
    t.add(icmp_unreachable(str(router), client, probe, 3, ident=0x61D4))
    return t


def odd_icmp_midconnection():
    """An ICMP error in the middle of an established connection: the
    client's first request segment (1448 bytes, DF) does not fit the next
    hop (MTU 1400); the router drops it and answers with ICMP type 3 code
    4, fragmentation needed, next-hop MTU 1400 (RFC 1191), quoting the
    first 576 bytes of the datagram (RFC 1812, 4.3.2.3): IP header, the
    full TCP header, 524 bytes of data.  The client resends the same
    bytes in segments of 1348 (MSS for MTU 1400 with timestamps) and 100
    bytes; the server answers, the client closes."""
    t = Trace()
    conn = fresh_connection(t, 51830, 0x2F6B18D4, 0xA80C57E3)
    handshake(conn)
    t.wait(120)
    body = (b"POST /upload HTTP/1.1\r\nHost: www.example.com\r\n"
            b"Content-Length: 1369\r\n\r\n")
    body += (b"x" * (1448 - len(body)))
    first_seq = conn.client.snd_nxt
    packet = conn.send(conn.client, ACK, body, delivered=False)
    t.wait(610)
    t.add(icmp_unreachable("203.0.113.1", conn.client, packet[:576], 4,
                           ident=0x61D5, next_hop_mtu=1400))
    t.wait(40)
    conn.send(conn.client, ACK, body[:1348], seq=first_seq)
    conn.send(conn.client, PSH | ACK, body[1348:])
    t.wait(RTT + SERVER_WORK)
    conn.send(conn.server, PSH | ACK, REPLY)
    t.wait(TURN)
    conn.send(conn.client, ACK)
    close_four_way(conn, conn.client)
    return t


# --------------------------------------- Fast Open, split handshake, ECN

TFO_REQUEST = b"GET /tf HTTP/1.0\r\n\r\n"     # 20 bytes, fits in the SYN


def fast_open_syn(conn, cookie):
    """The options of the client's SYN: Linux's and a Fast Open option."""
    return conn.default_options(conn.client, SYN) + option_fast_open(cookie)


def tfo_accepted():
    """TCP Fast Open (RFC 7413, 4.2): the client's SYN carries its cookie
    and a 20-byte request; the server accepts both, so its SYN-ACK
    acknowledges the data too (ack = ISN + 1 + 20), and its reply follows."""
    t = Trace()
    conn = fresh_connection(t, 51790, 0x2B7C4E19, 0x8D15A3F6)
    conn.send(conn.client, SYN, TFO_REQUEST,
              options=fast_open_syn(conn, TFO_COOKIE))
    t.wait(RTT)
    conn.send(conn.server, SYN | ACK)
    t.wait(TURN)
    conn.send(conn.client, ACK)
    t.wait(SERVER_WORK)
    conn.send(conn.server, PSH | ACK, REPLY)
    t.wait(TURN)
    conn.send(conn.client, ACK)
    close_four_way(conn, conn.client)
    return t


def tfo_not_accepted():
    """The same SYN, but the server does not accept the data (its cookie
    is stale, RFC 7413 4.2): the SYN-ACK acknowledges only the SYN
    (ack = ISN + 1) and the client sends the 20 bytes again with its
    handshake ACK."""
    t = Trace()
    conn = fresh_connection(t, 51796, 0x6E09D2B4, 0x15C7F83A)
    client, server = conn.client, conn.server
    ts_of_syn = conn.tsval(client)
    conn.send(client, SYN, TFO_REQUEST,
              options=fast_open_syn(conn, TFO_COOKIE),
              delivered=False)
    server.rcv_nxt = seq_add(client.isn, 1)     # the SYN, not its data
    server.ts_recent = ts_of_syn
    t.wait(RTT)
    conn.send(server, SYN | ACK)
    t.wait(TURN)
    conn.send(client, PSH | ACK, TFO_REQUEST, seq=seq_add(client.isn, 1))
    t.wait(RTT + SERVER_WORK)
    conn.send(server, PSH | ACK, REPLY)
    t.wait(TURN)
    conn.send(client, ACK)
    close_four_way(conn, conn.client)
    return t


def tfo_cookie_request():
    """A first connection with Fast Open (RFC 7413, 4.1.1 and 4.2.1): the
    SYN carries an empty Fast Open option, a cookie request, and no data;
    the SYN-ACK brings the cookie for the next connection.  Not Fast Open
    itself."""
    t = Trace()
    conn = fresh_connection(t, 51802, 0x93AD5C27, 0x4F2B8E61)
    conn.send(conn.client, SYN, options=fast_open_syn(conn, b""))
    t.wait(RTT)
    options = conn.default_options(conn.server, SYN | ACK) + \
        option_fast_open(TFO_COOKIE)
    conn.send(conn.server, SYN | ACK, options=options)
    t.wait(TURN)
    conn.send(conn.client, ACK)
    request_reply(conn)
    close_four_way(conn, conn.client)
    return t


def split_handshake():
    """The "split handshake" (Beardsley and Qian, 2010): the server answers
    the client's SYN with a bare SYN of its own; the client, in SYN-SENT,
    takes it for a simultaneous open (RFC 9293, 3.5, figure 8) and answers
    with SYN-ACK, which the server acknowledges.  Then a request, a reply,
    and the server resets the connection."""
    t = Trace()
    conn = fresh_connection(t, 51808, 0x3E8A16C5, 0xB47D09E2)
    client, server = conn.client, conn.server
    conn.send(client, SYN, delivered=False)     # the server keeps no state
    t.wait(RTT)
    conn.send(server, SYN)
    t.wait(TURN)
    conn.send(client, SYN | ACK, seq=client.isn)
    t.wait(RTT)
    conn.send(server, ACK)
    request_reply(conn)
    t.wait(8200)
    conn.send(server, RST | ACK)
    return t


def accurate_ecn():
    """Accurate ECN (RFC 9768, 3.1.1): the SYN sets AE, CWR and ECE; the
    server supports AccECN and answers with the codepoint for a SYN that
    arrived Not-ECT (AE 0, CWR 1, ECE 0).  Later segments carry the ACE
    counter in AE, CWR, ECE: its initial value 5 (RFC 9768, 3.2.2.1:
    0 1 0 -> 1 0 1 after the SYN-ACK)."""
    t = Trace()
    conn = fresh_connection(t, 51814, 0x7C2F5E90, 0x0AD4B731)
    conn.send(conn.client, SYN | AE | CWR | ECE)
    t.wait(RTT)
    conn.send(conn.server, SYN | ACK | CWR)
    t.wait(TURN)
    conn.send(conn.client, ACK | AE | ECE)
    t.wait(120)
    conn.send(conn.client, PSH | ACK | AE | ECE, REQUEST)
    t.wait(RTT + SERVER_WORK)
    conn.send(conn.server, PSH | ACK | AE | ECE, REPLY)
    t.wait(TURN)
    conn.send(conn.client, ACK | AE | ECE)
    t.wait(40000)
    conn.send(conn.client, FIN | ACK | AE | ECE)
    t.wait(RTT)
    conn.send(conn.server, FIN | ACK | AE | ECE)
    t.wait(TURN)
    conn.send(conn.client, ACK | AE | ECE)
    return t


CRAFTED = [
    ("syn-unanswered.pcap", syn_unanswered),
    ("syn-lost-once.pcap", syn_lost_once),
    ("synack-bad-ack.pcap", synack_bad_ack),
    ("handshake-bad-ack.pcap", handshake_bad_ack),
    ("simultaneous-open.pcap", simultaneous_open),
    ("starts-at-synack.pcap", starts_at_synack),
    ("midstream.pcap", midstream),
    ("syn-icmp-rejected.pcap", syn_icmp_rejected),
    ("icmpv6-error.pcap", icmpv6_error),
    ("vlan.pcap", vlan),
    ("fin-retransmission.pcap", fin_retransmission),
    ("rst-after-data.pcap", rst_after_data),
    ("data-before-handshake.pcap", data_before_handshake),
    ("port-reuse.pcap", port_reuse),
    ("odd-truncated.pcap", odd_truncated),
    ("odd-lengths.pcap", odd_lengths),
    ("odd-flags.pcap", odd_flags),
    ("odd-seq-wrap.pcap", odd_seq_wrap),
    ("odd-duplicates.pcap", odd_duplicates),
    ("odd-time-order.pcap", odd_time_order),
    ("odd-two-tcp-layers.pcap", odd_two_tcp_layers),
    ("odd-non-tcp.pcap", odd_non_tcp),
    ("odd-icmp-midconnection.pcap", odd_icmp_midconnection),
    ("tfo-accepted.pcap", tfo_accepted),
    ("tfo-not-accepted.pcap", tfo_not_accepted),
    ("tfo-cookie-request.pcap", tfo_cookie_request),
    ("split-handshake.pcap", split_handshake),
    ("accurate-ecn.pcap", accurate_ecn),
]


def write_all(crafted):
    """Write each (file name, scenario) of crafted into captures/."""
    for name, scenario in crafted:
        scenario().write(name)
        print("wrote", os.path.join(HERE, name))


def main():
    write_all(CRAFTED)


if __name__ == "__main__":
    main()
