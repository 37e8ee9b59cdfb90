/* vocab.h: the words tcphs prints, defined once.
 *
 * Every text-valued tcphs field uses one of these fixed, lower-case
 * vocabularies (docs/fields.md).  The tree, the statistics and
 * the reports all print them through tcphs_*_name(), so a word cannot drift
 * between the places that show it.
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

/* "→" in UTF-8: between a state and the next, as in "FIN-WAIT-1 → FIN-WAIT-2". */
#define TCPHS_ARROW "\xe2\x86\x92"

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

const char *tcphs_phase_name(tcphs_phase phase);
const char *tcphs_event_name(tcphs_event event);
const char *tcphs_side_name(tcphs_side side);
/* "client → server" or "server → client": the direction of a segment the side sends. */
const char *tcphs_direction_name(tcphs_side from);
const char *tcphs_hs_verdict_name(tcphs_hs_verdict verdict);
const char *tcphs_close_initiator_name(tcphs_close_initiator initiator);
const char *tcphs_close_kind_name(tcphs_close_kind kind);
const char *tcphs_state_name(tcphs_state state);

/* What a Zeek conn_state code means (Zeek's base/protocols/conn/main.zeek),
 * for labels such as "SF (normal establishment and termination)"; NULL for
 * a code that is not Zeek's. */
const char *tcphs_zeek_conn_state_description(const char *code);
const char *tcphs_ecn_mode_name(tcphs_ecn_mode mode);
const char *tcphs_round_phase_name(tcphs_round_phase phase);

#endif /* TCPHS_VOCAB_H */
