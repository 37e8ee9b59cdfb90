/* rtt_text.c: the RFC 6298 arithmetic of a sample in words (rtt_text.h). */
#include "core/words/rtt_text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/words/text.h"

void tcphs_xfer_note_part(char *buf, size_t size, const tcphs_xfer *x, int64_t sent_rel_ns, tcphs_note_part part)
{
    char a[32], b[32], r[32], s0[32], v0[32], s1[32], v1[32], rto[32];
    tcphs_rtt_estimate after;
    bool first;
    int64_t rto_ns;

    buf[0] = '\0';
    if (!x || !(x->flags & TCPHS_XFER_RTT))
        return;
    tcphs_format_seconds_exact(r, sizeof(r), x->ack_delay_ns);
    if (part == TCPHS_NOTE_SAMPLE) {
        tcphs_format_seconds_exact(a, sizeof(a), sent_rel_ns + x->ack_delay_ns);
        tcphs_format_seconds_exact(b, sizeof(b), sent_rel_ns);
        snprintf(buf, size, "SampleRTT = %s \u2212 %s = %s s (ACK in frame %" PRIu32 ")", a, b, r, x->acked_in);
        return;
    }
    if (!tcphs_xfer_estimate(x, &after))
        return;
    first = (x->flags & TCPHS_XFER_FIRST) != 0;
    tcphs_format_seconds_exact(s0, sizeof(s0), x->srtt_before_ns);
    tcphs_format_seconds_exact(v0, sizeof(v0), x->rttvar_before_ns);
    tcphs_format_seconds_exact(s1, sizeof(s1), after.srtt_ns);
    tcphs_format_seconds_exact(v1, sizeof(v1), after.rttvar_ns);
    switch (part) {
    case TCPHS_NOTE_SRTT:
        if (first)
            snprintf(buf, size, "first sample (RFC 6298 2.2): EstimatedRTT = SampleRTT = %s s", s1);
        else
            snprintf(buf, size, "EstimatedRTT = 7/8 \u00d7 %s + 1/8 \u00d7 %s = %s s", s0, r, s1);
        break;
    case TCPHS_NOTE_RTTVAR:
        if (first)
            snprintf(buf, size, "DevRTT = %s / 2 = %s s", r, v1);
        else
            snprintf(buf, size, "DevRTT = 3/4 \u00d7 %s + 1/4 \u00d7 |%s \u2212 %s| = %s s", v0, s0, r, v1);
        break;
    case TCPHS_NOTE_RTO:
        rto_ns = tcphs_rto(&after);
        tcphs_format_seconds_exact(rto, sizeof(rto), rto_ns);
        snprintf(buf, size, "RTO = %s + 4 \u00d7 %s = %s s%s", s1, v1, rto,
                 rto_ns < 1000000000 ? " (rule 2.4 raises it to 1 s)" : "");
        break;
    default:
        break;
    }
}

void tcphs_xfer_note(char *buf, size_t size, const tcphs_xfer *x, int64_t sent_rel_ns)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int part = TCPHS_NOTE_SAMPLE; part <= TCPHS_NOTE_RTO && used < size; part++) {
        char piece[192];

        tcphs_xfer_note_part(piece, sizeof(piece), x, sent_rel_ns, (tcphs_note_part)part);
        if (piece[0] == '\0')
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? "; " : "", piece);
        if (n < 0)
            return;
        used += (size_t)n;
    }
}
