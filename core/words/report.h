/* report.h: the connection table (-z tcphs,conns) and the lab report
 * (-z tcphs,report), written from connection records without Wireshark. */
#ifndef TCPHS_REPORT_H
#define TCPHS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/analysis/conn.h"
#include "core/words/report_rounds.h"
#include "core/words/report_transfer.h"

/* ---- -z tcphs,conns ------------------------------------------------------- */

/* One row per connection: aligned text, or CSV (RFC 4180) when csv. */
void tcphs_write_conns_table(FILE *out, const tcphs_conn *const *conns, size_t count, bool csv);

/* ---- -z tcphs,report ------------------------------------------------------- */

/* A segment as the report shows it. */
typedef struct {
    uint32_t frame;
    int64_t  rel_ns;            /* time since the first frame of the capture */
    const tcphs_record *rec;
} tcphs_report_row;

#define TCPHS_REPORT_TEARDOWN_ROWS 12

/* What the report of one stream needs beyond the connection record:
 * gathered segment by segment with tcphs_report_collect(). */
typedef struct {
    const tcphs_conn *conn;
    tcphs_report_row handshake[3][2];            /* steps 1, 2, 3 by sender (tcphs_side): its first
                                                    segment of that step; frame 0 when absent.  A
                                                    simultaneous open has a SYN from each side. */
    tcphs_report_row first_data;                 /* where data transfer starts */
    tcphs_report_row teardown[TCPHS_REPORT_TEARDOWN_ROWS];  /* FIN, FIN-ACK and RST segments */
    uint32_t teardown_count;                     /* may exceed the rows kept */
    uint32_t data_segments[2];                   /* per side: segments carrying payload */
    uint32_t first_frame, last_frame;
    int64_t  first_rel_ns, last_rel_ns;
    tcphs_lab lab;                               /* the data-transfer section (report_transfer.h) */
    tcphs_rounds_report rounds;                  /* the rounds sections (report_rounds.h) */
    bool analysis_marks_off;                     /* Wireshark's sequence analysis was off: no
                                                    keep-alive or retransmission marks */
} tcphs_report_stream;

void tcphs_report_init(tcphs_report_stream *rs, const tcphs_conn *conn);

/* Without Wireshark's TCP sequence analysis (tcp.analyze_sequence_numbers
 * off) there are no tcp.analysis.* marks: the report then says the
 * keep-alive and retransmission counts are unknown rather than 0. */
void tcphs_report_set_analysis_off(tcphs_report_stream *rs);
void tcphs_report_collect(tcphs_report_stream *rs, uint32_t frame, int64_t rel_ns, const tcphs_record *rec);

/* A Markdown summary table of several streams, one row a stream: its
 * handshake verdict, close, segments, bytes and segments sent again each
 * way, initial RTT and duration. */
void tcphs_write_report_summary(FILE *out, const tcphs_report_stream *const *streams, size_t count);

/* Without a filter, a report of many streams gives the full sections of
 * the first TCPHS_REPORT_FULL_FIRST streams and of every stream in
 * trouble; the others are in the summary table only. */
#define TCPHS_REPORT_FULL_FIRST 20

/* In trouble: refused, aborted, reset, or segments sent again (by
 * sequence number, or a SYN or SYN-ACK sent again). */
bool tcphs_report_in_trouble(const tcphs_report_stream *rs);

/* What the full sections show, before them: "Full sections: the first 20
 * streams and the 3 others in trouble ..." (filter NULL) or the streams the
 * display filter selected. */
void tcphs_write_report_selection(FILE *out, size_t shown, size_t total, const char *filter);

/* After the full sections: how many streams were left out and how to ask
 * for them; nothing when none was. */
void tcphs_write_report_left_out(FILE *out, size_t left_out, const char *filter);

/* The Markdown lab report of one stream. */
void tcphs_write_report(FILE *out, const tcphs_report_stream *rs);

/* ---- segments too short to analyse ------------------------------------------ */

/* When `segments` TCP segments lost part of their 20-byte fixed header to
 * the capture's snaplen (RFC 9293, 3.1: no ports, sequence numbers or
 * flags to read), say so and what snaplen would have kept it: `snaplen` is
 * the largest frame offset at which one of those headers ends.  Writes
 * nothing when segments is 0. */
void tcphs_write_cut_headers(FILE *out, uint32_t segments, uint32_t snaplen);

#endif /* TCPHS_REPORT_H */
