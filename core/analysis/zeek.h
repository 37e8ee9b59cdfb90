/* zeek.h: Zeek's conn.log conn_state and history for one TCP connection.
 *
 * A faithful model of the rules in Zeek's TCPSessionAdapter / TCP_Endpoint /
 * Conn (summarised in docs/fields.md), fed one tcphs_segment at a time
 * in capture order.  Zeek has its own notion of the originator (with role
 * flips recorded as '^'); it is kept here, separate from tcphs's client.
 */
#ifndef TCPHS_ZEEK_H
#define TCPHS_ZEEK_H

#include "core/feed/segment.h"

/* Most history letters kept.  Zeek's own history has no cap (Session's
 * std::string grows with every AddHistory), and a hostile capture can make
 * S/F/R repeat forever with new sequence numbers, so tcphs stops at this
 * many letters and shows the cut: the history then ends with
 * TCPHS_ZEEK_HISTORY_CUT, a character that is none of Zeek's letters. */
#define TCPHS_ZEEK_HISTORY_MAX 47
#define TCPHS_ZEEK_HISTORY_CUT '+'

typedef struct tcphs_zeek tcphs_zeek;

/* One side of the connection as Zeek's TCP_Endpoint sees it (private: the
 * meaning of each member is in zeek.c).  Sequence members ending in _rel are
 * relative to start_seq, like Zeek's; the others are raw. */
typedef struct {
    uint32_t start_seq, last_seq, ack_seq;         /* StartSeq, LastSeq, AckSeq */
    uint32_t hist_last_syn, hist_last_fin, hist_last_rst; /* hist_last_* (relative) */
    uint32_t fin_seq_rel;                          /* FIN_seq */
    uint32_t reassem_rel, trim_rel;                /* reassembler: last_reassem_seq, trim_seq */
    uint32_t held_lo_rel, held_hi_rel;             /* one block held above a hole */
    uint32_t scaled[4];                            /* log-scale counters T, W, C, G */
    uint8_t  state, prev_state;                    /* enum tcphs_zeek_state */
    uint8_t  fin_seen, held;
} tcphs_zeek_endpoint;

struct tcphs_zeek {
    /* filled in by zeek.c; see there for the meaning of each member */
    tcphs_endpoint first;                /* sender of the first segment: host 0 */
    tcphs_zeek_endpoint host[2];         /* [0] first sender, [1] its peer */
    uint32_t hist_seen;                  /* once-only letters, Zeek's hist_seen mask */
    uint8_t  orig_host;                  /* index in host[] of Zeek's originator */
    uint8_t  started;
    uint8_t  is_partial;                 /* TCPSessionAdapter::is_partial */
    uint8_t  first_packet_seen;          /* TCPSessionAdapter::first_packet_seen */
    uint8_t  truncated;                  /* letters were lost: history ends with TCPHS_ZEEK_HISTORY_CUT */
    uint8_t  history_len;
    char     history[TCPHS_ZEEK_HISTORY_MAX + 2];   /* letters, the cut mark, NUL */
};

void tcphs_zeek_init(tcphs_zeek *z);

/* Feed one segment (capture order).  Segments lacking TCPHS_HAVE_REQUIRED are ignored. */
void tcphs_zeek_update(tcphs_zeek *z, const tcphs_segment *seg);

/* Zeek's conn_state word (S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH)
 * for the connection as it stands. */
const char *tcphs_zeek_conn_state(const tcphs_zeek *z);

/* Zeek's history string as it stands (NUL-terminated, owned by z). */
const char *tcphs_zeek_history(const tcphs_zeek *z);

/* True when seg was sent by Zeek's originator. */
bool tcphs_zeek_from_orig(const tcphs_zeek *z, const tcphs_segment *seg);

#endif /* TCPHS_ZEEK_H */
