/* store.h: what tcphs keeps of one capture file: the connections by
 * Wireshark's tcp.stream number, and the record of each frame's first TCP
 * layer by frame number.
 *
 * Memory is the point (docs/performance.md).  A SYN flood or a port scan
 * makes a tcp.stream of every SYN, and most of them never get past a SYN
 * and its SYN-ACK or RST.  So a connection is first kept as its segments
 * alone, packed in the slots of their frames, with its two endpoints once:
 * ~170 bytes where a whole connection and its records take ~650.  Its
 * state and its records are replayed from those segments when asked for,
 * into one scratch connection.  Its third segment makes it a whole
 * connection, with its records written into their frames' slots.
 *
 * A connection is made whole at once when a pointer to it must stay
 * valid: a tap is listening (taps keep their connections until the end of
 * the run), or its segment is not the first TCP layer of its frame (the
 * glue keeps those records itself).
 *
 * Pointers returned (records, and the connections they point to) are
 * valid until the next call of a tcphs_store function, or, for a whole
 * connection, until tcphs_store_free().
 */
#ifndef TCPHS_STORE_H
#define TCPHS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/analysis/conn.h"

typedef struct tcphs_store tcphs_store;

/* How a segment is to be kept. */
typedef enum {
    TCPHS_KEEP_PACKED = 0,  /* may stay packed while its connection is short */
    TCPHS_KEEP_WHOLE        /* its connection must be whole from now on */
} tcphs_keep;

/* An empty store; NULL when memory ran out. */
tcphs_store *tcphs_store_new(void);

/* Release the store and everything it keeps (NULL: nothing). */
void tcphs_store_free(tcphs_store *store);

/* Feed the next segment of a capture's first pass (capture order): the
 * first TCP layer tcphs analyses in frame seg->frame (first_layer), or a
 * later one (then kept whole, and the caller keeps a copy of the record).
 * Returns the segment's record; NULL when the segment lacks
 * TCPHS_HAVE_REQUIRED or memory ran out (no verdict rather than a wrong
 * one).  A first layer's record is then what tcphs_store_record() gives
 * for the frame. */
const tcphs_record *tcphs_store_update(tcphs_store *store, const tcphs_segment *seg, bool first_layer,
                                       tcphs_keep keep);

/* Keep the segment of a frame's only TCP layer as it was read, to be
 * analysed when a record is first asked for (tcphs_store_catch_up(), or
 * tcphs_store_record() of its frame or a later one): a run that never
 * reads tcphs then pays for no analysis, and every record is the same as
 * if it had been analysed at once, since the analysis still sees each
 * stream's segments in capture order.  In the frame's slot, packed as a
 * packed connection's segments are.  False (nothing kept) when the segment
 * lacks TCPHS_HAVE_REQUIRED, its frame is already analysed, or memory ran
 * out. */
bool tcphs_store_defer(tcphs_store *store, const tcphs_segment *seg);

/* Analyse, in capture order, every segment deferred up to frame `frame`
 * (UINT32_MAX: all of them), and take every frame up to it as analysed: a
 * segment of a later-analysed frame is analysed at once with
 * tcphs_store_update(), after a catch-up to the frame before it. */
void tcphs_store_catch_up(tcphs_store *store, uint32_t frame, tcphs_keep keep);

/* Whether a TCP layer of `frame` was kept (deferred or analysed). */
bool tcphs_store_has_frame(tcphs_store *store, uint32_t frame);

/* The record of the first TCP layer of `frame`; NULL when it has none.  A
 * deferred segment is analysed first, with every one before it. */
const tcphs_record *tcphs_store_record(tcphs_store *store, uint32_t frame, tcphs_keep keep);

/* How many connections are packed and how many whole (tests, bench). */
void tcphs_store_counts(const tcphs_store *store, uint32_t *packed, uint32_t *whole);

#endif /* TCPHS_STORE_H */
