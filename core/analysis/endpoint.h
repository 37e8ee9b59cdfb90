/* endpoint.h: the RFC 9293 state of each endpoint, as a capture shows it.
 *
 * The capture sees every segment once, between its two endpoints.  The
 * model is the table a textbook prints beside a time-sequence diagram
 * (RFC 9293, 3.3.2, figure 5; 3.5 figures 6-8; 3.6 figures 12-13): the
 * sender changes state when it sends a segment, the receiver when the
 * segment is delivered.  docs/fields.md, "Endpoint states", is the
 * contract; endpoint.c has one send handler and one delivery handler per
 * state, in the manner of Suricata's stream-tcp.c.
 *
 * No Wireshark header: driven by tcphs_segment facts, unit-tested in
 * tests/unit/test_endpoint.c.
 */
#ifndef TCPHS_ENDPOINT_H
#define TCPHS_ENDPOINT_H

#include <stdint.h>

#include "core/feed/segment.h"
#include "core/analysis/vocab.h"

/* What the model keeps of one endpoint: a little of its TCB (RFC 9293,
 * 3.3.1), enough to tell which of its segments a later ACK covers. */
typedef struct {
    uint32_t isn;            /* ISS, valid with TCPHS_TCB_ISN */
    uint32_t snd_nxt;        /* one past the last sequence number sent, valid with TCPHS_TCB_SENT */
    uint32_t fin_end;        /* the ack that covers this endpoint's FIN, valid with TCPHS_TCB_FIN_SENT */
    uint8_t  state;          /* tcphs_state */
    uint8_t  known;          /* TCPHS_TCB_* */
} tcphs_tcb;

enum {
    TCPHS_TCB_ISN          = 1u << 0,
    TCPHS_TCB_SENT         = 1u << 1,
    TCPHS_TCB_FIN_SENT     = 1u << 2,
    TCPHS_TCB_ACKED_PEER_FIN = 1u << 3   /* one of its segments acknowledged the peer's FIN */
};

/* Both endpoints of one connection, indexed by tcphs_side. */
typedef struct {
    tcphs_tcb tcb[2];
} tcphs_endpoints;

/* Both endpoints' states packed into one byte (4 bits each), as a
 * tcphs_record stores them: client in the low nibble, server in the high. */
typedef uint8_t tcphs_state_pair;

static inline tcphs_state tcphs_state_of(tcphs_state_pair pair, tcphs_side side)
{
    return (tcphs_state)(side == TCPHS_SIDE_CLIENT ? pair & 0x0f : pair >> 4);
}

static inline tcphs_state_pair tcphs_state_pair_make(tcphs_state client, tcphs_state server)
{
    return (tcphs_state_pair)((client & 0x0f) | ((server & 0x0f) << 4));
}

/* Both endpoints start `unknown`. */
void tcphs_endpoints_init(tcphs_endpoints *eps);

/* Send `seg` from `sender` and deliver it to the peer.  *before gets both
 * states as they were before the segment (with what the segment itself
 * shows about them: a bare SYN comes from a CLOSED endpoint to a LISTEN
 * one), *after both states once it has been sent and delivered. */
void tcphs_endpoints_update(tcphs_endpoints *eps, const tcphs_segment *seg, tcphs_side sender,
                            tcphs_state_pair *before, tcphs_state_pair *after);

/* Whether the state is one of a connection that has been synchronized
 * (ESTABLISHED and every state of the close). */
bool tcphs_state_synchronized(tcphs_state state);

#endif /* TCPHS_ENDPOINT_H */
