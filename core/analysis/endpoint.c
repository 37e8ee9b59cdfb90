/* endpoint.c: the RFC 9293 state machine of both endpoints of a connection,
 * one segment at a time: sent by one endpoint, delivered to the other.
 *
 * Each state has a send handler (what sending the segment does to the
 * sender) and a delivery handler (what receiving it does to the receiver),
 * as Suricata's stream-tcp.c has one handler per state.  The transitions are
 * RFC 9293's: figure 5 (3.3.2) and the event processing of 3.10; the
 * choices a capture forces are docs/fields.md's, "Endpoint states":
 *
 *   - a server is LISTEN until it answers a SYN (a passive OPEN is
 *     invisible; a SYN addressed to an endpoint is the first evidence);
 *   - every RST leaves both its sender and its receiver CLOSED (the
 *     connection's TCB is gone, even where RFC 9293 3.10.7.4 returns a
 *     passively opened one to LISTEN: that is the listener, another TCB);
 *   - TIME-WAIT stays: its 2 MSL timer is invisible in a capture;
 *   - an endpoint is `unknown` until a segment shows something about it;
 *   - a segment that shows its sender had not yet received the peer's SYN
 *     or FIN (the two crossed) puts both endpoints where they really are
 *     from that segment on: SYN-RECEIVED (figure 8), CLOSING (figure 13).
 */
#include "core/analysis/endpoint.h"

#include <string.h>

/* ---- segment facts ---------------------------------------------------------- */

/* RFC 9293, 3.4: the sequence space a segment occupies; SYN and FIN count one each. */
static uint32_t segment_end(const tcphs_segment *seg)
{
    return seg->seq + seg->len + (tcphs_has_flag(seg, TCPHS_SYN) ? 1u : 0u) +
           (tcphs_has_flag(seg, TCPHS_FIN) ? 1u : 0u);
}

bool tcphs_state_synchronized(tcphs_state state)
{
    return state >= TCPHS_STATE_ESTABLISHED && state < TCPHS_STATE_COUNT;
}

/* ---- what an endpoint's own TCB says about an incoming segment --------------- */

/* RFC 9293, 3.10.7.3 and 3.10.7.4 (fifth check): the segment acknowledges the
 * endpoint's SYN acceptably, SND.UNA < SEG.ACK =<  SND.NXT with SND.UNA = ISS.
 * Without the endpoint's ISN (not captured) it cannot be checked: accepted. */
static bool acknowledges_syn(const tcphs_tcb *tcb, const tcphs_segment *seg)
{
    if (!tcphs_carries_ack(seg))
        return false;
    if (!(tcb->known & TCPHS_TCB_ISN))
        return true;
    return tcphs_seq_gt(seg->ack, tcb->isn) && tcphs_seq_le(seg->ack, tcb->snd_nxt);
}

/* RFC 9293, 3.10.7.4, FIN-WAIT-1 / CLOSING / LAST-ACK: "if our FIN is now
 * acknowledged". */
static bool acknowledges_fin(const tcphs_tcb *tcb, const tcphs_segment *seg)
{
    return (tcb->known & TCPHS_TCB_FIN_SENT) && tcphs_carries_ack(seg) && tcphs_seq_ge(seg->ack, tcb->fin_end);
}

/* ---- handlers ------------------------------------------------------------------ */

/* What a handler sees: both endpoints, the segment, and whose handler it is
 * (the sender's in a send handler, the receiver's in a delivery handler). */
typedef struct {
    const tcphs_endpoints *eps;
    const tcphs_segment *seg;
    tcphs_side self;
} step;

typedef tcphs_state (*state_handler)(const step *st);

static const tcphs_tcb *own(const step *st)
{
    return &st->eps->tcb[st->self];
}

static const tcphs_tcb *peer(const step *st)
{
    return &st->eps->tcb[tcphs_other_side(st->self)];
}

/* A segment with ACK and without SYN comes from a synchronized endpoint
 * (RFC 9293, 3.10.7.4: once synchronized, every segment carries ACK).  It
 * shows CLOSE-WAIT when the endpoint has received the peer's FIN (it
 * acknowledges it), else ESTABLISHED; with its own FIN, LAST-ACK or
 * FIN-WAIT-1 (3.10.4, CLOSE).  Used where the handshake was not captured. */
static tcphs_state synchronized_by_evidence(const step *st, tcphs_state otherwise)
{
    const tcphs_segment *seg = st->seg;
    bool got_peer_fin;

    if (!tcphs_carries_ack(seg) || tcphs_has_flag(seg, TCPHS_SYN))
        return otherwise;
    got_peer_fin = (own(st)->known & TCPHS_TCB_ACKED_PEER_FIN) || acknowledges_fin(peer(st), seg);
    if (tcphs_has_flag(seg, TCPHS_FIN))
        return got_peer_fin ? TCPHS_STATE_LAST_ACK : TCPHS_STATE_FIN_WAIT_1;
    return got_peer_fin ? TCPHS_STATE_CLOSE_WAIT : TCPHS_STATE_ESTABLISHED;
}

/* ---- send handlers: the sender's state once the segment has left ---------------- */

static tcphs_state send_unknown(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    return synchronized_by_evidence(st, TCPHS_STATE_UNKNOWN);
}

/* RFC 9293, 3.10.1: OPEN in CLOSED sends a SYN (a new incarnation when the
 * port is reused); 3.10.7.1: a closed endpoint answers anything else with a
 * RST and stays CLOSED. */
static tcphs_state send_closed(const step *st)
{
    if (tcphs_is_bare_syn(st->seg))
        return TCPHS_STATE_SYN_SENT;
    return TCPHS_STATE_CLOSED;
}

/* RFC 9293, 3.10.7.2: LISTEN answers a SYN with SYN-ACK (figure 6, line 3)
 * or, with no listener after all, with RST (the connection is refused).  A
 * bare SYN means the endpoint was opening actively itself: the SYNs crossed,
 * and the peer's SYN arrives while this one is in SYN-SENT (figure 8). */
static tcphs_state send_listen(const step *st)
{
    const tcphs_segment *seg = st->seg;

    if (tcphs_has_flag(seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    if (tcphs_is_syn_ack(seg))
        return TCPHS_STATE_SYN_RECEIVED;
    if (tcphs_is_bare_syn(seg))
        return peer(st)->state == TCPHS_STATE_SYN_SENT ? TCPHS_STATE_SYN_RECEIVED : TCPHS_STATE_SYN_SENT;
    /* Its SYN-ACK was not captured. */
    return synchronized_by_evidence(st, TCPHS_STATE_LISTEN);
}

/* SYN-SENT sends its SYN again, or (figure 8) a SYN-ACK once the peer's SYN
 * arrived; a plain ACK shows that an uncaptured SYN-ACK arrived. */
static tcphs_state send_syn_sent(const step *st)
{
    const tcphs_segment *seg = st->seg;

    if (tcphs_has_flag(seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    if (tcphs_is_syn_ack(seg))
        return TCPHS_STATE_SYN_RECEIVED;
    return synchronized_by_evidence(st, TCPHS_STATE_SYN_SENT);
}

/* RFC 9293, 3.10.4: CLOSE in SYN-RECEIVED sends a FIN and enters FIN-WAIT-1. */
static tcphs_state send_syn_received(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    if (tcphs_has_flag(st->seg, TCPHS_FIN))
        return TCPHS_STATE_FIN_WAIT_1;
    return TCPHS_STATE_SYN_RECEIVED;
}

/* RFC 9293, 3.10.4: CLOSE in ESTABLISHED sends a FIN: FIN-WAIT-1 (the active close). */
static tcphs_state send_established(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    if (tcphs_has_flag(st->seg, TCPHS_FIN))
        return TCPHS_STATE_FIN_WAIT_1;
    return TCPHS_STATE_ESTABLISHED;
}

/* RFC 9293, 3.10.4: CLOSE in CLOSE-WAIT sends a FIN: LAST-ACK (figure 12).
 * A FIN that does not acknowledge the peer's FIN, from an endpoint that
 * never acknowledged it, was sent before that FIN arrived: the two FINs
 * crossed (figure 13).  The endpoint was really ESTABLISHED, went to
 * FIN-WAIT-1, and the peer's FIN then took it to CLOSING. */
static tcphs_state send_close_wait(const step *st)
{
    const tcphs_segment *seg = st->seg;

    if (tcphs_has_flag(seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    if (!tcphs_has_flag(seg, TCPHS_FIN))
        return TCPHS_STATE_CLOSE_WAIT;
    if (!(own(st)->known & TCPHS_TCB_ACKED_PEER_FIN) && !acknowledges_fin(peer(st), seg))
        return TCPHS_STATE_CLOSING;
    return TCPHS_STATE_LAST_ACK;
}

/* FIN-WAIT-1, FIN-WAIT-2, CLOSING, LAST-ACK: ACKs and retransmitted FINs
 * change nothing; a RST aborts (RFC 9293, 3.10.5, ABORT). */
static tcphs_state send_closing_states(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    return (tcphs_state)own(st)->state;
}

/* TIME-WAIT stays (its timer is invisible), unless the endpoint aborts or
 * opens a new incarnation of the connection with a new SYN (RFC 9293,
 * 3.6.1; RFC 6191). */
static tcphs_state send_time_wait(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    if (tcphs_is_bare_syn(st->seg))
        return TCPHS_STATE_SYN_SENT;
    return TCPHS_STATE_TIME_WAIT;
}

static const state_handler send_handlers[TCPHS_STATE_COUNT] = {
    [TCPHS_STATE_UNKNOWN]      = send_unknown,
    [TCPHS_STATE_CLOSED]       = send_closed,
    [TCPHS_STATE_LISTEN]       = send_listen,
    [TCPHS_STATE_SYN_SENT]     = send_syn_sent,
    [TCPHS_STATE_SYN_RECEIVED] = send_syn_received,
    [TCPHS_STATE_ESTABLISHED]  = send_established,
    [TCPHS_STATE_FIN_WAIT_1]   = send_closing_states,
    [TCPHS_STATE_FIN_WAIT_2]   = send_closing_states,
    [TCPHS_STATE_CLOSE_WAIT]   = send_close_wait,
    [TCPHS_STATE_CLOSING]      = send_closing_states,
    [TCPHS_STATE_LAST_ACK]     = send_closing_states,
    [TCPHS_STATE_TIME_WAIT]    = send_time_wait,
};

/* ---- delivery handlers: the receiver's state once the segment has arrived -------- */

/* Nothing is known of the receiver: a RST closes whatever it had (RFC 9293,
 * 3.10.7.4, first check); anything else shows nothing about it. */
static tcphs_state deliver_unknown(const step *st)
{
    return tcphs_has_flag(st->seg, TCPHS_RST) ? TCPHS_STATE_CLOSED : TCPHS_STATE_UNKNOWN;
}

/* A SYN to a CLOSED endpoint starts a new incarnation (port reuse): shown
 * LISTEN until it answers.  Anything else finds no connection. */
static tcphs_state deliver_closed(const step *st)
{
    return tcphs_is_bare_syn(st->seg) ? TCPHS_STATE_LISTEN : TCPHS_STATE_CLOSED;
}

/* RFC 9293, 3.10.7.2: LISTEN ignores a RST and answers an ACK with a RST;
 * a SYN leaves it LISTEN here until it answers (docs/fields.md). */
static tcphs_state deliver_listen(const step *st)
{
    (void)st;
    return TCPHS_STATE_LISTEN;
}

/* RFC 9293, 3.10.7.3: in SYN-SENT a RST counts only when it acknowledges
 * the SYN; a SYN-ACK that acknowledges it establishes the connection
 * (figure 6, line 3); a bare SYN is the peer's crossing SYN (figure 8). */
static tcphs_state deliver_syn_sent(const step *st)
{
    const tcphs_segment *seg = st->seg;

    if (tcphs_has_flag(seg, TCPHS_RST))
        return acknowledges_syn(own(st), seg) ? TCPHS_STATE_CLOSED : TCPHS_STATE_SYN_SENT;
    if (tcphs_is_syn_ack(seg))
        return acknowledges_syn(own(st), seg) ? TCPHS_STATE_ESTABLISHED : TCPHS_STATE_SYN_SENT;
    if (tcphs_is_bare_syn(seg))
        return TCPHS_STATE_SYN_RECEIVED;
    return TCPHS_STATE_SYN_SENT;
}

/* RFC 9293, 3.10.7.4: SYN-RECEIVED goes to ESTABLISHED on an acceptable
 * ACK of its SYN (fifth check, figure 6 line 4; figure 8 line 6), then a
 * FIN in the same segment takes it to CLOSE-WAIT (eighth check). */
static tcphs_state deliver_syn_received(const step *st)
{
    const tcphs_segment *seg = st->seg;

    if (tcphs_has_flag(seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    if (!acknowledges_syn(own(st), seg))
        return TCPHS_STATE_SYN_RECEIVED;
    return tcphs_has_flag(seg, TCPHS_FIN) ? TCPHS_STATE_CLOSE_WAIT : TCPHS_STATE_ESTABLISHED;
}

/* RFC 9293, 3.10.7.4, eighth check: a FIN in ESTABLISHED: CLOSE-WAIT (the passive close). */
static tcphs_state deliver_established(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    return tcphs_has_flag(st->seg, TCPHS_FIN) ? TCPHS_STATE_CLOSE_WAIT : TCPHS_STATE_ESTABLISHED;
}

/* RFC 9293, 3.10.7.4: the ACK of our FIN takes FIN-WAIT-1 to FIN-WAIT-2
 * (fifth check); then the peer's FIN takes FIN-WAIT-2 to TIME-WAIT, or
 * FIN-WAIT-1 (our FIN not yet acknowledged) to CLOSING (eighth check). */
static tcphs_state deliver_fin_wait_1(const step *st)
{
    const tcphs_segment *seg = st->seg;
    bool fin_acked = acknowledges_fin(own(st), seg);

    if (tcphs_has_flag(seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    if (tcphs_has_flag(seg, TCPHS_FIN))
        return fin_acked ? TCPHS_STATE_TIME_WAIT : TCPHS_STATE_CLOSING;
    return fin_acked ? TCPHS_STATE_FIN_WAIT_2 : TCPHS_STATE_FIN_WAIT_1;
}

static tcphs_state deliver_fin_wait_2(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    return tcphs_has_flag(st->seg, TCPHS_FIN) ? TCPHS_STATE_TIME_WAIT : TCPHS_STATE_FIN_WAIT_2;
}

/* CLOSE-WAIT waits for its own CLOSE; a retransmitted FIN changes nothing. */
static tcphs_state deliver_close_wait(const step *st)
{
    return tcphs_has_flag(st->seg, TCPHS_RST) ? TCPHS_STATE_CLOSED : TCPHS_STATE_CLOSE_WAIT;
}

/* RFC 9293, 3.10.7.4: CLOSING enters TIME-WAIT on the ACK of its FIN. */
static tcphs_state deliver_closing(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    return acknowledges_fin(own(st), st->seg) ? TCPHS_STATE_TIME_WAIT : TCPHS_STATE_CLOSING;
}

/* RFC 9293, 3.10.7.4: LAST-ACK is CLOSED once its FIN is acknowledged. */
static tcphs_state deliver_last_ack(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    return acknowledges_fin(own(st), st->seg) ? TCPHS_STATE_CLOSED : TCPHS_STATE_LAST_ACK;
}

/* RFC 9293, 3.10.7.4, first check: a RST in TIME-WAIT closes it (RFC 1337
 * lets a stack ignore it instead; the capture cannot tell which one did).
 * A new SYN starts a new incarnation (RFC 6191): shown LISTEN until
 * answered.  The peer's retransmitted FIN leaves it in TIME-WAIT. */
static tcphs_state deliver_time_wait(const step *st)
{
    if (tcphs_has_flag(st->seg, TCPHS_RST))
        return TCPHS_STATE_CLOSED;
    return tcphs_is_bare_syn(st->seg) ? TCPHS_STATE_LISTEN : TCPHS_STATE_TIME_WAIT;
}

static const state_handler deliver_handlers[TCPHS_STATE_COUNT] = {
    [TCPHS_STATE_UNKNOWN]      = deliver_unknown,
    [TCPHS_STATE_CLOSED]       = deliver_closed,
    [TCPHS_STATE_LISTEN]       = deliver_listen,
    [TCPHS_STATE_SYN_SENT]     = deliver_syn_sent,
    [TCPHS_STATE_SYN_RECEIVED] = deliver_syn_received,
    [TCPHS_STATE_ESTABLISHED]  = deliver_established,
    [TCPHS_STATE_FIN_WAIT_1]   = deliver_fin_wait_1,
    [TCPHS_STATE_FIN_WAIT_2]   = deliver_fin_wait_2,
    [TCPHS_STATE_CLOSE_WAIT]   = deliver_close_wait,
    [TCPHS_STATE_CLOSING]      = deliver_closing,
    [TCPHS_STATE_LAST_ACK]     = deliver_last_ack,
    [TCPHS_STATE_TIME_WAIT]    = deliver_time_wait,
};

/* ---- one segment ------------------------------------------------------------------- */

void tcphs_endpoints_init(tcphs_endpoints *eps)
{
    memset(eps, 0, sizeof(*eps));
    eps->tcb[TCPHS_SIDE_CLIENT].state = TCPHS_STATE_UNKNOWN;
    eps->tcb[TCPHS_SIDE_SERVER].state = TCPHS_STATE_UNKNOWN;
}

/* What the opening segments show about endpoints not seen before: a bare
 * SYN goes from a CLOSED endpoint (figure 5: active OPEN) to a LISTEN one,
 * a SYN-ACK from a LISTEN endpoint to a SYN-SENT one. */
static void infer_from_opening(tcphs_tcb *sender, tcphs_tcb *receiver, const tcphs_segment *seg)
{
    if (tcphs_is_bare_syn(seg)) {
        if (sender->state == TCPHS_STATE_UNKNOWN)
            sender->state = TCPHS_STATE_CLOSED;
        if (receiver->state == TCPHS_STATE_UNKNOWN)
            receiver->state = TCPHS_STATE_LISTEN;
    } else if (tcphs_is_syn_ack(seg)) {
        if (sender->state == TCPHS_STATE_UNKNOWN)
            sender->state = TCPHS_STATE_LISTEN;
        if (receiver->state == TCPHS_STATE_UNKNOWN)
            receiver->state = TCPHS_STATE_SYN_SENT;
    }
}

/* Remember what the sender's segment occupied (its ISN, SND.NXT, its FIN)
 * and whether it acknowledged the peer's FIN. */
static void note_sent(tcphs_tcb *sender, const tcphs_tcb *receiver, const tcphs_segment *seg)
{
    uint32_t end = segment_end(seg);

    if (tcphs_has_flag(seg, TCPHS_SYN) && !tcphs_has_flag(seg, TCPHS_RST)) {
        sender->isn = seg->seq;
        sender->known |= TCPHS_TCB_ISN;
    }
    if (!(sender->known & TCPHS_TCB_SENT) || tcphs_seq_gt(end, sender->snd_nxt)) {
        sender->snd_nxt = end;
        sender->known |= TCPHS_TCB_SENT;
    }
    if (tcphs_has_flag(seg, TCPHS_FIN) && !tcphs_has_flag(seg, TCPHS_RST) && !(sender->known & TCPHS_TCB_FIN_SENT)) {
        sender->fin_end = end;
        sender->known |= TCPHS_TCB_FIN_SENT;
    }
    if (acknowledges_fin(receiver, seg))
        sender->known |= TCPHS_TCB_ACKED_PEER_FIN;
}

static tcphs_state_pair current_pair(const tcphs_endpoints *eps)
{
    return tcphs_state_pair_make((tcphs_state)eps->tcb[TCPHS_SIDE_CLIENT].state,
                                 (tcphs_state)eps->tcb[TCPHS_SIDE_SERVER].state);
}

void tcphs_endpoints_update(tcphs_endpoints *eps, const tcphs_segment *seg, tcphs_side sender,
                            tcphs_state_pair *before, tcphs_state_pair *after)
{
    tcphs_side receiver = tcphs_other_side(sender);
    tcphs_tcb *s = &eps->tcb[sender];
    tcphs_tcb *r = &eps->tcb[receiver];
    step st = { eps, seg, sender };
    tcphs_state sent_from, sent_to;

    infer_from_opening(s, r, seg);
    *before = current_pair(eps);

    sent_from = (tcphs_state)s->state;
    sent_to = send_handlers[sent_from](&st);
    /* A new SYN from a closed endpoint: what either side sent before
     * belongs to the previous incarnation. */
    if (sent_to == TCPHS_STATE_SYN_SENT && sent_from != TCPHS_STATE_SYN_SENT) {
        s->known = 0;
        r->known = 0;
    }
    note_sent(s, r, seg);
    s->state = (uint8_t)sent_to;

    st.self = receiver;
    r->state = (uint8_t)deliver_handlers[r->state](&st);
    *after = current_pair(eps);
}
