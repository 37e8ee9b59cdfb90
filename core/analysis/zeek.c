/* zeek.c: Zeek's conn.log conn_state and history for one TCP connection.
 *
 * Each function below mirrors one piece of Zeek (snapshot a13de64, see
 * docs/fields.md summarises it); the comment names the Zeek file and
 * function it follows.  Zeek abbreviations used here:
 *   TSA = src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc
 *   TE  = src/analyzer/protocol/tcp/TCP_Endpoint.{h,cc}
 *   TR  = src/analyzer/protocol/tcp/TCP_Reassembler.cc (+ src/Reassem.cc)
 *   TCP = src/packet_analysis/protocol/tcp/TCP.cc
 *   CONN = src/Conn.cc, src/session/Session.{h,cc}
 *   MAIN = scripts/base/protocols/conn/main.zeek
 *
 * Deliberate differences from Zeek, all because tcphs keeps one row per
 * Wireshark tcp.stream and sees only TCP:
 *   - no connection splits (reuse, attempt/close timers): a SYN that would make
 *     Zeek start a new row is processed inside the same row;
 *   - 'X' (analysis limits) is never produced;
 *   - reassembly (needed for 'G') is assumed on for every connection, and the
 *     reassembler keeps at most one block above a hole (Zeek keeps a list);
 *   - sequence wraps beyond 2^32 are handled modulo 2^32.
 * Payload cut off by the capture's snaplen is not a difference: the glue
 * marks such a segment TCPHS_PAYLOAD_TRUNCATED and tcphs_zeek_update()
 * keeps it out of the reassembler, as Zeek's TE DataSent does when
 * caplen < len (so both report a content gap 'G' once the peer
 * acknowledges those bytes).
 */
#include "core/analysis/zeek.h"

#include <string.h>

/* TE.h: EndpointState; conn.log's conn_state reads these numbers. */
enum tcphs_zeek_state {
    ZS_INACTIVE = 0,      /* nothing (or only ACKs while the peer's SYN waits) */
    ZS_SYN_SENT = 1,      /* SYN seen, no SYN-ACK yet */
    ZS_SYN_ACK_SENT = 2,  /* this side's SYN-ACK came first */
    ZS_PARTIAL = 3,       /* data or ACKs seen, no SYN */
    ZS_ESTABLISHED = 4,
    ZS_CLOSED = 5,        /* FIN sent */
    ZS_RESET = 6          /* RST sent */
};

/* TE.h: the hist_seen bits (originator's; the responder's are << 16). */
enum {
    HIST_SYN_PKT = 0x1,
    HIST_FIN_PKT = 0x2,
    HIST_RST_PKT = 0x4,
    HIST_FIN_RST_PKT = 0x8,
    HIST_DATA_PKT = 0x10,
    HIST_ACK_PKT = 0x20,
    HIST_MULTI_FLAG_PKT = 0x40
};

/* The log-scale letters (CONN ScaledHistoryEntry), indexes of scaled[]. */
enum { SCALED_RXMIT, SCALED_WIN0, SCALED_CHECKSUM, SCALED_GAP, SCALED_COUNT };
static const char scaled_letter[SCALED_COUNT] = { 'T', 'W', 'C', 'G' };

/* TSA/TCP: TOO_LARGE_SEQ_DELTA. */
#define TOO_LARGE_SEQ_DELTA 1048576

/* TSA first_packet_seen bits. */
enum { SEEN_ORIG = 1, SEEN_RESP = 2 };

/* The facts of one segment, as TCP.cc's DeliverPacket computes them. */
typedef struct {
    const tcphs_segment *seg;
    uint8_t sender;          /* host index of the sender */
    bool is_orig;            /* sender's role when the segment arrived; like
                                Zeek's local is_orig it is not updated by a
                                flip in the middle of the segment */
    bool syn, fin, rst, ack; /* TCP flags */
    bool ack_valid;          /* ACK flag and an acknowledgment number */
    uint32_t len;            /* payload */
    uint32_t seg_len;        /* sequence space used (TSA get_segment_len) */
    uint32_t rel_seq;        /* seq relative to the sender's start_seq */
    bool seq_underflow;      /* seq below the sender's start_seq */
} packet;

/* ---------------------------------------------------------------- roles */

static tcphs_zeek_endpoint *ep(tcphs_zeek *z, uint8_t host) { return &z->host[host]; }
static uint8_t other(uint8_t host) { return (uint8_t)(host ^ 1u); }
static bool host_is_orig(const tcphs_zeek *z, uint8_t host) { return host == z->orig_host; }
static tcphs_zeek_endpoint *orig_ep(tcphs_zeek *z) { return ep(z, z->orig_host); }
static tcphs_zeek_endpoint *resp_ep(tcphs_zeek *z) { return ep(z, other(z->orig_host)); }

/* ------------------------------------------------------------- history */

/* Append a letter; past TCPHS_ZEEK_HISTORY_MAX letters the first lost one
 * becomes the cut mark and the rest are dropped (see zeek.h). */
static void history_append(tcphs_zeek *z, char c)
{
    if (z->history_len >= TCPHS_ZEEK_HISTORY_MAX) {
        if (!z->truncated)
            z->history[z->history_len + 1] = '\0';
        z->history[z->history_len] = TCPHS_ZEEK_HISTORY_CUT;
        z->truncated = 1;
        return;
    }
    z->history[z->history_len++] = c;
    z->history[z->history_len] = '\0';
}

static void history_replace(tcphs_zeek *z, const char *s)
{
    z->history_len = 0;
    z->truncated = 0;
    z->history[0] = '\0';
    for (; *s; ++s)
        history_append(z, *s);
}

static char role_case(bool orig, char code)
{
    return orig ? code : (char)(code - 'A' + 'a');
}

/* TE AddHistory: upper case for the originator, lower for the responder. */
static void add_history(tcphs_zeek *z, uint8_t host, char code)
{
    history_append(z, role_case(host_is_orig(z, host), code));
}

/* TE CheckHistory + Session::CheckHistory: record a once-only letter.
 * Returns true when the letter had already been seen for this role. */
static bool check_history(tcphs_zeek *z, uint8_t host, uint32_t mask, char code)
{
    bool orig = host_is_orig(z, host);
    if (!orig)
        mask <<= 16;
    if (z->hist_seen & mask)
        return true;
    z->hist_seen |= mask;
    history_append(z, role_case(orig, code));
    return false;
}

static bool is_power_of_ten(uint32_t n)
{
    for (uint32_t p = 1; ; p *= 10u) {
        if (n == p)
            return true;
        if (p > UINT32_MAX / 10u)
            return false;
    }
}

/* CONN ScaledHistoryEntry (base 10): the letter at the 1st, 10th, 100th...
 * occurrence for this endpoint (TE DidRxmit, ZeroWindow, ChecksumError, Gap). */
static void scaled_history(tcphs_zeek *z, uint8_t host, int which)
{
    uint32_t *count = &ep(z, host)->scaled[which];
    if (*count == UINT32_MAX)
        return;
    ++*count;
    if (is_power_of_ten(*count))
        add_history(z, host, scaled_letter[which]);
}

/* TSA FlipRoles + Connection::FlipRoles: the endpoints swap roles, the
 * history gets '^', letters already written stay as they are, and the
 * hist_seen bits stay with the roles. */
static void flip_roles(tcphs_zeek *z)
{
    uint8_t seen = z->first_packet_seen;
    z->orig_host = other(z->orig_host);
    z->first_packet_seen = (uint8_t)(((seen & SEEN_ORIG) ? SEEN_RESP : 0) |
                                     ((seen & SEEN_RESP) ? SEEN_ORIG : 0));
    z->is_partial = 0;
    history_append(z, '^');
}

/* ------------------------------------------------ likely_server_ports */

/* likely_server_ports (init-bare.zeek) is filled by the protocol scripts
 * Zeek loads (each main.zeek does `redef likely_server_ports += { ports }`),
 * so it differs between `zeek -b` and a full run.  tcphs uses one fixed
 * approximation of a full run: every port below 1024 (the well-known range,
 * which covers Zeek's ftp 21, ssh 22, smtp 25, dns 53, http 80/81, krb 88,
 * pop3 110, rpc 111, dce-rpc 135, netbios 139, imap 143, ldap 389, ssl 443...,
 * smb 445, syslog 514, smtp 587, ipp 631, ldaps 636, ...) plus these TCP
 * ports registered by Zeek's base analyzers. */
static const uint16_t likely_high_ports[] = {
    1080,                         /* socks, http */
    1434, 3306,                   /* mysql */
    2811,                         /* ftp (GridFTP) */
    3128, 8000, 8080, 8888,       /* http */
    3268,                         /* ldap (global catalog) */
    3389,                         /* rdp */
    5222, 5269,                   /* xmpp */
    5223,                         /* ssl */
    5432,                         /* postgresql */
    6379,                         /* redis */
    6666, 6667, 6668, 6669,       /* irc */
    20000                         /* dnp3 */
};

static bool likely_server_port(uint16_t port)
{
    if (port < 1024)
        return true;
    for (size_t i = 0; i < sizeof likely_high_ports / sizeof likely_high_ports[0]; ++i)
        if (likely_high_ports[i] == port)
            return true;
    return false;
}

static bool is_ipv4_broadcast(const tcphs_address *a)
{
    static const uint8_t all_ones[4] = { 0xff, 0xff, 0xff, 0xff };
    return a->family == 4 && memcmp(a->bytes, all_ones, 4) == 0;
}

/* TCP WantConnection (+ IPBasedAnalyzer NewConn): a connection that does not
 * begin with a pure SYN is flipped when its source port looks like the
 * server's, unless it goes to the broadcast address. */
static bool flip_at_creation(const tcphs_segment *seg)
{
    bool syn = seg->flags & TCPHS_SYN, ack = seg->flags & TCPHS_ACK;
    if ((syn && !ack) || is_ipv4_broadcast(&seg->dst.addr))
        return false;
    if (!likely_server_port(seg->src.port))
        return false;
    if (!likely_server_port(seg->dst.port))
        return true;
    /* Both plausible: flip only if not a SYN-ACK (stealth scans) and the
     * source port is the lower one. */
    return !syn && seg->src.port < seg->dst.port;
}

/* ------------------------------------------------------------ endpoints */

static void set_state(tcphs_zeek_endpoint *e, uint8_t state)
{
    if (state == e->state)
        return;
    e->prev_state = e->state;
    e->state = state;
}

static void init_seqs(tcphs_zeek_endpoint *e, uint32_t start, uint32_t last)
{
    e->start_seq = start;
    e->ack_seq = start;
    e->last_seq = last;
}

/* TSA init_endpoint: (re)start the sequence numbering of the sender. */
static void init_endpoint(tcphs_zeek_endpoint *e, const packet *p)
{
    uint32_t seq = p->seg->seq, past = seq + p->seg_len;
    switch (e->state) {
    case ZS_INACTIVE:
        if (p->syn)
            init_seqs(e, seq, past);
        else
            /* Partial connection: number as though a SYN was at seq - 1,
             * but don't mark the first segment as a duplicate. */
            init_seqs(e, seq - 1, seq);
        break;
    case ZS_SYN_SENT:
    case ZS_SYN_ACK_SENT:
        if (p->syn && seq != e->start_seq)
            init_seqs(e, seq, past);
        break;
    case ZS_ESTABLISHED:
    case ZS_PARTIAL:
        if (p->syn)
            init_seqs(e, seq, past);
        break;
    case ZS_RESET:
        if (p->syn && e->prev_state == ZS_INACTIVE)
            init_seqs(e, seq, past);
        break;
    default:
        break;
    }
}

/* TSA init_peer: an ACK to a silent peer starts its numbering. */
static void init_peer(tcphs_zeek_endpoint *peer, uint32_t ack)
{
    init_seqs(peer, ack - 1, ack - 1);
}

/* TSA update_ack_seq. */
static void update_ack_seq(tcphs_zeek_endpoint *e, uint32_t ack)
{
    int32_t delta = (int32_t)(ack - e->ack_seq);
    if (ack == 0 && delta > TOO_LARGE_SEQ_DELTA)
        return; /* more likely a broken ack than a wrap onto 0 */
    if (delta > 0)
        e->ack_seq = ack;
}

/* TSA update_last_seq: returns delta_last; a payload that does not move the
 * highest sequence number is a retransmission ('T', log-scale). */
static int32_t update_last_seq(tcphs_zeek *z, const packet *p)
{
    tcphs_zeek_endpoint *e = ep(z, p->sender);
    uint32_t past = p->seg->seq + p->seg_len;
    int32_t delta = (int32_t)(past - e->last_seq);

    if ((p->syn || p->rst) && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA))
        ; /* don't trust wild SYN/RST sequence numbers */
    else if (p->fin && e->last_seq == e->start_seq + 1)
        e->last_seq = past; /* > 2 GB connections seen only by SYN and FIN */
    else if (e->state == ZS_RESET)
        ; /* don't trust anything after a RST */
    else if (delta > 0)
        e->last_seq = past;
    else if (p->len > 0)
        scaled_history(z, p->sender, SCALED_RXMIT);
    return delta;
}

/* TE Size(): bytes sent, for the REJ rule of conn_state. */
static bool size_is_zero(const tcphs_zeek_endpoint *e, const tcphs_zeek_endpoint *peer)
{
    bool no_data_acked = e->ack_seq == e->start_seq || e->ack_seq == e->start_seq + 1;
    if (e->prev_state == ZS_SYN_SENT && e->state == ZS_RESET &&
        peer->state == ZS_INACTIVE && !no_data_acked)
        return true; /* half-open connection discovered and aborted */
    int32_t by_last = (int32_t)(e->last_seq - e->start_seq);
    int32_t by_ack = (int32_t)(e->ack_seq - e->start_seq);
    int32_t size = by_last > by_ack ? by_last : by_ack;
    if (size < 0)
        return false; /* Zeek's unsigned arithmetic makes this huge */
    if (size != 0)
        --size; /* SYN octet */
    if (e->fin_seen && size != 0)
        --size; /* FIN octet */
    return size == 0;
}

/* ---------------------------------------------------- history letters */

/* TE CheckHistory, "H" flip (Zeek PR 2191): a connection whose history is
 * exactly "H" (it began with an unflipped SYN-ACK) and now sees a pure ACK or
 * data from either side was a missed SYN, not a stealth scan: the roles flip
 * and the history becomes "^h".  The SYN-ACK then counts as the responder's,
 * as if it had come after a missed SYN (resp SYN-ACK => ESTABLISHED). */
static void flip_lone_syn_ack(tcphs_zeek *z)
{
    if (z->history_len != 1 || z->history[0] != 'H')
        return;
    flip_roles(z);
    history_replace(z, "^h");
    if (resp_ep(z)->state == ZS_SYN_ACK_SENT)
        set_state(resp_ep(z), ZS_ESTABLISHED);
}

/* TSA update_history: S/H F R repeat only with a new sequence number; Q I D A
 * are once per role. */
static void update_history(tcphs_zeek *z, const packet *p)
{
    tcphs_zeek_endpoint *e = ep(z, p->sender);
    int bits = (int)p->syn + (int)p->fin + (int)p->rst;

    if (bits > 1) {
        if (p->fin && p->rst)
            check_history(z, p->sender, HIST_FIN_RST_PKT, 'I');
        else
            check_history(z, p->sender, HIST_MULTI_FLAG_PKT, 'Q');
        return;
    }
    if (bits == 1) {
        if (p->syn) {
            char code = p->ack ? 'H' : 'S';
            if (check_history(z, p->sender, HIST_SYN_PKT, code) && p->rel_seq != e->hist_last_syn)
                add_history(z, p->sender, code);
            e->hist_last_syn = p->rel_seq;
        }
        if (p->fin) {
            /* a FIN's sequence number is at the end of its data */
            uint32_t fin_at = p->rel_seq + p->len;
            if (check_history(z, p->sender, HIST_FIN_PKT, 'F') && fin_at != e->hist_last_fin)
                add_history(z, p->sender, 'F');
            e->hist_last_fin = fin_at;
        }
        if (p->rst) {
            if (check_history(z, p->sender, HIST_RST_PKT, 'R') && p->rel_seq != e->hist_last_rst)
                add_history(z, p->sender, 'R');
            e->hist_last_rst = p->rel_seq;
        }
        return;
    }
    if (p->len == 0 && !p->ack)
        return; /* no SYN/FIN/RST/ACK and no payload: no letter */
    flip_lone_syn_ack(z);
    if (p->len)
        check_history(z, p->sender, HIST_DATA_PKT, 'D');
    else
        check_history(z, p->sender, HIST_ACK_PKT, 'A');
}

/* TSA update_window: a zero window is noted unless it comes with or after a
 * RST, or after the peer's FIN. */
static void update_window(tcphs_zeek *z, const packet *p)
{
    if (!tcphs_segment_has(p->seg, TCPHS_HAVE_WINDOW) || p->seg->window != 0 || p->rst)
        return;
    if (ep(z, other(p->sender))->state == ZS_CLOSED || ep(z, p->sender)->state == ZS_RESET)
        return;
    scaled_history(z, p->sender, SCALED_WIN0);
}

/* ------------------------------------------------------- state machine */

/* TSA UpdateInactiveState. */
static void update_inactive(tcphs_zeek *z, const packet *p)
{
    tcphs_zeek_endpoint *e = ep(z, p->sender), *peer = ep(z, other(p->sender));

    if (p->syn) {
        if (p->is_orig) {
            set_state(e, p->ack ? ZS_SYN_ACK_SENT : ZS_SYN_SENT);
        } else {
            if (!p->ack && peer->state == ZS_SYN_ACK_SENT && p->seg->seq == e->start_seq) {
                /* SYN/SYN-ACK reversal: the SYN-ACK came first. */
                flip_roles(z);
                set_state(peer, ZS_ESTABLISHED);
                z->first_packet_seen |= SEEN_ORIG;
            }
            if (peer->state == ZS_SYN_SENT)
                set_state(peer, ZS_ESTABLISHED);
            set_state(e, ZS_ESTABLISHED);
        }
    }
    if (p->fin)
        set_state(e, ZS_CLOSED);
    if (p->rst)
        set_state(e, ZS_RESET);

    if (e->state != ZS_INACTIVE)
        return;
    if (!p->is_orig && p->len == 0 && orig_ep(z)->state == ZS_SYN_SENT)
        ; /* an ACK of the SYN before the SYN-ACK: not partial */
    else if (p->ack && peer->state == ZS_ESTABLISHED) {
        /* SYN-ACK seen, SYN missed: establish instead of partial */
        set_state(e, ZS_ESTABLISHED);
        z->is_partial = 0;
        z->first_packet_seen |= p->is_orig ? SEEN_ORIG : SEEN_RESP;
    } else
        set_state(e, ZS_PARTIAL);
}

/* TSA UpdateSYN_SentState. */
static void update_syn_sent(tcphs_zeek *z, const packet *p)
{
    tcphs_zeek_endpoint *e = ep(z, p->sender);
    if (p->fin)
        set_state(e, ZS_CLOSED);
    if (p->rst)
        set_state(e, ZS_RESET);
}

/* TSA UpdateEstablishedState (also for PARTIAL). */
static void update_established(tcphs_zeek *z, const packet *p)
{
    tcphs_zeek_endpoint *e = ep(z, p->sender), *peer = ep(z, other(p->sender));

    if (p->syn && e->state == ZS_PARTIAL && peer->state == ZS_INACTIVE && !p->ack)
        set_state(e, ZS_SYN_SENT);
    if (p->fin && !p->rst) {
        set_state(e, ZS_CLOSED);
        /* FIN then RST from the peer was a normal close after all */
        if (peer->state == ZS_RESET && peer->prev_state == ZS_CLOSED)
            set_state(peer, ZS_CLOSED);
    }
    if (p->rst)
        set_state(e, ZS_RESET);
}

/* TSA UpdateClosedState: after a full FIN exchange a RST changes nothing. */
static void update_closed(tcphs_zeek *z, const packet *p)
{
    if (p->rst && ep(z, other(p->sender))->state != ZS_CLOSED)
        set_state(ep(z, p->sender), ZS_RESET);
}

/* TSA UpdateStateMachine: dispatch on the sender's state. */
static void update_state_machine(tcphs_zeek *z, const packet *p)
{
    switch (ep(z, p->sender)->state) {
    case ZS_INACTIVE:
        update_inactive(z, p);
        break;
    case ZS_SYN_SENT:
    case ZS_SYN_ACK_SENT:
        update_syn_sent(z, p);
        break;
    case ZS_ESTABLISHED:
    case ZS_PARTIAL:
        update_established(z, p);
        break;
    case ZS_CLOSED:
        update_closed(z, p);
        break;
    default: /* RESET is final */
        break;
    }
}

/* --------------------------------------------------------- reassembly */

/* TR is_clean / established_or_cleanly_closing. */
static bool is_clean(const tcphs_zeek_endpoint *e)
{
    return e->state == ZS_ESTABLISHED ||
           (e->state == ZS_CLOSED && e->prev_state == ZS_ESTABLISHED);
}

/* TR Gap: a content gap in host's stream counts ('G', log-scale) only while
 * both sides are established or closing cleanly. */
static void report_gap(tcphs_zeek *z, uint8_t host)
{
    if (is_clean(ep(z, host)) && is_clean(ep(z, other(host))))
        scaled_history(z, host, SCALED_GAP);
}

/* Deliver the held block if the stream has reached it. */
static void deliver_held(tcphs_zeek_endpoint *e)
{
    if (e->held && tcphs_seq_le(e->held_lo_rel, e->reassem_rel)) {
        if (tcphs_seq_gt(e->held_hi_rel, e->reassem_rel))
            e->reassem_rel = e->held_hi_rel;
        e->held = 0;
    }
}

/* TR Undelivered: the peer acknowledged data up to up_to that was never
 * seen; every hole below up_to is a gap. */
static void undelivered(tcphs_zeek *z, uint8_t host, uint32_t up_to)
{
    tcphs_zeek_endpoint *e = ep(z, host);

    /* Partial connection whose faked-up ISN is being acked: ignore. */
    if (tcphs_seq_le(up_to, 2) && z->is_partial)
        return;
    if (e->held && tcphs_seq_lt(e->held_lo_rel, up_to) &&
        tcphs_seq_gt(e->held_lo_rel, e->reassem_rel)) {
        report_gap(z, host);
        e->reassem_rel = e->held_lo_rel;
        deliver_held(e);
    }
    if (tcphs_seq_gt(up_to, e->reassem_rel)) {
        report_gap(z, host);
        e->reassem_rel = up_to;
    }
}

/* TR AckReceived + Reassembler::TrimToSeq: the peer acknowledged host's
 * stream up to rel_ack. */
static void ack_received(tcphs_zeek *z, uint8_t host, uint32_t rel_ack)
{
    tcphs_zeek_endpoint *e = ep(z, host);
    uint32_t seq = rel_ack;

    if (e->fin_seen && tcphs_seq_ge(seq, e->fin_seq_rel))
        seq = e->fin_seq_rel - 1; /* the FIN octet is not data */
    if (tcphs_seq_le(seq, e->trim_rel))
        return;
    if (tcphs_seq_gt(seq, e->reassem_rel))
        undelivered(z, host, seq);
    e->trim_rel = seq;
    if (e->held && tcphs_seq_le(e->held_hi_rel, seq))
        e->held = 0;
}

/* Keep [lo, hi) above the hole, merging with the block already held; of two
 * disjoint blocks the lower one is kept (Zeek keeps them all). */
static void hold_block(tcphs_zeek_endpoint *e, uint32_t lo, uint32_t hi)
{
    if (!e->held || tcphs_seq_lt(hi, e->held_lo_rel)) {
        e->held = 1;
        e->held_lo_rel = lo;
        e->held_hi_rel = hi;
        return;
    }
    if (tcphs_seq_gt(lo, e->held_hi_rel))
        return; /* disjoint and higher: dropped */
    if (tcphs_seq_lt(lo, e->held_lo_rel))
        e->held_lo_rel = lo;
    if (tcphs_seq_gt(hi, e->held_hi_rel))
        e->held_hi_rel = hi;
}

/* TR DataSent + Reassembler::NewBlock/BlockInserted: payload of the sender
 * at relative seq, len bytes. */
static void data_sent(tcphs_zeek *z, uint8_t host, uint32_t seq, uint32_t len)
{
    tcphs_zeek_endpoint *e = ep(z, host);
    uint32_t upper = seq + len;
    uint32_t acked = e->ack_seq - e->start_seq;

    if (tcphs_seq_lt(seq, acked)) {
        if (tcphs_seq_le(upper, acked))
            return; /* delivered and acked already */
        seq = acked;
    }
    if (tcphs_seq_le(upper, e->trim_rel))
        return;
    if (tcphs_seq_lt(seq, e->trim_rel))
        seq = e->trim_rel;
    if (tcphs_seq_gt(seq, e->reassem_rel)) {
        hold_block(e, seq, upper);
        return;
    }
    if (tcphs_seq_gt(upper, e->reassem_rel))
        e->reassem_rel = upper;
    deliver_held(e);
}

/* ------------------------------------------------------------ segments */

/* TSA SetPartialStatus. */
static void set_partial_status(tcphs_zeek *z, const packet *p)
{
    if (p->is_orig) {
        if (!(z->first_packet_seen & SEEN_ORIG))
            z->is_partial = !p->syn || p->ack;
    } else if (!(z->first_packet_seen & SEEN_RESP) && !z->is_partial) {
        z->is_partial = !p->syn;
    }
}

static void start_connection(tcphs_zeek *z, const tcphs_segment *seg)
{
    z->started = 1;
    z->first = seg->src;
    z->orig_host = 0;
    if (flip_at_creation(seg))
        flip_roles(z);
}

static packet make_packet(const tcphs_zeek *z, const tcphs_segment *seg)
{
    packet p;
    memset(&p, 0, sizeof p);
    p.seg = seg;
    p.sender = tcphs_endpoint_equal(&seg->src, &z->first) ? 0 : 1;
    p.is_orig = host_is_orig(z, p.sender);
    p.syn = seg->flags & TCPHS_SYN;
    p.fin = seg->flags & TCPHS_FIN;
    p.rst = seg->flags & TCPHS_RST;
    p.ack = seg->flags & TCPHS_ACK;
    p.ack_valid = p.ack && tcphs_segment_has(seg, TCPHS_HAVE_ACK);
    p.len = seg->len;
    /* TSA get_segment_len: SYN and FIN take one number each; a RST's
     * payload is not part of the stream. */
    p.seg_len = p.len + (uint32_t)p.syn + (uint32_t)p.fin - (p.rst ? p.len : 0);
    return p;
}

/* TSA Process, ACK part: returns the acknowledgment relative to the peer. */
static uint32_t process_ack(tcphs_zeek *z, const packet *p)
{
    tcphs_zeek_endpoint *peer = ep(z, other(p->sender));
    uint32_t ack = p->seg->ack;

    if (peer->state == ZS_INACTIVE) {
        init_peer(peer, ack);
        return 1;
    }
    if (tcphs_seq_lt(ack, peer->start_seq))
        return 0; /* TCP_ack_underflow_or_misorder */
    if (!p->rst) /* don't trust acks in RSTs */
        update_ack_seq(peer, ack);
    return ack - peer->start_seq;
}

void tcphs_zeek_init(tcphs_zeek *z)
{
    memset(z, 0, sizeof *z);
    for (int i = 0; i < 2; ++i) {
        /* TR: the reassembler starts at relative sequence 1 */
        z->host[i].reassem_rel = 1;
        z->host[i].trim_rel = 1;
    }
}

/* TCP DeliverPacket + TSA Process, in Zeek's order. */
void tcphs_zeek_update(tcphs_zeek *z, const tcphs_segment *seg)
{
    if (!tcphs_segment_has(seg, TCPHS_HAVE_REQUIRED))
        return;
    if (!z->started)
        start_connection(z, seg);

    packet p = make_packet(z, seg);
    tcphs_zeek_endpoint *e = ep(z, p.sender);

    /* TCP ValidateChecksum: a bad segment only leaves its letter. */
    if (tcphs_segment_has(seg, TCPHS_BAD_CHECKSUM)) {
        scaled_history(z, p.sender, SCALED_CHECKSUM);
        return;
    }

    set_partial_status(z, &p);
    init_endpoint(e, &p);
    p.rel_seq = seg->seq - e->start_seq;
    p.seq_underflow = tcphs_seq_lt(seg->seq, e->start_seq);

    update_history(z, &p);
    update_window(z, &p);
    if (p.fin) {
        e->fin_seen = 1;
        e->fin_seq_rel = p.rel_seq + p.seg_len;
    }

    uint32_t rel_ack = p.ack_valid ? process_ack(z, &p) : 0;
    update_last_seq(z, &p);
    update_state_machine(z, &p);
    if (p.ack_valid)
        ack_received(z, other(p.sender), rel_ack);
    z->first_packet_seen |= p.is_orig ? SEEN_ORIG : SEEN_RESP; /* CheckPIA_FirstPacket */

    /* TE DataSent: the reassembler only gets payload that was captured. */
    if (p.len > 0 && !p.rst && !p.seq_underflow && !tcphs_segment_has(seg, TCPHS_PAYLOAD_TRUNCATED))
        data_sent(z, p.sender, p.syn ? p.rel_seq + 1 : p.rel_seq, p.len);
}

/* ---------------------------------------------------------- conn_state */

/* MAIN conn_state: history =~ /^\^?S[^HAFGIQ]*R.*$/ (Zeek patterns used
 * with == match the whole string). */
static bool history_is_syn_then_rst(const char *h)
{
    if (*h == '^')
        ++h;
    if (*h++ != 'S')
        return false;
    for (; *h; ++h) {
        if (*h == 'R')
            return true;
        if (strchr("HAFGIQ", *h))
            return false;
    }
    return false;
}

static bool inactive(uint8_t state)
{
    return state == ZS_INACTIVE || state == ZS_PARTIAL;
}

const char *tcphs_zeek_conn_state(const tcphs_zeek *z)
{
    const tcphs_zeek_endpoint *o = &z->host[z->orig_host];
    const tcphs_zeek_endpoint *r = &z->host[other(z->orig_host)];
    uint8_t os = o->state, rs = r->state;

    if (rs == ZS_RESET) {
        if (os == ZS_SYN_SENT || os == ZS_SYN_ACK_SENT ||
            (os == ZS_RESET && size_is_zero(o, r) && size_is_zero(r, o)))
            return "REJ";
        return inactive(os) ? "RSTRH" : "RSTR";
    }
    if (os == ZS_RESET) {
        if (!inactive(rs))
            return "RSTO";
        return history_is_syn_then_rst(z->history) ? "RSTOS0" : "OTH";
    }
    if (os == ZS_CLOSED && rs == ZS_CLOSED)
        return "SF";
    if (os == ZS_CLOSED)
        return inactive(rs) ? "SH" : "S2";
    if (rs == ZS_CLOSED)
        return inactive(os) ? "SHR" : "S3";
    if (os == ZS_SYN_SENT && rs == ZS_INACTIVE)
        return "S0";
    if (os == ZS_ESTABLISHED && rs == ZS_ESTABLISHED)
        return "S1";
    return "OTH";
}

const char *tcphs_zeek_history(const tcphs_zeek *z)
{
    return z->history;
}

bool tcphs_zeek_from_orig(const tcphs_zeek *z, const tcphs_segment *seg)
{
    uint8_t sender = tcphs_endpoint_equal(&seg->src, &z->first) ? 0 : 1;
    return z->started && host_is_orig(z, sender);
}
