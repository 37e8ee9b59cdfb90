/* conn.c: roles, handshake state machine, lifecycle events and verdicts of
 * one TCP connection, fed segment by segment in capture order. */
#include "core/analysis/conn.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(TCPHS_INFLIGHT_MAX < (1u << 20), "tcphs_record.acks_segments has 20 bits");
_Static_assert(sizeof(tcphs_record) <= 48, "a tcphs_record is stored with every TCP frame");
_Static_assert((TCPHS_WSCALE_SHIFT_MASK | TCPHS_WSCALE_KNOWN | TCPHS_WSCALE_CLAMPED) < (1 << 6),
               "tcphs_record.wscale has 6 bits");

enum {
    TIMING_SYN    = 1u << 0,
    TIMING_SYNACK = 1u << 1,
    TIMING_HS_ACK = 1u << 2
};

/* RFC 9293, 3.7.1: the MSS a side is assumed to accept when its SYN carried
 * no MSS option (RFC 8200, 5 / RFC 9293 for IPv6: 1280 - 40 - 20). */
#define DEFAULT_MSS_IPV4 536
#define DEFAULT_MSS_IPV6 1220


void tcphs_conn_init(tcphs_conn *conn, uint32_t stream)
{
    memset(conn, 0, sizeof(*conn));
    conn->stream = stream;
    tcphs_zeek_init(&conn->zeek);
    tcphs_endpoints_init(&conn->endpoints);
}

/* ---- roles --------------------------------------------------------------- */

static bool is_privileged_port(uint16_t port)
{
    return port < 1024;
}

/* docs/fields.md, Roles: the client sent the first bare SYN; failing that it
 * received the first SYN-ACK; failing that it sent the first segment, unless
 * only one side uses a port below 1024, which then is the server. */
static void assign_roles(tcphs_conn *conn, const tcphs_segment *seg)
{
    bool sender_is_client;

    if (tcphs_is_bare_syn(seg)) {
        sender_is_client = true;
    } else if (tcphs_is_syn_ack(seg)) {
        sender_is_client = false;
    } else {
        bool src_low = is_privileged_port(seg->src.port);
        bool dst_low = is_privileged_port(seg->dst.port);
        sender_is_client = !(src_low && !dst_low);
        conn->role_guessed = 1;
    }
    conn->client = sender_is_client ? seg->src : seg->dst;
    conn->server = sender_is_client ? seg->dst : seg->src;
}

static tcphs_side sender_side(const tcphs_conn *conn, const tcphs_segment *seg)
{
    return tcphs_endpoint_equal(&seg->src, &conn->client) ? TCPHS_SIDE_CLIENT : TCPHS_SIDE_SERVER;
}

/* ---- options ------------------------------------------------------------- */

/* A segment's AE, CWR and ECE flags as a 3-bit number, the way RFC 9768's
 * table 2 writes them (AE CWR ECE). */
static uint8_t ecn_flags_of(const tcphs_segment *seg)
{
    return (uint8_t)((tcphs_has_flag(seg, TCPHS_AE) ? 4 : 0) | (tcphs_has_flag(seg, TCPHS_CWR) ? 2 : 0) |
                     (tcphs_has_flag(seg, TCPHS_ECE) ? 1 : 0));
}

/* The ECN vocabulary of the handshake: the feedback mode a SYN's flags and
 * the SYN-ACK's answer agree on.  RFC 9768, 3.1.1, table 2, and RFC 3168,
 * 6.1.1 (ECN-setup SYN: CWR and ECE; ECN-setup SYN-ACK: ECE without CWR).
 * A pair not listed (no ECN asked for or given, or the "broken" 1 1 1
 * answer) is none. */
static const struct {
    uint8_t syn, synack;          /* AE CWR ECE of the SYN and of the SYN-ACK */
    tcphs_ecn_mode mode;
} ecn_handshakes[] = {
    { 07, 02, TCPHS_ECN_ACCURATE },  /* AccECN asked; 0 1 0: AccECN, the SYN arrived Not-ECT */
    { 07, 03, TCPHS_ECN_ACCURATE },  /* 0 1 1: AccECN, the SYN arrived ECT(1) */
    { 07, 04, TCPHS_ECN_ACCURATE },  /* 1 0 0: AccECN, the SYN arrived ECT(0) */
    { 07, 06, TCPHS_ECN_ACCURATE },  /* 1 1 0: AccECN, the SYN arrived CE */
    { 07, 01, TCPHS_ECN_CLASSIC  },  /* 0 0 1: the server speaks RFC 3168 only */
    { 07, 05, TCPHS_ECN_CLASSIC  },  /* 1 0 1: a server of the historic ECN nonce (RFC 3540) */
    { 03, 01, TCPHS_ECN_CLASSIC  },  /* RFC 3168: ECN-setup SYN and SYN-ACK */
    { 03, 05, TCPHS_ECN_CLASSIC  },  /* the same with the nonce's NS (now AE) bit */
};

static tcphs_ecn_mode ecn_mode_of(uint8_t syn, uint8_t synack)
{
    for (size_t i = 0; i < sizeof(ecn_handshakes) / sizeof(ecn_handshakes[0]); i++) {
        if (ecn_handshakes[i].syn == syn && ecn_handshakes[i].synack == synack)
            return ecn_handshakes[i].mode;
    }
    return TCPHS_ECN_NONE;
}

/* Whether a SYN asks for ECN (CWR and ECE, with AE for AccECN) or a
 * SYN-ACK gives it in some form (a row of the table above). */
static bool offers_ecn(const tcphs_segment *seg)
{
    uint8_t flags = ecn_flags_of(seg);

    if (!tcphs_has_flag(seg, TCPHS_ACK))
        return (flags & 03) == 03;
    return ecn_mode_of(07, flags) != TCPHS_ECN_NONE;
}

/* Remember what a SYN or SYN-ACK offered. */
static void record_offer(tcphs_offer *offer, const tcphs_segment *seg)
{
    uint8_t offered = TCPHS_OFFER_SEEN;

    /* The snaplen cut this SYN's options: what it offered is unknown, and
     * an offer that is "seen" would read as "offered nothing". */
    if (tcphs_segment_has(seg, TCPHS_OPTIONS_UNKNOWN)) {
        offer->offered = 0;
        return;
    }

    if (tcphs_segment_has(seg, TCPHS_OPT_MSS)) {
        offered |= TCPHS_OFFER_MSS;
        offer->mss = seg->mss;
    }
    if (tcphs_segment_has(seg, TCPHS_OPT_WSCALE)) {
        offered |= TCPHS_OFFER_WSCALE;
        offer->wscale = seg->wscale;
    }
    if (tcphs_segment_has(seg, TCPHS_OPT_SACK_PERM))
        offered |= TCPHS_OFFER_SACK;
    if (tcphs_segment_has(seg, TCPHS_OPT_TIMESTAMPS))
        offered |= TCPHS_OFFER_TIMESTAMPS;
    if (offers_ecn(seg))
        offered |= TCPHS_OFFER_ECN;
    offer->ecn_flags = ecn_flags_of(seg);
    /* RFC 7413, 4.2: Fast Open is a SYN with data or with a cookie; a SYN
     * with an empty cookie only asks for one (4.2.1), for a later connection. */
    if (!tcphs_has_flag(seg, TCPHS_ACK) && (seg->len > 0 || tcphs_segment_has(seg, TCPHS_OPT_TFO_COOKIE)))
        offered |= TCPHS_OFFER_TFO;
    if (seg->src.addr.family == 6)
        offered |= TCPHS_OFFER_IPV6;
    offer->offered = offered;
}

/* ---- handshake segments -------------------------------------------------- */

static void set_ack_check(tcphs_record *rec, bool ok)
{
    rec->known |= TCPHS_KNOWN_ACK_CHECK;
    rec->ack_ok = ok;
}

/* A bare SYN from the client: the first one, a retransmission (same ISN), or
 * the real SYN arriving after a SYN-ACK from which its ISN was derived. */
static void on_client_syn(tcphs_conn *conn, const tcphs_segment *seg, tcphs_record *rec)
{
    tcphs_side_state *client = &conn->side[TCPHS_SIDE_CLIENT];

    if (!(conn->timing_known & TIMING_HS_ACK)) {
        /* Wireshark's iRTT starts at the most recent SYN. */
        conn->syn_ns = seg->time_ns;
        conn->timing_known = (uint8_t)((conn->timing_known | TIMING_SYN) & ~TIMING_SYNACK);
    }
    if (client->isn_known && !client->isn_derived && client->syn_seq == seg->seq) {
        conn->syn_retransmissions++;
        rec->event = TCPHS_EVENT_SYN_RETRANSMISSION;
        rec->retransmission = (uint8_t)(conn->syn_retransmissions > 255 ? 255 : conn->syn_retransmissions);
        rec->anomalies |= TCPHS_ANOMALY_SYN_RETRANSMITTED;
        return;
    }
    client->syn_seq = seg->seq;
    client->syn_len = seg->len;
    client->isn_known = 1;
    client->isn_derived = 0;
    record_offer(&conn->offer[TCPHS_SIDE_CLIENT], seg);
    rec->event = TCPHS_EVENT_SYN;
    rec->step = 1;
}

/* A bare SYN from the server while the client's SYN is outstanding: the two
 * SYNs crossed (RFC 9293, 3.5, figure 8). */
static void on_server_syn(tcphs_conn *conn, const tcphs_segment *seg, tcphs_record *rec)
{
    tcphs_side_state *server = &conn->side[TCPHS_SIDE_SERVER];

    if (server->isn_known && server->syn_seq == seg->seq) {
        rec->event = TCPHS_EVENT_SYN_RETRANSMISSION;
        return;
    }
    server->syn_seq = seg->seq;
    server->syn_len = seg->len;
    server->isn_known = 1;
    record_offer(&conn->offer[TCPHS_SIDE_SERVER], seg);
    rec->event = TCPHS_EVENT_SYN;
    rec->anomalies |= TCPHS_ANOMALY_SIMULTANEOUS_OPEN;
    rec->step = 1;
    conn->hs_state = TCPHS_HSS_SIMULTANEOUS;
}

/* RFC 9293, 3.10.7.3 (SYN-SENT) and 3.10.7.4 (SYN-RECEIVED): an ack of a
 * SYN is acceptable when SND.UNA < SEG.ACK =< SND.NXT, that is ISN < ack
 * =< ISN + 1 + the data the SYN carried.  Without data that is ack = ISN + 1;
 * with Fast Open data (RFC 7413, 4.2) ISN + 1 means the data was not
 * accepted and ISN + 1 + len that it was: both are correct. */
static bool acks_syn(uint32_t ack, const tcphs_side_state *syn_sender)
{
    return tcphs_seq_gt(ack, syn_sender->syn_seq) &&
           tcphs_seq_le(ack, syn_sender->syn_seq + 1 + syn_sender->syn_len);
}

/* A SYN-ACK from `side`.  Returns whether it acknowledges the peer's SYN;
 * true also when that cannot be checked (the peer's ISN is unknown, and is
 * then derived from this ack). */
static bool on_syn_ack(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side, tcphs_record *rec)
{
    tcphs_side_state *self = &conn->side[side];
    tcphs_side_state *peer = &conn->side[tcphs_other_side(side)];
    bool ack_ok = true;

    if (self->synack_sent && self->isn_known && self->syn_seq == seg->seq) {
        conn->synack_retransmissions++;
        rec->event = TCPHS_EVENT_SYN_ACK_RETRANSMISSION;
        rec->retransmission = (uint8_t)(conn->synack_retransmissions > 255 ? 255 : conn->synack_retransmissions);
        return true;
    }
    self->syn_seq = seg->seq;
    self->syn_len = seg->len;
    self->isn_known = 1;
    self->synack_sent = 1;
    /* In a simultaneous open each side's options came with its bare SYN. */
    if (!(conn->offer[side].offered & TCPHS_OFFER_SEEN))
        record_offer(&conn->offer[side], seg);
    rec->event = TCPHS_EVENT_SYN_ACK;
    rec->step = 2;
    if (!(conn->timing_known & TIMING_SYNACK)) {
        conn->synack_ns = seg->time_ns;
        conn->timing_known |= TIMING_SYNACK;
    }
    if (!tcphs_carries_ack(seg))
        return true;
    if (peer->isn_known && !peer->isn_derived) {
        ack_ok = acks_syn(seg->ack, peer);
        set_ack_check(rec, ack_ok);
        if (!ack_ok)
            rec->anomalies |= TCPHS_ANOMALY_SYNACK_BAD_ACK;
    } else if (!peer->isn_known) {
        /* The SYN was not captured: its ISN is what this SYN-ACK acknowledges, minus 1. */
        peer->syn_seq = seg->ack - 1;
        peer->isn_known = 1;
        peer->isn_derived = 1;
    }
    return ack_ok;
}

/* The segment that completes the handshake (RFC 9293, 3.5: the third
 * segment, which may carry data): it acknowledges the peer's SYN-ACK.  In
 * the client's three-way handshake it comes from the client; in a split
 * handshake (a simultaneous open in which only one side sent SYN-ACK) from
 * the side that did not send one.  Returns whether its ack is correct. */
static bool on_handshake_ack(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side, tcphs_record *rec)
{
    bool ack_ok = acks_syn(seg->ack, &conn->side[tcphs_other_side(side)]);

    set_ack_check(rec, ack_ok);
    if (!ack_ok)
        rec->anomalies |= TCPHS_ANOMALY_HS_ACK_BAD_ACK;
    /* A FIN in the third segment is reported as the FIN; the handshake still completes. */
    if (!tcphs_has_flag(seg, TCPHS_FIN)) {
        rec->event = TCPHS_EVENT_HANDSHAKE_ACK;
        rec->step = 3;
    }
    conn->hs_ack_ns = seg->time_ns;
    conn->timing_known |= TIMING_HS_ACK;
    return ack_ok;
}

/* SYN and SYN-ACK retransmissions after the handshake settled. */
static void on_late_syn(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side, tcphs_record *rec)
{
    const tcphs_side_state *self = &conn->side[side];

    if (self->isn_known && self->syn_seq == seg->seq) {
        if (tcphs_is_bare_syn(seg)) {
            if (side == TCPHS_SIDE_CLIENT)
                conn->syn_retransmissions++;
            rec->event = TCPHS_EVENT_SYN_RETRANSMISSION;
        } else {
            conn->synack_retransmissions++;
            rec->event = TCPHS_EVENT_SYN_ACK_RETRANSMISSION;
        }
    } else {
        rec->event = tcphs_is_bare_syn(seg) ? TCPHS_EVENT_SYN : TCPHS_EVENT_SYN_ACK;
    }
}

/* ---- the handshake state machine: one handler per state ---------------- */

typedef void (*hs_handler)(tcphs_conn *, const tcphs_segment *, tcphs_side, tcphs_record *);

static void hs_start(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side, tcphs_record *rec)
{
    if (tcphs_is_bare_syn(seg) && side == TCPHS_SIDE_CLIENT) {
        on_client_syn(conn, seg, rec);
        conn->hs_state = TCPHS_HSS_SYN_SENT;
    } else if (tcphs_is_syn_ack(seg) && side == TCPHS_SIDE_SERVER) {
        on_syn_ack(conn, seg, side, rec);
        conn->hs_state = TCPHS_HSS_SYN_RECEIVED;
    } else {
        conn->hs_state = TCPHS_HSS_NOT_SEEN;
        rec->anomalies |= TCPHS_ANOMALY_MIDSTREAM_START;
    }
}

static void hs_syn_sent(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side, tcphs_record *rec)
{
    if (tcphs_has_flag(seg, TCPHS_RST)) {
        /* RFC 9293, 3.10.7.1: a closed port answers the SYN with RST. */
        if (side == TCPHS_SIDE_SERVER) {
            conn->hs_state = TCPHS_HSS_REFUSED;
            rec->anomalies |= TCPHS_ANOMALY_REFUSED;
        }
        return;
    }
    if (tcphs_is_bare_syn(seg)) {
        if (side == TCPHS_SIDE_CLIENT)
            on_client_syn(conn, seg, rec);
        else
            on_server_syn(conn, seg, rec);
        return;
    }
    if (tcphs_is_syn_ack(seg) && side == TCPHS_SIDE_SERVER) {
        bool ack_ok = on_syn_ack(conn, seg, side, rec);
        if (rec->event == TCPHS_EVENT_SYN_ACK)
            conn->hs_state = ack_ok ? TCPHS_HSS_SYN_RECEIVED : TCPHS_HSS_INVALID;
        return;
    }
    /* The server carries on as if it had answered: its SYN-ACK was not captured. */
    if (side == TCPHS_SIDE_SERVER && !tcphs_has_flag(seg, TCPHS_SYN))
        conn->hs_state = TCPHS_HSS_SYNACK_MISSING;
}

/* RFC 9293, 3.5, figure 8: both sides sent a bare SYN.  Each SYN must
 * still be acknowledged: by the other side's SYN-ACK (figure 8: two
 * SYN-ACKs) or, when only one side sent a SYN-ACK (the "split handshake"
 * of Beardsley and Qian, 2010), by the other side's plain ACK of it.  The
 * open is complete once both SYNs are acknowledged; a RST before that
 * aborts it. */
static void hs_simultaneous(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side, tcphs_record *rec)
{
    tcphs_side_state *self = &conn->side[side];
    tcphs_side_state *peer = &conn->side[tcphs_other_side(side)];

    if (tcphs_has_flag(seg, TCPHS_RST)) {
        conn->hs_state = TCPHS_HSS_ABORTED;
        rec->anomalies |= TCPHS_ANOMALY_ABORTED;
        return;
    }
    if (tcphs_is_bare_syn(seg)) {
        if (side == TCPHS_SIDE_CLIENT)
            on_client_syn(conn, seg, rec);
        else
            on_server_syn(conn, seg, rec);
        return;
    }
    if (tcphs_is_syn_ack(seg)) {
        if (!on_syn_ack(conn, seg, side, rec))
            conn->hs_state = TCPHS_HSS_INVALID;
        else if (rec->event == TCPHS_EVENT_SYN_ACK)
            peer->syn_acked = 1;
    } else if (tcphs_carries_ack(seg) && peer->synack_sent && !self->synack_sent && self->syn_acked) {
        if (on_handshake_ack(conn, seg, side, rec))
            peer->syn_acked = 1;
        else
            conn->hs_state = TCPHS_HSS_INVALID;
    }
    if (self->syn_acked && peer->syn_acked)
        conn->hs_state = TCPHS_HSS_SIMULTANEOUS_DONE;
}

static void hs_syn_received(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side, tcphs_record *rec)
{
    if (tcphs_has_flag(seg, TCPHS_RST)) {
        conn->hs_state = TCPHS_HSS_ABORTED;
        rec->anomalies |= TCPHS_ANOMALY_ABORTED;
        return;
    }
    if (tcphs_is_bare_syn(seg)) {
        if (side == TCPHS_SIDE_CLIENT)
            on_client_syn(conn, seg, rec);
        return;
    }
    if (tcphs_is_syn_ack(seg)) {
        if (side == TCPHS_SIDE_SERVER)
            on_syn_ack(conn, seg, side, rec);
        return;
    }
    if (side == TCPHS_SIDE_CLIENT && tcphs_carries_ack(seg))
        conn->hs_state = on_handshake_ack(conn, seg, side, rec) ? TCPHS_HSS_ESTABLISHED : TCPHS_HSS_INVALID;
}

/* Settled states: the verdict is final; only late SYNs are recognised. */
static void hs_settled(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side, tcphs_record *rec)
{
    if (!tcphs_has_flag(seg, TCPHS_RST) && tcphs_has_flag(seg, TCPHS_SYN))
        on_late_syn(conn, seg, side, rec);
}

static const hs_handler hs_handlers[] = {
    [TCPHS_HSS_START]          = hs_start,
    [TCPHS_HSS_SYN_SENT]       = hs_syn_sent,
    [TCPHS_HSS_SIMULTANEOUS]   = hs_simultaneous,
    [TCPHS_HSS_SIMULTANEOUS_DONE] = hs_settled,
    [TCPHS_HSS_SYN_RECEIVED]   = hs_syn_received,
    [TCPHS_HSS_SYNACK_MISSING] = hs_settled,
    [TCPHS_HSS_ESTABLISHED]    = hs_settled,
    [TCPHS_HSS_REFUSED]        = hs_settled,
    [TCPHS_HSS_ABORTED]        = hs_settled,
    [TCPHS_HSS_INVALID]        = hs_settled,
    [TCPHS_HSS_NOT_SEEN]       = hs_settled,
};

/* Whether the handshake is still under way, so that payload is premature. */
static bool handshake_open(const tcphs_conn *conn)
{
    switch (conn->hs_state) {
    case TCPHS_HSS_SYN_SENT:
    case TCPHS_HSS_SYN_RECEIVED:
        return true;
    case TCPHS_HSS_SIMULTANEOUS:
        return !(conn->side[0].synack_sent && conn->side[1].synack_sent);
    default:
        return false;
    }
}

/* ---- lifecycle: data, keep-alives, FIN, RST ---------------------------- */

/* Whether this segment's ack covers the peer's FIN (RFC 9293, 3.6: the FIN
 * occupies one sequence number).  The first such segment marks the FIN
 * acknowledged; a copy of it, or any later one, acknowledges it still. */
static bool acknowledges_peer_fin(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side)
{
    tcphs_side_state *peer = &conn->side[tcphs_other_side(side)];

    if (!peer->fin_sent || !tcphs_carries_ack(seg))
        return false;
    if (!tcphs_seq_ge(seg->ack, peer->fin_end))
        return false;
    peer->fin_acked = 1;
    return true;
}

static void on_rst(tcphs_conn *conn, tcphs_side side, tcphs_record *rec)
{
    rec->event = TCPHS_EVENT_RST;
    if (conn->side[0].fin_sent && conn->side[1].fin_sent)
        rec->known |= TCPHS_KNOWN_AFTER_BOTH_FINS;
    if (conn->data_seen && !(rec->anomalies & (TCPHS_ANOMALY_REFUSED | TCPHS_ANOMALY_ABORTED)))
        rec->anomalies |= TCPHS_ANOMALY_RST_AFTER_DATA;
    if (!conn->rst_seen) {
        conn->rst_seen = 1;
        conn->first_rst_side = (uint8_t)side;
    }
}

/* RFC 9293, 3.6: the first FIN starts the active close; the other side's
 * FIN is the passive close, unless it was sent before the first FIN had
 * arrived (a simultaneous close: its ack does not cover the first FIN). */
static void on_fin(tcphs_conn *conn, tcphs_side side, const tcphs_segment *seg, tcphs_record *rec)
{
    tcphs_side_state *self = &conn->side[side];
    const tcphs_side_state *peer = &conn->side[tcphs_other_side(side)];

    if (conn->rst_seen)
        rec->anomalies |= TCPHS_ANOMALY_FIN_AFTER_RST;
    if (!conn->fin_seen) {
        conn->fin_seen = 1;
        conn->first_fin_side = (uint8_t)side;
        rec->event = TCPHS_EVENT_FIN;
    } else if (conn->first_fin_side == side) {
        rec->event = TCPHS_EVENT_FIN;
    } else {
        rec->event = TCPHS_EVENT_PEER_FIN;
        if (!self->fin_sent && (!tcphs_carries_ack(seg) || tcphs_seq_lt(seg->ack, peer->fin_end)))
            conn->simultaneous_close = 1;
        if (conn->simultaneous_close)
            rec->known |= TCPHS_KNOWN_SIMULTANEOUS_CLOSE;
    }
    if (!self->fin_sent) {
        self->fin_sent = 1;
        /* A FIN occupies one sequence number after the segment's data. */
        self->fin_end = seg->seq + seg->len + 1;
    } else if (self->fin_end == seg->seq + seg->len + 1) {
        /* RFC 9293, 3.8.1: an unacknowledged FIN is retransmitted like data. */
        rec->known |= TCPHS_KNOWN_FIN_REPEATED;
    }
}

static void classify_plain(tcphs_conn *conn, tcphs_side side, const tcphs_segment *seg, tcphs_record *rec,
                           bool acks_peer_fin)
{
    if (tcphs_segment_has(seg, TCPHS_KEEP_ALIVE)) {
        rec->event = TCPHS_EVENT_KEEP_ALIVE;
        conn->side[side].keep_alives++;
    } else if (tcphs_segment_has(seg, TCPHS_KEEP_ALIVE_ACK)) {
        rec->event = TCPHS_EVENT_KEEP_ALIVE_ACK;
    } else if (seg->len > 0) {
        rec->event = TCPHS_EVENT_DATA;
    } else if (acks_peer_fin) {
        rec->event = TCPHS_EVENT_FIN_ACK;
    } else if (tcphs_has_flag(seg, TCPHS_ACK)) {
        rec->event = TCPHS_EVENT_ACK;
    } else {
        rec->event = TCPHS_EVENT_OTHER;
    }
    if (conn->rst_seen && seg->len > 0)
        rec->anomalies |= TCPHS_ANOMALY_DATA_AFTER_RST;
}

static void classify_lifecycle(tcphs_conn *conn, tcphs_side side, const tcphs_segment *seg, tcphs_record *rec)
{
    bool acks_peer_fin = acknowledges_peer_fin(conn, seg, side);

    if (rec->event != TCPHS_EVENT_NONE)
        return;   /* the handshake machine already named it */
    if (tcphs_has_flag(seg, TCPHS_RST))
        on_rst(conn, side, rec);
    else if (tcphs_has_flag(seg, TCPHS_FIN))
        on_fin(conn, side, seg, rec);
    else
        classify_plain(conn, side, seg, rec, acks_peer_fin);
}

static bool is_handshake_event(uint8_t event)
{
    switch (event) {
    case TCPHS_EVENT_SYN:
    case TCPHS_EVENT_SYN_ACK:
    case TCPHS_EVENT_HANDSHAKE_ACK:
    case TCPHS_EVENT_SYN_RETRANSMISSION:
    case TCPHS_EVENT_SYN_ACK_RETRANSMISSION:
        return true;
    default:
        return false;
    }
}

/* docs/fields.md, tcphs.phase: reset for a RST; teardown from the first FIN
 * on (and after a RST); handshake for SYNs, SYN-ACKs and the completing ACK. */
static tcphs_phase phase_of(const tcphs_conn *conn, const tcphs_segment *seg, const tcphs_record *rec)
{
    if (tcphs_has_flag(seg, TCPHS_RST))
        return TCPHS_PHASE_RESET;
    if (conn->fin_seen)
        return TCPHS_PHASE_TEARDOWN;
    if (is_handshake_event(rec->event))
        return TCPHS_PHASE_HANDSHAKE;
    if (conn->rst_seen)
        return TCPHS_PHASE_TEARDOWN;
    return TCPHS_PHASE_DATA;
}

/* ---- bookkeeping ---------------------------------------------------------- */

static void count_segment(tcphs_conn *conn, tcphs_side side, const tcphs_segment *seg)
{
    tcphs_side_state *self = &conn->side[side];

    self->packets++;
    self->bytes += seg->len;
    if (tcphs_segment_has(seg, TCPHS_RETRANSMISSION))
        self->retransmissions++;
    if (seg->time_ns < conn->first_ns)
        conn->first_ns = seg->time_ns;
    if (seg->time_ns > conn->last_ns)
        conn->last_ns = seg->time_ns;
}

static void snapshot_isns(const tcphs_conn *conn, tcphs_record *rec)
{
    const tcphs_side_state *client = &conn->side[TCPHS_SIDE_CLIENT];
    const tcphs_side_state *server = &conn->side[TCPHS_SIDE_SERVER];

    if (client->isn_known) {
        rec->known |= TCPHS_KNOWN_ISN_CLIENT;
        rec->isn_client = client->syn_seq;
        if (client->isn_derived)
            rec->known |= TCPHS_KNOWN_ISN_CLIENT_DERIVED;
    }
    if (server->isn_known) {
        rec->known |= TCPHS_KNOWN_ISN_SERVER;
        rec->isn_server = server->syn_seq;
    }
}

/* The RFC 9293 states of both endpoints (endpoint.c) and the frame links. */
static void track_endpoints(tcphs_conn *conn, const tcphs_segment *seg, tcphs_side side, tcphs_record *rec)
{
    tcphs_link_facts facts;

    tcphs_endpoints_update(&conn->endpoints, seg, side, &rec->states_before, &rec->states);
    facts.frame = seg->frame;
    facts.len = seg->len;
    facts.flags = seg->flags;
    facts.event = rec->event;
    facts.from = rec->from;
    facts.before = rec->states_before;
    facts.after = rec->states;
    tcphs_links_note(&conn->links, &facts);
}

/* What a side's SYN said about window scaling, for tcphs_wscale_for(). */
static int wscale_offer(const tcphs_offer *offer)
{
    if (!(offer->offered & TCPHS_OFFER_SEEN))
        return TCPHS_WS_UNSEEN;
    return (offer->offered & TCPHS_OFFER_WSCALE) ? offer->wscale : TCPHS_WS_NONE;
}

/* The data-transfer half (transfer.c): the window's scale as known now,
 * and the segment's place in the ACK bookkeeping. */
static void update_transfer(tcphs_conn *conn, tcphs_side side, const tcphs_segment *seg, tcphs_record *rec)
{
    tcphs_transfer_result result;

    if (tcphs_segment_has(seg, TCPHS_HAVE_WINDOW))
        rec->wscale = tcphs_wscale_for(tcphs_has_flag(seg, TCPHS_SYN), side == TCPHS_SIDE_SERVER,
                                       wscale_offer(&conn->offer[side]),
                                       wscale_offer(&conn->offer[tcphs_other_side(side)]));
    result = tcphs_transfer_update(&conn->transfer, side, seg);
    rec->xfer = result.slot;
    rec->acks_segments = result.acks_segments;
    rec->starts_behind = result.starts_behind;
}

/* Rounds, phases and trouble counters (rounds.c), with the window's scale
 * update_transfer() just set. */
static void update_rounds(tcphs_conn *conn, tcphs_side side, const tcphs_segment *seg, tcphs_record *rec)
{
    tcphs_rounds_result result = tcphs_rounds_update(&conn->rounds, side, seg, (uint8_t)rec->wscale);

    rec->in_round = result.round != 0;
    rec->sent_again = (result.marks & TCPHS_MARK_SENT_AGAIN) != 0;
    rec->dup_ack = (result.marks & TCPHS_MARK_DUP_ACK) != 0;
    rec->zero_window = (result.marks & TCPHS_MARK_ZERO_WINDOW) != 0;
}

bool tcphs_conn_update(tcphs_conn *conn, const tcphs_segment *seg, tcphs_record *rec)
{
    tcphs_side side;
    bool first = conn->first_frame == 0;

    if (!tcphs_segment_has(seg, TCPHS_HAVE_REQUIRED))
        return false;

    memset(rec, 0, sizeof(*rec));
    if (first) {
        assign_roles(conn, seg);
        conn->first_frame = seg->frame;
        conn->first_ns = conn->last_ns = seg->time_ns;
    }
    side = sender_side(conn, seg);
    rec->conn = conn;
    rec->from = side;
    rec->seq = seg->seq;
    rec->ack = tcphs_carries_ack(seg) ? seg->ack : 0;
    rec->len = seg->len;
    rec->flags = seg->flags;
    rec->window = seg->window;
    if (conn->role_guessed)
        rec->known |= TCPHS_KNOWN_ROLE_GUESSED;

    if (seg->len > 0 && !tcphs_has_flag(seg, TCPHS_SYN) && handshake_open(conn) &&
        !(side == TCPHS_SIDE_CLIENT && conn->hs_state == TCPHS_HSS_SYN_RECEIVED && tcphs_carries_ack(seg)))
        rec->anomalies |= TCPHS_ANOMALY_DATA_BEFORE_HS;

    hs_handlers[conn->hs_state](conn, seg, side, rec);
    classify_lifecycle(conn, side, seg, rec);
    rec->phase = phase_of(conn, seg, rec);

    if (seg->len > 0)
        conn->data_seen = 1;
    count_segment(conn, side, seg);
    snapshot_isns(conn, rec);
    tcphs_zeek_update(&conn->zeek, seg);
    track_endpoints(conn, seg, side, rec);
    update_transfer(conn, side, seg, rec);
    update_rounds(conn, side, seg, rec);
    return true;
}

/* ---- verdicts -------------------------------------------------------------- */

tcphs_hs_verdict tcphs_conn_hs_verdict(const tcphs_conn *conn)
{
    switch (conn->hs_state) {
    case TCPHS_HSS_SYN_SENT:       return TCPHS_HS_UNANSWERED;
    case TCPHS_HSS_SIMULTANEOUS:   return TCPHS_HS_SIMULTANEOUS_OPEN;
    case TCPHS_HSS_SIMULTANEOUS_DONE: return TCPHS_HS_SIMULTANEOUS_OPEN;
    case TCPHS_HSS_SYN_RECEIVED:   return TCPHS_HS_INCOMPLETE;
    case TCPHS_HSS_SYNACK_MISSING: return TCPHS_HS_INCOMPLETE;
    case TCPHS_HSS_ESTABLISHED:    return TCPHS_HS_COMPLETE;
    case TCPHS_HSS_REFUSED:        return TCPHS_HS_REFUSED;
    case TCPHS_HSS_ABORTED:        return TCPHS_HS_ABORTED;
    case TCPHS_HSS_INVALID:        return TCPHS_HS_INVALID;
    case TCPHS_HSS_START:
    case TCPHS_HSS_NOT_SEEN:
    default:                       return TCPHS_HS_NOT_SEEN;
    }
}

/* Who closed: the first FIN's sender (both for a simultaneous close), or the
 * first RST's sender when a RST came before any FIN. */
tcphs_close_initiator tcphs_conn_close_initiator(const tcphs_conn *conn)
{
    uint8_t side;

    if (conn->fin_seen && conn->simultaneous_close)
        return TCPHS_CLOSE_BY_BOTH;
    if (conn->fin_seen)
        side = conn->first_fin_side;
    else if (conn->rst_seen)
        side = conn->first_rst_side;
    else
        return TCPHS_CLOSE_BY_NONE;
    return side == TCPHS_SIDE_CLIENT ? TCPHS_CLOSE_BY_CLIENT : TCPHS_CLOSE_BY_SERVER;
}

/* How: FIN both ways is graceful (a RST after that changes nothing, as in
 * Zeek), a RST before that is a reset, a FIN one way only is a half close. */
tcphs_close_kind tcphs_conn_close_kind(const tcphs_conn *conn)
{
    bool both_fins = conn->side[0].fin_sent && conn->side[1].fin_sent;

    if (both_fins)
        return TCPHS_CLOSE_GRACEFUL;
    if (conn->rst_seen)
        return TCPHS_CLOSE_RESET;
    if (conn->fin_seen)
        return TCPHS_CLOSE_HALF;
    return TCPHS_CLOSE_NONE;
}

bool tcphs_conn_irtt(const tcphs_conn *conn, int64_t *ns)
{
    if ((conn->timing_known & (TIMING_SYN | TIMING_HS_ACK)) != (TIMING_SYN | TIMING_HS_ACK))
        return false;
    *ns = conn->hs_ack_ns - conn->syn_ns;
    return true;
}

bool tcphs_conn_syn_to_synack(const tcphs_conn *conn, int64_t *ns)
{
    if ((conn->timing_known & (TIMING_SYN | TIMING_SYNACK)) != (TIMING_SYN | TIMING_SYNACK))
        return false;
    *ns = conn->synack_ns - conn->syn_ns;
    return true;
}

bool tcphs_conn_synack_to_ack(const tcphs_conn *conn, int64_t *ns)
{
    if ((conn->timing_known & (TIMING_SYN | TIMING_SYNACK | TIMING_HS_ACK)) !=
        (TIMING_SYN | TIMING_SYNACK | TIMING_HS_ACK))
        return false;
    *ns = conn->hs_ack_ns - conn->synack_ns;
    return true;
}

bool tcphs_conn_options_known(const tcphs_conn *conn)
{
    return (conn->offer[0].offered & TCPHS_OFFER_SEEN) && (conn->offer[1].offered & TCPHS_OFFER_SEEN);
}

static uint16_t offered_mss(const tcphs_offer *offer, bool ipv6)
{
    if (offer->offered & TCPHS_OFFER_MSS)
        return offer->mss;
    return ipv6 ? DEFAULT_MSS_IPV6 : DEFAULT_MSS_IPV4;
}

uint16_t tcphs_conn_mss_effective(const tcphs_conn *conn)
{
    bool ipv6 = (conn->offer[TCPHS_SIDE_CLIENT].offered & TCPHS_OFFER_IPV6) != 0;
    uint16_t client = offered_mss(&conn->offer[TCPHS_SIDE_CLIENT], ipv6);
    uint16_t server = offered_mss(&conn->offer[TCPHS_SIDE_SERVER], ipv6);

    return client < server ? client : server;
}

/* An option is negotiated when both sides offered it; Fast Open is the
 * client's alone (its SYN carried data or a cookie). */
bool tcphs_conn_negotiated(const tcphs_conn *conn, uint8_t offer_bit)
{
    if (offer_bit == TCPHS_OFFER_TFO)
        return (conn->offer[TCPHS_SIDE_CLIENT].offered & TCPHS_OFFER_TFO) != 0;
    if (offer_bit == TCPHS_OFFER_ECN)
        return tcphs_conn_ecn_mode(conn) != TCPHS_ECN_NONE;
    return (conn->offer[0].offered & offer_bit) && (conn->offer[1].offered & offer_bit);
}

/* The client's SYN asks, the server's SYN-ACK answers (the table above). */
tcphs_ecn_mode tcphs_conn_ecn_mode(const tcphs_conn *conn)
{
    if (!tcphs_conn_options_known(conn))
        return TCPHS_ECN_NONE;
    return ecn_mode_of(conn->offer[TCPHS_SIDE_CLIENT].ecn_flags, conn->offer[TCPHS_SIDE_SERVER].ecn_flags);
}

void tcphs_conn_free(tcphs_conn *conn)
{
    tcphs_transfer_free(&conn->transfer);
    tcphs_rounds_free(&conn->rounds);
}

const tcphs_rounds *tcphs_conn_rounds(const tcphs_conn *conn)
{
    return &conn->rounds;
}

uint32_t tcphs_record_round(const tcphs_record *rec, uint32_t frame)
{
    if (!rec->conn || !rec->in_round)
        return 0;
    return tcphs_rounds_round_at(tcphs_conn_rounds(rec->conn), rec->from, frame);
}

const tcphs_transfer *tcphs_conn_transfer(const tcphs_conn *conn)
{
    return &conn->transfer;
}

const tcphs_xfer *tcphs_record_xfer(const tcphs_record *rec)
{
    if (!rec->conn || rec->xfer == 0)
        return NULL;
    return tcphs_transfer_slot(tcphs_conn_transfer(rec->conn), rec->xfer);
}

bool tcphs_record_window_bytes(const tcphs_record *rec, uint32_t *bytes)
{
    return tcphs_window_bytes(rec->window, rec->wscale, bytes);
}

bool tcphs_conn_throughput(const tcphs_conn *conn, tcphs_side side, double *bytes_per_s)
{
    uint64_t bytes;
    int64_t ns;

    if (!tcphs_transfer_throughput(tcphs_conn_transfer(conn), side, &bytes, &ns))
        return false;
    *bytes_per_s = (double)bytes * 1e9 / (double)ns;
    return true;
}
