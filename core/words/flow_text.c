/* flow_text.c: the label and comment of a tcphs arrow in Wireshark's flow graph. */
#include "core/words/flow_text.h"

#include "core/words/strbuf.h"
#include "core/words/text.h"
#include "core/analysis/zeek.h"

void tcphs_flow_label(char *buf, size_t size, const tcphs_record *rec)
{
    tcphs_strbuf out;

    tcphs_strbuf_init(&out, buf, size);
    tcphs_strbuf_append(&out, tcphs_event_name((tcphs_event)rec->event));
    if (rec->len > 0)
        tcphs_strbuf_appendf(&out, " len=%u", rec->len);
}

/* The letter of a side's ISN in the handshake's arithmetic: x for the
 * client's, y for the server's (as in RFC 9293, 3.5, figure 6 and in the
 * notes). */
static char isn_letter(tcphs_side side)
{
    return side == TCPHS_SIDE_CLIENT ? 'x' : 'y';
}

/* A SYN or SYN-ACK: the sender's ISN, "ISN x = 1212690900". */
static void put_own_isn(tcphs_strbuf *out, const tcphs_record *rec)
{
    tcphs_strbuf_separate(out, TCPHS_FLOW_SEPARATOR);
    tcphs_strbuf_appendf(out, "ISN %c = %u", isn_letter((tcphs_side)rec->from), rec->seq);
}

/* The ack check of a SYN-ACK or handshake ACK (RFC 9293, 3.4: the ack of a
 * SYN is its ISN + 1), as the record has it. */
static void put_ack_check(tcphs_strbuf *out, const tcphs_record *rec)
{
    tcphs_side peer = tcphs_other_side((tcphs_side)rec->from);
    uint32_t peer_isn;

    if (rec->known & TCPHS_KNOWN_ACK_CHECK) {
        tcphs_strbuf_separate(out, TCPHS_FLOW_SEPARATOR);
        if (rec->ack_ok) {
            tcphs_ack_arithmetic(out, rec);
        } else if (tcphs_record_isn(rec, peer, &peer_isn)) {
            tcphs_strbuf_appendf(out, "ack = %u, but %c + 1 = %u (wrong)", rec->ack, isn_letter(peer),
                                 peer_isn + 1);
        } else {
            tcphs_strbuf_appendf(out, "ack = %u (wrong)", rec->ack);
        }
    } else if (rec->event == TCPHS_EVENT_SYN_ACK && (rec->known & TCPHS_KNOWN_ISN_CLIENT_DERIVED)) {
        tcphs_strbuf_separate(out, TCPHS_FLOW_SEPARATOR);
        tcphs_strbuf_appendf(out, "x = ack - 1 = %u (SYN not captured)", rec->ack - 1);
    }
}

/* What the segment itself is, beyond its event. */
static void put_segment_facts(tcphs_strbuf *out, const tcphs_record *rec)
{
    switch ((tcphs_event)rec->event) {
    case TCPHS_EVENT_SYN:
        put_own_isn(out, rec);
        break;
    case TCPHS_EVENT_SYN_ACK:
        put_own_isn(out, rec);
        put_ack_check(out, rec);
        break;
    case TCPHS_EVENT_HANDSHAKE_ACK:
        put_ack_check(out, rec);
        break;
    case TCPHS_EVENT_SYN_RETRANSMISSION:
    case TCPHS_EVENT_SYN_ACK_RETRANSMISSION:
        tcphs_strbuf_separate(out, TCPHS_FLOW_SEPARATOR);
        if (rec->retransmission > 0)
            tcphs_strbuf_appendf(out, "sent again (retransmission %u), same ISN %c = %u", rec->retransmission,
                                 isn_letter((tcphs_side)rec->from), rec->seq);
        else
            tcphs_strbuf_appendf(out, "sent again, same ISN %c = %u", isn_letter((tcphs_side)rec->from), rec->seq);
        break;
    case TCPHS_EVENT_KEEP_ALIVE:
        /* RFC 9293, 3.8.4: a keep-alive repeats the byte before the next
         * one, which the peer must acknowledge again. */
        tcphs_strbuf_separate(out, TCPHS_FLOW_SEPARATOR);
        tcphs_strbuf_appendf(out, "seq = next - 1 = %u", rec->seq);
        break;
    case TCPHS_EVENT_KEEP_ALIVE_ACK:
        tcphs_strbuf_separate(out, TCPHS_FLOW_SEPARATOR);
        tcphs_strbuf_appendf(out, "ack = %u, still the next byte it expects", rec->ack);
        break;
    default:
        break;
    }
}

/* "client SYN-SENT → ESTABLISHED" for each endpoint whose state this
 * segment changed, the client first. */
static void put_state_changes(tcphs_strbuf *out, const tcphs_record *rec)
{
    static const tcphs_side sides[] = { TCPHS_SIDE_CLIENT, TCPHS_SIDE_SERVER };

    for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
        tcphs_state before = tcphs_state_of(rec->states_before, sides[i]);
        tcphs_state after = tcphs_state_of(rec->states, sides[i]);

        if (before == after)
            continue;
        tcphs_strbuf_separate(out, TCPHS_FLOW_SEPARATOR);
        tcphs_strbuf_appendf(out, "%s %s " TCPHS_ARROW " %s", tcphs_side_name(sides[i]), tcphs_state_name(before),
                             tcphs_state_name(after));
    }
}

/* Whole capture: the frame of the ACK that covered this segment. */
static void put_acked_in(tcphs_strbuf *out, const tcphs_record *rec)
{
    const tcphs_xfer *x = tcphs_record_xfer(rec);

    if (x && (x->flags & TCPHS_XFER_ACKED)) {
        tcphs_strbuf_separate(out, TCPHS_FLOW_SEPARATOR);
        tcphs_strbuf_appendf(out, "acked in %u", x->acked_in);
    }
}

/* Whole capture, on a stream's first arrow: "stream 3: handshake complete,
 * SF (normal establishment and termination)". */
static void put_connection(tcphs_strbuf *out, const tcphs_conn *conn)
{
    const char *conn_state = tcphs_zeek_conn_state(&conn->zeek);
    const char *meaning = tcphs_zeek_conn_state_description(conn_state);

    tcphs_strbuf_separate(out, TCPHS_FLOW_SEPARATOR);
    tcphs_strbuf_appendf(out, "stream %u: handshake %s, %s", conn->stream,
                         tcphs_hs_verdict_name(tcphs_conn_hs_verdict(conn)), conn_state);
    if (meaning)
        tcphs_strbuf_appendf(out, " (%s)", meaning);
}

void tcphs_flow_comment(char *buf, size_t size, const tcphs_record *rec, uint32_t frame, bool whole_capture)
{
    bool first_of_stream = rec->conn && rec->conn->first_frame == frame;
    tcphs_strbuf out;

    tcphs_strbuf_init(&out, buf, size);
    /* Per segment, the same in every pass. */
    if (first_of_stream && (rec->known & TCPHS_KNOWN_ROLE_GUESSED))
        tcphs_strbuf_append(&out, "roles guessed (handshake not captured)");
    put_segment_facts(&out, rec);
    put_state_changes(&out, rec);
    if (!whole_capture)
        return;
    /* What later segments told. */
    put_acked_in(&out, rec);
    if (first_of_stream)
        put_connection(&out, rec->conn);
}
