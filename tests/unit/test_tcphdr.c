/* test_tcphdr.c: reading the TCP header and the SYN options from bytes,
 * including every way the capture or the sender can cut them short. */
#include <stdlib.h>

#include "check.h"
#include "core/feed/tcphdr.h"

/* A Linux SYN: 51840 -> 80, seq 1848286231, data offset 10 (40 bytes),
 * SYN + ECE + CWR, window 64240; MSS 1460, SACK permitted, timestamps,
 * NOP, window scale 7. */
static const uint8_t linux_syn[40] = {
    0xca, 0x80, 0x00, 0x50, 0x6e, 0x2a, 0x9c, 0x17, 0x00, 0x00, 0x00, 0x00,
    0xa0, 0xc2, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x04, 0x05, 0xb4,                         /* MSS 1460 */
    0x04, 0x02,                                     /* SACK permitted */
    0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 0,             /* timestamps */
    0x01,                                           /* NOP */
    0x03, 0x03, 0x07                                /* window scale 7 */
};

static tcphs_hdr_status read(const uint8_t *bytes, size_t captured, tcphs_segment *seg, unsigned *hdr_len)
{
    memset(seg, 0, sizeof(*seg));
    return tcphs_read_tcp_header(bytes, captured, seg, hdr_len);
}

static void test_full_syn(void)
{
    tcphs_segment seg;
    unsigned hdr_len;

    CHECK_INT(read(linux_syn, sizeof(linux_syn), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK_INT(hdr_len, 40);
    CHECK_INT(seg.src.port, 51840);
    CHECK_INT(seg.dst.port, 80);
    CHECK_INT(seg.seq, 1848286231u);
    CHECK_INT(seg.flags, TCPHS_SYN | TCPHS_ECE | TCPHS_CWR);
    CHECK_INT(seg.window, 64240);
    CHECK_INT(seg.mss, 1460);
    CHECK_INT(seg.wscale, 7);
    CHECK(tcphs_segment_has(&seg, TCPHS_HAVE_PORTS | TCPHS_HAVE_SEQ | TCPHS_HAVE_FLAGS | TCPHS_HAVE_WINDOW));
    CHECK(tcphs_segment_has(&seg, TCPHS_OPT_MSS | TCPHS_OPT_WSCALE | TCPHS_OPT_SACK_PERM | TCPHS_OPT_TIMESTAMPS));
    CHECK(!(seg.have & (TCPHS_OPT_TFO_COOKIE | TCPHS_OPT_TFO_REQUEST)));
    CHECK(!tcphs_segment_has(&seg, TCPHS_HAVE_ACK));       /* no ACK flag: the field means nothing */
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPTIONS_UNKNOWN));
}

/* The AE flag (RFC 9768) and the reserved bits are part of tcp.flags; the
 * data offset is not. */
static void test_flags_and_ack(void)
{
    uint8_t h[20];
    tcphs_segment seg;
    unsigned hdr_len;

    memcpy(h, linux_syn, 20);
    h[8] = 0x01; h[9] = 0x02; h[10] = 0x03; h[11] = 0x04;
    h[12] = 0x51;   /* data offset 5, AE */
    h[13] = 0x10;   /* ACK */
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK_INT(seg.flags, TCPHS_AE | TCPHS_ACK);
    CHECK_INT(seg.ack, 0x01020304u);
    CHECK(tcphs_segment_has(&seg, TCPHS_HAVE_ACK));
    CHECK_INT(seg.have & (TCPHS_OPT_MSS | TCPHS_OPT_WSCALE | TCPHS_OPT_SACK_PERM | TCPHS_OPT_TIMESTAMPS), 0);
}

/* Every cut: below 20 bytes nothing is read; from 20 bytes on the fixed
 * header is, and the options are unknown until the whole header is there. */
static void test_snaplen_cuts(void)
{
    for (size_t cut = 0; cut < sizeof(linux_syn); cut++) {
        tcphs_segment seg;
        unsigned hdr_len;
        tcphs_hdr_status status = read(linux_syn, cut, &seg, &hdr_len);

        CHECK(tcphs_segment_has(&seg, TCPHS_OPTIONS_UNKNOWN));
        CHECK_INT(seg.have & (TCPHS_OPT_MSS | TCPHS_OPT_WSCALE | TCPHS_OPT_SACK_PERM | TCPHS_OPT_TIMESTAMPS), 0);
        if (cut < 20) {
            CHECK_INT(status, TCPHS_HDR_TOO_SHORT);
            CHECK_INT(hdr_len, 0);
            CHECK_INT(seg.have & (TCPHS_HAVE_PORTS | TCPHS_HAVE_SEQ | TCPHS_HAVE_FLAGS), 0);
        } else {
            CHECK_INT(status, TCPHS_HDR_OPTIONS_CUT);
            CHECK_INT(hdr_len, 40);
            CHECK_INT(seg.seq, 1848286231u);
            CHECK_INT(seg.flags, TCPHS_SYN | TCPHS_ECE | TCPHS_CWR);
        }
    }
    CHECK_INT(tcphs_read_tcp_header(NULL, 40, &(tcphs_segment){ 0 }, &(unsigned){ 0 }), TCPHS_HDR_TOO_SHORT);
}

/* A data offset below 5 is no TCP header (RFC 9293, 3.1). */
static void test_bad_offset(void)
{
    uint8_t h[40];
    tcphs_segment seg;
    unsigned hdr_len;

    memcpy(h, linux_syn, sizeof(h));
    h[12] = 0x40 | (h[12] & 0x0f);
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_BAD_OFFSET);
    CHECK_INT(hdr_len, 16);
    CHECK(tcphs_segment_has(&seg, TCPHS_OPTIONS_UNKNOWN));
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPT_MSS));
}

/* The options are offers of a SYN or SYN-ACK: a later segment's are not
 * read (the same bytes with ACK alone say nothing about MSS or scaling). */
static void test_options_only_on_syn(void)
{
    tcphs_segment seg;
    unsigned hdr_len;
    uint8_t h[sizeof(linux_syn)];

    memcpy(h, linux_syn, sizeof(h));
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK(tcphs_segment_has(&seg, TCPHS_OPT_MSS | TCPHS_OPT_WSCALE | TCPHS_OPT_TIMESTAMPS));
    h[13] = 0x10;   /* ACK, no SYN */
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK_INT(seg.have & (TCPHS_OPT_MSS | TCPHS_OPT_WSCALE | TCPHS_OPT_SACK_PERM | TCPHS_OPT_TIMESTAMPS), 0);
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPTIONS_UNKNOWN));
}

/* Options with the wrong length do not count; a malformed one ends the walk
 * with what came before it kept (as Wireshark's tcp_dissect_options). */
static void test_malformed_options(void)
{
    uint8_t h[32] = { 0 };
    tcphs_segment seg;
    unsigned hdr_len;

    memcpy(h, linux_syn, 20);
    h[12] = 0x80 | (h[12] & 0x0f);                          /* 32 bytes */
    h[20] = 0x02; h[21] = 0x03; h[22] = 0x05;               /* MSS with length 3: ignored */
    h[23] = 0x04; h[24] = 0x02;                             /* SACK permitted */
    h[25] = 0x03; h[26] = 0x03; h[27] = 0x0e;               /* window scale 14 */
    h[28] = 0x08; h[29] = 0x0a;                             /* timestamps past the end: stop */
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPT_MSS));
    CHECK(tcphs_segment_has(&seg, TCPHS_OPT_SACK_PERM | TCPHS_OPT_WSCALE));
    CHECK_INT(seg.wscale, 14);
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPT_TIMESTAMPS));
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPTIONS_UNKNOWN));

    h[20] = 0x00;                                           /* EOL first: nothing after it counts */
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK_INT(seg.have & (TCPHS_OPT_SACK_PERM | TCPHS_OPT_WSCALE), 0);

    h[20] = 0x02; h[21] = 0x01;                             /* length 1: stop at once */
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK_INT(seg.have & (TCPHS_OPT_SACK_PERM | TCPHS_OPT_WSCALE), 0);

    memset(h + 20, 0x01, 11);                               /* NOPs, then a kind without its length byte */
    h[31] = 0x02;
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPT_MSS));
}

/* RFC 7413, 4.1.1: Fast Open as kind 34 (request or cookie) or as the
 * experimental kind 254 with ExID 0xF989 (RFC 6994); another ExID is not. */
static void test_fast_open(void)
{
    uint8_t h[32] = { 0 };
    tcphs_segment seg;
    unsigned hdr_len;

    memcpy(h, linux_syn, 20);
    h[12] = 0x80 | (h[12] & 0x0f);
    memset(h + 20, 0x01, 12);
    h[20] = 34; h[21] = 2;                                  /* cookie request */
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK(tcphs_segment_has(&seg, TCPHS_OPT_TFO_REQUEST));
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPT_TFO_COOKIE));

    h[20] = 34; h[21] = 10;                                 /* an 8-byte cookie */
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK(tcphs_segment_has(&seg, TCPHS_OPT_TFO_COOKIE));
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPT_TFO_REQUEST));

    h[20] = 254; h[21] = 4; h[22] = 0xf9; h[23] = 0x89;     /* experimental, request */
    memset(h + 24, 0x01, 8);
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK(tcphs_segment_has(&seg, TCPHS_OPT_TFO_REQUEST));
    CHECK(!tcphs_segment_has(&seg, TCPHS_OPT_TFO_COOKIE));

    h[21] = 12;                                             /* experimental, an 8-byte cookie */
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK(tcphs_segment_has(&seg, TCPHS_OPT_TFO_COOKIE));

    h[21] = 4; h[22] = 0x12; h[23] = 0x34;                  /* another experiment */
    CHECK_INT(read(h, sizeof(h), &seg, &hdr_len), TCPHS_HDR_COMPLETE);
    CHECK(!(seg.have & (TCPHS_OPT_TFO_COOKIE | TCPHS_OPT_TFO_REQUEST)));
}

/* IP addresses at their fixed offsets, only from a complete header of the
 * version the layer says. */
static void test_ip_addresses(void)
{
    static const uint8_t v4[20] = { 0x45, 0, 0, 60, 0, 0, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 10, 198, 51, 100, 20 };
    uint8_t v6[40] = { 0x60 };
    tcphs_segment seg;

    memset(&seg, 0, sizeof(seg));
    CHECK(tcphs_read_ip_addresses(v4, sizeof(v4), 4, &seg));
    CHECK_INT(seg.src.addr.family, 4);
    CHECK_INT(seg.src.addr.bytes[0], 192);
    CHECK_INT(seg.dst.addr.bytes[3], 20);
    CHECK(tcphs_segment_has(&seg, TCPHS_HAVE_ADDRESSES));

    memset(&seg, 0, sizeof(seg));
    CHECK(!tcphs_read_ip_addresses(v4, 19, 4, &seg));       /* destination cut */
    CHECK(!tcphs_read_ip_addresses(v4, sizeof(v4), 6, &seg));
    CHECK(!tcphs_segment_has(&seg, TCPHS_HAVE_ADDRESSES));

    v6[8] = 0x20; v6[23] = 1; v6[24] = 0x20; v6[39] = 2;
    CHECK(tcphs_read_ip_addresses(v6, sizeof(v6), 6, &seg));
    CHECK_INT(seg.src.addr.family, 6);
    CHECK_INT(seg.src.addr.bytes[15], 1);
    CHECK_INT(seg.dst.addr.bytes[15], 2);
    CHECK(!tcphs_read_ip_addresses(v6, 39, 6, &seg));
}

/* The IP header that ends where the TCP header starts (RFC 791's example
 * header, checksum 0xb1e6, after 14 bytes of Ethernet): found only when it
 * is whole, carries TCP, is no later fragment and its checksum is right. */
static const uint8_t rfc791_header[20] = {
    0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0xb1, 0xe6,
    0xac, 0x10, 0x0a, 0x63, 0xac, 0x10, 0x0a, 0x0c                  /* 172.16.10.99 -> 172.16.10.12 */
};

static bool ip_before(const uint8_t *header, size_t len, tcphs_segment *seg)
{
    uint8_t frame[14 + 60] = { 0 };

    memcpy(frame + 14, header, len);
    memset(seg, 0, sizeof(*seg));
    return tcphs_read_ip_before(frame, 14 + len, seg);
}

static void test_ip_before_tcp(void)
{
    static const uint8_t with_options[24] = {        /* IHL 6: NOP NOP NOP EOL */
        0x46, 0x00, 0x00, 0x40, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0xae, 0xe1,
        0xac, 0x10, 0x0a, 0x63, 0xac, 0x10, 0x0a, 0x0c, 0x01, 0x01, 0x01, 0x00
    };
    static const uint8_t later_fragment[20] = {      /* fragment offset 185 */
        0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x00, 0xb9, 0x40, 0x06, 0xf1, 0x2d,
        0xac, 0x10, 0x0a, 0x63, 0xac, 0x10, 0x0a, 0x0c
    };
    static const uint8_t udp[20] = {
        0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0xb1, 0xdb,
        0xac, 0x10, 0x0a, 0x63, 0xac, 0x10, 0x0a, 0x0c
    };
    uint8_t bad_checksum[20], v6[40] = { 0x60, 0, 0, 0, 0, 20, 6, 64 };
    tcphs_segment seg;

    CHECK(ip_before(rfc791_header, sizeof(rfc791_header), &seg));
    CHECK_INT(seg.src.addr.family, 4);
    CHECK_INT(seg.src.addr.bytes[3], 99);
    CHECK_INT(seg.dst.addr.bytes[3], 12);
    CHECK(tcphs_segment_has(&seg, TCPHS_HAVE_ADDRESSES));
    CHECK(ip_before(with_options, sizeof(with_options), &seg));
    CHECK_INT(seg.dst.addr.bytes[3], 12);

    memcpy(bad_checksum, rfc791_header, sizeof(bad_checksum));
    bad_checksum[11] ^= 1;
    CHECK(!ip_before(bad_checksum, sizeof(bad_checksum), &seg));
    CHECK(!ip_before(later_fragment, sizeof(later_fragment), &seg));
    CHECK(!ip_before(udp, sizeof(udp), &seg));
    CHECK(!tcphs_segment_has(&seg, TCPHS_HAVE_ADDRESSES));
    memset(&seg, 0, sizeof(seg));
    CHECK(!tcphs_read_ip_before(rfc791_header, 19, &seg));        /* the header's start is not captured */

    v6[8] = 0x20; v6[23] = 1; v6[24] = 0x20; v6[39] = 2;
    CHECK(ip_before(v6, sizeof(v6), &seg));
    CHECK_INT(seg.src.addr.family, 6);
    CHECK_INT(seg.src.addr.bytes[15], 1);
    CHECK_INT(seg.dst.addr.bytes[15], 2);
    v6[6] = 0;                                     /* a hop-by-hop header comes first */
    CHECK(!ip_before(v6, sizeof(v6), &seg));
}

/* The IP length a TCP header known to start after it reports: IPv4's
 * total length less its header, also when the header checksum is wrong
 * (Wireshark reads it all the same); -1 for a fragment; IPv6's payload
 * length. */
static void test_ip_payload_before_tcp(void)
{
    static const uint8_t first_fragment[20] = {      /* more fragments */
        0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x20, 0x00, 0x40, 0x06, 0xd1, 0xe6,
        0xac, 0x10, 0x0a, 0x63, 0xac, 0x10, 0x0a, 0x0c
    };
    uint8_t bad_checksum[20], v6[40] = { 0x60, 0, 0, 0, 0, 20, 6, 64 };
    size_t start;
    int32_t payload;

    CHECK(tcphs_ip_payload_before(rfc791_header, sizeof(rfc791_header), &start, &payload));
    CHECK_INT(start, 0);
    CHECK_INT(payload, ((rfc791_header[2] << 8) | rfc791_header[3]) - 20);
    memcpy(bad_checksum, rfc791_header, sizeof(bad_checksum));
    bad_checksum[11] ^= 1;
    CHECK(tcphs_ip_payload_before(bad_checksum, sizeof(bad_checksum), &start, &payload));
    CHECK_INT(payload, ((rfc791_header[2] << 8) | rfc791_header[3]) - 20);
    CHECK(tcphs_ip_payload_before(first_fragment, sizeof(first_fragment), &start, &payload));
    CHECK_INT(payload, -1);
    CHECK(tcphs_ip_payload_before(v6, sizeof(v6), &start, &payload));
    CHECK_INT(payload, 20);
    CHECK(!tcphs_ip_payload_before(rfc791_header, 10, &start, &payload));
}

int main(void)
{
    test_ip_addresses();
    test_ip_before_tcp();
    test_ip_payload_before_tcp();
    test_full_syn();
    test_flags_and_ack();
    test_snaplen_cuts();
    test_bad_offset();
    test_options_only_on_syn();
    test_malformed_options();
    test_fast_open();
    return check_failures() != 0;
}
