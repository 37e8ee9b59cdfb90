/* report_transfer.h: the data-transfer section of the lab report
 * (-z tcphs,report): what the standard TCP lab asks about a transfer,
 * answered from the tcphs.acked_in / tcphs.rtt* answers, and a Mermaid
 * time-sequence ladder.  Gathered segment by segment like the rest of the
 * report; written once the whole capture has been read. */
#ifndef TCPHS_REPORT_TRANSFER_H
#define TCPHS_REPORT_TRANSFER_H

#include <stdio.h>

#include "core/analysis/conn.h"

#define TCPHS_LAB_SEGMENTS 6      /* the lab's "first six segments" */
#define TCPHS_LAB_RETRANSMISSIONS 10
#define TCPHS_LAB_LADDER_HANDSHAKE 6   /* steps 1-3, from either side (a simultaneous open) */
#define TCPHS_LAB_LADDER_DATA 8   /* segments after the handshake */
#define TCPHS_LAB_LADDER_TEARDOWN 6

/* A segment as the section shows it. */
typedef struct {
    uint32_t frame;
    int64_t  rel_ns;          /* since the first frame of the capture */
    const tcphs_record *rec;
} tcphs_lab_row;

typedef struct {
    tcphs_lab_row first_payload;               /* frame 0 when none */
    tcphs_lab_row payload[TCPHS_LAB_SEGMENTS]; /* its first payload segments */
    uint32_t payload_count;
    uint32_t payload_end;                      /* one past the highest payload byte so far */
    uint32_t retransmission_frames[TCPHS_LAB_RETRANSMISSIONS];
    uint32_t retransmissions;                  /* may exceed the frames kept */
    tcphs_lab_row min_window;                  /* the smallest window it advertised */
    uint32_t min_window_bytes;
    tcphs_lab_row min_scaled_window;           /* ... the smallest after its SYN (or SYN-ACK) */
    uint32_t min_scaled_window_bytes;
    uint32_t acks_covering[3];                 /* its ACKs that covered 1, 2, 3+ segments */
    /* Its payload in flight (sent, not yet acknowledged as far as the
     * capture shows) against the window the peer advertised last. */
    uint32_t peer_ack;                         /* the peer's highest ack so far ... */
    bool     peer_ack_known;
    uint32_t peer_window;                      /* ... and its latest window in bytes */
    bool     peer_window_known;
    uint32_t max_in_flight;                    /* the most it ever had in flight */
    tcphs_lab_row max_in_flight_row;           /* the segment that made it so */
    uint32_t window_at_max;                    /* the peer's window then (peer_window_known then) */
    bool     window_known_at_max;
    uint32_t window_full;                      /* segments that left no room for another one like them */
    tcphs_lab_row first_window_full;
} tcphs_lab_side;

typedef struct {
    const tcphs_conn *conn;
    tcphs_lab_side side[2];
    tcphs_lab_row handshake[TCPHS_LAB_LADDER_HANDSHAKE];  /* each side's first segment of each step, in capture order */
    uint32_t handshake_count;
    uint8_t  handshake_seen;                   /* bit (step - 1) * 2 + side: that row is kept */
    tcphs_lab_row data[TCPHS_LAB_LADDER_DATA];
    uint32_t data_count;                       /* segments between handshake and teardown */
    tcphs_lab_row teardown[TCPHS_LAB_LADDER_TEARDOWN];
    uint32_t teardown_count;
} tcphs_lab;

void tcphs_lab_init(tcphs_lab *lab, const tcphs_conn *conn);
void tcphs_lab_collect(tcphs_lab *lab, uint32_t frame, int64_t rel_ns, const tcphs_record *rec);

/* The "Data transfer: the lab's questions" section; nothing when no side
 * sent payload. */
void tcphs_write_lab_transfer(FILE *out, const tcphs_lab *lab);

#endif /* TCPHS_REPORT_TRANSFER_H */
