/* rtt_text.h: the RFC 6298 arithmetic of a round-trip sample, in words:
 * "SampleRTT = 0.081250 − 0.040125 = 0.041125 s (ACK in frame 14)", the
 * EstimatedRTT, DevRTT and RTO steps after it.  The numbers come from the
 * analysis (core/analysis/transfer.h); only the sentences are made here. */
#ifndef TCPHS_RTT_TEXT_H
#define TCPHS_RTT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/analysis/transfer.h"

/* One step of the arithmetic, for the item that shows its result. */
typedef enum {
    TCPHS_NOTE_SAMPLE,   /* "SampleRTT = 0.081250 - 0.040125 = 0.041125 s (ACK in frame 14)" */
    TCPHS_NOTE_SRTT,     /* "EstimatedRTT = 7/8 x ... + 1/8 x ... = ... s" */
    TCPHS_NOTE_RTTVAR,   /* "DevRTT = 3/4 x ... + 1/4 x |... - ...| = ... s" */
    TCPHS_NOTE_RTO       /* "RTO = ... + 4 x ... = ... s (rule 2.4 raises it to 1 s)" */
} tcphs_note_part;

void tcphs_xfer_note_part(char *buf, size_t size, const tcphs_xfer *x, int64_t sent_rel_ns, tcphs_note_part part);

/* The arithmetic of a slot's RTT sample and estimate, one sentence:
 * "SampleRTT = 0.081250 - 0.040125 = 0.041125 s; EstimatedRTT = ...".
 * sent_rel_ns is the segment's time relative to the capture's start. */
void tcphs_xfer_note(char *buf, size_t size, const tcphs_xfer *x, int64_t sent_rel_ns);

#endif /* TCPHS_RTT_TEXT_H */
