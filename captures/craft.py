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

PCAP_MAGIC = 0xA1B2C3D4          # microsecond timestamps
PCAP_SNAPLEN = 262144
LINKTYPE_ETHERNET = 1


def write_pcap(path, frames):
    """frames: list of (time in microseconds since the epoch, frame bytes)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0,
                            PCAP_SNAPLEN, LINKTYPE_ETHERNET))
        for time_us, frame in frames:
            f.write(struct.pack("<IIII", time_us // 1000000,
                                time_us % 1000000, len(frame), len(frame)))
            f.write(frame)


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


def option_mss(mss):
    return struct.pack("!BBH", 2, 4, mss)


OPTION_NOP = b"\x01"
OPTION_SACK_PERMITTED = b"\x04\x02"


def option_timestamps(tsval, tsecr):
    return struct.pack("!BBII", 8, 10, tsval, tsecr)


def option_window_scale(shift):
    return struct.pack("!BBB", 3, 3, shift)


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


def tcp_segment(src, dst, sport, dport, seq, ack, flags, window,
                options=b"", payload=b""):
    """A TCP header plus payload with a correct checksum (RFC 9293, 3.1)."""
    assert len(options) % 4 == 0, "options must fill whole 32-bit words"
    data_offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack,
                         data_offset << 4, flags, window, 0, 0) + options
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

    def add(self, frame):
        self.frames.append((self.time, frame))

    def write(self, name):
        write_pcap(os.path.join(HERE, name), self.frames)


class Peer:
    """One end of a TCP connection and what it needs to fill in headers.

    snd_nxt and rcv_nxt are the RFC 9293 (3.3.1) variables SND.NXT and
    RCV.NXT; ts_recent is the last timestamp received (RFC 7323, 4.3).
    """

    def __init__(self, mac_address, ip, port, isn, ts_offset, ttl, ip_id,
                 window, syn_window, mss=1460, window_shift=7, flow_label=0):
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
        if flags & SYN:
            return linux_syn_options(sender.mss, self.tsval(sender), tsecr,
                                     sender.window_shift)
        return linux_data_options(self.tsval(sender), tsecr)

    def send(self, sender, flags, payload=b"", seq=None, ack=None,
             window=None, options=None, delivered=True, captured=True):
        """Add one segment from sender to the trace; returns its IP packet.

        delivered=False: the segment is lost (or still in flight), the
        receiver's state does not change.  captured=False: the segment
        happened before the capture started; only the state changes.
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
                              options, payload)
        packet = ip_packet(sender.ip, receiver.ip, PROTO_TCP, segment,
                           sender.ip_id, sender.ttl, sender.flow_label)
        sender.ip_id = (sender.ip_id + 1) % 2**16
        if captured:
            self.add_frame(sender, receiver, packet)

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

    def add_frame(self, sender, receiver, packet):
        ethertype = ETHERTYPE_IPV4 if sender.ip.version == 4 \
            else ETHERTYPE_IPV6
        # Only frames that came over the wire are padded (see top).
        self.trace.add(ethernet_frame(sender.mac, receiver.mac, ethertype,
                                      packet, self.vlan_id,
                                      pad=sender is not self.client))


# -------------------------------------------------------- ICMP errors

def icmp_unreachable(router_ip, client, quoted, code, ident):
    """ICMP destination unreachable (RFC 792) from a router to the client,
    quoting the offending IPv4 packet.  RFC 792 asks for the IP header and
    the first 8 data bytes; like most routers today (RFC 1812, 4.3.2.3) we
    quote more: the whole SYN, so Wireshark can show the full TCP header."""
    router = ipaddress.ip_address(router_ip)
    message = struct.pack("!BBHI", 3, code, 0, 0) + quoted
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
]


def main():
    for name, scenario in CRAFTED:
        scenario().write(name)
        print("wrote", os.path.join(HERE, name))


if __name__ == "__main__":
    main()
