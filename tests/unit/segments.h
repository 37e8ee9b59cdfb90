/* segments.h: hand-made segments for the unit tests.  The facts a complete
 * TCP header gives the epan glue; each test then adds its frame number,
 * time, stream, window or options. */
#ifndef TCPHS_TEST_SEGMENTS_H
#define TCPHS_TEST_SEGMENTS_H

#include <string.h>

#include "core/feed/segment.h"

static inline tcphs_segment test_segment(const tcphs_endpoint *client, const tcphs_endpoint *server,
                                         bool from_client, uint16_t flags, uint32_t seq, uint32_t ack,
                                         uint32_t len)
{
    tcphs_segment seg;

    memset(&seg, 0, sizeof(seg));
    seg.src = from_client ? *client : *server;
    seg.dst = from_client ? *server : *client;
    seg.flags = flags;
    seg.seq = seq;
    seg.ack = ack;
    seg.len = len;
    seg.have = TCPHS_HAVE_REQUIRED | TCPHS_HAVE_ADDRESSES;
    /* The acknowledgment field counts only with the ACK flag (RFC 9293, 3.1). */
    if (flags & TCPHS_ACK)
        seg.have |= TCPHS_HAVE_ACK;
    return seg;
}

#endif /* TCPHS_TEST_SEGMENTS_H */
