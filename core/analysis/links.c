/* links.c: the first frame of each kind in a connection (links.h). */
#include "core/analysis/links.h"

#include "core/feed/segment.h"

static void set_once(tcphs_links *links, tcphs_link link, uint32_t frame)
{
    if (links->frame[link] == 0)
        links->frame[link] = frame;
}

static bool in_handshake(tcphs_state state)
{
    return state == TCPHS_STATE_SYN_SENT || state == TCPHS_STATE_SYN_RECEIVED;
}

/* The handshake is complete when both endpoints are synchronized (RFC 9293,
 * 3.5): the segment that gets them there from SYN-SENT or SYN-RECEIVED
 * completes it.  That is the third segment of figure 6, the second SYN-ACK
 * of a simultaneous open (figure 8), and no segment at all when the ack was
 * wrong (the server stays in SYN-RECEIVED) or the handshake was not seen. */
static bool completes_handshake(const tcphs_link_facts *f)
{
    tcphs_state client_before = tcphs_state_of(f->before, TCPHS_SIDE_CLIENT);
    tcphs_state server_before = tcphs_state_of(f->before, TCPHS_SIDE_SERVER);

    if (!in_handshake(client_before) && !in_handshake(server_before))
        return false;
    return tcphs_state_synchronized(tcphs_state_of(f->after, TCPHS_SIDE_CLIENT)) &&
           tcphs_state_synchronized(tcphs_state_of(f->after, TCPHS_SIDE_SERVER));
}

void tcphs_links_note(tcphs_links *links, const tcphs_link_facts *f)
{
    if (f->event == TCPHS_EVENT_SYN && f->from == TCPHS_SIDE_CLIENT)
        set_once(links, TCPHS_LINK_SYN, f->frame);
    if (f->event == TCPHS_EVENT_SYN_ACK && f->from == TCPHS_SIDE_SERVER)
        set_once(links, TCPHS_LINK_SYNACK, f->frame);
    if (completes_handshake(f))
        set_once(links, TCPHS_LINK_HANDSHAKE_ACK, f->frame);
    if (f->len > 0)
        set_once(links, TCPHS_LINK_FIRST_DATA, f->frame);
    if (f->event == TCPHS_EVENT_FIN)
        set_once(links, TCPHS_LINK_FIN, f->frame);
    if (f->event == TCPHS_EVENT_PEER_FIN)
        set_once(links, TCPHS_LINK_PEER_FIN, f->frame);
    if (f->flags & TCPHS_RST)
        set_once(links, TCPHS_LINK_RST, f->frame);
}
