/* report_transfer.c: the data-transfer section of the lab report and its
 * Mermaid ladder (report_transfer.h). */
#include "core/words/report_transfer.h"

#include <inttypes.h>
#include <string.h>

#include "core/words/text.h"
#include "core/words/rtt_text.h"

#define NOTE_MAX 512

/* ---- gathering ------------------------------------------------------------------------ */

void tcphs_lab_init(tcphs_lab *lab, const tcphs_conn *conn)
{
    memset(lab, 0, sizeof(*lab));
    lab->conn = conn;
}

static bool is_teardown(const tcphs_record *rec)
{
    return rec->event == TCPHS_EVENT_FIN || rec->event == TCPHS_EVENT_PEER_FIN ||
           rec->event == TCPHS_EVENT_FIN_ACK || rec->event == TCPHS_EVENT_RST;
}

static bool is_payload(const tcphs_record *rec)
{
    return rec->len > 0 && !(rec->flags & (TCPHS_SYN | TCPHS_RST)) && rec->event != TCPHS_EVENT_KEEP_ALIVE;
}

static void collect_payload(tcphs_lab_side *side, const tcphs_lab_row *row)
{
    const tcphs_record *rec = row->rec;
    uint32_t end = rec->seq + rec->len;

    if (side->first_payload.frame == 0) {
        side->first_payload = *row;
        side->payload_end = end;
    } else if (tcphs_seq_lt(rec->seq, side->payload_end)) {
        /* Bytes sent before: a retransmission (RFC 9293, 3.8.1). */
        if (side->retransmissions < TCPHS_LAB_RETRANSMISSIONS)
            side->retransmission_frames[side->retransmissions] = row->frame;
        side->retransmissions++;
    }
    if (tcphs_seq_gt(end, side->payload_end))
        side->payload_end = end;
    if (side->payload_count < TCPHS_LAB_SEGMENTS)
        side->payload[side->payload_count++] = *row;
}

/* What a segment tells its receiver's side about the flight: the sender's
 * ack and window, as the receiver learns them (RFC 9293, 3.8.6: the window
 * bounds what may be in flight, SND.NXT - SND.UNA). */
static void note_peer_ack_and_window(tcphs_lab_side *receiver, const tcphs_record *rec)
{
    uint32_t window;

    if ((rec->flags & TCPHS_ACK) && !(rec->flags & TCPHS_RST) &&
        (!receiver->peer_ack_known || tcphs_seq_gt(rec->ack, receiver->peer_ack))) {
        receiver->peer_ack = rec->ack;
        receiver->peer_ack_known = true;
    }
    /* A SYN's window is in bytes already (RFC 7323, 2.2); a later one whose
     * scale is unknown makes the window unknown from then on. */
    if (rec->flags & TCPHS_RST)
        return;
    receiver->peer_window_known = tcphs_record_window_bytes(rec, &window);
    if (receiver->peer_window_known)
        receiver->peer_window = window;
}

/* After a payload segment: how much of its sender's payload is in flight,
 * and whether the window left room for another segment of that size. */
static void note_in_flight(tcphs_lab_side *side, const tcphs_lab_row *row)
{
    const tcphs_record *rec = row->rec;
    uint32_t in_flight;

    if (!side->peer_ack_known || !tcphs_seq_gt(rec->seq + rec->len, side->peer_ack))
        return;
    in_flight = rec->seq + rec->len - side->peer_ack;
    if (in_flight > side->max_in_flight) {
        side->max_in_flight = in_flight;
        side->max_in_flight_row = *row;
        side->window_at_max = side->peer_window;
        side->window_known_at_max = side->peer_window_known;
    }
    if (side->peer_window_known && (uint64_t)in_flight + rec->len > side->peer_window) {
        if (side->window_full == 0)
            side->first_window_full = *row;
        side->window_full++;
    }
}

void tcphs_lab_collect(tcphs_lab *lab, uint32_t frame, int64_t rel_ns, const tcphs_record *rec)
{
    tcphs_lab_row row = { frame, rel_ns, rec };
    tcphs_lab_side *side = &lab->side[rec->from];
    uint32_t window;

    if (rec->step != 0) {
        uint8_t bit = (uint8_t)(1u << ((rec->step - 1) * 2 + rec->from));

        if (!(lab->handshake_seen & bit) && lab->handshake_count < TCPHS_LAB_LADDER_HANDSHAKE) {
            lab->handshake_seen |= bit;
            lab->handshake[lab->handshake_count++] = row;
        }
    } else if (is_teardown(rec) || lab->teardown_count > 0) {
        if (lab->teardown_count < TCPHS_LAB_LADDER_TEARDOWN)
            lab->teardown[lab->teardown_count] = row;
        lab->teardown_count++;
    } else {
        if (lab->data_count < TCPHS_LAB_LADDER_DATA)
            lab->data[lab->data_count] = row;
        lab->data_count++;
    }
    note_peer_ack_and_window(&lab->side[tcphs_other_side((tcphs_side)rec->from)], rec);
    if (is_payload(rec)) {
        collect_payload(side, &row);
        note_in_flight(side, &row);
    }
    if (!(rec->flags & TCPHS_RST) && tcphs_record_window_bytes(rec, &window) &&
        (side->min_window.frame == 0 || window < side->min_window_bytes)) {
        side->min_window = row;
        side->min_window_bytes = window;
    }
    if (!(rec->flags & (TCPHS_RST | TCPHS_SYN)) && tcphs_record_window_bytes(rec, &window) &&
        (side->min_scaled_window.frame == 0 || window < side->min_scaled_window_bytes)) {
        side->min_scaled_window = row;
        side->min_scaled_window_bytes = window;
    }
    if (rec->acks_segments)
        side->acks_covering[rec->acks_segments >= 3 ? 2 : rec->acks_segments - 1]++;
}

/* ---- writing ---------------------------------------------------------------------------- */

static bool peer_isn(const tcphs_record *rec, uint32_t *isn)
{
    uint8_t bit = rec->from == TCPHS_SIDE_CLIENT ? TCPHS_KNOWN_ISN_SERVER : TCPHS_KNOWN_ISN_CLIENT;

    *isn = rec->from == TCPHS_SIDE_CLIENT ? rec->isn_server : rec->isn_client;
    return (rec->known & bit) != 0;
}

/* "3442155203 (relative 1)" or "3442155203 (relative unknown)" */
static void seq_text(char *buf, size_t size, uint32_t raw, bool known, uint32_t isn)
{
    if (known)
        snprintf(buf, size, "%" PRIu32 " (relative %" PRIu32 ")", raw, raw - isn);
    else
        snprintf(buf, size, "%" PRIu32 " (relative unknown)", raw);
}

static tcphs_side bigger_sender(const tcphs_conn *conn)
{
    return conn->side[TCPHS_SIDE_SERVER].bytes > conn->side[TCPHS_SIDE_CLIENT].bytes ? TCPHS_SIDE_SERVER
                                                                                      : TCPHS_SIDE_CLIENT;
}

static void write_first_payloads(FILE *out, const tcphs_lab *lab)
{
    fprintf(out, "First payload segment of each side:\n\n");
    for (int s = 0; s < 2; s++) {
        const tcphs_lab_row *row = &lab->side[s].first_payload;
        char seq[64], at[32];
        uint32_t isn = 0;

        if (row->frame == 0) {
            fprintf(out, "- %s: none\n", tcphs_direction_name((tcphs_side)s));
            continue;
        }
        bool known = tcphs_record_isn(row->rec, (tcphs_side)row->rec->from, &isn);

        seq_text(seq, sizeof(seq), row->rec->seq, known, isn);
        tcphs_format_seconds(at, sizeof(at), row->rel_ns);
        fprintf(out, "- %s: frame %" PRIu32 " at %s s, seq %s, %" PRIu32 " bytes\n",
                tcphs_direction_name((tcphs_side)s),
                row->frame, at, seq, row->rec->len);
    }
    fprintf(out, "\n");
}

static void write_segment_table(FILE *out, const tcphs_lab *lab, tcphs_side s)
{
    const tcphs_lab_side *side = &lab->side[s];
    uint32_t spelled = 0;

    if (side->payload_count == 1)
        fprintf(out, "The only payload segment of the %s (%s, the side that sent the most):\n\n",
                tcphs_side_name(s), tcphs_direction_name(s));
    else
        fprintf(out, "The first %" PRIu32 " payload segments of the %s (%s, the side that sent the most):\n\n",
                side->payload_count, tcphs_side_name(s), tcphs_direction_name(s));
    fprintf(out, "| # | Frame | Seq (raw) | Seq (rel) | Length | Sent at (s) | Acked in | ACK at (s) "
                 "| SampleRTT (s) | EstimatedRTT after (s) |\n");
    fprintf(out, "|---|---|---|---|---|---|---|---|---|---|\n");
    for (uint32_t i = 0; i < side->payload_count; i++) {
        const tcphs_lab_row *row = &side->payload[i];
        const tcphs_xfer *x = tcphs_record_xfer(row->rec);
        tcphs_rtt_estimate est;
        char sent[32], acked[32], rtt[32], srtt[32], rel[16];
        uint32_t isn = 0;

        tcphs_format_seconds(sent, sizeof(sent), row->rel_ns);
        if (tcphs_record_isn(row->rec, (tcphs_side)row->rec->from, &isn))
            snprintf(rel, sizeof(rel), "%" PRIu32, row->rec->seq - isn);
        else
            snprintf(rel, sizeof(rel), "-");
        fprintf(out, "| %" PRIu32 " | %" PRIu32 " | %" PRIu32 " | %s | %" PRIu32 " | %s |", i + 1, row->frame,
                row->rec->seq, rel, row->rec->len, sent);
        if (x && (x->flags & TCPHS_XFER_ACKED)) {
            tcphs_format_seconds(acked, sizeof(acked), row->rel_ns + x->ack_delay_ns);
            fprintf(out, " %" PRIu32 " | %s |", x->acked_in, acked);
        } else {
            fprintf(out, " - | - |");
        }
        if (x && (x->flags & TCPHS_XFER_RTT)) {
            tcphs_format_seconds(rtt, sizeof(rtt), x->ack_delay_ns);
            fprintf(out, " %s |", rtt);
        } else {
            fprintf(out, " - |");
        }
        if (tcphs_xfer_estimate(x, &est)) {
            tcphs_format_seconds_exact(srtt, sizeof(srtt), est.srtt_ns);
            fprintf(out, " %s |\n", srtt);
        } else {
            fprintf(out, " - |\n");
        }
    }
    fprintf(out, "\nSampleRTT = ACK at − sent at; EstimatedRTT = 7/8 × EstimatedRTT + 1/8 × SampleRTT, "
                 "DevRTT = 3/4 × DevRTT + 1/4 × |EstimatedRTT − SampleRTT|, the first sample gives "
                 "EstimatedRTT = SampleRTT and DevRTT = SampleRTT / 2 (RFC 6298 section 2).  A segment "
                 "sent again, and its copies, have no SampleRTT (Karn's rule).\n\n");
    for (uint32_t i = 0; i < side->payload_count && spelled < 2; i++) {
        const tcphs_xfer *x = tcphs_record_xfer(side->payload[i].rec);
        char note[NOTE_MAX];

        if (!x || !(x->flags & TCPHS_XFER_ESTIMATE))
            continue;
        tcphs_xfer_note(note, sizeof(note), x, side->payload[i].rel_ns);
        fprintf(out, "- frame %" PRIu32 ": %s\n", side->payload[i].frame, note);
        spelled++;
    }
    if (spelled)
        fprintf(out, "\n");
}

static void write_window(FILE *out, const tcphs_lab *lab, tcphs_side receiver)
{
    const tcphs_lab_side *side = &lab->side[receiver];
    const tcphs_record *rec = side->min_window.rec;

    if (side->min_window.frame == 0) {
        fprintf(out, "Smallest window the %s advertised: unknown (without the handshake the window scale "
                     "is not known).\n\n", tcphs_side_name(receiver));
        return;
    }
    fprintf(out, "Smallest window the %s advertised: **%" PRIu32 " bytes** in frame %" PRIu32 " (raw %u",
            tcphs_side_name(receiver), side->min_window_bytes, side->min_window.frame, rec->window);
    /* The SYN-ACK counts: its window is the receiver's first advertisement,
     * in bytes (RFC 7323 2.2: a SYN's window is never scaled, the shift
     * applies from the next segment on), so the smallest may be there. */
    if (rec->flags & TCPHS_SYN) {
        fprintf(out, ", in its %s: a SYN's window is never scaled, RFC 7323 2.2, and counts like any other",
                rec->flags & TCPHS_ACK ? "SYN-ACK" : "SYN");
        if (side->min_scaled_window.frame != 0)
            fprintf(out, "; after it, the smallest was %" PRIu32 " bytes in frame %" PRIu32 ")",
                    side->min_scaled_window_bytes, side->min_scaled_window.frame);
        else
            fprintf(out, ")");
        fprintf(out, ".\n\n");
    }
    else if (rec->wscale & TCPHS_WSCALE_CLAMPED)
        fprintf(out, " × 2^14: the offered shift is above 14 and used as 14, RFC 7323 2.3).\n\n");
    else
        fprintf(out, " × 2^%u).\n\n", rec->wscale & TCPHS_WSCALE_SHIFT_MASK);
}

/* The lab's "did the receiver's window ever throttle the sender?". */
static void write_throttling(FILE *out, const tcphs_lab *lab, tcphs_side sender)
{
    const tcphs_lab_side *side = &lab->side[sender];
    const tcphs_lab_side *peer = &lab->side[tcphs_other_side(sender)];
    const char *receiver = tcphs_side_name(tcphs_other_side(sender));
    bool zero_window = peer->min_window.frame != 0 && peer->min_window_bytes == 0;

    if (side->max_in_flight == 0) {
        fprintf(out, "Bytes in flight: unknown (no payload of the %s was sent after an ACK of the %s was "
                     "captured).\n\n", tcphs_side_name(sender), receiver);
        return;
    }
    fprintf(out, "Bytes in flight (the %s's payload sent and not yet acknowledged, as the capture shows it): "
                 "at most %" PRIu32 ", after frame %" PRIu32, tcphs_side_name(sender), side->max_in_flight,
            side->max_in_flight_row.frame);
    if (side->window_known_at_max)
        fprintf(out, ", when the %s's window was %" PRIu32 " bytes", receiver, side->window_at_max);
    fprintf(out, ".  ");
    if (zero_window)
        fprintf(out, "The window throttled the %s: the %s advertised a zero window in frame %" PRIu32
                     ", and the %s had to wait for it to open (RFC 9293, 3.8.6.1).\n\n",
                tcphs_side_name(sender), receiver, peer->min_window.frame, tcphs_side_name(sender));
    else if (side->window_full > 0)
        fprintf(out, "The window throttled the %s: %" PRIu32 " time(s) a segment left no room in it for "
                     "another of its size, first in frame %" PRIu32 ".\n\n",
                tcphs_side_name(sender), side->window_full, side->first_window_full.frame);
    else if (side->window_known_at_max)
        fprintf(out, "The window never throttled the %s: after every segment there was room for another.\n\n",
                tcphs_side_name(sender));
    else
        fprintf(out, "Whether the window throttled it is unknown: the %s's window in bytes is not known "
                     "(its scale comes from the handshake).\n\n", receiver);
}

static void write_retransmissions(FILE *out, const tcphs_lab *lab)
{
    fprintf(out, "Retransmitted segments (payload sent again):\n\n");
    for (int s = 0; s < 2; s++) {
        const tcphs_lab_side *side = &lab->side[s];
        uint32_t kept = side->retransmissions < TCPHS_LAB_RETRANSMISSIONS ? side->retransmissions
                                                                          : TCPHS_LAB_RETRANSMISSIONS;

        fprintf(out, "- %s: ", tcphs_direction_name((tcphs_side)s));
        if (side->retransmissions == 0) {
            fprintf(out, "none\n");
            continue;
        }
        fprintf(out, "frame%s", side->retransmissions > 1 ? "s" : "");
        for (uint32_t i = 0; i < kept; i++)
            fprintf(out, "%s %" PRIu32, i ? "," : "", side->retransmission_frames[i]);
        if (side->retransmissions > kept)
            fprintf(out, " and %" PRIu32 " more", side->retransmissions - kept);
        fprintf(out, "\n");
    }
    fprintf(out, "\n");
}

static void write_ack_coverage(FILE *out, const tcphs_lab *lab)
{
    fprintf(out, "How many of the other side's payload segments each ACK acknowledged (first and completely):\n\n");
    fprintf(out, "| ACKs from | 1 segment | 2 segments (delayed ACK) | 3 or more |\n|---|---|---|---|\n");
    for (int s = 0; s < 2; s++) {
        const uint32_t *c = lab->side[s].acks_covering;

        fprintf(out, "| %s | %" PRIu32 " | %" PRIu32 " | %" PRIu32 " |\n", tcphs_side_name((tcphs_side)s), c[0], c[1],
                c[2]);
    }
    fprintf(out, "\n");
}

static void write_throughput(FILE *out, const tcphs_lab *lab)
{
    fprintf(out, "Throughput = payload bytes acknowledged (each byte once) / time from the first payload "
                 "segment to the first ACK of the last acknowledged byte (none when one ACK acknowledged "
                 "all of it: that time is one ACK delay, not a transfer):\n\n");
    for (int s = 0; s < 2; s++) {
        const tcphs_lab_side *side = &lab->side[s];
        uint64_t bytes;
        int64_t ns;
        char from[32], to[32], span[32];
        double bps;

        tcphs_throughput_facts facts;
        char why[128];

        if (!tcphs_transfer_throughput_facts(tcphs_conn_transfer(lab->conn), s, &facts) ||
            side->first_payload.frame == 0) {
            fprintf(out, "- %s: none (no acknowledged payload)\n", tcphs_direction_name((tcphs_side)s));
            continue;
        }
        if (!tcphs_transfer_throughput(tcphs_conn_transfer(lab->conn), s, &bytes, &ns)) {
            tcphs_throughput_text(why, sizeof(why), &facts);
            fprintf(out, "- %s: %s\n", tcphs_direction_name((tcphs_side)s), why);
            continue;
        }
        bps = (double)bytes * 1e9 / (double)ns;
        tcphs_format_seconds_exact(from, sizeof(from), side->first_payload.rel_ns);
        tcphs_format_seconds_exact(to, sizeof(to), side->first_payload.rel_ns + ns);
        tcphs_format_seconds_exact(span, sizeof(span), ns);
        tcphs_rate_format(why, sizeof(why), bps);
        fprintf(out, "- %s: %" PRIu64 " bytes / (%s − %s s) = %" PRIu64 " / %s s = %.1f bytes/s = **%s**\n",
                tcphs_direction_name((tcphs_side)s), bytes, to, from, bytes, span, bps, why);
    }
    fprintf(out, "\n");
}

/* One arrow of the ladder.  Mermaid's message text ends at the line end;
 * it must not hold ';' or '#', which Mermaid reads as syntax. */
static void write_arrow(FILE *out, const tcphs_lab_row *row)
{
    const tcphs_record *rec = row->rec;
    char flags[TCPHS_FLAGS_STRLEN], at[32], seq[64], ack[64];
    uint32_t isn = 0;

    tcphs_flags_format(flags, sizeof(flags), rec->flags);
    tcphs_format_seconds(at, sizeof(at), row->rel_ns);
    bool known = tcphs_record_isn(rec, (tcphs_side)rec->from, &isn);

    seq_text(seq, sizeof(seq), rec->seq, known, isn);
    fprintf(out, "    %s: frame %" PRIu32 ", %s s, %s, seq %s", rec->from == TCPHS_SIDE_CLIENT ? "C->>S" : "S->>C",
            row->frame, at, flags, seq);
    if (rec->flags & TCPHS_ACK) {
        known = peer_isn(rec, &isn);
        seq_text(ack, sizeof(ack), rec->ack, known, isn);
        fprintf(out, ", ack %s", ack);
    }
    if (rec->len)
        fprintf(out, ", len %" PRIu32, rec->len);
    fprintf(out, "\n");
}

static void write_ladder(FILE *out, const tcphs_lab *lab)
{
    char client[TCPHS_ENDPOINT_STRLEN], server[TCPHS_ENDPOINT_STRLEN];
    uint32_t data_kept = lab->data_count < TCPHS_LAB_LADDER_DATA ? lab->data_count : TCPHS_LAB_LADDER_DATA;
    uint32_t teardown_kept = lab->teardown_count < TCPHS_LAB_LADDER_TEARDOWN ? lab->teardown_count
                                                                             : TCPHS_LAB_LADDER_TEARDOWN;

    tcphs_endpoint_format(client, sizeof(client), &lab->conn->client);
    tcphs_endpoint_format(server, sizeof(server), &lab->conn->server);
    fprintf(out, "Time-sequence ladder (raw and relative seq/ack on each arrow):\n\n");
    fprintf(out, "```mermaid\nsequenceDiagram\n");
    fprintf(out, "    participant C as Client %s\n    participant S as Server %s\n", client, server);
    for (uint32_t i = 0; i < lab->handshake_count; i++)
        write_arrow(out, &lab->handshake[i]);
    for (uint32_t i = 0; i < data_kept; i++)
        write_arrow(out, &lab->data[i]);
    if (lab->data_count > data_kept)
        fprintf(out, "    Note over C,S: %" PRIu32 " more segments\n", lab->data_count - data_kept);
    for (uint32_t i = 0; i < teardown_kept; i++)
        write_arrow(out, &lab->teardown[i]);
    if (lab->teardown_count > teardown_kept)
        fprintf(out, "    Note over C,S: %" PRIu32 " more segments\n", lab->teardown_count - teardown_kept);
    fprintf(out, "```\n\n");
}

void tcphs_write_lab_transfer(FILE *out, const tcphs_lab *lab)
{
    tcphs_side sender;

    if (lab->side[0].first_payload.frame == 0 && lab->side[1].first_payload.frame == 0)
        return;
    sender = bigger_sender(lab->conn);
    fprintf(out, "### Data transfer: the lab's questions\n\n");
    write_first_payloads(out, lab);
    write_segment_table(out, lab, sender);
    write_window(out, lab, tcphs_other_side(sender));
    write_throttling(out, lab, sender);
    write_retransmissions(out, lab);
    write_ack_coverage(out, lab);
    write_throughput(out, lab);
    write_ladder(out, lab);
}
