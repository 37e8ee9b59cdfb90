/* vocab.h: what the analysis decides, as numbers: phases, events, sides,
 * verdicts, states.
 *
 * The analysis knows no words.  Each enum here has one fixed, lower-case
 * word per value, written once in core/words/names.c and printed by every
 * place that shows it (tree, statistics, reports; docs/fields.md).
 */
#ifndef TCPHS_VOCAB_H
#define TCPHS_VOCAB_H

typedef enum {
    TCPHS_PHASE_NONE = 0,
    TCPHS_PHASE_HANDSHAKE,
    TCPHS_PHASE_DATA,
    TCPHS_PHASE_TEARDOWN,
    TCPHS_PHASE_RESET,
    TCPHS_PHASE_COUNT
} tcphs_phase;

typedef enum {
    TCPHS_EVENT_NONE = 0,
    TCPHS_EVENT_SYN,
    TCPHS_EVENT_SYN_ACK,
    TCPHS_EVENT_HANDSHAKE_ACK,
    TCPHS_EVENT_SYN_RETRANSMISSION,
    TCPHS_EVENT_SYN_ACK_RETRANSMISSION,
    TCPHS_EVENT_DATA,
    TCPHS_EVENT_ACK,
    TCPHS_EVENT_KEEP_ALIVE,
    TCPHS_EVENT_KEEP_ALIVE_ACK,
    TCPHS_EVENT_FIN,
    TCPHS_EVENT_PEER_FIN,
    TCPHS_EVENT_FIN_ACK,
    TCPHS_EVENT_RST,
    TCPHS_EVENT_OTHER,
    TCPHS_EVENT_COUNT
} tcphs_event;

typedef enum {
    TCPHS_SIDE_CLIENT = 0,
    TCPHS_SIDE_SERVER = 1
} tcphs_side;

static inline tcphs_side tcphs_other_side(tcphs_side side)
{
    return side == TCPHS_SIDE_CLIENT ? TCPHS_SIDE_SERVER : TCPHS_SIDE_CLIENT;
}

/* The handshake verdict, tcphs.handshake.state. */
typedef enum {
    TCPHS_HS_NOT_SEEN = 0,       /* capture began after the handshake */
    TCPHS_HS_UNANSWERED,         /* SYN, no SYN-ACK */
    TCPHS_HS_INCOMPLETE,         /* SYN-ACK seen (or implied), no handshake ACK, no RST */
    TCPHS_HS_COMPLETE,
    TCPHS_HS_REFUSED,            /* SYN answered by RST */
    TCPHS_HS_ABORTED,            /* RST after the SYN-ACK, before the handshake ACK */
    TCPHS_HS_INVALID,            /* an ack that is not ISN + 1 */
    TCPHS_HS_SIMULTANEOUS_OPEN,
    TCPHS_HS_COUNT
} tcphs_hs_verdict;

typedef enum {
    TCPHS_CLOSE_BY_NONE = 0,
    TCPHS_CLOSE_BY_CLIENT,
    TCPHS_CLOSE_BY_SERVER,
    TCPHS_CLOSE_BY_BOTH,
    TCPHS_CLOSE_BY_COUNT
} tcphs_close_initiator;

typedef enum {
    TCPHS_CLOSE_NONE = 0,
    TCPHS_CLOSE_GRACEFUL,
    TCPHS_CLOSE_HALF,
    TCPHS_CLOSE_RESET,
    TCPHS_CLOSE_KIND_COUNT
} tcphs_close_kind;

/* An endpoint's state, tcphs.state.client / tcphs.state.server: RFC 9293,
 * 3.3.2, figure 5, plus `unknown` before the capture shows anything.  Fits
 * in 4 bits (a tcphs_record stores two of them in a byte). */
typedef enum {
    TCPHS_STATE_UNKNOWN = 0,
    TCPHS_STATE_CLOSED,
    TCPHS_STATE_LISTEN,
    TCPHS_STATE_SYN_SENT,
    TCPHS_STATE_SYN_RECEIVED,
    TCPHS_STATE_ESTABLISHED,
    TCPHS_STATE_FIN_WAIT_1,
    TCPHS_STATE_FIN_WAIT_2,
    TCPHS_STATE_CLOSE_WAIT,
    TCPHS_STATE_CLOSING,
    TCPHS_STATE_LAST_ACK,
    TCPHS_STATE_TIME_WAIT,
    TCPHS_STATE_COUNT
} tcphs_state;

/* The ECN feedback the SYN and SYN-ACK agreed on, tcphs.opt.ecn_mode. */
typedef enum {
    TCPHS_ECN_NONE = 0,
    TCPHS_ECN_CLASSIC,           /* RFC 3168: one congestion signal per RTT (ECE until CWR) */
    TCPHS_ECN_ACCURATE,          /* RFC 9768: AccECN, a counter of CE marks in AE, CWR, ECE */
    TCPHS_ECN_MODE_COUNT
} tcphs_ecn_mode;

/* The congestion-control phase of a sender's round, tcphs.round.phase
 * (rounds.h: the first rule that holds, in this order). */
typedef enum {
    TCPHS_ROUND_PHASE_NONE = 0,
    TCPHS_ROUND_LOSS_RECOVERY,
    TCPHS_ROUND_RECEIVER_LIMITED,
    TCPHS_ROUND_SLOW_START,
    TCPHS_ROUND_CONGESTION_AVOIDANCE,
    TCPHS_ROUND_SENDER_LIMITED,
    TCPHS_ROUND_PHASE_COUNT
} tcphs_round_phase;

#endif /* TCPHS_VOCAB_H */
