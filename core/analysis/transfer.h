/* transfer.h: the data-transfer half of a connection: which ACK answers
 * which segment (tcphs.acked_in), round-trip samples with Karn's rule, the
 * RFC 6298 estimator, receive windows in bytes (RFC 7323), how many
 * segments each ACK covers, and the throughput of each side.
 *
 * conn.c calls tcphs_transfer_update() once per segment.  The answers for a
 * segment come later (when its ACK is captured), so they are not in the
 * segment's tcphs_record but in a slot of the connection's transfer table,
 * which the record names by number: records stay fixed once written, and a
 * later ACK fills the slot.  The table lives as long as the connection;
 * tcphs_conn_free() releases it.
 */
#ifndef TCPHS_TRANSFER_H
#define TCPHS_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/feed/segment.h"

/* The largest window-scale shift, RFC 7323 2.3: a larger one is used as 14. */
#define TCPHS_WSCALE_MAX 14

/* Bits of tcphs_xfer.flags. */
enum {
    TCPHS_XFER_ACKED     = 1u << 0,  /* acked_in and ack_delay_ns are set */
    TCPHS_XFER_RTT       = 1u << 1,  /* ack_delay_ns is a SampleRTT (Karn's rule passed) */
    TCPHS_XFER_ESTIMATE  = 1u << 2,  /* a payload sample that fed the estimator */
    TCPHS_XFER_FIRST     = 1u << 3,  /* ... and the sender's first one (RFC 6298 2.2) */
    TCPHS_XFER_REPEAT    = 1u << 4,  /* this segment sends bytes again */
    TCPHS_XFER_RESENT    = 1u << 5,  /* its bytes were sent again before the ACK */
    TCPHS_XFER_BEYOND    = 1u << 6,  /* its ACK also covers data the capture never saw */
    TCPHS_XFER_LATE_CLOCK = 1u << 7  /* its ACK has an earlier timestamp than the segment */
};

/* What the capture says about one segment's data transfer.  Filled when the
 * segment is read (flags about repeats) and completed when a later ACK
 * covers it. */
typedef struct {
    int64_t  ack_delay_ns;   /* segment to its ACK (with ACKED) */
    int64_t  srtt_before_ns; /* the sender's SRTT and RTTVAR before this sample */
    int64_t  rttvar_before_ns; /*   (with ESTIMATE, not FIRST) */
    uint32_t acked_in;       /* frame of the first ACK covering its last sequence number */
    uint32_t flags : 8;      /* TCPHS_XFER_* */
    uint32_t ack_beyond : 24; /* (with ACKED) that ACK's ack minus the segment's end (seq + len,
                                 + 1 for SYN or FIN): how far past it the ACK reaches, so that
                                 the note can name the real ack; TCPHS_ACK_BEYOND_FAR or more
                                 is kept as TCPHS_ACK_BEYOND_FAR (the ack is then not named) */
} tcphs_xfer;

#define TCPHS_ACK_BEYOND_FAR 0xffffffu

/* The ack of the ACK that answered a slot's segment (end: the segment's
 * seq + len, + 1 for SYN or FIN); false when not known (no ACK yet, or it
 * reached TCPHS_ACK_BEYOND_FAR bytes past the segment or more). */
bool tcphs_xfer_ack(const tcphs_xfer *x, uint32_t end, uint32_t *ack);

/* An estimator state, RFC 6298 section 2. */
typedef struct {
    int64_t srtt_ns;
    int64_t rttvar_ns;
} tcphs_rtt_estimate;

/* One segment that occupies sequence space and waits for its ACK. */
typedef struct {
    int64_t  sent_ns;
    uint32_t slot;           /* its tcphs_xfer, 1-based */
    uint32_t seq;
    uint32_t end;            /* seq + len (+ 1 for SYN, + 1 for FIN): the ack that covers it */
    uint32_t payload;        /* payload bytes */
    uint8_t  flags;          /* TCPHS_XFER_REPEAT / _RESENT so far */
} tcphs_inflight;

/* At most this many segments per direction wait for their ACK.  When more
 * do (a capture that lost every ACK), the oldest is forgotten: it then has
 * no tcphs.acked_in, rather than a wrong one. */
#define TCPHS_INFLIGHT_MAX 65536u    /* below 2^20: tcphs_record.acks_segments */

/* One direction: what one side sent and what the other acknowledged. */
typedef struct {
    tcphs_inflight *queue;   /* in the order sent */
    uint32_t queued, capacity;
    uint32_t snd_max;        /* one past the highest sequence number sent */
    uint32_t una;            /* the highest ack the peer sent */
    uint32_t payload_end;    /* one past the highest payload byte sent */
    uint32_t first_payload_seq;
    uint32_t first_payload_frame;
    uint32_t acked_payload_end; /* one past the highest payload byte acknowledged */
    uint64_t acked_payload_bytes; /* counted once, by sequence number */
    int64_t  first_payload_ns;
    int64_t  acked_payload_ns;  /* the first ACK that covered acked_payload_end */
    tcphs_rtt_estimate est;
    uint32_t forgotten;      /* in-flight segments dropped at TCPHS_INFLIGHT_MAX */
    uint32_t payload_segments; /* payload segments that sent new bytes (not again) */
    uint32_t payload_acks;   /* ACKs that moved acked_payload_end: 1 = one ACK answered all */
    uint8_t  sent_known;     /* snd_max is set */
    uint8_t  una_known;
    uint8_t  payload_seen;
    uint8_t  payload_acked;
    uint8_t  est_known;
} tcphs_flow;

typedef struct {
    tcphs_flow flow[2];      /* by tcphs_side of the sender */
    tcphs_xfer *slots;       /* slots 1 .. slot_capacity; memory taken when written */
    uint32_t slot_count;     /* slot numbers handed out */
    uint32_t slot_capacity;
    uint32_t slot_cleared;   /* slots 1 .. slot_cleared are valid (zero until written) */
} tcphs_transfer;

/* Window-scale facts a segment is read with, packed in one byte of the
 * record: the shift to apply to its window field, and whether it is known. */
enum {
    TCPHS_WSCALE_SHIFT_MASK = 0x0f,
    TCPHS_WSCALE_KNOWN      = 0x10,  /* tcphs.window.bytes can be given */
    TCPHS_WSCALE_CLAMPED    = 0x20   /* the offered shift was above 14 (RFC 7323 2.3) */
};

/* What one side's SYN (or SYN-ACK) said about window scaling. */
#define TCPHS_WS_UNSEEN (-1)   /* not captured */
#define TCPHS_WS_NONE   (-2)   /* captured, without the option */

/* The window-scale byte for a segment: is_syn, whether the sender is the
 * server, and what the sender and its peer offered (a shift, or
 * TCPHS_WS_UNSEEN / TCPHS_WS_NONE). */
uint8_t tcphs_wscale_for(bool is_syn, bool from_server, int offer_from, int offer_peer);

/* The receive window in bytes of a segment; false when unknown. */
bool tcphs_window_bytes(uint16_t raw_window, uint8_t wscale, uint32_t *bytes);

/* What tcphs_transfer_update() knows of a segment at once, for its record. */
typedef struct {
    uint32_t slot;           /* 0 when it occupies no sequence space, or memory ran out
                                (the answers are then missing, never wrong) */
    uint32_t acks_segments;  /* the peer's payload segments it acknowledges first and completely */
    bool     starts_behind;  /* it starts below the highest sequence number its sender already
                                sent (sent again, or overtaken on the way to the capture point):
                                its ACK gives no SampleRTT (Karn's rule, TCPHS_XFER_REPEAT) */
} tcphs_transfer_result;

/* Feed one segment (side = sender, 0 client / 1 server). */
tcphs_transfer_result tcphs_transfer_update(tcphs_transfer *t, int side, const tcphs_segment *seg);

/* A slot; NULL for 0 or a number out of range. */
const tcphs_xfer *tcphs_transfer_slot(const tcphs_transfer *t, uint32_t slot);

/* RFC 6298 2.2 and 2.3: the state after sample r (first: no state before). */
tcphs_rtt_estimate tcphs_rtt_after(const tcphs_rtt_estimate *before, bool first, int64_t r_ns);

/* RFC 6298 2.3: RTO = SRTT + max(G, K * RTTVAR) with K = 4 and the clock
 * granularity G taken as 0 (a capture does not know the sender's clock);
 * before the 1 s lower bound of rule 2.4. */
int64_t tcphs_rto(const tcphs_rtt_estimate *est);

/* The estimate after a slot's sample; false when the slot fed no estimator. */
bool tcphs_xfer_estimate(const tcphs_xfer *x, tcphs_rtt_estimate *after);

/* What a side's throughput is made of: its acknowledged payload bytes
 * (each byte once), the time from its first payload segment to the first
 * ACK of its last acknowledged payload byte, the payload segments that
 * carried new bytes, and how many ACKs moved the acknowledged payload on. */
typedef struct {
    uint64_t bytes;
    int64_t  ns;
    uint32_t segments;
    uint32_t acks;
} tcphs_throughput_facts;

/* The facts of one side; false when it sent no acknowledged payload. */
bool tcphs_transfer_throughput_facts(const tcphs_transfer *t, int side, tcphs_throughput_facts *facts);

/* Too short for a throughput: every acknowledged payload byte was first
 * acknowledged by one ACK (a single segment, or one flight answered at
 * once), so the time measured is one ACK delay (a round trip and the
 * receiver's delay), not a transfer; or the clock did not move on. */
bool tcphs_throughput_too_short(const tcphs_throughput_facts *facts);

/* Throughput of one side: acknowledged payload bytes and the time it took
 * (tcphs_throughput_facts); false when that side sent no acknowledged
 * payload or it is too short for a throughput. */
bool tcphs_transfer_throughput(const tcphs_transfer *t, int side, uint64_t *bytes, int64_t *ns);

void tcphs_transfer_free(tcphs_transfer *t);

#endif /* TCPHS_TRANSFER_H */
