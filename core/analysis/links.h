/* links.h: the frames that mark a connection's life (tcphs.frame.*).
 *
 * Whole-capture values, kept with the connection like its other verdicts:
 * the first frame of each kind, 0 while there is none.
 */
#ifndef TCPHS_LINKS_H
#define TCPHS_LINKS_H

#include <stdint.h>

#include "core/analysis/endpoint.h"
#include "core/analysis/vocab.h"

typedef enum {
    TCPHS_LINK_SYN = 0,          /* the client's first SYN */
    TCPHS_LINK_SYNACK,           /* the server's first SYN-ACK */
    TCPHS_LINK_HANDSHAKE_ACK,    /* the segment that completed the handshake */
    TCPHS_LINK_FIRST_DATA,       /* the first segment with payload, either side */
    TCPHS_LINK_FIN,              /* the first FIN (the active close) */
    TCPHS_LINK_PEER_FIN,         /* the other side's first FIN */
    TCPHS_LINK_RST,              /* the first RST */
    TCPHS_LINK_COUNT
} tcphs_link;

typedef struct {
    uint32_t frame[TCPHS_LINK_COUNT];
} tcphs_links;

/* What one segment is, as far as the links care. */
typedef struct {
    uint32_t frame;
    uint32_t len;
    uint16_t flags;
    uint8_t  event;              /* tcphs_event */
    uint8_t  from;               /* tcphs_side */
    tcphs_state_pair before;     /* both endpoints' states before and after it */
    tcphs_state_pair after;
} tcphs_link_facts;

/* Note the segment where it is the first of a kind. */
void tcphs_links_note(tcphs_links *links, const tcphs_link_facts *facts);

#endif /* TCPHS_LINKS_H */
