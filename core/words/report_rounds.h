/* report_rounds.h: the "Rounds" section of the lab report (-z tcphs,report):
 * per sender with at least two rounds, the table of its rounds, the answer
 * to the lab's "where does slow start begin and end, and where does
 * congestion avoidance take over?" in one sentence, and two Mermaid
 * xychart-beta charts: new bytes per round, and SampleRTT with
 * EstimatedRTT (the lab's RTT graph).  The rounds and their phases come
 * from core/analysis/rounds.h (docs/fields.md, "Rounds and congestion control"); this file only words them.
 * Gathered segment by segment like the rest of the report, written once
 * the whole capture has been read. */
#ifndef TCPHS_REPORT_ROUNDS_H
#define TCPHS_REPORT_ROUNDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/analysis/conn.h"
#include "core/words/strbuf.h"

/* The RTT chart keeps at most this many of a sender's payload segments
 * (each a possible SampleRTT): every one while they fit, then every 2nd,
 * 4th, ... (the kept ones stay evenly spread over the whole transfer). */
#define TCPHS_RTT_POINTS 40

/* The bar chart draws at most this many rounds (the table has them all). */
#define TCPHS_ROUND_BARS 80

typedef struct {
    uint32_t frame[TCPHS_RTT_POINTS];
    uint32_t slot[TCPHS_RTT_POINTS];   /* its tcphs_xfer, read when the report is written */
    uint32_t kept;
    uint32_t seen;                     /* payload segments offered */
    uint32_t stride;                   /* every stride-th of them is kept (a power of 2) */
} tcphs_rtt_points;

typedef struct {
    const tcphs_conn *conn;
    bool     base_known;
    int64_t  base_ns;                  /* capture-relative time minus segment time */
    tcphs_rtt_points rtt[2];           /* per sender (tcphs_side) */
} tcphs_rounds_report;

void tcphs_rounds_report_init(tcphs_rounds_report *rr, const tcphs_conn *conn);
void tcphs_rounds_report_collect(tcphs_rounds_report *rr, uint32_t frame, int64_t rel_ns, const tcphs_record *rec);

/* The "Rounds" section of each sender with at least two rounds; nothing
 * when neither has. */
void tcphs_write_rounds(FILE *out, const tcphs_rounds_report *rr);

/* ---- the answer sentence, apart so that a test can give it rounds ---------- */

/* One round as the answer reads it. */
typedef struct {
    uint32_t round;
    tcphs_round_phase phase;
    int64_t  start_ns;                 /* capture-relative */
    uint32_t inflight;                 /* its most bytes in flight */
    uint32_t window;                   /* the receiver's largest window, with window_known */
    bool     window_known;
    uint32_t sent_again;
} tcphs_round_line;

/* The answer for one sender's rounds (in round order, numbered from 1 without
 * gaps), one clause per phase, joined by "; " and ended with ".":
 *   - the lab's two phases first, slow start then congestion avoidance,
 *     each "never ..." when no round has it; then loss recovery,
 *     receiver-limited and sender-limited, each only when a round has it;
 *   - the rounds as ranges of consecutive numbers, "rounds 1-2 and 4", or
 *     "round 3" for one; "from round 5" when its rounds are one range of
 *     at least two that runs to the sender's last round (and not from
 *     round 1); beyond 5 ranges, the first 5 and "and N more ranges
 *     (M rounds)";
 *   - the time span: the start times of its first and last rounds, as the
 *     table's "Start (s)" column shows them, rounded to the millisecond ("0.026-0.577 s";
 *     "(0.026 s)" for one round, "0.577 s on" with "from round");
 *   - loss recovery adds how many segments its rounds sent again;
 *     receiver-limited and sender-limited add the bytes in flight ("at 8192
 *     bytes in flight" when every one of their rounds had the same most in
 *     flight, else "at 4096-8192 bytes in flight") and, where the window
 *     is known in any of them, "while the receiver offered up to W" (the
 *     largest).
 * The first letter is a capital. */
void tcphs_rounds_answer(tcphs_strbuf *out, const tcphs_round_line *rounds, uint32_t count);

#endif /* TCPHS_REPORT_ROUNDS_H */
