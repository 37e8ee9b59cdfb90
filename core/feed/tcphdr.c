/* tcphdr.c: read the fixed TCP header and the SYN options from captured bytes.
 *
 * The option walk follows Wireshark's tcp_dissect_options() and the option
 * dissectors of packet-tcp.c, so a header gives the same facts whether tcphs
 * reads it here or reads Wireshark's fields: an option counts only with the
 * length Wireshark checks for it, and a malformed option (length below 2 or
 * past the end of the header) ends the walk, keeping the options before it.
 * A header the snaplen cut is different: the options are then unknown as a
 * whole (tcpdump's "[|tcp]"), because what was cut may have been anything.
 */
#include "core/feed/tcphdr.h"

#include <string.h>

/* Option kinds (IANA "TCP Option Kind Numbers"). */
enum {
    OPT_EOL = 0,                /* RFC 9293, 3.1 */
    OPT_NOP = 1,                /* RFC 9293, 3.1 */
    OPT_MSS = 2,                /* RFC 9293, 3.7.1 */
    OPT_WSCALE = 3,             /* RFC 7323, 2.2 */
    OPT_SACK_PERM = 4,          /* RFC 2018, 2 */
    OPT_TIMESTAMPS = 8,         /* RFC 7323, 3.2 */
    OPT_TFO = 34,               /* RFC 7413, 4.1.1 */
    OPT_EXP_FD = 253,           /* RFC 6994: shared experimental options */
    OPT_EXP_FE = 254
};

/* RFC 7413, 4.1.1: before kind 34 was assigned, Fast Open used an
 * experimental option with this ExID (RFC 6994), and Linux still may. */
#define TFO_EXP_MAGIC 0xF989u

static uint16_t get_u16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static uint32_t get_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* One option of `optlen` bytes (kind and length included) at opt[0]. */
static void take_option(const uint8_t *opt, unsigned optlen, tcphs_segment *seg)
{
    switch (opt[0]) {
    case OPT_MSS:           /* kind, length 4, 16-bit MSS */
        if (optlen == 4) {
            seg->mss = get_u16(opt + 2);
            seg->have |= TCPHS_OPT_MSS;
        }
        break;
    case OPT_WSCALE:        /* kind, length 3, shift count (kept raw, as Wireshark shows it) */
        if (optlen == 3) {
            seg->wscale = opt[2];
            seg->have |= TCPHS_OPT_WSCALE;
        }
        break;
    case OPT_SACK_PERM:     /* Wireshark names the option whatever its length */
        seg->have |= TCPHS_OPT_SACK_PERM;
        break;
    case OPT_TIMESTAMPS:    /* kind, length 10, TSval, TSecr */
        if (optlen == 10)
            seg->have |= TCPHS_OPT_TIMESTAMPS;
        break;
    case OPT_TFO:           /* kind, length, cookie: length 2 asks for a cookie (RFC 7413, 4.1.1) */
        seg->have |= optlen > 2 ? TCPHS_OPT_TFO_COOKIE : TCPHS_OPT_TFO_REQUEST;
        break;
    case OPT_EXP_FD:
    case OPT_EXP_FE:        /* kind, length, 16-bit ExID, then the cookie as in kind 34 */
        if (optlen >= 4 && get_u16(opt + 2) == TFO_EXP_MAGIC)
            seg->have |= optlen > 4 ? TCPHS_OPT_TFO_COOKIE : TCPHS_OPT_TFO_REQUEST;
        break;
    default:
        break;
    }
}

/* RFC 9293, 3.1: options fill bytes 20 .. data offset * 4 of the header. */
static void read_options(const uint8_t *bytes, unsigned hdr_len, tcphs_segment *seg)
{
    unsigned off = TCPHS_TCP_MIN_HEADER;

    while (off < hdr_len) {
        uint8_t kind = bytes[off];
        unsigned optlen;

        if (kind == OPT_EOL)
            break;
        if (kind == OPT_NOP) {
            off++;
            continue;
        }
        if (off + 1 >= hdr_len)
            break;          /* the length byte is past the end of the header */
        optlen = bytes[off + 1];
        if (optlen < 2 || off + optlen > hdr_len)
            break;          /* malformed: Wireshark stops here too */
        take_option(bytes + off, optlen, seg);
        off += optlen;
    }
}

tcphs_hdr_status tcphs_read_tcp_header(const uint8_t *bytes, size_t captured, tcphs_segment *seg,
                                       unsigned *hdr_len)
{
    *hdr_len = 0;
    if (!bytes || captured < TCPHS_TCP_MIN_HEADER) {
        seg->have |= TCPHS_OPTIONS_UNKNOWN;
        return TCPHS_HDR_TOO_SHORT;
    }
    /* RFC 9293, 3.1: source port, destination port, sequence number,
     * acknowledgment number, data offset + reserved + flags, window. */
    seg->src.port = get_u16(bytes);
    seg->dst.port = get_u16(bytes + 2);
    seg->seq = get_u32(bytes + 4);
    seg->ack = get_u32(bytes + 8);
    /* The 12 bits after the data offset: 3 reserved, AE (RFC 9768), CWR,
     * ECE (RFC 3168), URG, ACK, PSH, RST, SYN, FIN -- Wireshark's tcp.flags. */
    seg->flags = (uint16_t)(get_u16(bytes + 12) & 0x0FFF);
    seg->window = get_u16(bytes + 14);
    seg->have |= TCPHS_HAVE_PORTS | TCPHS_HAVE_SEQ | TCPHS_HAVE_FLAGS | TCPHS_HAVE_WINDOW;
    /* The ack field means something only with ACK set (RFC 9293, 3.1). */
    if (seg->flags & TCPHS_ACK)
        seg->have |= TCPHS_HAVE_ACK;
    *hdr_len = (unsigned)(bytes[12] >> 4) * 4;
    if (*hdr_len < TCPHS_TCP_MIN_HEADER) {
        seg->have |= TCPHS_OPTIONS_UNKNOWN;
        return TCPHS_HDR_BAD_OFFSET;
    }
    if (captured < *hdr_len) {
        seg->have |= TCPHS_OPTIONS_UNKNOWN;
        return TCPHS_HDR_OPTIONS_CUT;
    }
    /* The options tcphs looks at are offers that only a SYN or SYN-ACK makes
     * (MSS, RFC 9293 3.7.1; window scale, RFC 7323 2.2; SACK permitted,
     * RFC 2018 2; timestamps, RFC 7323 3.2; Fast Open, RFC 7413 4.1): a
     * later segment's options say nothing tcphs keeps, and reading them on
     * every segment (timestamps are on nearly every Linux segment) would
     * cost every packet. */
    if (seg->flags & TCPHS_SYN)
        read_options(bytes, *hdr_len, seg);
    return TCPHS_HDR_COMPLETE;
}

bool tcphs_read_ip_addresses(const uint8_t *bytes, size_t captured, unsigned version, tcphs_segment *seg)
{
    size_t at, size;

    if (version == 4) {
        at = 12;            /* RFC 791, 3.1: source, then destination address */
        size = 4;
    } else if (version == 6) {
        at = 8;             /* RFC 8200, 3: the same after the flow label and lengths */
        size = 16;
    } else {
        return false;
    }
    if (!bytes || captured < at + 2 * size || (bytes[0] >> 4) != version)
        return false;
    memset(&seg->src.addr, 0, sizeof(seg->src.addr));
    memset(&seg->dst.addr, 0, sizeof(seg->dst.addr));
    seg->src.addr.family = seg->dst.addr.family = (uint8_t)version;
    memcpy(seg->src.addr.bytes, bytes + at, size);
    memcpy(seg->dst.addr.bytes, bytes + at + size, size);
    seg->have |= TCPHS_HAVE_ADDRESSES;
    return true;
}

/* RFC 791, 3.1 and RFC 1071: the one's complement sum of the header's
 * 16-bit words, checksum included, is 0xffff. */
static bool ipv4_checksum_ok(const uint8_t *header, size_t len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)((header[i] << 8) | header[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

/* An IPv4 header of 20 to 60 bytes carrying TCP, not a later fragment, that
 * ends at tcp_offset; with `checksum`, only one whose header checksum is
 * right (to tell an IP header from bytes that happen to look like one). */
static bool ipv4_header_before(const uint8_t *bytes, size_t tcp_offset, size_t *start, bool checksum)
{
    enum { PROTOCOL_TCP = 6 };

    for (size_t ihl = 5; ihl <= 15; ihl++) {
        size_t len = ihl * 4;
        const uint8_t *h;

        if (len > tcp_offset)
            break;
        h = bytes + tcp_offset - len;
        if (h[0] != (0x40 | ihl) || h[9] != PROTOCOL_TCP)
            continue;
        if ((((h[6] << 8) | h[7]) & 0x1fff) != 0)      /* a later fragment holds no TCP header */
            continue;
        if ((size_t)((h[2] << 8) | h[3]) < len + TCPHS_TCP_MIN_HEADER || (checksum && !ipv4_checksum_ok(h, len)))
            continue;
        *start = tcp_offset - len;
        return true;
    }
    return false;
}

static bool ipv6_header_before(const uint8_t *bytes, size_t tcp_offset, size_t *start)
{
    enum { IPV6_HEADER = 40, NEXT_HEADER_TCP = 6 };
    const uint8_t *h;

    if (tcp_offset < IPV6_HEADER)
        return false;
    h = bytes + tcp_offset - IPV6_HEADER;
    if ((h[0] >> 4) != 6 || h[6] != NEXT_HEADER_TCP || (size_t)((h[4] << 8) | h[5]) < TCPHS_TCP_MIN_HEADER)
        return false;
    *start = tcp_offset - IPV6_HEADER;
    return true;
}

bool tcphs_read_ip_before(const uint8_t *bytes, size_t tcp_offset, tcphs_segment *seg)
{
    size_t start;

    if (!bytes)
        return false;
    if (ipv4_header_before(bytes, tcp_offset, &start, true))
        return tcphs_read_ip_addresses(bytes + start, tcp_offset - start, 4, seg);
    if (ipv6_header_before(bytes, tcp_offset, &start))
        return tcphs_read_ip_addresses(bytes + start, tcp_offset - start, 6, seg);
    return false;
}

bool tcphs_ip_payload_before(const uint8_t *bytes, size_t tcp_offset, size_t *ip_start, int32_t *payload)
{
    const uint8_t *h;

    if (!bytes)
        return false;
    /* The TCP header is known to start here: the IP header before it
     * counts whatever its checksum (Wireshark reads its length even when
     * the checksum is wrong, and verifies none by default). */
    if (ipv4_header_before(bytes, tcp_offset, ip_start, false)) {
        h = bytes + *ip_start;
        /* RFC 791, 3.1: more fragments, or a fragment offset: a fragment,
         * whose TCP payload length no single packet tells. */
        if ((((h[6] << 8) | h[7]) & 0x3fff) != 0)
            *payload = -1;
        else
            *payload = (int32_t)((h[2] << 8) | h[3]) - (int32_t)(tcp_offset - *ip_start);
        return true;
    }
    if (ipv6_header_before(bytes, tcp_offset, ip_start)) {
        h = bytes + *ip_start;
        *payload = (int32_t)((h[4] << 8) | h[5]);   /* RFC 8200, 3: payload length */
        return true;
    }
    return false;
}
