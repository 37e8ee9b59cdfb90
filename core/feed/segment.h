/* segment.h: the facts tcphs knows about one TCP segment.
 *
 * The feed (plugin/feed.c) fills one tcphs_segment per TCP layer of a frame
 * from Wireshark's tcp tap, its TCP conversation and the header's bytes
 * (core/feed/tcphdr.c); the unit tests fill it by hand.  Nothing in core/
 * includes a Wireshark header.
 */
#ifndef TCPHS_SEGMENT_H
#define TCPHS_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

/* TCP header flags, same bit values as Wireshark's TH_* (RFC 9293, 3.1;
 * AE from RFC 9768). */
enum {
    TCPHS_FIN = 0x001,
    TCPHS_SYN = 0x002,
    TCPHS_RST = 0x004,
    TCPHS_PSH = 0x008,
    TCPHS_ACK = 0x010,
    TCPHS_URG = 0x020,
    TCPHS_ECE = 0x040,
    TCPHS_CWR = 0x080,
    TCPHS_AE  = 0x100
};

/* Which optional facts a segment carries: a truncated capture or a TCP
 * preference can leave any of them out, and tcphs must not invent them. */
enum {
    TCPHS_HAVE_STREAM      = 1u << 0,
    TCPHS_HAVE_PORTS       = 1u << 1,
    TCPHS_HAVE_SEQ         = 1u << 2,
    TCPHS_HAVE_ACK         = 1u << 3,   /* ack field is meaningful (ACK flag set) */
    TCPHS_HAVE_FLAGS       = 1u << 4,
    TCPHS_HAVE_LEN         = 1u << 5,
    TCPHS_HAVE_WINDOW      = 1u << 6,
    TCPHS_HAVE_ADDRESSES   = 1u << 7,
    TCPHS_OPT_MSS          = 1u << 8,   /* mss holds the MSS option value */
    TCPHS_OPT_WSCALE       = 1u << 9,   /* wscale holds the shift count */
    TCPHS_OPT_SACK_PERM    = 1u << 10,
    TCPHS_OPT_TIMESTAMPS   = 1u << 11,
    TCPHS_OPT_TFO_COOKIE   = 1u << 12,  /* Fast Open option with a cookie (RFC 7413, 4.1.1) */
    TCPHS_KEEP_ALIVE       = 1u << 13,  /* tcp.analysis.keep_alive */
    TCPHS_KEEP_ALIVE_ACK   = 1u << 14,  /* tcp.analysis.keep_alive_ack */
    TCPHS_RETRANSMISSION   = 1u << 15,  /* tcp.analysis.(fast_|spurious_)retransmission */
    TCPHS_BAD_CHECKSUM     = 1u << 16,  /* tcp.checksum.status == bad (only if the user
                                           asked Wireshark to verify checksums) */
    TCPHS_ZERO_WINDOW_PROBE = 1u << 17, /* tcp.analysis.zero_window_probe */
    TCPHS_PAYLOAD_TRUNCATED = 1u << 18, /* fewer payload bytes captured than len (short snaplen) */
    TCPHS_OPT_TFO_REQUEST  = 1u << 19,  /* Fast Open option without a cookie: a cookie request
                                           (RFC 7413, 4.1.1: length 2), not Fast Open itself */
    TCPHS_OPTIONS_UNKNOWN  = 1u << 20   /* the snaplen cut the options: no TCPHS_OPT_* is known,
                                           present or absent (and no offer is recorded) */
};

/* The facts a segment needs before tcphs can say anything about it.  The
 * addresses are not among them: a stream is one address pair already, and
 * the ports tell its two sides apart unless both are equal. */
#define TCPHS_HAVE_REQUIRED \
    (TCPHS_HAVE_STREAM | TCPHS_HAVE_PORTS | TCPHS_HAVE_SEQ | TCPHS_HAVE_FLAGS | TCPHS_HAVE_LEN)

typedef struct {
    uint8_t family;       /* 4 or 6; 0 when unknown */
    uint8_t bytes[16];    /* network order; IPv4 uses the first 4 */
} tcphs_address;

typedef struct {
    tcphs_address addr;
    uint16_t port;
} tcphs_endpoint;

typedef struct {
    uint32_t frame;       /* frame number, 1-based */
    int64_t  time_ns;     /* absolute capture time, nanoseconds since the epoch */
    uint32_t stream;      /* Wireshark's tcp.stream */
    tcphs_endpoint src;
    tcphs_endpoint dst;
    uint32_t seq;         /* raw sequence number */
    uint32_t ack;         /* raw acknowledgment number */
    uint32_t len;         /* payload bytes (tcp.len) */
    uint16_t flags;       /* TCPHS_FIN ... TCPHS_AE */
    uint16_t window;      /* raw (unscaled) window field */
    uint16_t mss;         /* valid with TCPHS_OPT_MSS */
    uint8_t  wscale;      /* valid with TCPHS_OPT_WSCALE */
    uint32_t have;        /* TCPHS_HAVE_* | TCPHS_OPT_* | analysis marks */
} tcphs_segment;

static inline bool tcphs_segment_has(const tcphs_segment *seg, uint32_t what)
{
    return (seg->have & what) == what;
}

static inline bool tcphs_has_flag(const tcphs_segment *seg, uint16_t flag)
{
    return (seg->flags & flag) != 0;
}

/* A SYN without ACK: the opening segment (RFC 9293, 3.5). */
static inline bool tcphs_is_bare_syn(const tcphs_segment *seg)
{
    return (seg->flags & (TCPHS_SYN | TCPHS_ACK | TCPHS_RST)) == TCPHS_SYN;
}

static inline bool tcphs_is_syn_ack(const tcphs_segment *seg)
{
    return (seg->flags & (TCPHS_SYN | TCPHS_ACK | TCPHS_RST)) == (TCPHS_SYN | TCPHS_ACK);
}

/* The acknowledgment field counts only with the ACK flag (RFC 9293, 3.1). */
static inline bool tcphs_carries_ack(const tcphs_segment *seg)
{
    return tcphs_has_flag(seg, TCPHS_ACK) && tcphs_segment_has(seg, TCPHS_HAVE_ACK);
}

/* RFC 9293, 3.4: sequence numbers compare modulo 2^32. */
static inline bool tcphs_seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool tcphs_seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool tcphs_seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool tcphs_seq_ge(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

bool tcphs_address_equal(const tcphs_address *a, const tcphs_address *b);
bool tcphs_endpoint_equal(const tcphs_endpoint *a, const tcphs_endpoint *b);

#endif /* TCPHS_SEGMENT_H */
