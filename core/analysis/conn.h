/* conn.h: the life of one TCP connection (one Wireshark tcp.stream).
 *
 * tcphs_conn_update() takes the segments of one stream in capture order and
 * returns, for each, a tcphs_record: what the segment is (phase, event, role,
 * handshake step, ISNs known so far, the ack check).  The connection keeps
 * the verdicts about the whole stream (handshake state, options, close, Zeek's
 * conn_state and history, counters).
 *
 * The handshake is an explicit state machine in the manner of Suricata's
 * stream-tcp.c: one handler per state (conn.c), final verdicts are absorbing.
 */
#ifndef TCPHS_CONN_H
#define TCPHS_CONN_H

#include "core/analysis/endpoint.h"
#include "core/analysis/links.h"
#include "core/analysis/rounds.h"
#include "core/feed/segment.h"
#include "core/analysis/transfer.h"
#include "core/analysis/vocab.h"
#include "core/analysis/zeek.h"

/* Anomalies, one bit each; the epan glue turns them into expert infos. */
enum {
    TCPHS_ANOMALY_SYNACK_BAD_ACK      = 1u << 0,  /* SYN-ACK ack != client ISN + 1 */
    TCPHS_ANOMALY_HS_ACK_BAD_ACK      = 1u << 1,  /* handshake ACK ack != server ISN + 1 */
    TCPHS_ANOMALY_SYN_RETRANSMITTED   = 1u << 2,
    TCPHS_ANOMALY_REFUSED             = 1u << 3,  /* this RST refuses the SYN */
    TCPHS_ANOMALY_ABORTED             = 1u << 4,  /* this RST aborts the handshake */
    TCPHS_ANOMALY_SIMULTANEOUS_OPEN   = 1u << 5,  /* this SYN crosses the peer's SYN */
    TCPHS_ANOMALY_MIDSTREAM_START     = 1u << 6,  /* first segment of a stream whose handshake was not captured */
    TCPHS_ANOMALY_DATA_BEFORE_HS      = 1u << 7,  /* payload while the handshake is still open */
    TCPHS_ANOMALY_RST_AFTER_DATA      = 1u << 8,  /* abortive close of a connection that carried data */
    TCPHS_ANOMALY_FIN_AFTER_RST       = 1u << 9,
    TCPHS_ANOMALY_DATA_AFTER_RST      = 1u << 10
};

/* Bits of tcphs_record.known. */
enum {
    TCPHS_KNOWN_ISN_CLIENT         = 1u << 0,
    TCPHS_KNOWN_ISN_CLIENT_DERIVED = 1u << 1,  /* from the SYN-ACK's ack - 1 */
    TCPHS_KNOWN_ISN_SERVER         = 1u << 2,
    TCPHS_KNOWN_ACK_CHECK          = 1u << 3,  /* ack_ok is meaningful */
    TCPHS_KNOWN_ROLE_GUESSED       = 1u << 4,
    TCPHS_KNOWN_AFTER_BOTH_FINS    = 1u << 5,  /* both sides had sent FIN before this segment */
    TCPHS_KNOWN_SIMULTANEOUS_CLOSE = 1u << 6,  /* this peer FIN crossed the first FIN */
    TCPHS_KNOWN_FIN_REPEATED       = 1u << 7   /* this FIN is one its sender already sent (same sequence number) */
};

typedef struct tcphs_conn tcphs_conn;

/* What one segment is; computed once, when the frame is first dissected.
 * Kept small (48 bytes, the two state bytes included): one is stored with
 * every TCP frame of a capture.  What only a later ACK tells
 * (tcphs.acked_in, tcphs.rtt, ...) is in the connection's transfer table,
 * slot `xfer` (transfer.h). */
typedef struct {
    const tcphs_conn *conn;
    uint32_t isn_client;
    uint32_t isn_server;
    uint32_t seq;            /* raw, as captured: for the note's arithmetic */
    uint32_t ack;            /* raw; 0 without the ACK flag */
    uint32_t len;
    uint32_t xfer;           /* slot in conn->transfer, 0 = none */
    uint16_t flags;
    uint16_t window;         /* raw window field */
    uint16_t anomalies;      /* TCPHS_ANOMALY_* */
    uint8_t  event;          /* tcphs_event */
    uint8_t  known;          /* TCPHS_KNOWN_* */
    uint8_t  retransmission; /* how many times this SYN / SYN-ACK was already sent */
    uint8_t  phase : 3;      /* tcphs_phase */
    uint8_t  from : 1;       /* tcphs_side of the sender */
    uint8_t  step : 2;       /* 1, 2, 3 on handshake segments, else 0 */
    uint8_t  ack_ok : 1;     /* the ack check passed (with TCPHS_KNOWN_ACK_CHECK) */
    tcphs_state_pair states_before; /* both endpoints' RFC 9293 states before this segment */
    tcphs_state_pair states;        /* ... and once it has been sent and delivered */
    /* In the record's last four bytes: an ACK covers at most the
     * TCPHS_INFLIGHT_MAX segments queued. */
    uint32_t acks_segments : 20; /* payload segments of the peer this ACK covers first and completely */
    uint32_t wscale : 6;     /* TCPHS_WSCALE_*: the window's shift as known when read */
    uint32_t starts_behind : 1; /* below sequence numbers its sender already sent (transfer.h) */
    /* Rounds (rounds.h): the round itself is found by frame number,
     * tcphs_record_round(), so that a record stays 48 bytes. */
    uint32_t in_round : 1;   /* payload for rounds: tcphs.round and its aggregates */
    uint32_t sent_again : 1; /* TCPHS_MARK_SENT_AGAIN */
    uint32_t dup_ack : 1;    /* TCPHS_MARK_DUP_ACK */
    uint32_t zero_window : 1; /* TCPHS_MARK_ZERO_WINDOW */
} tcphs_record;

/* Internal handshake states; tcphs_conn_hs_verdict() maps them to the words. */
typedef enum {
    TCPHS_HSS_START = 0,          /* nothing seen yet */
    TCPHS_HSS_SYN_SENT,           /* client SYN seen */
    TCPHS_HSS_SIMULTANEOUS,       /* both sides sent a bare SYN, not both acknowledged yet */
    TCPHS_HSS_SIMULTANEOUS_DONE,  /* each side's SYN was acknowledged: a simultaneous open that completed */
    TCPHS_HSS_SYN_RECEIVED,       /* SYN-ACK seen, waiting for the client's ACK */
    TCPHS_HSS_SYNACK_MISSING,     /* the server went on without a captured SYN-ACK */
    TCPHS_HSS_ESTABLISHED,
    TCPHS_HSS_REFUSED,
    TCPHS_HSS_ABORTED,
    TCPHS_HSS_INVALID,
    TCPHS_HSS_NOT_SEEN
} tcphs_hs_state;

/* Options one side offered in its SYN or SYN-ACK. */
typedef struct {
    uint16_t mss;
    uint8_t  wscale;
    uint8_t  offered;        /* TCPHS_OFFER_* */
    uint8_t  ecn_flags;      /* the segment's AE, CWR, ECE as bits 2, 1, 0 (RFC 9768, 3.1.1) */
} tcphs_offer;

enum {
    TCPHS_OFFER_SEEN       = 1u << 0,  /* this side's SYN / SYN-ACK was captured */
    TCPHS_OFFER_MSS        = 1u << 1,
    TCPHS_OFFER_WSCALE     = 1u << 2,
    TCPHS_OFFER_SACK       = 1u << 3,
    TCPHS_OFFER_TIMESTAMPS = 1u << 4,
    TCPHS_OFFER_ECN        = 1u << 5,  /* ECN in either form (RFC 3168 6.1.1, RFC 9768 3.1.1);
                                          negotiated: tcphs_conn_ecn_mode() != NONE */
    TCPHS_OFFER_TFO        = 1u << 6,  /* SYN carried data or a Fast Open cookie */
    TCPHS_OFFER_IPV6       = 1u << 7   /* the SYN went over IPv6 (default MSS 1220) */
};

/* Per-side counters and the close sequence (ordered by size: one per side
 * of every connection). */
typedef struct {
    uint64_t bytes;          /* payload, retransmissions included */
    uint32_t packets;
    uint32_t keep_alives;
    uint32_t retransmissions; /* Wireshark's tcp.analysis.*retransmission */
    uint32_t fin_end;        /* ack value that acknowledges this side's FIN */
    uint32_t syn_seq;        /* this side's ISN, valid with isn_known */
    uint32_t syn_len;        /* payload of this side's SYN or SYN-ACK (RFC 7413 data) */
    uint8_t  fin_sent;
    uint8_t  fin_acked;
    uint8_t  synack_sent;
    uint8_t  syn_acked;      /* the peer acknowledged this side's SYN (simultaneous open) */
    uint8_t  isn_known;
    uint8_t  isn_derived;
} tcphs_side_state;

struct tcphs_conn {
    uint32_t stream;
    uint32_t first_frame;
    tcphs_endpoint client;
    tcphs_endpoint server;
    int64_t  first_ns, last_ns;
    int64_t  syn_ns;          /* most recent client SYN (Wireshark's ts_mru_syn) */
    int64_t  synack_ns;       /* first SYN-ACK after it */
    int64_t  hs_ack_ns;       /* the handshake ACK */
    uint32_t syn_retransmissions;     /* the client's SYN sent again */
    uint32_t synack_retransmissions;  /* the server's SYN-ACK sent again */
    tcphs_side_state side[2];
    tcphs_offer offer[2];
    /* Bit-fields, in the bytes after offer[]. */
    uint8_t  hs_state : 4;    /* tcphs_hs_state */
    uint8_t  role_guessed : 1;
    uint8_t  first_fin_side : 1;  /* valid when a FIN was seen */
    uint8_t  fin_seen : 1;
    uint8_t  simultaneous_close : 1;
    uint8_t  first_rst_side : 1;
    uint8_t  rst_seen : 1;
    uint8_t  data_seen : 1;
    uint8_t  timing_known : 3;    /* which of syn_ns/synack_ns/hs_ack_ns are set: bits 0..2 */
    tcphs_zeek zeek;
    tcphs_endpoints endpoints; /* both endpoints' RFC 9293 states (endpoint.c) */
    tcphs_links links;         /* tcphs.frame.* */
    tcphs_transfer transfer;   /* data transfer (transfer.h) */
    tcphs_rounds rounds;       /* rounds, phases, trouble counters (rounds.h) */
};

/* Start an empty connection record for a tcp.stream. */
void tcphs_conn_init(tcphs_conn *conn, uint32_t stream);

/* Feed the next segment of the stream; fills *rec.  Returns false (and
 * leaves conn untouched) when the segment lacks TCPHS_HAVE_REQUIRED. */
bool tcphs_conn_update(tcphs_conn *conn, const tcphs_segment *seg, tcphs_record *rec);

/* Release what the connection holds beyond its own struct (the transfer
 * table's slots and queues): once its records are no longer shown. */
void tcphs_conn_free(tcphs_conn *conn);

/* The connection's transfer bookkeeping as it stands (NULL: none). */
const tcphs_transfer *tcphs_conn_transfer(const tcphs_conn *conn);

/* The data-transfer answers of a segment (acked_in, RTT, ...); NULL when
 * none are known (yet). */
const tcphs_xfer *tcphs_record_xfer(const tcphs_record *rec);

/* The connection's rounds as they stand (NULL: none). */
const tcphs_rounds *tcphs_conn_rounds(const tcphs_conn *conn);

/* tcphs.round of the record of frame `frame` (records do not keep their
 * frame number); 0 when it is not payload for rounds. */
uint32_t tcphs_record_round(const tcphs_record *rec, uint32_t frame);

/* tcphs.window.bytes; false when the window scale is unknown. */
bool tcphs_record_window_bytes(const tcphs_record *rec, uint32_t *bytes);

/* tcphs.conn.throughput_client / _server in bytes per second. */
bool tcphs_conn_throughput(const tcphs_conn *conn, tcphs_side side, double *bytes_per_s);

/* The ISN of `side` as known when rec was made; false when it was not. */
static inline bool tcphs_record_isn(const tcphs_record *rec, tcphs_side side, uint32_t *isn)
{
    bool client = side == TCPHS_SIDE_CLIENT;

    *isn = client ? rec->isn_client : rec->isn_server;
    return (rec->known & (client ? TCPHS_KNOWN_ISN_CLIENT : TCPHS_KNOWN_ISN_SERVER)) != 0;
}

/* Verdicts about the whole connection as it stands. */
tcphs_hs_verdict tcphs_conn_hs_verdict(const tcphs_conn *conn);
tcphs_close_initiator tcphs_conn_close_initiator(const tcphs_conn *conn);
tcphs_close_kind tcphs_conn_close_kind(const tcphs_conn *conn);

/* Handshake timing; each returns false when not measured. */
bool tcphs_conn_irtt(const tcphs_conn *conn, int64_t *ns);
bool tcphs_conn_syn_to_synack(const tcphs_conn *conn, int64_t *ns);
bool tcphs_conn_synack_to_ack(const tcphs_conn *conn, int64_t *ns);

/* Negotiated options: verdicts on the SYN and SYN-ACK together, meaningful
 * only when tcphs_conn_options_known() (both were seen); the tree, the
 * table and the report show none of them otherwise. */
bool tcphs_conn_options_known(const tcphs_conn *conn);
uint16_t tcphs_conn_mss_effective(const tcphs_conn *conn);
bool tcphs_conn_negotiated(const tcphs_conn *conn, uint8_t offer_bit);
tcphs_ecn_mode tcphs_conn_ecn_mode(const tcphs_conn *conn);

#endif /* TCPHS_CONN_H */
